/**
 * Slashing: a fraction of a validator's stake is taken, part burned and the rest recycled. An offence
 * in epoch i reaches the validator's bonded pool and every unbonding pool that started in or after i and
 * has not matured (release epoch > current), each cut by the fraction (floored); the burned part is
 * taken from the sum, the recycling pool gets the rest (with the dust), as StakingManager does.
 */
import { assertEpoch, assertNonNegative, assertWadFraction } from "./assert";
import { DEFAULT_SLASH_BURN_SHARE, WAD } from "./constants";
import type { SlashResult } from "./types";

/** Slashes `fraction` (WAD) of `stake`; `burnShare` (WAD) of it is burned, the rest (with dust) recycled. */
export function slash(stake: bigint, fraction: bigint, burnShare: bigint = DEFAULT_SLASH_BURN_SHARE): SlashResult {
  assertNonNegative("stake", stake);
  assertWadFraction("fraction", fraction);
  assertWadFraction("burnShare", burnShare);
  const slashed = (stake * fraction) / WAD;
  const burned = (slashed * burnShare) / WAD;
  return { slashed, burned, recycled: slashed - burned };
}

/** One unbonding pool of a validator (StakingManager.unbondingPoolsOf). */
export interface UnbondingPoolState {
  startEpoch: bigint;
  releaseEpoch: bigint;
  amount: bigint;
}

/** Input of {@link slashValidator}. */
export interface SlashValidatorInput {
  /** The validator's bonded pool (totalStake). */
  bonded: bigint;
  /** Its unbonding pools, oldest first. */
  pools: readonly UnbondingPoolState[];
  /** WAD fraction in (0, 1e18]. */
  fraction: bigint;
  /** Epoch of the offence. */
  infractionEpoch: bigint;
  /** Epoch the slash lands in. */
  currentEpoch: bigint;
  burnShare?: bigint;
}

/** What a slash of a validator takes: from the bonded pool, from each unbonding pool, and to the pools. */
export interface SlashValidatorResult extends SlashResult {
  /** Taken from the bonded pool. */
  bonded: bigint;
  /** Taken from unbonding pools, in all. */
  unbonding: bigint;
  /** The unbonding pools after the slash (same order). */
  pools: UnbondingPoolState[];
}

/** Mirrors StakingManager.slash(validator, fraction, infractionEpoch, reason) to the wei. */
export function slashValidator(input: SlashValidatorInput): SlashValidatorResult {
  const { bonded, fraction, infractionEpoch, currentEpoch } = input;
  const burnShare = input.burnShare ?? DEFAULT_SLASH_BURN_SHARE;
  assertNonNegative("bonded", bonded);
  assertWadFraction("fraction", fraction);
  assertWadFraction("burnShare", burnShare);
  assertEpoch(infractionEpoch);
  assertEpoch(currentEpoch);
  const fromBonded = (bonded * fraction) / WAD;
  let unbonding = 0n;
  const pools = input.pools.map((p) => {
    assertNonNegative("pool.amount", p.amount);
    if (p.startEpoch < infractionEpoch || p.releaseEpoch <= currentEpoch) return { ...p };
    const cut = (p.amount * fraction) / WAD;
    unbonding += cut;
    return { ...p, amount: p.amount - cut };
  });
  const slashed = fromBonded + unbonding;
  const burned = (slashed * burnShare) / WAD;
  return { bonded: fromBonded, unbonding, slashed, burned, recycled: slashed - burned, pools };
}
