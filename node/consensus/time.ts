import { LuxError } from "../errors";

/**
 * Tolerated clock disparity between nodes (as Ethereum's MAXIMUM_GOSSIP_CLOCK_DISPARITY): a block for
 * slot s is accepted once the local clock is within this many ms of the start of s.
 */
export const MAX_CLOCK_DISPARITY_MS = 500;

/** The time parameters of a chain. */
export interface SlotClockConfig {
  /** Genesis timestamp in seconds (start of slot 0). */
  genesisTimestamp: bigint;
  /** Slot duration in ms. */
  slotTimeMs: number;
  /** Dev mode: one trusted dev validator may mine on demand (see `checkSlotTime`). */
  devMode: boolean;
}

/** Start of slot s in ms since the Unix epoch. */
export function slotStartMs(c: SlotClockConfig, slot: bigint): bigint {
  return c.genesisTimestamp * 1000n + slot * BigInt(c.slotTimeMs);
}

/** The header timestamp of a block for slot s (network mode): the slot's start, in whole seconds. */
export function slotTimestamp(c: SlotClockConfig, slot: bigint): bigint {
  return slotStartMs(c, slot) / 1000n;
}

/** The slot the clock is in at `nowMs` (0 before genesis). */
export function clockSlot(c: SlotClockConfig, nowMs: number): bigint {
  const since = BigInt(Math.floor(nowMs)) - c.genesisTimestamp * 1000n;
  return since < 0n ? 0n : since / BigInt(c.slotTimeMs);
}

/** Highest slot a block may have at `nowMs` on top of a parent at `parentSlot`. */
export function maxAcceptableSlot(c: SlotClockConfig, parentSlot: bigint, nowMs: number): bigint {
  const bound = clockSlot(c, nowMs + MAX_CLOCK_DISPARITY_MS);
  // Dev mode mines on demand: it may take the very next slot even when that is ahead of the clock,
  // never more, so a burst moves the slot counter by one per block and no block can jump far ahead.
  return c.devMode && parentSlot + 1n > bound ? parentSlot + 1n : bound;
}

/** Rejects configurations whose slots cannot give strictly increasing whole-second timestamps. */
export function validateSlotClock(c: SlotClockConfig): void {
  if (!Number.isInteger(c.slotTimeMs) || c.slotTimeMs <= 0) {
    throw new LuxError("INVALID_PARAMS", `slot time must be a positive integer of ms, got ${c.slotTimeMs}`);
  }
  if (!c.devMode && c.slotTimeMs < 1000) {
    throw new LuxError("INVALID_PARAMS", `slot time ${c.slotTimeMs} ms is below 1000 ms: header timestamps are whole seconds and must increase every slot (use dev mode for faster blocks)`);
  }
}

/**
 * The time rules of a block for `slot` with header `timestamp` on top of a parent:
 * - the slot is after the parent's slot (missed slots are simply skipped);
 * - the slot is not beyond the clock's slot (+ MAX_CLOCK_DISPARITY_MS) — `FUTURE_SLOT`; in dev mode
 *   the next slot after the parent is also allowed;
 * - network mode: the timestamp is exactly the slot's start (whole seconds), so it strictly increases;
 * - dev mode: the timestamp strictly increases (it may run ahead of the clock, as in Hardhat/Anvil).
 */
export function checkSlotTime(
  c: SlotClockConfig,
  slot: bigint,
  timestamp: bigint,
  parent: { slot: bigint; timestamp: bigint },
  nowMs: number,
): void {
  if (slot <= parent.slot) throw new LuxError("BAD_SLOT", `slot ${slot} is not after parent slot ${parent.slot}`);
  const max = maxAcceptableSlot(c, parent.slot, nowMs);
  if (slot > max) {
    throw new LuxError("FUTURE_SLOT", `slot ${slot} is in the future: the clock is at slot ${clockSlot(c, nowMs)} (accepting up to ${max})`, { data: { slot: slot.toString(), maxSlot: max.toString() } });
  }
  if (c.devMode) {
    if (timestamp <= parent.timestamp) throw new LuxError("BAD_TIMESTAMP", `timestamp ${timestamp} does not increase over parent timestamp ${parent.timestamp}`);
    return;
  }
  const expected = slotTimestamp(c, slot);
  if (timestamp !== expected) throw new LuxError("BAD_TIMESTAMP", `timestamp ${timestamp} is not the start of slot ${slot} (${expected})`);
  // Holds by construction for slotTimeMs ≥ 1000; checked so a bad config can never accept equal times.
  if (timestamp <= parent.timestamp) throw new LuxError("BAD_TIMESTAMP", `timestamp ${timestamp} does not increase over parent timestamp ${parent.timestamp}`);
}
