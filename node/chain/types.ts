import type { Block } from "@ethereumjs/block";
import type { ChainConfig } from "../config/types";
import type { Duty, Validator } from "../consensus/types";
import type { StoredReceipt } from "../storage/types";
import type { ChainStore } from "../storage/types";

/** A block as the chain keeps it: execution block, consensus fields and recovered senders. */
export interface BlockRecord {
  /** The execution block. */
  block: Block;
  /** Its hash. */
  hash: Uint8Array;
  /** Slot it was proposed in (0 for genesis). */
  slot: bigint;
  /** Proposer signature (empty for genesis). */
  signature: Uint8Array;
  /** Senders of its transactions (20 bytes each). */
  senders: Uint8Array[];
}

/** A block that became the new head. */
export interface NewHead {
  /** The block. */
  record: BlockRecord;
  /** Its receipts. */
  receipts: StoredReceipt[];
  /** The proposer. */
  proposer: Validator;
  /** Milliseconds spent executing and committing it. */
  elapsedMs: number;
  /** "produced" locally or "imported". */
  origin: "produced" | "imported";
}

/** Minimal logger the node's parts write to. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Options of `Chain.open`. */
export interface ChainOptions {
  /** The chain configuration. */
  config: ChainConfig;
  /** The opened store. */
  store: ChainStore;
  /** Logger. */
  log: Logger;
}

/**
 * Dev-mode choices for the next produced block (the `--dev` node and the devnet only): the timestamp
 * rule moved by evm_increaseTime / evm_setNextBlockTimestamp, and a one-shot base fee.
 */
export interface DevBlockHooks {
  /** Timestamp of the child of `parent` built at wall-clock `nowMs`; must be > the parent's. */
  timestamp(parent: BlockRecord, nowMs: number): bigint;
  /** Base fee of the next block when overridden (hardhat_setNextBlockBaseFeePerGas), else undefined. */
  baseFee(): bigint | undefined;
  /** Called once a produced block is committed: one-shot values are consumed. */
  produced(record: BlockRecord): void;
}

/** The head moved back to an older block (dev-mode snapshot revert). */
export interface HeadRewound {
  /** The new head. */
  head: BlockRecord;
  /** Number of the head before. */
  from: bigint;
}

/** A run of empty dev-mode blocks (hardhat_mine): how each block's slot, time and sealer are chosen. */
export interface EmptyRun {
  /** Number of blocks. */
  count: number;
  /** Slot of the child of `parent`. */
  slot(parent: BlockRecord): bigint;
  /** Timestamp of the child of `parent`. */
  timestamp(parent: BlockRecord): bigint;
  /** The proposer that seals a slot and its key (the scheduled one, or the dev fallback). */
  proposer(duty: Duty): { duty: Duty; key: Uint8Array };
}
