/**
 * The demo's workload over time: task volume and difficulty follow slow waves (so utility, and with it
 * the emission, visibly rise and fall), and one validator skips every third epoch (participation).
 * Deterministic in the epoch number, so a restarted demo continues the same curves.
 */
import { WAD } from "../../sdk/tokenomics/constants";

/** What the validators report in one epoch. */
export interface EpochWorkload {
  /** Tasks each reporting validator saw (before its own small deviation). */
  tasks: bigint;
  /** Average difficulty, WAD. */
  difficulty: bigint;
  /** Index (into the active set) of a validator that sits this epoch out, or -1. */
  skip: number;
}

/** The workload of `epoch`. Floats only shape the inputs; everything sent on-chain is an integer. */
export function workloadOf(epoch: bigint): EpochWorkload {
  const e = Number(epoch % 10_000n);
  const volume = 0.5 + 0.45 * Math.sin(e / 3);
  const hardness = 0.55 + 0.35 * Math.cos(e / 5);
  return {
    tasks: BigInt(Math.round(1_000 + 8_000 * volume)),
    difficulty: (BigInt(Math.round(hardness * 1_000)) * WAD) / 1_000n,
    skip: e % 3 === 2 ? 1 : -1,
  };
}

/** Validator `i`'s weights over `miners`: mostly agreeing, with miner quality drifting by epoch. */
export function weightsOf(epoch: bigint, validatorIndex: number, miners: readonly string[]): { miner: string; weight: bigint }[] {
  const e = Number(epoch % 10_000n);
  return miners.map((miner, m) => {
    const quality = 1 + m + ((m + e) % 4); // some miners do better in some epochs
    const opinion = validatorIndex === 2 && m === 0 ? 40 : quality; // one validator overrates a miner: κ-clipping limits it
    return { miner, weight: BigInt(opinion * 100) };
  });
}
