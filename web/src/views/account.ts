/**
 * The account page: balances (SDK getBalances), stake per validator, and the account's reward in each
 * verified tree with its on-chain status (claimed, expired, claimable).
 */
import { getBalances } from "../../../sdk/client/actions/read/getBalances";
import { read } from "../../../sdk/client/call";
import type { Client } from "../../../sdk/client/types";
import { getRewardProof } from "../../../sdk/rewards/proof";
import type { RewardClaim, RewardTree } from "../../../sdk/rewards/types";
import { mdt } from "../format";
import { setText, td } from "../dom";

/** One reward of the account. */
export interface AccountReward {
  claim: RewardClaim;
  claimed: boolean;
  expired: boolean;
}

/** The account's rewards in the verified trees, oldest first. */
export async function accountRewards(client: Client, account: string, trees: ReadonlyMap<bigint, RewardTree>): Promise<AccountReward[]> {
  const { distributor, clock } = client.contracts;
  const current = await read(client, "EpochClock.currentEpoch", () => clock.currentEpoch());
  const out: AccountReward[] = [];
  for (const [epoch, tree] of [...trees.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!tree.leafIndex.has(account.toLowerCase())) continue;
    const claim = getRewardProof(tree, account);
    const [claimed, record] = await Promise.all([
      read(client, "RewardDistributor.isClaimed", () => distributor.isClaimed(epoch, claim.index)),
      read(client, "RewardDistributor.epochReward", () => distributor.epochReward(epoch)),
    ]);
    out.push({ claim, claimed, expired: current > record.claimDeadline });
  }
  return out;
}

/** Draws the Account section for `account`; `onClaim` is wired to each claimable row (null: read-only). */
export async function renderAccount(
  client: Client,
  account: string,
  validators: readonly string[],
  trees: ReadonlyMap<bigint, RewardTree>,
  onClaim: ((r: AccountReward) => void) | null,
): Promise<AccountReward[]> {
  const { staking } = client.contracts;
  const [bal, stakes, rewards] = await Promise.all([
    getBalances(client, { account }),
    Promise.all(validators.map((v) => read(client, "StakingManager.stakeOf", () => staking.stakeOf(v, account)))),
    accountRewards(client, account, trees),
  ]);
  setText("acct-address", account);
  setText("acct-mdt", mdt(bal.mdt, 4));
  setText("acct-lux", mdt(bal.lux, 4, "LUX"));
  setText("acct-staked", mdt(bal.staked, 4));
  setText("acct-unbonding", mdt(bal.unbonding, 4));
  setText("acct-withdrawable", mdt(bal.withdrawable, 4));
  setText("account-note", onClaim ? "Your wallet's account." : "Read-only view: connect a wallet on the right chain to act.");
  document.getElementById("delegations-body")?.replaceChildren(
    ...validators
      .map((v, i) => ({ v, s: stakes[i] }))
      .filter((d) => d.s > 0n)
      .map((d) => {
        const tr = document.createElement("tr");
        tr.append(td(d.v, "addr"), td(mdt(d.s, 4)));
        return tr;
      }),
  );
  document.getElementById("rewards-body")?.replaceChildren(
    ...rewards.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.epoch = String(r.claim.epoch);
      const status = r.claimed ? "claimed" : r.expired ? "expired" : "claimable";
      const cell = document.createElement("td");
      if (status === "claimable" && onClaim) {
        const b = document.createElement("button");
        b.textContent = "Claim";
        b.className = "claim";
        b.addEventListener("click", () => onClaim(r));
        cell.append(b);
      }
      tr.append(td(String(r.claim.epoch)), td(mdt(r.claim.amount, 6)), td(status), cell);
      return tr;
    }),
  );
  return rewards;
}
