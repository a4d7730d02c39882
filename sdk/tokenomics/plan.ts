/**
 * One epoch's emission end to end: utility → allowed emission → funding → split. This is what the
 * epoch runner submits and what the contract recomputes and enforces.
 */
import { allowedEmission, fundEmission, unmetQuota } from "./emission";
import { assertValidPolicy, DEFAULT_EMISSION_POLICY } from "./policy";
import { splitEmission } from "./split";
import { utility } from "./utility";
import type { EmissionFunding, EmissionPolicy, EmissionSplit, EpochMetrics } from "./types";

/** Input of {@link planEpochEmission}. */
export interface EpochEmissionInput {
  /** The epoch being distributed. */
  epoch: bigint;
  /** Its metrics (see `epochMetrics`). */
  metrics: EpochMetrics;
  /** MDT held by the recycling pool. */
  recyclingPool: bigint;
  /** Current MDT total supply. */
  totalSupply: bigint;
  /** Policy; default {@link DEFAULT_EMISSION_POLICY}. */
  policy?: EmissionPolicy;
}

/** Everything the runner needs to distribute an epoch. */
export interface EpochEmissionPlan extends EmissionFunding {
  /** Utility score, WAD-scaled. */
  utility: bigint;
  /** Emission the policy allows for this epoch and utility. */
  allowed: bigint;
  /** Part of the epoch's quota not emitted because utility < 1. */
  unmetQuota: bigint;
  /** The funded emission split between miners, validators and the DAO. */
  split: EmissionSplit;
}

/** Computes an epoch's utility, emission, funding and split. */
export function planEpochEmission(input: EpochEmissionInput): EpochEmissionPlan {
  const policy = input.policy ?? DEFAULT_EMISSION_POLICY;
  assertValidPolicy(policy);
  const u = utility(input.metrics, policy);
  const allowed = allowedEmission(input.epoch, u, policy);
  const funding = fundEmission({
    allowed,
    recyclingPool: input.recyclingPool,
    totalSupply: input.totalSupply,
    supplyCap: policy.supplyCap,
  });
  return {
    utility: u,
    allowed,
    unmetQuota: unmetQuota(input.epoch, u, policy),
    ...funding,
    split: splitEmission(funding.emission, policy.shares),
  };
}
