/**
 * Splits with an exact dust rule, so that the parts always add up to the whole, to the wei:
 * - the emission split gives the rounding dust to the DAO;
 * - a proportional split (largest remainder method) hands the leftover wei one each to the entries
 *   with the largest remainders, ties broken by ascending lowercase address.
 */
import { assertAddress, assertNonNegative, assertUnique, compareAddresses } from "./assert";
import { WAD } from "./constants";
import { assertValidShares, DEFAULT_EMISSION_SHARES } from "./policy";
import { ModernTensorError } from "../errors";
import type { Allocation, EmissionShares, EmissionSplit, WeightedEntry } from "./types";

/** Splits an epoch's emission between miners, validators and the DAO (DAO takes the dust). */
export function splitEmission(emission: bigint, shares: EmissionShares = DEFAULT_EMISSION_SHARES): EmissionSplit {
  assertNonNegative("emission", emission);
  assertValidShares(shares);
  const miners = (emission * shares.miner) / WAD;
  const validators = (emission * shares.validator) / WAD;
  return { miners, validators, dao: emission - miners - validators };
}

/**
 * Splits `total` in proportion to the entries' weights. Each amount is the floor of its exact share or
 * one wei more; the amounts sum to `total` whenever Σ weight > 0 (otherwise every amount is 0).
 * Returns one allocation per entry, in input order.
 */
export function proportionalSplit(total: bigint, entries: readonly WeightedEntry[]): Allocation[] {
  assertNonNegative("total", total);
  const seen = new Set<string>();
  let weightSum = 0n;
  entries.forEach((entry, i) => {
    assertAddress(`entries[${i}].account`, entry.account);
    assertUnique(seen, entry.account.toLowerCase(), "account");
    if (entry.weight < 0n) {
      throw new ModernTensorError("INVALID_WEIGHTS", `entries[${i}].weight must be >= 0, got ${entry.weight}`, {
        details: { account: entry.account, weight: entry.weight },
      });
    }
    weightSum += entry.weight;
  });
  if (weightSum === 0n) return entries.map((entry) => ({ account: entry.account, amount: 0n }));

  const amounts = entries.map((entry) => (total * entry.weight) / weightSum);
  const leftover = total - amounts.reduce((sum, amount) => sum + amount, 0n);
  // Σ remainders = leftover · Σw and each remainder < Σw, so more than `leftover` entries have a
  // positive remainder: the extra wei always land on entries with weight (never on zero-weight ones).
  const order = entries
    .map((entry, index) => ({ index, account: entry.account, remainder: (total * entry.weight) % weightSum }))
    .filter((item) => item.remainder > 0n)
    .sort((a, b) =>
      a.remainder === b.remainder ? compareAddresses(a.account, b.account) : a.remainder > b.remainder ? -1 : 1,
    );
  // leftover < entries.length, so the conversion to number is exact.
  for (const item of order.slice(0, Number(leftover))) amounts[item.index] += 1n;
  return entries.map((entry, i) => ({ account: entry.account, amount: amounts[i] }));
}
