/**
 * Pure tokenomics math of ModernTensor: exact integer arithmetic on `bigint` in 18-decimal fixed point
 * (WAD = 1e18), no floats anywhere, integer division floors. Each function computes exactly what the
 * contracts compute, so SDK and chain agree to the wei.
 *
 * Flow of an epoch (DESIGN.md §2):
 *   task reports + participation → `epochMetrics` → `utility` → `allowedEmission` (halving)
 *   → `fundEmission` (recycling pool first, mint up to the cap) → `splitEmission` (DAO takes the dust)
 *   → `scoreMiners` + `proportionalSplit` for per-recipient amounts (see `sdk/rewards` for the tree).
 * `planEpochEmission` runs the first four steps in one call. Invalid input throws `ModernTensorError`.
 */
export * from "./constants";
export * from "./types";
export { DEFAULT_EMISSION_POLICY, DEFAULT_EMISSION_SHARES, DEFAULT_UTILITY_WEIGHTS, assertValidPolicy, assertValidShares } from "./policy";
export { taskRatio, utility, assertValidUtility } from "./utility";
export { participation, aggregateTaskReports, epochMetrics, type EpochMetricsInput } from "./metrics";
export { halvings, fullEmission, allowedEmission, unmetQuota, fundEmission, type FundEmissionInput } from "./emission";
export { splitEmission, proportionalSplit } from "./split";
export { scoreMiners } from "./scoring";
export { splitValidatorReward, type ShareHolder, type ValidatorRewardInput } from "./delegation";
export { slash, slashValidator, type SlashValidatorInput, type SlashValidatorResult, type UnbondingPoolState } from "./slashing";
export { assertCommission, commissionChange, applyCommissionChange, commissionAt, type CommissionChange } from "./commission";
export { splitRegistrationFee } from "./fees";
export { planEpochEmission, type EpochEmissionInput, type EpochEmissionPlan } from "./plan";
