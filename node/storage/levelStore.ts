import { ClassicLevel } from "classic-level";
import { bigIntToBytes, bytesToBigInt, utf8ToBytes } from "@ethereumjs/util";
import { BufferedTrieDb } from "./bufferedTrieDb";
import {
  KeyPrefix, decodeReceipts, decodeSenders, decodeTxLocation, encodeReceipts, encodeSenders, encodeTxLocation, key, u64,
} from "./codec";
import type { TxJournalStore } from "../txpool/types";
import type { BlockWrite, ChainStore, HeadRewind, StoredReceipt, TxLocation } from "./types";

type Batch = Array<{ type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array }>;

const HEAD_KEY = key(KeyPrefix.meta, utf8ToBytes("head"));
const BURNED_KEY = key(KeyPrefix.meta, utf8ToBytes("burned"));

/**
 * LevelDB (classic-level) implementation of the chain store. All tables share one keyspace with a
 * one-byte prefix, so a block and its state go to disk in a single atomic WriteBatch.
 */
export class LevelChainStore implements ChainStore {
  private readonly db: ClassicLevel<Uint8Array, Uint8Array>;
  private readonly trie: BufferedTrieDb;

  constructor(dir: string) {
    this.db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    // Trie reads are synchronous: LevelDB serves hot nodes from its cache and the thread-pool hop of an
    // async get costs more than the read itself.
    this.trie = new BufferedTrieDb(async (k) => this.db.getSync(key(KeyPrefix.trie, k)) ?? undefined);
  }

  async open(): Promise<void> {
    await this.db.open();
  }

  async close(): Promise<void> {
    await this.db.close();
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

  commitBlock(w: BlockWrite): Promise<void> {
    return this.commitBlocks([w]);
  }

  async commitBlocks(blocks: BlockWrite[]): Promise<void> {
    const last = blocks[blocks.length - 1];
    if (!last) return;
    const { writes, release } = this.trie.drain();
    const ops: Batch = [];
    for (const t of writes) {
      const k = key(KeyPrefix.trie, t.key);
      ops.push(t.value === null ? { type: "del", key: k } : { type: "put", key: k, value: t.value });
    }
    for (const w of blocks) {
      ops.push({ type: "put", key: key(KeyPrefix.envelope, w.hash), value: w.envelope });
      ops.push({ type: "put", key: key(KeyPrefix.header, w.hash), value: w.header });
      ops.push({ type: "put", key: key(KeyPrefix.senders, w.hash), value: encodeSenders(w.senders) });
      ops.push({ type: "put", key: key(KeyPrefix.receipts, w.hash), value: encodeReceipts(w.receipts) });
      w.receipts.forEach((r, index) => {
        ops.push({ type: "put", key: key(KeyPrefix.txIndex, r.txHash), value: encodeTxLocation({ blockHash: w.hash, blockNumber: w.number, index }) });
      });
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

  async getCanonicalRange(from: bigint, to: bigint): Promise<Uint8Array[]> {
    if (to < from) return [];
    return this.db.values({ gte: key(KeyPrefix.canonical, u64(from)), lte: key(KeyPrefix.canonical, u64(to)) }).all();
  }

  async getHeaders(hashes: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const out = await this.db.getMany(hashes.map((h) => key(KeyPrefix.header, h)));
    return out.map((v) => v ?? undefined);
  }

  async rewindHead(r: HeadRewind): Promise<void> {
    // Pending trie writes (dev-mode state edits of the new head) go to disk with the new head pointer.
    const { writes, release } = this.trie.drain();
    const ops: Batch = [];
    for (const t of writes) {
      const k = key(KeyPrefix.trie, t.key);
      ops.push(t.value === null ? { type: "del", key: k } : { type: "put", key: k, value: t.value });
    }
    for (let n = r.number + 1n; n <= r.oldNumber; n++) ops.push({ type: "del", key: key(KeyPrefix.canonical, u64(n)) });
    for (const h of r.droppedTxs) ops.push({ type: "del", key: key(KeyPrefix.txIndex, h) });
    for (const e of r.droppedEpochs) ops.push({ type: "del", key: key(KeyPrefix.epoch, u64(e)) });
    ops.push({ type: "put", key: BURNED_KEY, value: bigIntToBytes(r.totalBurned) });
    ops.push({ type: "put", key: HEAD_KEY, value: r.hash });
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

  /** The txpool journal: pooled transactions by hash, in the same database (the `p` table). */
  txJournal(): TxJournalStore {
    return {
      load: async () => {
        const out: Uint8Array[] = [];
        const range = { gte: Uint8Array.of(KeyPrefix.txpool), lt: Uint8Array.of(KeyPrefix.txpool + 1) };
        for await (const v of this.db.values(range)) out.push(v);
        return out;
      },
      write: async (put, del) => {
        const ops: Batch = put.map((p) => ({ type: "put" as const, key: key(KeyPrefix.txpool, p.hash), value: p.raw }));
        for (const h of del) ops.push({ type: "del", key: key(KeyPrefix.txpool, h) });
        await this.db.batch(ops);
      },
    };
  }
}
