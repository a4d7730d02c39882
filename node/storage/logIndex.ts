import type { ClassicLevel } from "classic-level";
import { KeyPrefix, key, u64 } from "./codec";
import type { StoredReceipt } from "./types";

/**
 * The log index: which block numbers hold a log from an address, a log with a topic at a position, or
 * any log at all. One empty LevelDB key per (criterion, block) — `A‖address‖n`, `P‖position‖topic‖n`,
 * `G‖n` — written in the block's own commit batch. A query walks only the keys of its criteria, so
 * `eth_getLogs` from block 0 costs the blocks that match, not the blocks that exist: a devnet that has
 * produced a million empty blocks answers as fast as a new one (geth walks bloom bits per 4,096-block
 * section instead; this is simpler and exact per criterion).
 *
 * The index is a superset keyed by number: blocks of abandoned branches leave keys behind, and readers
 * re-check every candidate against the canonical block's receipts. So a reorg never has to delete
 * anything; it has to make sure the new canonical blocks are indexed (`logIndexOps` of each of them).
 */

/** What the index can narrow by: addresses (any of) and per-position topic alternatives (null = any). */
export interface LogIndexQuery {
  /** Matching addresses; empty = any. */
  addresses: Uint8Array[];
  /** Topic alternatives per position; null or empty = wildcard. */
  topics: (Uint8Array[] | null)[];
}

/** One write of the index. */
export type IndexOp = { type: "put"; key: Uint8Array; value: Uint8Array };

const EMPTY = new Uint8Array(0);
const NUMBER_BYTES = 8;
/** Keys fetched per LevelDB round trip. */
const BATCH = 512;

function addressPrefix(address: Uint8Array): Uint8Array {
  return key(KeyPrefix.logAddress, address);
}

function topicPrefix(position: number, topic: Uint8Array): Uint8Array {
  const body = new Uint8Array(1 + topic.length);
  body[0] = position;
  body.set(topic, 1);
  return key(KeyPrefix.logTopic, body);
}

const ANY_PREFIX = new Uint8Array([KeyPrefix.logAny]);

function withNumber(prefix: Uint8Array, n: bigint): Uint8Array {
  const out = new Uint8Array(prefix.length + NUMBER_BYTES);
  out.set(prefix);
  out.set(u64(n), prefix.length);
  return out;
}

/** The index writes for one block's receipts (deduplicated: one key per criterion and block). */
export function logIndexOps(number: bigint, receipts: StoredReceipt[]): IndexOp[] {
  const keys = new Map<string, Uint8Array>();
  const add = (prefix: Uint8Array): void => {
    const k = withNumber(prefix, number);
    keys.set(Buffer.from(k).toString("hex"), k);
  };
  for (const r of receipts) {
    for (const l of r.logs) {
      add(addressPrefix(l.address));
      l.topics.forEach((t, i) => add(topicPrefix(i, t)));
    }
  }
  if (keys.size > 0) add(ANY_PREFIX);
  return [...keys.values()].map((k) => ({ type: "put", key: k, value: EMPTY }));
}

type Db = ClassicLevel<Uint8Array, Uint8Array>;
type KeyIterator = ReturnType<Db["keys"]>;

/** Ascending block numbers of one criterion's keys within [from, to], with skip-ahead. */
class RangeStream {
  private buf: bigint[] = [];
  private i = 0;
  private done = false;
  private readonly it: KeyIterator;

  constructor(db: Db, private readonly prefix: Uint8Array, from: bigint, to: bigint) {
    this.it = db.keys({ gte: withNumber(prefix, from), lte: withNumber(prefix, to) });
  }

  /** The first number ≥ n, or undefined when none is left. */
  async seekGE(n: bigint): Promise<bigint | undefined> {
    for (;;) {
      while (this.i < this.buf.length && this.buf[this.i] < n) this.i++;
      if (this.i < this.buf.length) return this.buf[this.i];
      if (this.done) return undefined;
      if (this.buf.length > 0) this.it.seek(withNumber(this.prefix, n));
      const keys = (await this.it.nextv(BATCH)) as Uint8Array[];
      if (keys.length === 0) {
        this.done = true;
        return undefined;
      }
      const off = this.prefix.length;
      this.buf = keys.map((k) => new DataView(k.buffer, k.byteOffset + off, NUMBER_BYTES).getBigUint64(0));
      this.i = 0;
    }
  }

  close(): Promise<void> {
    return this.it.close();
  }
}

/** Union of streams (alternatives of one criterion). */
class UnionStream {
  constructor(readonly parts: RangeStream[]) {}

  async seekGE(n: bigint): Promise<bigint | undefined> {
    let best: bigint | undefined;
    for (const p of this.parts) {
      const v = await p.seekGE(n);
      if (v !== undefined && (best === undefined || v < best)) best = v;
    }
    return best;
  }
}

/**
 * Block numbers in [from, to] that may hold matching logs, ascending: a leapfrog join of the criteria
 * (each a union of its alternatives). `step` runs between blocks (cancellation, yielding).
 */
export async function* logCandidates(db: Db, q: LogIndexQuery, from: bigint, to: bigint, step: () => Promise<void>): AsyncGenerator<bigint> {
  const dims: UnionStream[] = [];
  if (q.addresses.length > 0) dims.push(new UnionStream(q.addresses.map((a) => new RangeStream(db, addressPrefix(a), from, to))));
  q.topics.forEach((alts, i) => {
    if (alts && alts.length > 0) dims.push(new UnionStream(alts.map((t) => new RangeStream(db, topicPrefix(i, t), from, to))));
  });
  if (dims.length === 0) dims.push(new UnionStream([new RangeStream(db, ANY_PREFIX, from, to)]));
  try {
    let target = from;
    outer: while (target <= to) {
      await step();
      for (const d of dims) {
        const v = await d.seekGE(target);
        if (v === undefined) return;
        if (v > target) {
          target = v;
          continue outer;
        }
      }
      yield target;
      target++;
    }
  } finally {
    await Promise.all(dims.flatMap((d) => d.parts.map((p) => p.close())));
  }
}
