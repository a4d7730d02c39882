/** Lists an account's rewards in every epoch whose tree is in the data directory. */
import { getRewardProof } from "../../../rewards";
import { isModernTensorError } from "../../../errors";
import { read } from "../../call";
import { clientError } from "../../errors";
import { clientDataDir, findTree, storedEpochs } from "../../rewardStore";
import { requireAddress } from "../../validate";
import type { Client } from "../../types";

/** Parameters of {@link getClaimable}. */
export interface GetClaimableParameters {
  /** Default: the client's account. */
  account?: string;
}

/** One epoch's reward of the account. */
export interface ClaimableReward {
  epoch: bigint;
  /** Leaf index in the epoch's tree (the contract's claimed bit). */
  index: bigint;
  amount: bigint;
  proof: string[];
  /** Already claimed. */
  claimed: boolean;
  /** The claim window has closed. */
  expired: boolean;
}

/** Result of {@link getClaimable}: every reward found, and the sum of those still claimable. */
export interface GetClaimableReturnType {
  account: string;
  rewards: ClaimableReward[];
  /** Σ amount of rewards neither claimed nor expired. */
  claimable: bigint;
}

/** The account: the given one, or the client's. */
export function resolveAccount(client: Client, account: string | undefined): string {
  if (account !== undefined) return requireAddress("account", account);
  if (client.account === null) throw clientError("INVALID_ARGUMENT", "no account given and the client has no signer");
  return client.account;
}

/** Rewards of the account, checked against the chain (distributed root, claimed, deadline). */
export async function getClaimable(client: Client, params: GetClaimableParameters = {}): Promise<GetClaimableReturnType> {
  const account = resolveAccount(client, params.account);
  const { distributor, clock } = client.contracts;
  const dir = clientDataDir(client);
  const current = await read(client, "EpochClock.currentEpoch", () => clock.currentEpoch());
  const rewards: ClaimableReward[] = [];
  for (const epoch of storedEpochs(dir)) {
    const record = await read(client, "RewardDistributor.epochReward", () => distributor.epochReward(epoch));
    if (!record.distributed) continue;
    const tree = findTree(dir, epoch, record.root);
    if (tree === null) continue;
    let claim;
    try {
      claim = getRewardProof(tree, account);
    } catch (error) {
      if (isModernTensorError(error, "ACCOUNT_NOT_IN_TREE")) continue;
      throw error;
    }
    const claimed = await read(client, "RewardDistributor.isClaimed", () => distributor.isClaimed(epoch, claim.index));
    rewards.push({ epoch, index: claim.index, amount: claim.amount, proof: claim.proof, claimed, expired: current > record.claimDeadline });
  }
  const claimable = rewards.filter((r) => !r.claimed && !r.expired).reduce((sum, r) => sum + r.amount, 0n);
  return { account, rewards, claimable };
}
