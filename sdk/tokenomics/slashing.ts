/** Slashing: a fraction of a validator's stake is taken, part burned and the rest recycled. */
import { assertNonNegative, assertWadFraction } from "./assert";
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
