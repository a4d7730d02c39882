import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex, type Address } from "@ethereumjs/util";
import { runTx, type RunTxResult, type VM } from "@ethereumjs/vm";
import type { BlockRecord } from "../../chain/types";
import { LuxError } from "../../errors";
import { cappedGas, simulate } from "../../execution/call";
import { envBlock } from "../../execution/executor";
import { ExecutionGuard } from "../../execution/guard";
import { applyStateOverrides } from "../../execution/overrides";
import {
  localize, parityTraceRun, stateDiffOf, traceMatches, type LocalizedTrace, type ParityTrace, type ParityTraceRun, type StateDiff, type TraceMatcher, type TxPlace,
} from "../../execution/parityTrace";
import { PrestateTracer, type PrestateConfig } from "../../execution/prestateTracer";
import { replayBlock, vmBefore } from "../../execution/replay";
import { invalidParams } from "../errors";
import type { Json } from "../format";
import { WorkSlicer } from "../logs";
import { MAX_BLOCK_NUMBER, address, blockRef, hash, hexOrDecimal64, isPending, object, optional, parseBlockTag, type BlockRef, type Param } from "../params";
import { requireBlock, resolveBlock, simulationVm } from "../resolve";
import { method, type MethodSpec, type RequestScope, type RpcContext } from "../types";
import { stateOverrides } from "./overrideParams";
import { callRequest } from "./state";

/** Most blocks one trace_filter request replays (Reth allows 100; each block is re-executed in full). */
export const MAX_FILTER_BLOCKS = 1_000n;
/** Most traces one trace_filter answers (narrow the range or page with after/count past it). */
export const MAX_FILTER_TRACES = 10_000;
const TRACE_TYPES = ["trace", "vmTrace", "stateDiff"] as const;
type TraceType = (typeof TRACE_TYPES)[number];
const FILTER_KEYS = new Set(["fromBlock", "toBlock", "fromAddress", "toAddress", "mode", "after", "count"]);
const LOWER_WORD = /^[a-z]+$/;
/** What stateDiff is derived from: the prestateTracer's diff mode, whole (code and storage). */
const DIFF_MODE: PrestateConfig = { diffMode: true, disableCode: false, disableStorage: false, includeEmpty: false };

/**
 * `traceTypes`: which parts trace_call / trace_replay* answer. "trace" (the flat trace) and "stateDiff"
 * (what the transaction changed) are served; "vmTrace" (every opcode with its stack pushes and memory
 * writes) is not, and is refused by name rather than answered as null.
 */
const traceTypes = (name: string): Param<Set<TraceType>> => ({
  name,
  parse: (v) => {
    if (!Array.isArray(v)) throw invalidParams(`invalid argument ${name}: expected an array of "trace", "vmTrace", "stateDiff"`);
    const out = new Set<TraceType>();
    for (const t of v) {
      const known = TRACE_TYPES.find((k) => k === t);
      if (!known) throw invalidParams(`invalid argument ${name}: unknown trace type ${JSON.stringify(t)} (expected "trace", "vmTrace" or "stateDiff")`);
      if (known === "vmTrace") throw invalidParams(`invalid argument ${name}: "vmTrace" is not supported here (only "trace" and "stateDiff")`);
      out.add(known);
    }
    return out;
  },
});

/** trace_get's `indices`: positions in the transaction's flat trace (hex quantities or JSON numbers). */
const traceIndices = (name: string): Param<bigint[]> => ({
  name,
  parse: (v) => (Array.isArray(v) ? v.map((x, i) => hexOrDecimal64(`${name}[${i}]`).parse(x)) : [hexOrDecimal64(name).parse(v)]),
});

/** A trace_filter block bound: a tag, or a number as a hex quantity, JSON number or decimal string. */
function filterBlock(name: string, v: unknown): BlockRef | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string" && LOWER_WORD.test(v)) return parseBlockTag(name, v);
  const n = hexOrDecimal64(name).parse(v);
  if (n > MAX_BLOCK_NUMBER) throw invalidParams(`invalid argument ${name}: block number larger than int64`);
  return { kind: "number", number: n };
}

/** trace_filter's address list (an array, or one address), lowercase. */
function addressSet(name: string, v: unknown): Set<string> {
  if (v === undefined || v === null) return new Set();
  const list = Array.isArray(v) ? v : [v];
  return new Set(list.map((a, i) => address(`${name}[${i}]`).parse(a).toString()));
}

/** A parsed trace_filter object. */
interface TraceFilter {
  fromBlock?: BlockRef;
  toBlock?: BlockRef;
  matcher: TraceMatcher;
  /** Matching traces to skip first. */
  after: number;
  /** Most traces to answer. */
  count?: number;
}

/** trace_filter's object; unknown keys are refused (as Reth does), so a misspelt criterion cannot match everything. */
const traceFilter = (name: string): Param<TraceFilter> => ({
  name,
  parse: (v) => {
    const o = object(name).parse(v);
    const unknown = Object.keys(o).find((k) => !FILTER_KEYS.has(k));
    if (unknown !== undefined) throw invalidParams(`invalid argument ${name}: unknown field ${JSON.stringify(unknown)} (expected ${[...FILTER_KEYS].join(", ")})`);
    const mode = o.mode ?? "union";
    if (mode !== "union" && mode !== "intersection") throw invalidParams(`invalid argument ${name}: mode must be "union" or "intersection"`);
    const num = (key: string): number | undefined => {
      const raw = o[key];
      if (raw === undefined || raw === null) return undefined;
      const n = hexOrDecimal64(key).parse(raw);
      return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
    };
    return {
      fromBlock: filterBlock("fromBlock", o.fromBlock),
      toBlock: filterBlock("toBlock", o.toBlock),
      matcher: { fromAddress: addressSet("fromAddress", o.fromAddress), toAddress: addressSet("toAddress", o.toAddress), mode },
      after: num("after") ?? 0,
      count: num("count"),
    };
  },
});

/** One traced transaction: its flat trace, output, and (when asked) the state it changed. */
interface TracedTx {
  traces: ParityTrace[];
  output: string;
  stateDiff?: StateDiff;
}

/** Runs one transaction with the Parity tracer and, for stateDiff, the prestateTracer's diff mode around it. */
async function traceTx(vm: VM, run: () => Promise<RunTxResult>, coinbase: Address, withDiff: boolean): Promise<TracedTx> {
  if (!withDiff) return parityTraceRun(vm, run);
  const box: { run?: ParityTraceRun } = {};
  const diff = await new PrestateTracer(vm, DIFF_MODE, coinbase).trace(async () => {
    box.run = await parityTraceRun(vm, run);
    return box.run.result;
  });
  if (!box.run) throw new LuxError("EXECUTION_FAILED", "the traced transaction did not run");
  return { traces: box.run.traces, output: box.run.output, stateDiff: stateDiffOf(diff) };
}

/** trace_call's and trace_replay*'s answer; parts not asked for are [] (trace) or null. */
function traceResults(t: TracedTx, types: Set<TraceType>): Record<string, Json> {
  return { output: t.output, stateDiff: types.has("stateDiff") ? ((t.stateDiff ?? {}) as Json) : null, trace: types.has("trace") ? (t.traces as Json) : [], vmTrace: null };
}

/** Re-execution yields to the event loop and stops with the request (its time-out, a client gone). */
function replayGuard(ctx: RpcContext, scope: RequestScope): ExecutionGuard {
  return new ExecutionGuard({ timeoutMs: ctx.limits.requestTimeoutMs, signal: scope.signal });
}

/** Where a mined transaction is, or undefined (the trace methods answer null for an unknown one, as Reth and Erigon do). */
async function locate(ctx: RpcContext, h: Uint8Array): Promise<{ rec: BlockRecord; index: number } | undefined> {
  const loc = await ctx.chain.locateTx(h);
  const rec = loc ? await ctx.chain.getBlockByHash(loc.blockHash) : undefined;
  return loc && rec ? { rec, index: loc.index } : undefined;
}

/** Where transaction `index` of a block sits, as its entries carry it. */
export function placeOf(rec: BlockRecord, tx: TypedTransaction, index: number): TxPlace {
  return { blockHash: bytesToHex(rec.hash), blockNumber: Number(rec.block.header.number), transactionHash: bytesToHex(tx.hash()), transactionPosition: index };
}

/** Replays transaction `index` of a mined block on its pre-state (in a simulation slot: replays are costly). */
async function traceMined(ctx: RpcContext, scope: RequestScope, rec: BlockRecord, index: number, withDiff: boolean): Promise<TracedTx> {
  return ctx.simulations.run(scope.signal, async () => {
    const { vm, env, tx, gasUsed } = await vmBefore(ctx.chain, rec, index);
    replayGuard(ctx, scope).attach(vm);
    const block = envBlock(vm.common, env);
    return traceTx(vm, () => runTx(vm, { tx, block, blockGasUsed: gasUsed, skipHardForkValidation: true }), env.coinbase, withDiff);
  });
}

/** Replays a whole mined block, transaction by transaction, handing each traced one to `each`. */
async function traceBlockTxs<T>(ctx: RpcContext, scope: RequestScope, rec: BlockRecord, withDiff: boolean, each: (t: TracedTx, tx: TypedTransaction, index: number) => T): Promise<T[]> {
  // Nothing to replay (genesis among them, which has no pre-state).
  if (rec.block.transactions.length === 0) return [];
  const slicer = new WorkSlicer(scope.signal);
  return ctx.simulations.run(scope.signal, async () => {
    const guard = replayGuard(ctx, scope);
    let index = 0;
    return replayBlock(ctx.chain, rec, async (vm, tx, run) => {
      await slicer.step();
      guard.attach(vm);
      return each(await traceTx(vm, run, rec.block.header.coinbase, withDiff), tx, index++);
    });
  });
}

/** Every flat trace of a mined block's transactions, placed, in block order. */
async function blockTraces(ctx: RpcContext, scope: RequestScope, rec: BlockRecord): Promise<LocalizedTrace[]> {
  return (await traceBlockTxs(ctx, scope, rec, false, (t, tx, i) => localize(t.traces, placeOf(rec, tx, i)))).flat();
}

/** A block of trace_block / trace_replayBlockTransactions; the pending block is not mined, so it has no replay. */
async function minedBlock(ctx: RpcContext, ref: BlockRef): Promise<BlockRecord | undefined> {
  if (isPending(ref)) throw invalidParams("invalid argument block: the pending block is not mined: trace a mined block, or a call with trace_call");
  return resolveBlock(ctx, ref);
}

/** A trace_filter bound as a block number (tags read the chain now). */
async function boundNumber(ctx: RpcContext, ref: BlockRef | undefined, fallback: bigint): Promise<bigint> {
  if (!ref) return fallback;
  if (ref.kind === "number") return ref.number;
  if (ref.kind === "tag" && (ref.tag === "latest" || ref.tag === "pending")) return ctx.chain.head.block.header.number;
  const rec = await resolveBlock(ctx, ref);
  if (!rec) throw new LuxError("RESOURCE_NOT_FOUND", "block not found");
  return rec.block.header.number;
}

/**
 * trace_filter: the traces of the blocks `fromBlock`..`toBlock` (default: genesis to the head, as Reth
 * and Erigon) whose action matches the addresses, skipping `after` matches and answering at most
 * `count`. The range is bounded (MAX_FILTER_BLOCKS) and so is the answer (MAX_FILTER_TRACES); the scan
 * yields between transactions and stops with the request.
 */
async function filterTraces(ctx: RpcContext, scope: RequestScope, f: TraceFilter): Promise<LocalizedTrace[]> {
  const head = ctx.chain.head.block.header.number;
  const from = await boundNumber(ctx, f.fromBlock, 0n);
  const requestedTo = await boundNumber(ctx, f.toBlock, head);
  if (from > requestedTo) throw invalidParams(`invalid argument filter: fromBlock ${from} is after toBlock ${requestedTo}`);
  // The range asked for is bounded, as Reth bounds it, before it is cut at the head.
  if (requestedTo - from + 1n > MAX_FILTER_BLOCKS) {
    throw invalidParams(`invalid argument filter: block range too large: ${requestedTo - from + 1n} blocks, limit ${MAX_FILTER_BLOCKS}: narrow fromBlock..toBlock`);
  }
  const to = requestedTo > head ? head : requestedTo;
  const out: LocalizedTrace[] = [];
  if (f.count === 0) return out;
  let skip = f.after;
  const slicer = new WorkSlicer(scope.signal);
  for (let n = from; n <= to; n++) {
    await slicer.step();
    const rec = await ctx.chain.getBlockByNumber(n);
    if (!rec || rec.block.transactions.length === 0) continue;
    for (const t of await blockTraces(ctx, scope, rec)) {
      if (!traceMatches(t, f.matcher)) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      out.push(t);
      if (f.count !== undefined && out.length >= f.count) return out;
      if (out.length > MAX_FILTER_TRACES) {
        throw new LuxError("LIMIT_EXCEEDED", `trace_filter matched more than ${MAX_FILTER_TRACES} traces: narrow the block range or the addresses, or page with after and count`);
      }
    }
  }
  return out;
}

/**
 * The Parity / OpenEthereum `trace_*` namespace on dev nodes (as anvil serves it; Erigon, Nethermind and
 * Reth on real networks): flat call traces of mined transactions and blocks (re-executed on their
 * pre-state), of calls (like eth_call), and a bounded filter over a block range. Unknown transactions
 * and blocks answer null.
 */
export const parityTraceMethods: Record<string, MethodSpec> = {
  trace_transaction: method([hash("txHash")], async (ctx, [h], _conn, scope) => {
    const at = await locate(ctx, h);
    if (!at) return null;
    const t = await traceMined(ctx, scope, at.rec, at.index, false);
    return localize(t.traces, placeOf(at.rec, at.rec.block.transactions[at.index], at.index)) as Json;
  }),
  // Reth and Erigon take one index: the position in trace_transaction's list (not a traceAddress); more answer null.
  trace_get: method([hash("txHash"), traceIndices("indices")], async (ctx, [h, indices], _conn, scope) => {
    const at = await locate(ctx, h);
    if (!at || indices.length !== 1) return null;
    const t = await traceMined(ctx, scope, at.rec, at.index, false);
    const i = indices[0];
    if (i >= BigInt(t.traces.length)) return null;
    return localize([t.traces[Number(i)]], placeOf(at.rec, at.rec.block.transactions[at.index], at.index))[0] as Json;
  }),
  trace_block: method([blockRef("block")], async (ctx, [ref], _conn, scope) => {
    const rec = await minedBlock(ctx, ref);
    return rec ? (blockTraces(ctx, scope, rec) as Promise<Json>) : null;
  }),
  trace_replayTransaction: method([hash("txHash"), traceTypes("traceTypes")], async (ctx, [h, types], _conn, scope) => {
    const at = await locate(ctx, h);
    if (!at) return null;
    return traceResults(await traceMined(ctx, scope, at.rec, at.index, types.has("stateDiff")), types);
  }),
  trace_replayBlockTransactions: method([blockRef("block"), traceTypes("traceTypes")], async (ctx, [ref, types], _conn, scope) => {
    const rec = await minedBlock(ctx, ref);
    if (!rec) return null;
    return traceBlockTxs(ctx, scope, rec, types.has("stateDiff"), (t, tx) => ({ ...traceResults(t, types), transactionHash: bytesToHex(tx.hash()) }));
  }),
  // Reth's parameters: the call, the trace types, the block (latest), state overrides.
  trace_call: method(
    [object("call"), traceTypes("traceTypes"), optional(blockRef("block")), optional(stateOverrides("stateOverrides"))],
    async (ctx, [c, types, ref, overrides], _conn, scope) => {
      const req = callRequest(c);
      const rec = await requireBlock(ctx, ref);
      return ctx.simulations.run(scope.signal, async () => {
        const { vm, env } = await simulationVm(ctx, rec, isPending(ref));
        if (overrides) await applyStateOverrides(vm.stateManager, overrides);
        const guard = new ExecutionGuard({ timeoutMs: ctx.limits.evmTimeoutMs, signal: scope.signal });
        return traceResults(await traceTx(vm, () => simulate(vm, env, req, cappedGas(req, ctx.limits.gasCap), guard), env.coinbase, types.has("stateDiff")), types);
      });
    },
  ),
  trace_filter: method([traceFilter("filter")], async (ctx, [f], _conn, scope) => (await filterTraces(ctx, scope, f)) as Json),
};
