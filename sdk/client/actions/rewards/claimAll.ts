/** Claims every claimable epoch of an account in one `claimMany` transaction. */
import { requireSigner, write } from "../../call";
import { clientError } from "../../errors";
import { getClaimable } from "./getClaimable";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link claimAll}. */
export interface ClaimAllParameters {
  /** Default: the caller. */
  account?: string;
}

/** Result of {@link claimAll}. */
export interface ClaimAllReturnType extends TxResult {
  account: string;
  /** The epochs claimed and their amounts. */
  claims: { epoch: bigint; amount: bigint }[];
  /** Σ amounts. */
  total: bigint;
}

/** Claims every reward that is neither claimed nor expired; NOTHING_TO_CLAIM when there is none. */
export async function claimAll(client: Client, params: ClaimAllParameters = {}): Promise<ClaimAllReturnType> {
  requireSigner(client, "claimAll");
  const found = await getClaimable(client, params);
  const open = found.rewards.filter((r) => !r.claimed && !r.expired);
  if (open.length === 0) {
    throw clientError("NOTHING_TO_CLAIM", `${found.account} has nothing to claim (checked ${found.rewards.length} stored rewards)`, { account: found.account });
  }
  const batch = open.map((r) => ({ epoch: r.epoch, index: r.index, account: found.account, amount: r.amount, proof: r.proof }));
  const { distributor } = client.contracts;
  const tx = await write(client, "RewardDistributor.claimMany", () => distributor.claimMany(batch));
  return {
    ...tx,
    account: found.account,
    claims: open.map((r) => ({ epoch: r.epoch, amount: r.amount })),
    total: found.claimable,
  };
}
