import type { Block } from "@ethereumjs/block";
import type { ChainConfig } from "../config/types";
import type { Validator } from "../consensus/types";
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
