import { bytesToBigInt, concatBytes } from "@ethereumjs/util";
import { keccak } from "../execution/crypto";
import { LuxError } from "../errors";
import type { Validator } from "./types";

/** Epoch of a slot. */
export function epochOf(slot: bigint, slotsPerEpoch: number): bigint {
  return slot / BigInt(slotsPerEpoch);
}

function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

/**
 * Draws the proposer of `slot` with probability proportional to stake. The seed is the hash of the
 * epoch's boundary block, so every node computes the same schedule and nobody can pick it after the
 * epoch started; mixing in the slot gives each slot its own draw.
 */
export function selectProposer(validators: Validator[], seed: Uint8Array, slot: bigint): Validator {
  const total = validators.reduce((sum, v) => sum + v.stake, 0n);
  if (total === 0n) throw new LuxError("WRONG_PROPOSER", "active validator set has no stake");
  let point = bytesToBigInt(keccak(concatBytes(seed, u64(slot)))) % total;
  for (const v of validators) {
    if (point < v.stake) return v;
    point -= v.stake;
  }
  // Unreachable: point < total.
  return validators[validators.length - 1];
}
