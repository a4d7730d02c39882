import type { Block } from "@ethereumjs/block";
import type { ChainConfig } from "../config/types";
import type { Evidence, Validator, Vote } from "../consensus/types";
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
  /** RANDAO reveal (VRF proof; empty for genesis). */
  reveal: Uint8Array;
  /** Votes the envelope carried. */
  votes: Vote[];
  /** Evidence the envelope carried. */
  evidence: Evidence[];
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
  /** Set when an imported block was stored on a side branch (not head; the fork choice kept the head). */
  sideBranch?: true;
}

/** A switch of the canonical chain (emitted as "reorg" before the "head" events of the adopted blocks). */
export interface ReorgEvent {
  /** Blocks that left the canonical chain, newest first, with their receipts (their logs are removed). */
  removed: { record: BlockRecord; receipts: StoredReceipt[] }[];
  /** Blocks that joined it, oldest first. */
  adopted: BlockRecord[];
  /** A dev-mode evm_revert: the removed blocks' transactions are discarded, not pooled again. */
  rewind?: boolean;
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
  /** Gas limit of the next blocks when overridden (evm_setBlockGasLimit), else undefined. */
  gasLimit(): bigint | undefined;
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

/** Outcome of handing a message from a peer to the chain. */
export type ImportStatus =
  /** Valid and stored (a block may or may not have become head); gossip it on. */
  | "imported"
  /** Seen before; do not gossip again. */
  | "known"
  /** A block for a slot the local clock has not reached (+ drift): drop it, or retry when its slot starts. */
  | "future"
  /** A block whose parent is unknown: sync the range below it from the peer. */
  | "unknown-parent"
  /** Invalid: do not gossip; `code` and `reason` say why (penalise the peer). */
  | "invalid";

/** Result of `ConsensusNetwork.import*`. */
export interface ImportOutcome {
  /** What happened. */
  status: ImportStatus;
  /** 0x hash of the block, vote target or evidence, when it could be decoded. */
  hash?: string;
  /** Block number, for blocks. */
  number?: bigint;
  /** Error code, for "future", "unknown-parent" and "invalid". */
  code?: string;
  /** Human-readable reason, for "future", "unknown-parent" and "invalid". */
  reason?: string;
}

/** A block named for sync status. */
export interface BlockId {
  /** Block number. */
  number: bigint;
  /** 0x block hash. */
  hash: string;
  /** Slot. */
  slot: bigint;
}

/** What a node announces to peers so they know whether to sync from it. */
export interface ChainStatus {
  /** 0x genesis hash (peers on another chain are dropped). */
  genesisHash: string;
  /** Head of the local fork choice. */
  head: BlockId;
  /** Last final block (never reverted). */
  finalized: BlockId;
  /** Highest justified block. */
  justified: BlockId;
  /** The slot the local clock is in. */
  clockSlot: bigint;
}

/** Gossip topics; each message is the RLP encoding of its type (see node/README.md, "Messages"). */
export type GossipTopic = "block" | "vote" | "evidence";

/** A message the chain wants gossiped: a block it produced or imported, its own vote, new evidence. */
export interface GossipMessage {
  /** Topic. */
  topic: GossipTopic;
  /** Encoded message: envelope, vote or evidence. */
  data: Uint8Array;
}

/** Most blocks one `getBlocksByRange` answers. */
export const MAX_BLOCKS_BY_RANGE = 256;

/**
 * The seam between consensus and the peer-to-peer transport: everything the transport hands in comes as
 * bytes and is fully validated here; everything to send goes out through `onGossip`.
 */
export interface ConsensusNetwork {
  /** Validates and imports an encoded block envelope (gossip or sync); never throws. */
  importEnvelope(data: Uint8Array): Promise<ImportOutcome>;
  /** Validates and records an encoded vote; never throws. */
  importVote(data: Uint8Array): Promise<ImportOutcome>;
  /** Validates and pools encoded evidence for inclusion; never throws. */
  importEvidence(data: Uint8Array): Promise<ImportOutcome>;
  /** Head, justified and finalized blocks and the clock, for the status handshake. */
  status(): ChainStatus;
  /** Encoded envelopes of canonical blocks `from` .. `from + count - 1` (at most MAX_BLOCKS_BY_RANGE). */
  getBlocksByRange(from: bigint, count: number): Promise<Uint8Array[]>;
  /** Registers a listener for messages to gossip; returns the unsubscribe function. */
  onGossip(listener: (msg: GossipMessage) => void): () => void;
}
