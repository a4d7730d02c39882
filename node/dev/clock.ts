import type { BlockRecord, DevBlockHooks } from "../chain/types";
import { LuxError } from "../errors";
import type { TimeState } from "./types";

const MS_PER_SECOND = 1000;

/**
 * The dev-mode block clock. A block's timestamp is the wall clock plus the offset that
 * evm_increaseTime adds to, or exactly the one evm_setNextBlockTimestamp set; either way strictly
 * after the parent's (blocks mined faster than one per second take parent + 1, as Hardhat does).
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

  /** Seconds of the dev clock now (wall clock + offset). */
  current(): bigint {
    return this.nowSec() + this.state.offset;
  }

  timestamp(parent: BlockRecord, nowMs: number): bigint {
    const parentTs = parent.block.header.timestamp;
    const want = this.state.next ?? this.nowSec(nowMs) + this.state.offset;
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
