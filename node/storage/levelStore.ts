import { ClassicLevel } from "classic-level";
import { LuxError } from "../errors";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToBytes, bytesToBigInt, utf8ToBytes } from "@ethereumjs/util";
import { logCandidates, logIndexOps, type LogIndexQuery } from "./logIndex";
import { BufferedTrieDb } from "./bufferedTrieDb";
import {
  KeyPrefix, decodeReceipts, decodeSenders, decodeTxLocation, encodeReceipts, encodeSenders, encodeTxLocation, key, u64,
} from "./codec";
import type { BlockWrite, ChainStore, Reorg, StoredReceipt, TxLocation } from "./types";

type Batch = Array<{ type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array }>;

const HEAD_KEY = key(KeyPrefix.meta, utf8ToBytes("head"));
const BURNED_KEY = key(KeyPrefix.meta, utf8ToBytes("burned"));
const LOG_TAIL_KEY = key(KeyPrefix.meta, utf8ToBytes("logIndexTail"));
/** Blocks indexed per batch while backfilling an old data dir. */
const BACKFILL_CHUNK = 256n;
/** Position of the number in an RLP execution header. */
const HEADER_NUMBER_FIELD = 8;

/**
 * LevelDB (classic-level) implementation of the chain store. All tables share one keyspace with a
 * one-byte prefix, so a block and its state go to disk in a single atomic WriteBatch.
 */
export class LevelChainStore implements ChainStore {
  private readonly db: ClassicLevel<Uint8Array, Uint8Array>;
  private readonly trie: BufferedTrieDb;
  private tail = 0n;
  private backfill?: Promise<void>;
  private closing = false;

  constructor(private readonly dir: string) {
    this.db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    // Trie reads are synchronous: LevelDB serves hot nodes from its cache and the thread-pool hop of an
    // async get costs more than the read itself.
    this.trie = new BufferedTrieDb(async (k) => this.db.getSync(key(KeyPrefix.trie, k)) ?? undefined);
  }

  async open(): Promise<void> {
    try {
      await this.db.open();
    } catch (err) {
      // LevelDB's own words ("Database failed to open") do not say that another node holds the directory.
      if ((err as { cause?: { code?: string } }).cause?.code === "LEVEL_LOCKED") {
        throw new LuxError("STORAGE_LOCKED", `data dir ${this.dir} is in use by another running node (LevelDB lock held): stop that node, or give this one another --data-dir`, { cause: err });
      }
      throw err;
    }
    await this.openLogIndex();
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.backfill;
    await this.db.close();
  }

  /** A new data dir is indexed from genesis; one from before the index is indexed backwards from its head. */
  private async openLogIndex(): Promise<void> {
    const stored = await this.get(LOG_TAIL_KEY);
    if (stored) {
      this.tail = bytesToBigInt(stored);
    } else {
      const head = await this.getHead();
      const header = head && (await this.getHeader(head));
      this.tail = header ? bytesToBigInt((RLP.decode(header) as Uint8Array[])[HEADER_NUMBER_FIELD]) + 1n : 0n;
      await this.db.put(LOG_TAIL_KEY, bigIntToBytes(this.tail));
    }
    if (this.tail > 0n) this.backfill = this.runBackfill().catch(() => undefined);
  }

  /**
   * Indexes old blocks from the tail downwards, a chunk per batch. Reads are synchronous (like trie
   * reads): a LevelDB hit costs microseconds, the thread-pool hop of an async get costs more; the
   * event loop gets a turn after every chunk.
   */
  private async runBackfill(): Promise<void> {
    while (this.tail > 0n && !this.closing) {
      const low = this.tail > BACKFILL_CHUNK ? this.tail - BACKFILL_CHUNK : 0n;
      const ops: Batch = [];
      for (let n = low; n < this.tail; n++) {
        const hash = this.db.getSync(key(KeyPrefix.canonical, u64(n)));
        const receipts = hash && this.db.getSync(key(KeyPrefix.receipts, hash));
        if (receipts) ops.push(...logIndexOps(n, decodeReceipts(receipts)));
      }
      ops.push({ type: "put", key: LOG_TAIL_KEY, value: bigIntToBytes(low) });
      await this.db.batch(ops);
      this.tail = low;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Deletes the log index (maintenance and tests): the next open rebuilds it in the background. */
  async dropLogIndex(): Promise<void> {
    for (const prefix of [KeyPrefix.logAddress, KeyPrefix.logTopic, KeyPrefix.logAny]) {
      await this.db.clear({ gte: new Uint8Array([prefix]), lt: new Uint8Array([prefix + 1]) });
    }
    await this.db.del(LOG_TAIL_KEY);
  }

  logIndexTail(): bigint {
    return this.tail;
  }

  logCandidates(q: LogIndexQuery, from: bigint, to: bigint, step: () => Promise<void>): AsyncGenerator<bigint> {
    return logCandidates(this.db, q, from, to, step);
  }

  async indexLogs(number: bigint, receipts: StoredReceipt[]): Promise<void> {
    const ops = logIndexOps(number, receipts);
    if (ops.length > 0) await this.db.batch(ops);
  }

  trieDb(): BufferedTrieDb {
    return this.trie;
  }

  private async get(k: Uint8Array): Promise<Uint8Array | undefined> {
    const v = await this.db.get(k);
    return v ?? undefined;
  }

  getHead(): Promise<Uint8Array | undefined> {
    return this.get(HEAD_KEY);
  }

  getCanonicalHash(number: bigint): Promise<Uint8Array | undefined> {
    if (number < 0n || number >= 1n << 64n) return Promise.resolve(undefined);
    return this.get(key(KeyPrefix.canonical, u64(number)));
  }

  getEnvelope(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.get(key(KeyPrefix.envelope, hash));
  }

  getHeader(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.get(key(KeyPrefix.header, hash));
  }

  async getSenders(hash: Uint8Array): Promise<Uint8Array[] | undefined> {
    const v = await this.get(key(KeyPrefix.senders, hash));
    return v === undefined ? undefined : decodeSenders(v);
  }

  async getReceipts(hash: Uint8Array): Promise<StoredReceipt[] | undefined> {
    const v = await this.get(key(KeyPrefix.receipts, hash));
    return v === undefined ? undefined : decodeReceipts(v);
  }

  async getTxLocation(txHash: Uint8Array): Promise<TxLocation | undefined> {
    const v = await this.get(key(KeyPrefix.txIndex, txHash));
    return v === undefined ? undefined : decodeTxLocation(v);
  }

  getEpochBoundary(epoch: bigint): Promise<Uint8Array | undefined> {
    return this.get(key(KeyPrefix.epoch, u64(epoch)));
  }

  async getSlot(hash: Uint8Array): Promise<bigint | undefined> {
    const v = await this.get(key(KeyPrefix.slot, hash));
    return v === undefined ? undefined : bytesToBigInt(v);
  }

  // Block data by hash (any branch).
  private blockDataOps(w: BlockWrite, ops: Batch): void {
    ops.push({ type: "put", key: key(KeyPrefix.envelope, w.hash), value: w.envelope });
    ops.push({ type: "put", key: key(KeyPrefix.header, w.hash), value: w.header });
    ops.push({ type: "put", key: key(KeyPrefix.senders, w.hash), value: encodeSenders(w.senders) });
    ops.push({ type: "put", key: key(KeyPrefix.receipts, w.hash), value: encodeReceipts(w.receipts) });
    ops.push({ type: "put", key: key(KeyPrefix.slot, w.hash), value: u64(w.slot) });
  }

  async storeSideBlock(w: BlockWrite): Promise<void> {
    const { writes, release } = this.trie.drain();
    const ops: Batch = [];
    for (const t of writes) {
      const k = key(KeyPrefix.trie, t.key);
      ops.push(t.value === null ? { type: "del", key: k } : { type: "put", key: k, value: t.value });
    }
    this.blockDataOps(w, ops);
    try {
      await this.db.batch(ops);
    } finally {
      release();
    }
  }

  async applyReorg(r: Reorg): Promise<void> {
    const ops: Batch = [];
    for (const h of r.dropTxHashes) ops.push({ type: "del", key: key(KeyPrefix.txIndex, h) });
    if (r.clearAbove) for (let n = r.clearAbove.from; n <= r.clearAbove.to; n++) ops.push({ type: "del", key: key(KeyPrefix.canonical, u64(n)) });
    for (const b of r.adopt) {
      ops.push({ type: "put", key: key(KeyPrefix.canonical, u64(b.number)), value: b.hash });
      b.receipts.forEach((rc, index) => ops.push({ type: "put", key: key(KeyPrefix.txIndex, rc.txHash), value: encodeTxLocation({ blockHash: b.hash, blockNumber: b.number, index }) }));
      // The log index is a superset keyed by number (readers re-check the canonical block's receipts):
      // entries of removed blocks may stay; the adopted blocks' logs must be added.
      for (const op of logIndexOps(b.number, b.receipts)) ops.push(op);
    }
    ops.push({ type: "put", key: BURNED_KEY, value: bigIntToBytes(r.totalBurned) });
    ops.push({ type: "put", key: HEAD_KEY, value: r.head });
    await this.db.batch(ops);
  }

  async commitBlock(w: BlockWrite): Promise<void> {
    await this.commitBlocks([w]);
  }

  /**
   * Writes consecutive canonical blocks in one atomic batch, the last one becoming head: for imports
   * of a range (and tests writing long histories), where one LevelDB write per block would dominate.
   */
  async commitBlocks(ws: BlockWrite[]): Promise<void> {
    const last = ws[ws.length - 1];
    if (!last) return;
    const { writes, release } = this.trie.drain();
    const ops: Batch = [];
    for (const t of writes) {
      const k = key(KeyPrefix.trie, t.key);
      ops.push(t.value === null ? { type: "del", key: k } : { type: "put", key: k, value: t.value });
    }
    for (const w of ws) {
      this.blockDataOps(w, ops);
      w.receipts.forEach((r, index) => {
        ops.push({ type: "put", key: key(KeyPrefix.txIndex, r.txHash), value: encodeTxLocation({ blockHash: w.hash, blockNumber: w.number, index }) });
      });
      for (const op of logIndexOps(w.number, w.receipts)) ops.push(op);
      if (w.epochBoundary) ops.push({ type: "put", key: key(KeyPrefix.epoch, u64(w.epochBoundary.epoch)), value: w.epochBoundary.hash });
      ops.push({ type: "put", key: key(KeyPrefix.canonical, u64(w.number)), value: w.hash });
    }
    ops.push({ type: "put", key: BURNED_KEY, value: bigIntToBytes(last.totalBurned) });
    // Head last: LevelDB applies the batch atomically anyway; the order documents the intent.
    ops.push({ type: "put", key: HEAD_KEY, value: last.hash });
    try {
      await this.db.batch(ops);
    } finally {
      release();
    }
  }


  async getTotalBurned(): Promise<bigint> {
    const v = await this.get(BURNED_KEY);
    return v === undefined ? 0n : bytesToBigInt(v);
  }

  getMeta(name: string): Promise<Uint8Array | undefined> {
    return this.get(key(KeyPrefix.meta, utf8ToBytes(`x:${name}`)));
  }

  async putMeta(name: string, value: Uint8Array): Promise<void> {
    await this.db.put(key(KeyPrefix.meta, utf8ToBytes(`x:${name}`)), value);
  }

  async putMetas(entries: [string, Uint8Array][]): Promise<void> {
    await this.db.batch(entries.map(([name, value]) => ({ type: "put" as const, key: key(KeyPrefix.meta, utf8ToBytes(`x:${name}`)), value })));
  }

  async deleteMeta(name: string): Promise<void> {
    await this.db.del(key(KeyPrefix.meta, utf8ToBytes(`x:${name}`)));
  }
}
