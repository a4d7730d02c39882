/** Builds an epoch's metrics (the utility inputs) from what validators reported on-chain. */
import { ModernTensorError } from "../errors";
import { assertNonNegative, assertWadFraction } from "./assert";
import { WAD } from "./constants";
import type { EpochMetrics, TaskAggregate, TaskReport } from "./types";

/** Share of the active validators that submitted weights, WAD-scaled (0 with no active validators). */
export function participation(weightSubmitters: bigint, activeValidatorCount: bigint): bigint {
  assertNonNegative("weightSubmitters", weightSubmitters);
  assertNonNegative("activeValidatorCount", activeValidatorCount);
  if (weightSubmitters > activeValidatorCount) {
    throw new ModernTensorError(
      "INVALID_METRICS",
      `weightSubmitters (${weightSubmitters}) must not exceed activeValidatorCount (${activeValidatorCount})`,
      { details: { weightSubmitters, activeValidatorCount } },
    );
  }
  return activeValidatorCount === 0n ? 0n : (weightSubmitters * WAD) / activeValidatorCount;
}

/**
 * Task volume = mean of the reported task counts; difficulty = mean of the reported difficulties
 * weighted by task count (a validator that saw more tasks says more about their difficulty).
 */
export function aggregateTaskReports(reports: readonly TaskReport[]): TaskAggregate {
  let totalTasks = 0n;
  let weightedDifficulty = 0n;
  reports.forEach((report, i) => {
    assertNonNegative(`reports[${i}].taskCount`, report.taskCount);
    assertWadFraction(`reports[${i}].difficulty`, report.difficulty, "INVALID_METRICS");
    totalTasks += report.taskCount;
    weightedDifficulty += report.taskCount * report.difficulty;
  });
  if (reports.length === 0) return { tasks: 0n, difficulty: 0n };
  return {
    tasks: totalTasks / BigInt(reports.length),
    difficulty: totalTasks === 0n ? 0n : weightedDifficulty / totalTasks,
  };
}

/** Input of {@link epochMetrics}. */
export interface EpochMetricsInput {
  /** The validators' task reports for the epoch. */
  reports: readonly TaskReport[];
  /** Number of active validators that submitted weights for the epoch. */
  weightSubmitters: bigint;
  /** Size of the epoch's active validator set. */
  activeValidatorCount: bigint;
}

/** The utility inputs of an epoch. */
export function epochMetrics(input: EpochMetricsInput): EpochMetrics {
  const { tasks, difficulty } = aggregateTaskReports(input.reports);
  return { tasks, difficulty, participation: participation(input.weightSubmitters, input.activeValidatorCount) };
}
