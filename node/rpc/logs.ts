import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import { Bloom } from "@ethereumjs/vm";
import type { BlockHeader } from "@ethereumjs/block";
import type { StoredLog, StoredReceipt } from "../storage/types";
import { LuxError } from "../errors";
import { formatLog, type Json } from "./format";
import { address, blockRef, hash, type BlockRef } from "./params";
import { abortReason } from "./semaphore";
import type { RequestScope, RpcContext, RpcLimits } from "./types";

/** A parsed log filter: addresses (any of) and per-position topic alternatives (null = any). */
export interface LogCriteria {
  /** Block range start (eth_getLogs / eth_newFilter). */
  fromBlock?: BlockRef;
  /** Block range end. */
  toBlock?: BlockRef;
  /** Single block by hash (exclusive with the range). */
  blockHash?: Uint8Array;
  /** Matching addresses; empty = any. */
  addresses: Uint8Array[];
  /** Topic alternatives per position; null = wildcard. */
  topics: (Uint8Array[] | null)[];
}

const MAX_TOPICS = 4;

function checkCount(what: string, n: number, limit: number): void {
  if (limit > 0 && n > limit) throw new LuxError("LIMIT_EXCEEDED", `too many ${what} in the filter: ${n}, limit ${limit} (--rpc-logs-max-criteria)`);
}

/**
 * Parses the filter object of eth_getLogs / eth_newFilter / logs subscriptions. Counts are checked
 * before anything is parsed: 70,000 topic alternatives are refused at once instead of being matched
 * against every log of the range.
 */
export function parseLogCriteria(o: Record<string, unknown>, limits: Pick<RpcLimits, "maxLogCriteria">): LogCriteria {
  const addrRaw = o.address;
  const addrList = addrRaw === undefined || addrRaw === null ? [] : Array.isArray(addrRaw) ? addrRaw : [addrRaw];
  checkCount("addresses", addrList.length, limits.maxLogCriteria);
  const addresses = addrList.map((a) => address("address").parse(a).bytes);
  const topicsRaw = o.topics ?? [];
  if (!Array.isArray(topicsRaw)) throw new LuxError("INVALID_PARAMS", "invalid argument topics: expected an array");
  if (topicsRaw.length > MAX_TOPICS) throw new LuxError("INVALID_PARAMS", "invalid argument topics: at most 4 topic positions");
  const topics = topicsRaw.map((t: unknown, i) => {
    if (t === null) return null;
    const alts = Array.isArray(t) ? t : [t];
    checkCount(`alternatives for topic ${i}`, alts.length, limits.maxLogCriteria);
    return alts.map((x) => hash("topic").parse(x));
  });
  const blockHash = o.blockHash === undefined || o.blockHash === null ? undefined : hash("blockHash").parse(o.blockHash);
  if (blockHash && (o.fromBlock !== undefined || o.toBlock !== undefined)) {
    throw new LuxError("INVALID_PARAMS", "invalid argument: cannot specify both blockHash and fromBlock/toBlock");
  }
  return {
    blockHash,
    fromBlock: o.fromBlock === undefined || o.fromBlock === null ? undefined : blockRef("fromBlock").parse(o.fromBlock),
    toBlock: o.toBlock === undefined || o.toBlock === null ? undefined : blockRef("toBlock").parse(o.toBlock),
    addresses,
    topics,
  };
}

/** Whether one log matches the criteria. */
export function logMatches(l: StoredLog, c: LogCriteria): boolean {
  if (c.addresses.length > 0 && !c.addresses.some((a) => equalsBytes(a, l.address))) return false;
  for (let i = 0; i < c.topics.length; i++) {
    const alts = c.topics[i];
    if (alts === null || alts.length === 0) continue;
    const t = l.topics[i];
    if (!t || !alts.some((a) => equalsBytes(a, t))) return false;
  }
  return true;
}

/** Position of logsBloom in an RLP execution header. */
const HEADER_BLOOM_FIELD = 6;

/** Whether a block's bloom may hold matching logs (false = certainly none). */
export function bloomMayMatch(header: BlockHeader | Uint8Array, c: LogCriteria): boolean {
  const bloom = new Bloom(header instanceof Uint8Array ? header : header.logsBloom);
  if (c.addresses.length > 0 && !c.addresses.some((a) => bloom.check(a))) return false;
  for (const alts of c.topics) {
    if (alts === null || alts.length === 0) continue;
    if (!alts.some((t) => bloom.check(t))) return false;
  }
  return true;
}

/** Matching logs of one block's receipts, in RPC form. */
export function blockLogs(receipts: StoredReceipt[], blockHash: Uint8Array, blockNumber: bigint, c: LogCriteria): Json[] {
  const out: Json[] = [];
  let logIndex = 0;
  receipts.forEach((r, txIndex) => {
    for (const l of r.logs) {
      if (logMatches(l, c)) out.push(formatLog(l, { blockHash, blockNumber, txHash: r.txHash, txIndex, logIndex }));
      logIndex++;
    }
  });
  return out;
}

/** A block a reorg took off the canonical chain, with its receipts. */
export interface RemovedBlock {
  /** Its hash. */
  hash: Uint8Array;
  /** Its number. */
  number: bigint;
  /** Its receipts. */
  receipts: StoredReceipt[];
}

/** The matching logs of a removed block, flagged `removed: true` as geth reports them. */
export function removedLogs(b: RemovedBlock, c: LogCriteria): Json[] {
  return blockLogs(b.receipts, b.hash, b.number, c).map((l) => ({ ...(l as Record<string, Json>), removed: true }));
}

async function refNumber(ctx: RpcContext, ref: BlockRef | undefined, fallback: bigint): Promise<bigint> {
  if (!ref) return fallback;
  if (ref.kind === "number") return ref.number;
  if (ref.kind === "tag") return ref.tag === "earliest" ? 0n : ctx.chain.head.block.header.number;
  const h = await ctx.chain.getHeader(ref.hash);
  if (!h) throw new LuxError("RESOURCE_NOT_FOUND", `unknown block ${bytesToHex(ref.hash)}`);
  return h.number;
}

/** Yields to the event loop every `sliceMs` and stops when the request's signal fires. */
export class WorkSlicer {
  private sliceStart = performance.now();

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly sliceMs = 10,
  ) {}

  /** Call often: cheap unless the slice is used up. */
  async step(): Promise<void> {
    if (this.signal?.aborted) throw abortReason(this.signal);
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
    if (this.signal?.aborted) throw abortReason(this.signal);
  }
}

/** eth_getLogs over a range (or one block by hash), with range and result limits. */
export async function queryLogs(ctx: RpcContext, c: LogCriteria, scope?: RequestScope): Promise<Json[]> {
  if (c.blockHash) {
    const h = await ctx.chain.getHeader(c.blockHash);
    if (!h) throw new LuxError("RESOURCE_NOT_FOUND", "unknown block");
    const receipts = (await ctx.chain.getReceipts(c.blockHash)) ?? [];
    return blockLogs(receipts, c.blockHash, h.number, c);
  }
  const head = ctx.chain.head.block.header.number;
  const from = await refNumber(ctx, c.fromBlock, head);
  let to = await refNumber(ctx, c.toBlock, head);
  const maxRange = ctx.limits.maxLogRange;
  if (maxRange > 0n && to >= from && to - from + 1n > maxRange) {
    throw new LuxError("LIMIT_EXCEEDED", `block range too large: ${to - from + 1n} blocks, limit ${maxRange} (--rpc-logs-max-range)`);
  }
  if (to > head) to = head;
  if (from > to) return [];
  const slicer = new WorkSlicer(scope?.signal);
  const out: Json[] = [];
  const collect = async (n: bigint, bloomCheck: boolean): Promise<void> => {
    const bh = await ctx.chain.store.getCanonicalHash(n);
    if (!bh) return;
    if (bloomCheck) {
      // The raw header's bloom field, without building a BlockHeader: this path walks whole ranges.
      const raw = await ctx.chain.store.getHeader(bh);
      if (!raw || !bloomMayMatch((RLP.decode(raw) as Uint8Array[])[HEADER_BLOOM_FIELD], c)) return;
    }
    const receipts = (await ctx.chain.getReceipts(bh)) ?? [];
    out.push(...blockLogs(receipts, bh, n, c));
    if (out.length > ctx.limits.maxLogs) {
      throw new LuxError("LIMIT_EXCEEDED", `query returned more than ${ctx.limits.maxLogs} results (--rpc-logs-max-results): narrow the block range or the filter`);
    }
  };
  // Blocks below the index tail (a data dir from before the index, being indexed downwards in the
  // background): header blooms, upwards, until the scan meets the tail; the rest through the index,
  // which reads only blocks that hold a log of every criterion.
  let n = from;
  while (n <= to && n < ctx.chain.store.logIndexTail()) {
    await slicer.step();
    await collect(n, true);
    n++;
  }
  if (n <= to) {
    for await (const b of ctx.chain.store.logCandidates(c, n, to, () => slicer.step())) await collect(b, false);
  }
  return out;
}

