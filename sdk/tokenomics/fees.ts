/** Miner registration fees: part burned, the rest recycled into future emission. */
import { assertNonNegative, assertWadFraction } from "./assert";
import { DEFAULT_REGISTRATION_FEE_BURN_SHARE, WAD } from "./constants";
import type { FeeSplit } from "./types";

/** Splits a registration fee; `burnShare` (WAD) is burned, the rest (with the dust) recycled. */
export function splitRegistrationFee(fee: bigint, burnShare: bigint = DEFAULT_REGISTRATION_FEE_BURN_SHARE): FeeSplit {
  assertNonNegative("fee", fee);
  assertWadFraction("burnShare", burnShare);
  const burned = (fee * burnShare) / WAD;
  return { burned, recycled: fee - burned };
}
