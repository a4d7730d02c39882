import type { BlockRecord, DevBlockHooks } from "../chain/types";
import { LuxError } from "../errors";
import type { TimeState } from "./types";

const MS_PER_SECOND = 1000;

/**
 * The dev-mode block clock. A block's timestamp is the wall clock plus the offset that
 * evm_increaseTime adds to, or exactly the one evm_setNextBlockTimestamp set; either way strictly
 * after the parent's (blocks mined faster than one per second take parent + 1, as Hardhat does). With
 * anvil's block timestamp interval set, a block is its parent's timestamp plus the interval instead.
 * A block mined ahead of the clock moves the offset so time keeps running from there.
 */
export class DevClock implements DevBlockHooks {
  private state: TimeState = { offset: 0n };
  /** One-shot base fee of the next block (hardhat_setNextBlockBaseFeePerGas). */
  nextBaseFee?: bigint;
  /** Gas limit of every next block (evm_setBlockGasLimit), until changed. */
  blockGasLimit?: bigint;

  constructor(private readonly now: () => number = Date.now) {}

  private nowSec(nowMs = this.now()): bigint {
    return BigInt(Math.floor(nowMs / MS_PER_SECOND));
  }

  /** Copy of the time state (for snapshots). */
  get(): TimeState {
    return { ...this.state };
  }

  /** Restores a copy (evm_revert). */
  set(state: TimeState): void {
    this.state = { ...state };
  }

  /** evm_increaseTime: adds seconds; returns the total offset. */
  increase(seconds: bigint): bigint {
    if (seconds < 0n) throw new LuxError("INVALID_PARAMS", `invalid argument seconds: ${seconds} is negative; time only moves forward`);
    this.state.offset += seconds;
    return this.state.offset;
  }

  /** evm_setNextBlockTimestamp: must be after the head's timestamp. */
  setNext(timestamp: bigint, head: BlockRecord): void {
    const parentTs = head.block.header.timestamp;
    if (timestamp <= parentTs) {
      throw new LuxError("INVALID_PARAMS", `timestamp ${timestamp} is lower than or equal to previous block's timestamp ${parentTs}`);
    }
    this.state.next = timestamp;
  }

  /**
   * anvil_setTime / evm_setTime: the dev clock reads `timestamp` now and runs on from there; returns the
   * seconds it moved forward (0 when back). Blocks still follow their parent: an earlier time only
   * holds the next ones at parent + 1 until it catches up.
   */
  setTime(timestamp: bigint): bigint {
    const before = this.current();
    this.state.offset = timestamp - this.nowSec();
    this.state.next = undefined;
    return timestamp > before ? timestamp - before : 0n;
  }

  /** anvil_setBlockTimestampInterval: every next block is its parent's timestamp + `seconds`. */
  setInterval(seconds: bigint): void {
    this.state.interval = seconds;
  }

  /** anvil_removeBlockTimestampInterval: back to the wall clock; false when no interval was set. */
  removeInterval(): boolean {
    const had = this.state.interval !== undefined;
    this.state.interval = undefined;
    return had;
  }

  /** Seconds of the dev clock now (wall clock + offset). */
  current(): bigint {
    return this.nowSec() + this.state.offset;
  }

  timestamp(parent: BlockRecord, nowMs: number): bigint {
    const parentTs = parent.block.header.timestamp;
    const interval = this.state.interval;
    const want = this.state.next ?? (interval !== undefined ? parentTs + interval : this.nowSec(nowMs) + this.state.offset);
    return want > parentTs ? want : parentTs + 1n;
  }

  baseFee(): bigint | undefined {
    return this.nextBaseFee;
  }

  gasLimit(): bigint | undefined {
    return this.blockGasLimit;
  }

  produced(record: BlockRecord): void {
    // Time never runs behind the head: after blocks mined ahead of the clock (an explicit timestamp,
    // hardhat_mine's intervals, several blocks in one second) it continues from the last one.
    const behind = record.block.header.timestamp - (this.nowSec() + this.state.offset);
    if (behind > 0n) this.state.offset += behind;
    this.state.next = undefined;
    this.nextBaseFee = undefined;
  }
}
