/**
 * The utility score U in [0, 1e18]: how useful the network was this epoch.
 * U = min(1, wTask·min(tasks/maxTasks, 1) + wDifficulty·difficulty + wParticipation·participation),
 * with a single division at the end so the SDK and the contract round identically.
 */
import { ModernTensorError } from "../errors";
import { assertNonNegative, assertWadFraction } from "./assert";
import { WAD } from "./constants";
import { assertValidPolicy, DEFAULT_EMISSION_POLICY } from "./policy";
import type { EmissionPolicy, EpochMetrics } from "./types";

/** min(tasks / maxTasks, 1), WAD-scaled (floor). */
export function taskRatio(tasks: bigint, maxTasks: bigint): bigint {
  assertNonNegative("tasks", tasks);
  if (maxTasks <= 0n) {
    throw new ModernTensorError("INVALID_POLICY", `maxTasks must be > 0, got ${maxTasks}`, { details: { maxTasks } });
  }
  return tasks >= maxTasks ? WAD : (tasks * WAD) / maxTasks;
}

/** The epoch's utility score, WAD-scaled in [0, WAD]. */
export function utility(metrics: EpochMetrics, policy: EmissionPolicy = DEFAULT_EMISSION_POLICY): bigint {
  assertValidPolicy(policy);
  assertWadFraction("difficulty", metrics.difficulty, "INVALID_METRICS");
  assertWadFraction("participation", metrics.participation, "INVALID_METRICS");
  const { weights } = policy;
  const weighted =
    weights.task * taskRatio(metrics.tasks, policy.maxTasks) +
    weights.difficulty * metrics.difficulty +
    weights.participation * metrics.participation;
  const score = weighted / WAD;
  // Weights sum to WAD and each input is <= WAD, so this cap never binds today; it keeps U <= 1
  // should the contract ever accept weights that do not sum to one.
  return score > WAD ? WAD : score;
}

/** Throws INVALID_UTILITY unless `u` is in [0, WAD]. */
export function assertValidUtility(u: bigint): void {
  assertWadFraction("utility", u, "INVALID_UTILITY");
}
