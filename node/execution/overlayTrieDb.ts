import type { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { bytesToUnprefixedHex, unprefixedHexToBytes, type BatchDBOp, type DB, type EncodingOpts } from "@ethereumjs/util";
import type { LuxStateManager } from "./stateManager";

type TrieValue = Uint8Array | string;

/**
 * A trie database that reads through to another one and keeps its own writes in memory. A simulation
 * that needs state roots (eth_simulateV1 seals each simulated block) must flush its state into the
 * trie; the chain's trie database is shared by every state copy and its pending writes join the next
 * block's commit, so without this layer the simulated trie nodes would be written to disk. Storage
 * tries are shallow copies without checkpoints, so an open state checkpoint would not hold them back.
 */
export class OverlayTrieDb implements DB<string, TrieValue> {
  constructor(
    private readonly base: DB<string, TrieValue>,
    /** Shared by copies (the storage tries): they are views of one simulated database. */
    private readonly layer: Map<string, Uint8Array | null> = new Map(),
  ) {}

  async get(key: string, opts?: EncodingOpts): Promise<TrieValue | undefined> {
    const own = this.layer.get(key);
    if (own === null) return undefined;
    if (own === undefined) return this.base.get(key, opts);
    return opts?.valueEncoding === "string" ? bytesToUnprefixedHex(own) : own;
  }

  async put(key: string, value: TrieValue): Promise<void> {
    this.layer.set(key, typeof value === "string" ? unprefixedHexToBytes(value) : value);
  }

  async del(key: string): Promise<void> {
    this.layer.set(key, null);
  }

  async batch(ops: BatchDBOp<string, TrieValue>[]): Promise<void> {
    for (const op of ops) {
      if (op.type === "put") await this.put(op.key, op.value);
      else await this.del(op.key);
    }
  }

  shallowCopy(): DB<string, TrieValue> {
    return new OverlayTrieDb(this.base, this.layer);
  }

  async open(): Promise<void> {}

  /** Trie nodes and code written so far (bounded by the simulation's gas and override limits). */
  get size(): number {
    return this.layer.size;
  }
}

/**
 * Puts an overlay under a fresh state copy (one that has not opened a storage trie yet): from then on
 * its flushes stay in memory. ethereumjs keeps the trie protected; the copy is ours alone.
 */
export function isolateWrites(sm: LuxStateManager): OverlayTrieDb {
  const db = (sm as unknown as { _trie: MerklePatriciaTrie })._trie.database();
  const overlay = new OverlayTrieDb(db.db);
  db.db = overlay;
  return overlay;
}
