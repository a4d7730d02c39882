/** Options, steps and results of the epoch runner. */
import type { RunnerMetrics } from "./metrics";
import type { Logger } from "./logger";

/** The steps of settling one epoch, in order ("submit"/"receipt" are the attestation transaction). */
export const RUNNER_STEPS = ["collect", "compute", "persist", "submit", "receipt", "verify", "mark"] as const;

/** One of {@link RUNNER_STEPS}. */
export type RunnerStep = (typeof RUNNER_STEPS)[number];

/** Test seams: called after each step completes; a hook that throws simulates a crash right there. */
export interface RunnerHooks {
  afterStep?: (step: RunnerStep, epoch: bigint) => void | Promise<void>;
}

/** Options of `runEpochs`. */
export interface RunEpochsOptions {
  /** First epoch to consider; default the stored cursor (first epoch not yet done), else 0. */
  fromEpoch?: bigint;
  /** Stop after this many epochs were processed (anything but skipped); default: all finished ones. */
  maxEpochs?: number;
  /** κ of miner scoring (WAD); default 0.5. Every validator must use the same κ, or roots differ. */
  kappa?: bigint;
  /** Step logs; default JSON lines on stderr. */
  logger?: Logger;
  /** Prometheus metrics, or null/undefined for none. */
  metrics?: RunnerMetrics | null;
  hooks?: RunnerHooks;
}

/** What happened to one epoch. */
export type EpochOutcome =
  /** This run's attestation took the epoch's root above 2/3 of its active stake: funded and verified. */
  | "distributed"
  /** Attested by this run (or earlier); waiting for validators holding more stake to attest. */
  | "attested"
  /** Found accepted on-chain with the root of a tree stored or recomputed here: recorded as done. */
  | "marked"
  /** The epoch had no active validator, so nothing is ever funded for it: recorded as done. */
  | "empty"
  /** The caller cannot attest it (not in its active set, or its inputs are not final yet); not accepted yet. */
  | "waiting"
  /** Already recorded as done. */
  | "skipped";

/** One epoch's result. */
export interface EpochResult {
  epoch: bigint;
  outcome: EpochOutcome;
  root: string;
  /** Emission of the epoch as computed by this run (0 when nothing was computed). */
  emission: bigint;
  txHash: string | null;
}

/** Result of `runEpochs`. */
export interface RunEpochsResult {
  /** The current epoch when the run started (every earlier one was considered). */
  currentEpoch: bigint;
  /** Per-epoch results, ascending. */
  epochs: EpochResult[];
  /** The first epoch not yet done (accepted and verified) after this run. */
  nextEpoch: bigint;
}
