/**
 * Epoch emission: the quota halves every `halvingInterval` epochs, is scaled by utility, and is
 * funded from the recycling pool before anything is minted, never past the supply cap.
 */
import { ModernTensorError } from "../errors";
import { assertEpoch, assertNonNegative } from "./assert";
import { MAX_HALVINGS, WAD } from "./constants";
import { assertValidPolicy, DEFAULT_EMISSION_POLICY } from "./policy";
import { assertValidUtility } from "./utility";
import type { EmissionFunding, EmissionPolicy } from "./types";

/** Number of halvings that apply at `epoch`: ⌊epoch / halvingInterval⌋. */
export function halvings(epoch: bigint, halvingInterval: bigint = DEFAULT_EMISSION_POLICY.halvingInterval): bigint {
  assertEpoch(epoch);
  if (halvingInterval <= 0n) {
    throw new ModernTensorError("INVALID_POLICY", `halvingInterval must be > 0, got ${halvingInterval}`, {
      details: { halvingInterval },
    });
  }
  return epoch / halvingInterval;
}

/** The epoch's quota at utility 1: baseReward >> halvings. */
export function fullEmission(epoch: bigint, policy: EmissionPolicy = DEFAULT_EMISSION_POLICY): bigint {
  assertValidPolicy(policy);
  const h = halvings(epoch, policy.halvingInterval);
  return h >= MAX_HALVINGS ? 0n : policy.baseReward >> h;
}

/** The most the epoch may emit at utility `u`: ((baseReward · u) / WAD) >> halvings. */
export function allowedEmission(epoch: bigint, u: bigint, policy: EmissionPolicy = DEFAULT_EMISSION_POLICY): bigint {
  assertValidPolicy(policy);
  assertValidUtility(u);
  const h = halvings(epoch, policy.halvingInterval);
  // Scale by utility before shifting, as the contract does; the order changes the rounding.
  return h >= MAX_HALVINGS ? 0n : ((policy.baseReward * u) / WAD) >> h;
}

/** The part of the epoch's quota not emitted because utility was below 1 (never emitted later). */
export function unmetQuota(epoch: bigint, u: bigint, policy: EmissionPolicy = DEFAULT_EMISSION_POLICY): bigint {
  return fullEmission(epoch, policy) - allowedEmission(epoch, u, policy);
}

/** Input of {@link fundEmission}. */
export interface FundEmissionInput {
  /** The allowed emission of the epoch (see {@link allowedEmission}). */
  allowed: bigint;
  /** MDT held by the recycling pool. */
  recyclingPool: bigint;
  /** Current MDT total supply. */
  totalSupply: bigint;
  /** Supply cap (>= totalSupply). */
  supplyCap: bigint;
}

/** Funds the emission: recycled MDT first, then minting up to the cap. */
export function fundEmission(input: FundEmissionInput): EmissionFunding {
  const { allowed, recyclingPool, totalSupply, supplyCap } = input;
  assertNonNegative("allowed", allowed);
  assertNonNegative("recyclingPool", recyclingPool);
  assertNonNegative("totalSupply", totalSupply);
  assertNonNegative("supplyCap", supplyCap);
  if (totalSupply > supplyCap) {
    throw new ModernTensorError("SUPPLY_EXCEEDS_CAP", `totalSupply (${totalSupply}) exceeds supplyCap (${supplyCap})`, {
      details: { totalSupply, supplyCap },
    });
  }
  const fromPool = recyclingPool < allowed ? recyclingPool : allowed;
  const wanted = allowed - fromPool;
  const headroom = supplyCap - totalSupply;
  const minted = wanted < headroom ? wanted : headroom;
  return { fromPool, minted, emission: fromPool + minted };
}
