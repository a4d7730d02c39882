import { hexToBytes, type BatchDBOp, type DB, type EncodingOpts } from "@ethereumjs/util";

/** Reads a committed trie node from the backing store. */
export type TrieNodeReader = (key: Uint8Array) => Promise<Uint8Array | undefined>;

/** One drained trie write: a put (value) or a delete (null). */
export interface TrieWrite {
  /** Raw key bytes. */
  key: Uint8Array;
  /** Node bytes, or null to delete. */
  value: Uint8Array | null;
}

/**
 * The trie's database. Writes stay in memory until the chain drains them into the block's batch, so a
 * block's state, its body and the head pointer reach disk together (kill -9 never leaves a head whose
 * state is missing). Reads see pending writes first. Trie keys arrive as unprefixed hex strings.
 */
export class BufferedTrieDb implements DB<string, Uint8Array | string> {
  /** Shared by copies: [0] takes new writes; later entries are drained sets still being written. */
  private readonly layers: Map<string, Uint8Array | null>[];

  constructor(
    private readonly read: TrieNodeReader,
    layers?: Map<string, Uint8Array | null>[],
  ) {
    this.layers = layers ?? [new Map()];
  }

  private get pending(): Map<string, Uint8Array | null> {
    return this.layers[0];
  }

  private lookup(key: string): Uint8Array | null | undefined {
    for (const layer of this.layers) {
      const v = layer.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  async get(key: string, opts?: EncodingOpts): Promise<Uint8Array | string | undefined> {
    let value: Uint8Array | null | undefined = this.lookup(key);
    if (value === null) return undefined;
    if (value === undefined) value = await this.read(hexToBytes(`0x${key}`));
    if (value === undefined) return undefined;
    return opts?.valueEncoding === "string" ? Buffer.from(value).toString("hex") : value;
  }

  async put(key: string, value: Uint8Array | string): Promise<void> {
    this.pending.set(key, typeof value === "string" ? hexToBytes(`0x${value}`) : value);
  }

  async del(key: string): Promise<void> {
    this.pending.set(key, null);
  }

  async batch(ops: BatchDBOp<string, Uint8Array | string>[]): Promise<void> {
    for (const op of ops) {
      if (op.type === "put") await this.put(op.key, op.value as Uint8Array | string);
      else await this.del(op.key);
    }
  }

  /** Copies share the pending writes: they are views of the same database. */
  shallowCopy(): DB<string, Uint8Array | string> {
    return new BufferedTrieDb(this.read, this.layers);
  }

  async open(): Promise<void> {}

  /**
   * Takes every pending write for a batch. The drained set stays readable until `release` is called
   * after the batch reached the database, so no read falls into the gap.
   */
  drain(): { writes: TrieWrite[]; release: () => void } {
    const drained = this.pending;
    this.layers.unshift(new Map());
    const writes: TrieWrite[] = [];
    for (const [key, value] of drained) writes.push({ key: hexToBytes(`0x${key}`), value });
    const release = (): void => {
      const i = this.layers.indexOf(drained);
      if (i > 0) this.layers.splice(i, 1);
    };
    return { writes, release };
  }

  /** Number of writes waiting for the next block commit. */
  get size(): number {
    return this.pending.size;
  }
}
