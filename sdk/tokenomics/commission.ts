/**
 * Operator commission as StakingManager stores it: a history of (fromEpoch, commission) changes per
 * validator. A change made in epoch e applies from e + COMMISSION_DELAY_EPOCHS; a second change made in
 * the same epoch replaces the first; the rate of an epoch is the latest change that applies by then
 * (0 before the first one, i.e. before the validator registered). The reward tree takes the operator's
 * cut of an epoch with `commissionAt(history, epoch)` (see `splitValidatorReward`).
 */
import { ModernTensorError } from "../errors";
import { assertEpoch, assertWadFraction } from "./assert";
import { COMMISSION_DELAY_EPOCHS, MAX_COMMISSION } from "./constants";

/** One entry of a validator's commission history. */
export interface CommissionChange {
  /** First epoch the commission applies to. */
  fromEpoch: bigint;
  /** Commission as a WAD fraction in [0, MAX_COMMISSION]. */
  commission: bigint;
}

/** Throws COMMISSION_TOO_HIGH (or INVALID_FRACTION below 0) unless `commission` is in [0, MAX_COMMISSION]. */
export function assertCommission(commission: bigint): void {
  assertWadFraction("commission", commission);
  if (commission > MAX_COMMISSION) {
    throw new ModernTensorError(
      "COMMISSION_TOO_HIGH",
      `commission ${commission} is above the maximum ${MAX_COMMISSION} (50%); pick a lower rate`,
      { details: { commission, max: MAX_COMMISSION } },
    );
  }
}

/** The change `setCommission(commission)` makes when sent in `currentEpoch`. */
export function commissionChange(currentEpoch: bigint, commission: bigint): CommissionChange {
  assertEpoch(currentEpoch);
  assertCommission(commission);
  return { fromEpoch: currentEpoch + COMMISSION_DELAY_EPOCHS, commission };
}

/** Appends `change` to `history` as the contract does (same fromEpoch: replaces). Returns a new array. */
export function applyCommissionChange(history: readonly CommissionChange[], change: CommissionChange): CommissionChange[] {
  const last = history[history.length - 1];
  if (last !== undefined && change.fromEpoch < last.fromEpoch) {
    throw new ModernTensorError("INVALID_EPOCH", `commission changes must come in epoch order (${change.fromEpoch} < ${last.fromEpoch})`, {
      details: { fromEpoch: change.fromEpoch, last: last.fromEpoch },
    });
  }
  if (last !== undefined && change.fromEpoch === last.fromEpoch) return [...history.slice(0, -1), change];
  return [...history, change];
}

/** The commission in force in `epoch` given the validator's history (ordered by fromEpoch). */
export function commissionAt(history: readonly CommissionChange[], epoch: bigint): bigint {
  assertEpoch(epoch);
  let rate = 0n;
  for (const change of history) {
    if (change.fromEpoch > epoch) break;
    rate = change.commission;
  }
  return rate;
}
