/**
 * Builds an epoch's metrics (the utility inputs) from what validators reported on-chain, weighted by
 * stake exactly as `SubnetRegistry.epochMetrics` does:
 *
 *   tasks         = Σ stake_i · min(taskCount_i, taskCap) / activeStake
 *   difficulty    = Σ stake_i · difficulty_i              / activeStake
 *   participation = Σ stake of weight submitters · 1e18   / activeStake
 *
 * Every sum runs over the epoch's active set, so a validator that does not report counts as reporting
 * nothing. Each metric is a stake-weighted mean of bounded values, hence a validator holding a share s
 * of the active stake moves each of them — and the utility, a convex combination of them capped at 1 —
 * by at most s (times the term's range). See `utilityBound` and the property tests.
 */
import { ModernTensorError } from "../errors";
import { assertNonNegative, assertWadFraction } from "./assert";
import { WAD } from "./constants";
import type { EpochMetrics, TaskAggregate, TaskReport } from "./types";

function assertStakeWithin(name: string, part: bigint, activeStake: bigint): void {
  assertNonNegative(name, part);
  assertNonNegative("activeStake", activeStake);
  if (part > activeStake) {
    throw new ModernTensorError("INVALID_METRICS", `${name} (${part}) must not exceed activeStake (${activeStake})`, {
      details: { [name]: part, activeStake },
    });
  }
}

/** Stake of the validators whose weights count over the active stake, WAD-scaled (0 with no stake). */
export function participation(weightStake: bigint, activeStake: bigint): bigint {
  assertStakeWithin("weightStake", weightStake, activeStake);
  return activeStake === 0n ? 0n : (weightStake * WAD) / activeStake;
}

/**
 * Stake-weighted task volume and difficulty over the active stake. `taskCap` (the registry's
 * `taskCap`) bounds what one report counts; omit it for reports that are already capped (the
 * `countedTasks` of the on-chain events).
 */
export function aggregateTaskReports(reports: readonly TaskReport[], activeStake: bigint, taskCap?: bigint): TaskAggregate {
  if (taskCap !== undefined && taskCap <= 0n) {
    throw new ModernTensorError("INVALID_METRICS", `taskCap must be > 0, got ${taskCap}`, { details: { taskCap } });
  }
  let taskSum = 0n;
  let difficultySum = 0n;
  let reportStake = 0n;
  reports.forEach((report, i) => {
    assertNonNegative(`reports[${i}].taskCount`, report.taskCount);
    assertNonNegative(`reports[${i}].stake`, report.stake);
    assertWadFraction(`reports[${i}].difficulty`, report.difficulty, "INVALID_METRICS");
    const counted = taskCap !== undefined && report.taskCount > taskCap ? taskCap : report.taskCount;
    taskSum += report.stake * counted;
    difficultySum += report.stake * report.difficulty;
    reportStake += report.stake;
  });
  assertStakeWithin("the reporters' stake", reportStake, activeStake);
  if (activeStake === 0n) return { tasks: 0n, difficulty: 0n };
  return { tasks: taskSum / activeStake, difficulty: difficultySum / activeStake };
}

/** Input of {@link epochMetrics}. */
export interface EpochMetricsInput {
  /** The validators' task reports for the epoch, each with its reporter's active-set stake. */
  reports: readonly TaskReport[];
  /** Active-set stake of the validators whose weights count (submitted, or revealed). */
  weightStake: bigint;
  /** Total stake of the epoch's active set. */
  activeStake: bigint;
  /** Most tasks one report counts; omit when the reports are already capped. */
  taskCap?: bigint;
}

/** The utility inputs of an epoch. */
export function epochMetrics(input: EpochMetricsInput): EpochMetrics {
  const { tasks, difficulty } = aggregateTaskReports(input.reports, input.activeStake, input.taskCap);
  return { tasks, difficulty, participation: participation(input.weightStake, input.activeStake) };
}
