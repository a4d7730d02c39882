import type { DB } from "@ethereumjs/util";
import type { LogIndexQuery } from "./logIndex";

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
  /** Slot of the block. */
  slot: bigint;
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

/** A switch of the canonical chain: the new branch's blocks from the fork point up, in order. */
export interface Reorg {
  /** Blocks that become canonical, ascending, with their receipts (tx and log indexes rewritten). */
  adopt: { number: bigint; hash: Uint8Array; receipts: StoredReceipt[] }[];
  /** Transactions of the abandoned branch that are not in the adopted one (their index entries go). */
  dropTxHashes: Uint8Array[];
  /** Canonical heights above the new head to clear (old branch was longer). */
  clearAbove: { from: bigint; to: bigint } | undefined;
  /** New head hash. */
  head: Uint8Array;
  /** Burned total at the new head. */
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
  /** Writes consecutive canonical blocks (the last becoming head) in one atomic batch, like `commitBlock`. */
  commitBlocks(writes: BlockWrite[]): Promise<void>;
  /** Writes a block of a side branch (by hash) and the pending trie nodes; no index or head change. */
  storeSideBlock(write: BlockWrite): Promise<void>;
  /** Switches the canonical chain to another branch in one atomic batch (see `Reorg`). */
  applyReorg(reorg: Reorg): Promise<void>;
  /** Slot of a stored block. */
  getSlot(hash: Uint8Array): Promise<bigint | undefined>;
  /** Cumulative burned base fees at the head. */
  getTotalBurned(): Promise<bigint>;
  /** Reads a metadata value. */
  getMeta(name: string): Promise<Uint8Array | undefined>;
  /** Writes a metadata value. */
  putMeta(name: string, value: Uint8Array): Promise<void>;
  /** Several meta entries in one atomic write. */
  putMetas(entries: [string, Uint8Array][]): Promise<void>;
  /** Deletes a metadata value (no-op when absent). */
  deleteMeta(name: string): Promise<void>;
  /**
   * Block numbers in [from, to] that may hold logs matching the query, ascending: a superset (blocks of
   * abandoned branches may appear), so readers check each against the canonical receipts. Covers only
   * blocks ≥ `logIndexTail()`. `step` runs between candidates (cancellation, yielding).
   */
  logCandidates(q: LogIndexQuery, from: bigint, to: bigint, step: () => Promise<void>): AsyncGenerator<bigint>;
  /** Lowest block number from which the log index is complete; older blocks are found by their blooms. */
  logIndexTail(): bigint;
  /**
   * Indexes one block's logs. `commitBlock` does this for every block it writes; call it for a block that
   * becomes canonical some other way (a reorg onto blocks stored without commitBlock).
   */
  indexLogs(number: bigint, receipts: StoredReceipt[]): Promise<void>;
}
