/** The default emission policy and its validation. */
import { ModernTensorError } from "../errors";
import {
  DEFAULT_BASE_REWARD,
  DEFAULT_DAO_SHARE,
  DEFAULT_DIFFICULTY_WEIGHT,
  DEFAULT_HALVING_INTERVAL,
  DEFAULT_MAX_TASKS,
  DEFAULT_MINER_SHARE,
  DEFAULT_PARTICIPATION_WEIGHT,
  DEFAULT_SUPPLY_CAP,
  DEFAULT_TASK_WEIGHT,
  DEFAULT_VALIDATOR_SHARE,
  WAD,
} from "./constants";
import type { EmissionPolicy, EmissionShares, UtilityWeights } from "./types";

/** The default utility weights (0.5, 0.3, 0.2). */
export const DEFAULT_UTILITY_WEIGHTS: Readonly<UtilityWeights> = Object.freeze({
  task: DEFAULT_TASK_WEIGHT,
  difficulty: DEFAULT_DIFFICULTY_WEIGHT,
  participation: DEFAULT_PARTICIPATION_WEIGHT,
});

/** The default emission shares (miners 0.4, validators 0.4, DAO 0.2). */
export const DEFAULT_EMISSION_SHARES: Readonly<EmissionShares> = Object.freeze({
  miner: DEFAULT_MINER_SHARE,
  validator: DEFAULT_VALIDATOR_SHARE,
  dao: DEFAULT_DAO_SHARE,
});

/** The default policy of DESIGN.md §2 (1000 MDT per epoch, halving every 210,000 epochs, 21M cap). */
export const DEFAULT_EMISSION_POLICY: Readonly<EmissionPolicy> = Object.freeze({
  baseReward: DEFAULT_BASE_REWARD,
  halvingInterval: DEFAULT_HALVING_INTERVAL,
  maxTasks: DEFAULT_MAX_TASKS,
  weights: DEFAULT_UTILITY_WEIGHTS,
  shares: DEFAULT_EMISSION_SHARES,
  supplyCap: DEFAULT_SUPPLY_CAP,
});

function invalidPolicy(message: string, details: Record<string, unknown>): ModernTensorError<"INVALID_POLICY"> {
  return new ModernTensorError("INVALID_POLICY", message, { details });
}

function assertPositive(name: string, value: bigint): void {
  if (value <= 0n) throw invalidPolicy(`${name} must be > 0, got ${value}`, { [name]: value });
}

/** Checks that each part is in [0, WAD] and that the parts sum to exactly WAD. */
function assertPartition(group: string, parts: Readonly<Record<string, bigint>>): void {
  let sum = 0n;
  for (const [key, value] of Object.entries(parts)) {
    if (value < 0n || value > WAD) {
      throw invalidPolicy(`${group}.${key} must be in [0, 1e18], got ${value}`, { [`${group}.${key}`]: value });
    }
    sum += value;
  }
  if (sum !== WAD) {
    throw invalidPolicy(`${group} must sum to exactly 1e18, got ${sum}`, { [group]: parts, sum });
  }
}

/** Throws INVALID_POLICY unless every parameter is in range and weights and shares each sum to 1e18. */
export function assertValidPolicy(policy: EmissionPolicy): void {
  assertPositive("baseReward", policy.baseReward);
  assertPositive("halvingInterval", policy.halvingInterval);
  assertPositive("maxTasks", policy.maxTasks);
  assertPositive("supplyCap", policy.supplyCap);
  if (policy.baseReward > policy.supplyCap) {
    throw invalidPolicy(`baseReward (${policy.baseReward}) must not exceed supplyCap (${policy.supplyCap})`, {
      baseReward: policy.baseReward,
      supplyCap: policy.supplyCap,
    });
  }
  assertPartition("weights", { ...policy.weights });
  assertPartition("shares", { ...policy.shares });
}

/** Throws INVALID_POLICY unless the shares are each in [0, WAD] and sum to exactly 1e18. */
export function assertValidShares(shares: EmissionShares): void {
  assertPartition("shares", { ...shares });
}
