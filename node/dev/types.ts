import type { Address } from "@ethereumjs/util";
import type { BlockRecord, NewHead } from "../chain/types";

/** Options of dev mode (`--dev` node and the devnet). */
export interface DevOptions {
  /** Private keys (0x-hex) of the unlocked dev accounts: eth_accounts lists them, eth_sendTransaction signs with them. */
  accounts: string[];
  /** Answer eth_sendRawTransaction once mined and build on every transaction (evm_setAutomine). */
  automine: boolean;
  /** Produce a block every slot as a validator does (the devnet's default); false mines on demand only. */
  slotBlocks: boolean;
}

/** What dev mode needs from the block producer. */
export interface DevProducer {
  /** Builds one block now (pending transactions included), after any build in progress. */
  mine(): Promise<NewHead>;
  /** Build as soon as transactions wait, or not. */
  setProduceOnTx(on: boolean): void;
  /** One block per slot, or none. */
  setSlotTimer(on: boolean): void;
  /** Appends `count` empty blocks, each at `timestamp(parent)`. */
  mineEmpty(count: number, timestamp: (parent: BlockRecord) => bigint): Promise<NewHead | undefined>;
  /** Resolves when no build is running. */
  idle(): Promise<void>;
}

/** A transaction of the pool as a snapshot keeps it. */
export interface PooledCopy {
  /** Raw bytes. */
  raw: Uint8Array;
  /** Its sender (recovered or impersonated). */
  sender: Address;
}

/** Everything evm_revert restores. */
export interface Snapshot {
  /** Head block hash. */
  head: Uint8Array;
  /** State root of the head (differs from the header's after hardhat_set* edits). */
  stateRoot: Uint8Array;
  /** Pending transactions. */
  pool: PooledCopy[];
  /** Time state. */
  time: TimeState;
  /** One-shot base fee of the next block. */
  nextBaseFee?: bigint;
  /** Block gas limit set by evm_setBlockGasLimit. */
  blockGasLimit?: bigint;
}

/** The dev clock: seconds added to the wall clock, and a one-shot timestamp for the next block. */
export interface TimeState {
  /** Seconds added to the wall clock (evm_increaseTime; moved by evm_setNextBlockTimestamp). */
  offset: bigint;
  /** Exact timestamp of the next block (evm_setNextBlockTimestamp). */
  next?: bigint;
  /** Seconds from each block to the next, whatever the wall clock (anvil_setBlockTimestampInterval). */
  interval?: bigint;
}
