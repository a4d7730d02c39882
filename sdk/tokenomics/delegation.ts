/**
 * A validator's reward shared with its delegators. The operator first keeps `take` (a WAD fraction,
 * floored); the rest is split pro rata by the shares each account holds in the validator's stake pool
 * (the operator's own self-stake included), with `proportionalSplit`'s largest-remainder rule. The
 * parts sum to the reward exactly. Without share holders the operator receives everything.
 */
import { WAD } from "./constants";
import { assertAddress, assertNonNegative, assertWadFraction } from "./assert";
import { proportionalSplit } from "./split";
import type { Allocation } from "./types";

/** An account's shares in a validator's stake pool. */
export interface ShareHolder {
  /** Delegator (or the operator itself, for its self-stake). */
  account: string;
  /** Pool shares held (StakingManager.sharesOf); the weight of its part of the reward. */
  shares: bigint;
}

/** Input of {@link splitValidatorReward}. */
export interface ValidatorRewardInput {
  /** The validator's reward from the validators' pool, in wei. */
  reward: bigint;
  /** The validator (operator) address: receives the take and any undistributable rest. */
  validator: string;
  /** Holders of the validator's pool shares at the start of the epoch. */
  holders: readonly ShareHolder[];
  /** Operator's take as a WAD fraction in [0, 1e18]. */
  take: bigint;
}

/** Splits one validator's reward between its operator and its share holders; sums to `reward`. */
export function splitValidatorReward(input: ValidatorRewardInput): Allocation[] {
  const { reward, validator, holders, take } = input;
  assertNonNegative("reward", reward);
  assertAddress("validator", validator);
  assertWadFraction("take", take);
  const operatorTake = (reward * take) / WAD;
  const rest = reward - operatorTake;
  const shared = proportionalSplit(
    rest,
    holders.map((h) => ({ account: h.account, weight: h.shares })),
  );
  const paid = shared.reduce((sum, a) => sum + a.amount, 0n);
  // No holder with shares: nobody to share with, the operator keeps the whole reward.
  return [{ account: validator, amount: operatorTake + (rest - paid) }, ...shared];
}
