import { LuxError } from "../errors";

/**
 * Dev-mode time control (the interface of evm_increaseTime / evm_setNextBlockTimestamp): an offset added
 * to the wall clock and an optional pinned timestamp for the next block. Dev mode only — on a network
 * the header timestamp is always the slot's start. Timestamps still strictly increase: the chain
 * refuses a pinned timestamp that is not after its parent's.
 */
export class DevTime {
  private offsetSec = 0n;
  private pinned?: bigint;

  /** Moves the clock forward by `seconds`; returns the total offset. */
  increaseTime(seconds: bigint): bigint {
    if (seconds < 0n) throw new LuxError("INVALID_PARAMS", `time can only move forward, got ${seconds} s`);
    this.offsetSec += seconds;
    return this.offsetSec;
  }

  /** Pins the next block's timestamp (seconds); it must exceed the head's timestamp. */
  setNextBlockTimestamp(timestamp: bigint, headTimestamp: bigint): void {
    if (timestamp <= headTimestamp) throw new LuxError("BAD_TIMESTAMP", `next block timestamp ${timestamp} must be greater than the head's ${headTimestamp}`);
    this.pinned = timestamp;
  }

  /** The timestamp of the next block on a parent, consuming a pinned one. */
  next(parentTimestamp: bigint, nowMs: number): bigint {
    const pinned = this.pinned;
    this.pinned = undefined;
    if (pinned !== undefined && pinned > parentTimestamp) return pinned;
    const now = BigInt(Math.floor(nowMs / 1000)) + this.offsetSec;
    return now > parentTimestamp ? now : parentTimestamp + 1n;
  }
}
