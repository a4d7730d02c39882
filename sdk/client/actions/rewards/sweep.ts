/** Moves an epoch's unclaimed rewards to the recycling pool once its claim window has closed. */
import { read, requireSigner, write } from "../../call";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link sweep}. */
export interface SweepParameters {
  /** The distributed epoch whose claim window has closed. */
  epoch: bigint;
}

/** Result of {@link sweep}. */
export interface SweepReturnType extends TxResult {
  epoch: bigint;
  /** MDT moved to the recycling pool (funded − claimed). */
  amount: bigint;
}

/**
 * Sweeps `epoch`; anyone may call it. Reverts with EpochNotDistributed, ClaimWindowOpen(epoch,
 * deadline) or AlreadySwept, named in the thrown ClientError.
 */
export async function sweep(client: Client, params: SweepParameters): Promise<SweepReturnType> {
  requireSigner(client, "sweep");
  const { distributor } = client.contracts;
  const record = await read(client, "RewardDistributor.epochReward", () => distributor.epochReward(params.epoch));
  const tx = await write(client, "RewardDistributor.sweep", () => distributor.sweep(params.epoch));
  return { ...tx, epoch: params.epoch, amount: record.funded - record.claimed };
}
