import type { DB } from "@ethereumjs/util";

/** One log as stored in a receipt. */
export interface StoredLog {
  /** Emitting contract (20 bytes). */
  address: Uint8Array;
  /** Topics (32 bytes each). */
  topics: Uint8Array[];
  /** Unindexed data. */
  data: Uint8Array;
}

/** A transaction receipt with everything the RPC needs, so reading one never decodes the block. */
export interface StoredReceipt {
  /** Transaction hash. */
  txHash: Uint8Array;
  /** EIP-2718 type. */
  type: number;
  /** 1 success, 0 failure. */
  status: number;
  /** Gas used by the block up to and including this transaction. */
  cumulativeGasUsed: bigint;
  /** Gas used by this transaction. */
  gasUsed: bigint;
  /** Price per gas actually paid (base fee + effective tip). */
  effectiveGasPrice: bigint;
  /** Sender (20 bytes). */
  from: Uint8Array;
  /** Recipient, absent for contract creation. */
  to?: Uint8Array;
  /** Created contract, for contract creation. */
  contractAddress?: Uint8Array;
  /** Logs in order. */
  logs: StoredLog[];
}

/** The trie database: an ethereumjs DB whose writes wait in memory for the next block commit. */
export interface TrieDatabase extends DB<string, Uint8Array | string> {
  /** Takes the pending writes; `release` once they are on disk. */
  drain(): { writes: { key: Uint8Array; value: Uint8Array | null }[]; release: () => void };
}

/** Location of a mined transaction. */
export interface TxLocation {
  /** Hash of the containing block. */
  blockHash: Uint8Array;
  /** Number of that block (lets readers ignore a block committed but not yet head). */
  blockNumber: bigint;
  /** Position inside the block. */
  index: number;
}

/** Everything written for one block, in one atomic batch with the head pointer last. */
export interface BlockWrite {
  /** Block hash. */
  hash: Uint8Array;
  /** Block number. */
  number: bigint;
  /** Serialized consensus envelope (execution block + slot + signature). */
  envelope: Uint8Array;
  /** Serialized execution header (read without decoding the body). */
  header: Uint8Array;
  /** Senders of the block's transactions, in order (20 bytes each). */
  senders: Uint8Array[];
  /** Receipts in order. */
  receipts: StoredReceipt[];
  /** Native coin burned as base fees up to and including this block (cumulative). */
  totalBurned: bigint;
  /** Set when this block opens epoch `epoch`; `hash` is its boundary (the parent). */
  epochBoundary?: { epoch: bigint; hash: Uint8Array };
}

/** Moves the head back to an older canonical block (a dev-mode snapshot revert): one atomic batch. */
export interface HeadRewind {
  /** Hash of the new head (a canonical ancestor of the current head). */
  hash: Uint8Array;
  /** Its number: canonical entries above it are deleted. */
  number: bigint;
  /** Number of the current head (the last canonical entry to delete). */
  oldNumber: bigint;
  /** Transactions of the dropped blocks: their index entries go. */
  droppedTxs: Uint8Array[];
  /** Epochs whose boundary was recorded by a dropped block. */
  droppedEpochs: bigint[];
  /** Cumulative burned base fees at the new head. */
  totalBurned: bigint;
}

/**
 * The storage seam: what the chain needs from a database. `LevelChainStore` implements it on LevelDB;
 * tests or another backend can plug in their own.
 */
export interface ChainStore {
  /** Opens the database. */
  open(): Promise<void>;
  /** Closes it (flushes nothing: every block was committed atomically). */
  close(): Promise<void>;
  /** The trie database the state manager writes to; its writes join the next `commitBlock`. */
  trieDb(): TrieDatabase;
  /** Hash of the head block, undefined on an empty database. */
  getHead(): Promise<Uint8Array | undefined>;
  /** Canonical hash at a height. */
  getCanonicalHash(number: bigint): Promise<Uint8Array | undefined>;
  /** Serialized envelope of a block. */
  getEnvelope(hash: Uint8Array): Promise<Uint8Array | undefined>;
  /** Serialized execution header of a block. */
  getHeader(hash: Uint8Array): Promise<Uint8Array | undefined>;
  /** Senders of a block's transactions. */
  getSenders(hash: Uint8Array): Promise<Uint8Array[] | undefined>;
  /** Receipts of a block. */
  getReceipts(hash: Uint8Array): Promise<StoredReceipt[] | undefined>;
  /** Where a transaction was mined. */
  getTxLocation(txHash: Uint8Array): Promise<TxLocation | undefined>;
  /** The boundary block of an epoch (the last block before its first slot). */
  getEpochBoundary(epoch: bigint): Promise<Uint8Array | undefined>;
  /** Writes a block, its indexes, the pending trie nodes and then the head pointer, atomically. */
  commitBlock(write: BlockWrite): Promise<void>;
  /** Writes several consecutive blocks in one atomic batch (dev-mode hardhat_mine of many empty blocks); head = the last. */
  commitBlocks(writes: BlockWrite[]): Promise<void>;
  /** Canonical hashes of heights from..to (inclusive), in order, read in one pass. */
  getCanonicalRange(from: bigint, to: bigint): Promise<Uint8Array[]>;
  /** Serialized headers of many blocks in one read. */
  getHeaders(hashes: Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /** Rewinds the head to an ancestor, deleting the dropped blocks' canonical and tx index entries (bodies stay, by hash). */
  rewindHead(rewind: HeadRewind): Promise<void>;
  /** Cumulative burned base fees at the head. */
  getTotalBurned(): Promise<bigint>;
  /** Reads a metadata value. */
  getMeta(name: string): Promise<Uint8Array | undefined>;
  /** Writes a metadata value. */
  putMeta(name: string, value: Uint8Array): Promise<void>;
}
