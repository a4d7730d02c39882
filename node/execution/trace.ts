import type { InterpreterStep, Message, EVMResult } from "@ethereumjs/evm";
import type { TypedTransaction } from "@ethereumjs/tx";
import { bigIntToBytes, bigIntToHex, bytesToHex, bytesToUnprefixedHex, setLengthLeft, type Address } from "@ethereumjs/util";
import type { RunTxResult, VM } from "@ethereumjs/vm";
import { LuxError } from "../errors";
import { revertReason } from "./call";
import { FrameKinds, frameParties } from "./evmFrame";
import { localize, parityTraceRun, type TxPlace } from "./parityTrace";
import { PrestateTracer, type PrestateConfig } from "./prestateTracer";

/** Tracer options of debug_traceTransaction / debug_traceCall (geth's names, plus Hardhat's disable* flags). */
export interface TraceOptions {
  /** One of geth's native tracers (TRACERS); absent for struct logs. */
  tracer?: string;
  /** callTracer: only the top call. */
  onlyTopCall?: boolean;
  /** flatCallTracer: OpenEthereum's error words ("Reverted") instead of geth's ("execution reverted"). */
  convertParityErrors?: boolean;
  /** muxTracer: the tracers it runs at once, each with its own options, by name. */
  mux?: Record<string, TraceOptions>;
  /** prestateTracer's tracerConfig. */
  prestate?: PrestateConfig;
  /** Struct logs without the stack. */
  disableStack?: boolean;
  /** Struct logs without memory. */
  disableMemory?: boolean;
  /** geth's opt-in for memory (memory is included unless disabled). */
  enableMemory?: boolean;
  /** Struct logs without storage. */
  disableStorage?: boolean;
}

/** Upper bound of struct logs kept, so a loop cannot exhaust memory. */
export const MAX_STRUCT_LOGS = 100_000;
const WORD = 32;
const TRACERS = new Set(["callTracer", "prestateTracer", "flatCallTracer", "4byteTracer", "noopTracer", "muxTracer"]);
const CALL_KINDS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);
const SELECTOR_BYTES = 4;

type JsonObject = Record<string, unknown>;
const hex32 = (v: bigint): string => bytesToUnprefixedHex(setLengthLeft(bigIntToBytes(v), WORD));

/** Parses and checks the tracer options object. */
export function parseTraceOptions(o: Record<string, unknown> | undefined): TraceOptions {
  if (!o) return {};
  const tracer = o.tracer;
  if (tracer !== undefined && (typeof tracer !== "string" || !TRACERS.has(tracer))) {
    throw new LuxError("INVALID_PARAMS", `invalid argument tracer: ${String(tracer)} is not supported (struct logs by default, or ${[...TRACERS].map((t) => `"${t}"`).join(", ")})`);
  }
  const rawCfg = o.tracerConfig;
  if (rawCfg !== undefined && rawCfg !== null && (typeof rawCfg !== "object" || Array.isArray(rawCfg))) {
    throw new LuxError("INVALID_PARAMS", "invalid argument tracerConfig: expected an object");
  }
  const cfg = (rawCfg ?? {}) as Record<string, unknown>;
  const flag = (v: unknown, name: string): boolean | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") throw new LuxError("INVALID_PARAMS", `invalid argument ${name}: expected a boolean`);
    return v;
  };
  let prestate: PrestateConfig | undefined;
  if (tracer === "prestateTracer") {
    prestate = {
      diffMode: flag(cfg.diffMode, "tracerConfig.diffMode") ?? false,
      disableCode: flag(cfg.disableCode, "tracerConfig.disableCode") ?? false,
      disableStorage: flag(cfg.disableStorage, "tracerConfig.disableStorage") ?? false,
      includeEmpty: flag(cfg.includeEmpty, "tracerConfig.includeEmpty") ?? false,
    };
    // geth: diff mode's creation/deletion rules need the empty accounts pruned.
    if (prestate.diffMode && prestate.includeEmpty) throw new LuxError("INVALID_PARAMS", "invalid argument tracerConfig: cannot use diffMode with includeEmpty");
  }
  let mux: Record<string, TraceOptions> | undefined;
  if (tracer === "muxTracer") {
    // geth's: `{ "<tracer>": <its tracerConfig>, … }`, native tracers only, each at most once (object keys).
    mux = {};
    for (const [name, sub] of Object.entries(cfg)) {
      if (name === "muxTracer") throw new LuxError("INVALID_PARAMS", "invalid argument tracerConfig: a muxTracer cannot hold another muxTracer");
      mux[name] = parseTraceOptions({ tracer: name, tracerConfig: sub ?? undefined });
    }
    if (Object.keys(mux).length === 0) throw new LuxError("INVALID_PARAMS", "invalid argument tracerConfig: a muxTracer needs at least one tracer, e.g. { \"callTracer\": {}, \"4byteTracer\": {} }");
  }
  return {
    tracer: tracer as string | undefined,
    mux,
    onlyTopCall: tracer === "callTracer" ? flag(cfg.onlyTopCall, "tracerConfig.onlyTopCall") : undefined,
    convertParityErrors: tracer === "flatCallTracer" ? flag(cfg.convertParityErrors, "tracerConfig.convertParityErrors") : undefined,
    prestate,
    disableStack: flag(o.disableStack, "disableStack"),
    disableMemory: flag(o.disableMemory, "disableMemory"),
    enableMemory: flag(o.enableMemory, "enableMemory"),
    disableStorage: flag(o.disableStorage, "disableStorage"),
  };
}

/**
 * Runs `run` with a tracer on the VM's EVM events and returns geth's output: struct logs (one entry per
 * opcode: pc, op, gas, gasCost, depth, stack, memory, storage of the current contract), with
 * "callTracer" the tree of calls with value, gas, input, output and revert reason, with
 * "prestateTracer" the state the transaction touched (see PrestateTracer), with "flatCallTracer" the
 * calls as a flat list (Parity's entries, placed in the block when `place` is given), with
 * "4byteTracer" how often each selector was called with each calldata size, with "noopTracer" {}, and
 * with "muxTracer" several of them over the one run.
 */
export async function traceRun(vm: VM, opts: TraceOptions, run: () => Promise<RunTxResult>, tx?: TypedTransaction, coinbase?: Address, place?: TxPlace): Promise<unknown> {
  const events = vm.evm.events;
  if (!events) throw new LuxError("EXECUTION_FAILED", "this EVM exposes no events to trace");
  if (opts.tracer === "callTracer") return callTrace(vm, opts, run, tx);
  if (opts.prestate) return new PrestateTracer(vm, opts.prestate, coinbase).trace(run);
  if (opts.tracer === "flatCallTracer") {
    const { traces } = await parityTraceRun(vm, run, opts.convertParityErrors === true ? "parity" : "geth");
    return place ? localize(traces, place) : traces;
  }
  if (opts.tracer === "4byteTracer") return fourByteTrace(vm, run);
  if (opts.mux) return muxTrace(vm, opts.mux, run, tx, coinbase, place);
  if (opts.tracer === "noopTracer") {
    await run();
    return {};
  }
  const logs: JsonObject[] = [];
  const storage = new Map<string, Map<string, string>>();
  let pendingLoad: { address: string; key: string; depth: number } | undefined;
  const memory = opts.disableMemory !== true && opts.enableMemory !== false;
  const onStep = (s: InterpreterStep): void => {
    const address = s.address.toString();
    if (pendingLoad && pendingLoad.depth === s.depth && pendingLoad.address === address) {
      storage.get(address)?.set(pendingLoad.key, hex32(s.stack[s.stack.length - 1] ?? 0n));
    }
    pendingLoad = undefined;
    const op = s.opcode.name;
    const st = s.stack;
    if (!opts.disableStorage && (op === "SSTORE" || op === "SLOAD") && st.length > 0) {
      if (!storage.has(address)) storage.set(address, new Map());
      const key = hex32(st[st.length - 1]);
      if (op === "SSTORE" && st.length > 1) storage.get(address)?.set(key, hex32(st[st.length - 2]));
      else pendingLoad = { address, key, depth: s.depth };
    }
    if (logs.length >= MAX_STRUCT_LOGS) return;
    const entry: JsonObject = { pc: s.pc, op, gas: Number(s.gasLeft), gasCost: Number(BigInt(s.opcode.fee) + (s.opcode.dynamicFee ?? 0n)), depth: s.depth + 1 };
    if (!opts.disableStack) entry.stack = st.map((v) => bigIntToHex(v));
    if (memory) {
      const words: string[] = [];
      for (let i = 0; i < s.memory.length; i += WORD) words.push(bytesToUnprefixedHex(s.memory.subarray(i, i + WORD)));
      entry.memory = words;
    }
    if (!opts.disableStorage) entry.storage = Object.fromEntries(storage.get(address) ?? []);
    logs.push(entry);
  };
  events.on("step", onStep);
  try {
    const res = await run();
    const ex = res.execResult.exceptionError;
    return { gas: Number(res.totalGasSpent), failed: ex !== undefined, returnValue: bytesToUnprefixedHex(res.execResult.returnValue), structLogs: logs };
  } finally {
    events.off("step", onStep);
  }
}

interface Frame {
  type: string;
  from: string;
  to?: string;
  value?: string;
  gas: string;
  gasUsed?: string;
  input: string;
  output?: string;
  error?: string;
  revertReason?: string;
  calls?: Frame[];
}

async function callTrace(vm: VM, opts: TraceOptions, run: () => Promise<RunTxResult>, tx?: TypedTransaction): Promise<JsonObject> {
  const events = vm.evm.events;
  if (!events) throw new LuxError("EXECUTION_FAILED", "this EVM exposes no events to trace");
  const stack: Frame[] = [];
  let root: Frame | undefined;
  const kinds = new FrameKinds();
  const onStep = (s: InterpreterStep): void => kinds.step(s.opcode.name);
  const onBefore = (m: Message): void => {
    const type = kinds.of(m);
    const { from, to } = frameParties(m, type);
    // A STATICCALL moves no value: geth's frame has none.
    const frame: Frame = {
      type, from: from.toString(), to: to?.toString(), value: type === "STATICCALL" ? undefined : bigIntToHex(m.value), gas: bigIntToHex(m.gasLimit), input: bytesToHex(m.data),
    };
    const parent = stack[stack.length - 1];
    if (parent && !opts.onlyTopCall) (parent.calls ??= []).push(frame);
    if (!root) root = frame;
    stack.push(frame);
  };
  const onAfter = (r: EVMResult): void => {
    const frame = stack.pop();
    if (!frame) return;
    const ex = r.execResult.exceptionError;
    frame.gasUsed = bigIntToHex(r.execResult.executionGasUsed);
    if (r.createdAddress) frame.to = r.createdAddress.toString();
    frame.output = bytesToHex(r.execResult.returnValue);
    if (ex) {
      frame.error = ex.error === "revert" ? "execution reverted" : ex.error;
      if (ex.error === "revert" && r.execResult.returnValue.length > 0) {
        const reason = revertReason(r.execResult.returnValue);
        if (reason !== "execution reverted") frame.revertReason = reason.replace(/^execution reverted: /, "");
      }
    }
  };
  events.on("step", onStep);
  events.on("beforeMessage", onBefore);
  events.on("afterMessage", onAfter);
  try {
    const res = await run();
    const top = root as Frame | undefined;
    if (!top) throw new LuxError("EXECUTION_FAILED", "the traced transaction ran no message");
    // The top frame reports the transaction's gas, as geth does (intrinsic gas included).
    if (tx) top.gas = bigIntToHex(tx.gasLimit);
    top.gasUsed = bigIntToHex(res.totalGasSpent);
    return top as unknown as JsonObject;
  } finally {
    events.off("step", onStep);
    events.off("beforeMessage", onBefore);
    events.off("afterMessage", onAfter);
  }
}

/**
 * geth's muxTracer: each tracer attaches to the same single run (one wraps the next, the innermost runs
 * the transaction once) and the answer holds each one's result under its name.
 */
async function muxTrace(vm: VM, tracers: Record<string, TraceOptions>, run: () => Promise<RunTxResult>, tx?: TypedTransaction, coinbase?: Address, place?: TxPlace): Promise<JsonObject> {
  const results: JsonObject = {};
  let ran: RunTxResult | undefined;
  let inner = async (): Promise<RunTxResult> => (ran = await run());
  for (const [name, opts] of Object.entries(tracers)) {
    const next = inner;
    inner = async () => {
      results[name] = await traceRun(vm, opts, next, tx, coinbase, place);
      if (!ran) throw new LuxError("EXECUTION_FAILED", "the traced run did not complete");
      return ran;
    };
  }
  await inner();
  return results;
}

/**
 * geth's 4byteTracer: `{ "0x<selector>-<calldata bytes after it>": count }` over the message calls
 * (the transaction's own and CALL, STATICCALL, DELEGATECALL, CALLCODE; not creations or precompiles)
 * whose input holds a selector — counted as entered, whatever the call's outcome.
 */
async function fourByteTrace(vm: VM, run: () => Promise<RunTxResult>): Promise<JsonObject> {
  const events = vm.evm.events;
  if (!events) throw new LuxError("EXECUTION_FAILED", "this EVM exposes no events to trace");
  const counts: Record<string, number> = {};
  const kinds = new FrameKinds();
  const onStep = (s: InterpreterStep): void => kinds.step(s.opcode.name);
  const onBefore = (m: Message): void => {
    const kind = kinds.of(m);
    if (!CALL_KINDS.has(kind) || m.data.length < SELECTOR_BYTES) return;
    if (m.to && vm.evm.getPrecompile?.(m.to) !== undefined) return;
    const key = `${bytesToHex(m.data.subarray(0, SELECTOR_BYTES))}-${m.data.length - SELECTOR_BYTES}`;
    counts[key] = (counts[key] ?? 0) + 1;
  };
  events.on("step", onStep);
  events.on("beforeMessage", onBefore);
  try {
    await run();
    return counts;
  } finally {
    events.off("step", onStep);
    events.off("beforeMessage", onBefore);
  }
}
