/**
 * A bounded map that keeps recently used entries (a two-generation LRU approximation). Entries live in
 * a young and an old generation; a hit in the old one moves the entry to the young one, and when the
 * young generation reaches `limit` it becomes the old one (the previous old generation is dropped).
 * A hit in the young generation costs one Map lookup, without the delete + set of an exact LRU (that
 * reordering dominated the per-block cost of a long hardhat_mine). Holds between `limit` and
 * 2·`limit` entries; an entry used within the last `limit` insertions is never evicted.
 */
export class LruMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`LruMap limit must be a positive integer, got ${limit}`);
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.put(key, o);
    }
    return o;
  }

  set(key: K, value: V): void {
    this.old.delete(key);
    this.put(key, value);
  }

  /** Entries currently held (young and old generation). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  private put(key: K, value: V): void {
    if (!this.young.has(key) && this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map<K, V>();
    }
    this.young.set(key, value);
  }
}
