import { createBlockHeaderFromRLP, type BlockHeader } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { bytesToHex } from "@ethereumjs/util";
import { decodeEnvelope } from "../consensus/envelope";
import type { BlockMeta, ParentInfo } from "../consensus/types";
import type { ChainStore, StoredReceipt } from "../storage/types";
import { LruMap } from "./lru";
import type { BlockRecord } from "./types";

/** Decoded blocks kept in memory (a full block holds ~1,400 transfer objects: keep this small). */
const BLOCK_CACHE = 64;
const RECEIPT_CACHE = 128;
/** Consensus views of blocks kept in memory (the engine walks up to two epochs back). */
const META_CACHE = 4096;

/** The consensus view of a block as a parent: what the schedule and the next block's environment read. */
export function parentInfoOf(rec: BlockRecord): ParentInfo {
  const h = rec.block.header;
  return { hash: rec.hash, number: h.number, slot: rec.slot, timestamp: h.timestamp, mixHash: h.mixHash };
}

/**
 * Stored blocks by hash — any branch, canonical or not — with their receipts and consensus views, read
 * from the store once and kept in bounded caches. It knows nothing of the head: which blocks readers
 * may see is the chain's business.
 */
export class BlockCache {
  private readonly blocks = new LruMap<string, BlockRecord>(BLOCK_CACHE);
  private readonly receipts = new LruMap<string, StoredReceipt[]>(RECEIPT_CACHE);
  private readonly metas = new LruMap<string, BlockMeta>(META_CACHE);

  constructor(
    private readonly store: ChainStore,
    private readonly common: Common,
  ) {}

  /** Remembers a block being stored (and its receipts, when known). */
  add(rec: BlockRecord, receipts?: StoredReceipt[]): void {
    const k = bytesToHex(rec.hash);
    this.blocks.set(k, rec);
    if (receipts) this.receipts.set(k, receipts);
  }

  /** Remembers a block's consensus view (a hardhat_mine run walks back through blocks not yet on disk). */
  addMeta(meta: BlockMeta): void {
    this.metas.set(bytesToHex(meta.hash), meta);
  }

  /** A block by hash, decoded from the store on a miss. */
  async block(hash: Uint8Array): Promise<BlockRecord | undefined> {
    const k = bytesToHex(hash);
    const hit = this.blocks.get(k);
    if (hit) return hit;
    const data = await this.store.getEnvelope(hash);
    if (!data) return undefined;
    const env = decodeEnvelope(data, this.common);
    const senders = (await this.store.getSenders(hash)) ?? [];
    const rec: BlockRecord = { ...env, hash, senders };
    this.blocks.set(k, rec);
    return rec;
  }

  /** True when a block with this hash is stored. */
  async has(hash: Uint8Array): Promise<boolean> {
    return this.blocks.get(bytesToHex(hash)) !== undefined || (await this.store.getHeader(hash)) !== undefined;
  }

  /** A header by hash, without decoding the body. */
  async header(hash: Uint8Array): Promise<BlockHeader | undefined> {
    const cached = this.blocks.get(bytesToHex(hash));
    if (cached) return cached.block.header;
    const data = await this.store.getHeader(hash);
    return data ? createBlockHeaderFromRLP(data, { common: this.common }) : undefined;
  }

  /** A block's receipts (system receipt included). */
  async receiptsOf(hash: Uint8Array): Promise<StoredReceipt[] | undefined> {
    const k = bytesToHex(hash);
    const hit = this.receipts.get(k);
    if (hit) return hit;
    const r = await this.store.getReceipts(hash);
    if (r) this.receipts.set(k, r);
    return r;
  }

  /** A block's consensus view, for walking a branch back. */
  async meta(hash: Uint8Array): Promise<BlockMeta | undefined> {
    const k = bytesToHex(hash);
    const cached = this.metas.get(k);
    if (cached) return cached;
    const rec = this.blocks.get(k);
    let meta: BlockMeta | undefined;
    if (rec) {
      meta = { ...parentInfoOf(rec), parentHash: rec.block.header.parentHash };
    } else {
      const header = await this.store.getHeader(hash);
      if (!header) return undefined;
      const h = createBlockHeaderFromRLP(header, { common: this.common });
      const slot = (await this.store.getSlot(hash)) ?? (await this.block(hash))?.slot;
      if (slot === undefined) return undefined;
      meta = { hash, number: h.number, slot, timestamp: h.timestamp, mixHash: h.mixHash, parentHash: h.parentHash };
    }
    this.metas.set(k, meta);
    return meta;
  }
}
