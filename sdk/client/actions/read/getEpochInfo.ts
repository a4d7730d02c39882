/** Where the chain is in the epoch cycle. */
import { read } from "../../call";
import type { Client } from "../../types";

/** Result of {@link getEpochInfo}. */
export interface GetEpochInfoReturnType {
  /** Latest block number. */
  blockNumber: bigint;
  /** The epoch of the latest block. */
  currentEpoch: bigint;
  /** Blocks per epoch (from the next boundary on). */
  epochLength: bigint;
  /** First block of the next epoch. */
  nextEpochStartBlock: bigint;
}

/** Reads the current epoch, its length and when the next one starts. */
export async function getEpochInfo(client: Client): Promise<GetEpochInfoReturnType> {
  const { clock } = client.contracts;
  const [blockNumber, currentEpoch, epochLength] = await Promise.all([
    read(client, "eth_blockNumber", () => client.provider.getBlockNumber()),
    read(client, "EpochClock.currentEpoch", () => clock.currentEpoch()),
    read(client, "EpochClock.epochLength", () => clock.epochLength()),
  ]);
  const nextEpochStartBlock = await read(client, "EpochClock.epochStartBlock", () => clock.epochStartBlock(currentEpoch + 1n));
  return { blockNumber: BigInt(blockNumber), currentEpoch, epochLength, nextEpochStartBlock };
}
