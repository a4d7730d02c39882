import type { EVMResult, InterpreterStep, Message } from "@ethereumjs/evm";
import { bigIntToHex, bytesToHex, createZeroAddress, type Address } from "@ethereumjs/util";
import type { RunTxResult, VM } from "@ethereumjs/vm";
import { LuxError } from "../errors";
import { FrameKinds, frameParties, stackWordAddress } from "./evmFrame";

/**
 * The Parity / OpenEthereum flat trace (the `trace_*` namespace of Erigon, Nethermind, Reth and anvil), on
 * ethereumjs's EVM events. Every frame a transaction runs is one entry, in execution (pre-)order, placed
 * in the tree by `traceAddress` (its index among its parent's children, and its parent's, up to the top
 * frame's `[]`) and `subtraces` (its children's count). Shapes and strings follow Reth (revm-inspectors'
 * ParityTraceBuilder) and Erigon (OeTracer), which agree on all of them:
 *
 * - the top frame's `gas` is what the transaction's execution got (its gas limit less the intrinsic gas),
 *   and every `gasUsed` is the frame's gas before refunds (the top frame's too);
 * - a reverted frame keeps its `result` (the gas used and the revert data) with `error: "Reverted"`;
 *   another failure has `result: null` and the error in OpenEthereum's words ("Out of gas", ...);
 * - calls to a precompile without value below the top frame are left out (not counted in `subtraces`);
 * - DELEGATECALL and CALLCODE go from the running contract to the code they borrow; a DELEGATECALL shows
 *   the value its frame sees (the caller's), a STATICCALL 0;
 * - a SELFDESTRUCT is a `suicide` entry, the last child of the frame that ran it, with the balance it
 *   moved; a creation's `result.address` is the address it was given, even when it failed.
 *
 * The tracer only listens to the run it is handed; replaying, placing entries in blocks and answering
 * is the RPC layer's (node/rpc/methods/parityTrace.ts).
 */

// The shapes are type aliases, not interfaces: they are plain JSON the RPC layer answers as they are.

/** `action.callType` of a call entry. */
export type CallType = "call" | "callcode" | "delegatecall" | "staticcall";

/** A CALL-family frame. */
export type CallAction = {
  from: string;
  callType: CallType;
  gas: string;
  input: string;
  to: string;
  value: string;
};

/** A CREATE / CREATE2 frame, or a creation transaction (Reth adds `creationMethod`; Erigon does not). */
export type CreateAction = {
  from: string;
  gas: string;
  init: string;
  value: string;
  creationMethod: "create" | "create2";
};

/** A SELFDESTRUCT: the contract, where its balance went, and how much. */
export type SuicideAction = {
  address: string;
  refundAddress: string;
  balance: string;
};

/** What a call returned. */
export type CallResult = {
  gasUsed: string;
  output: string;
};

/** What a creation deployed (or its revert data), at the address it was given. */
export type CreateResult = {
  address: string;
  code: string;
  gasUsed: string;
};

/** One entry of the flat trace, as trace_call and trace_replay* answer it. */
export type ParityTrace =
  | { action: CallAction; error?: string; result: CallResult | null; subtraces: number; traceAddress: number[]; type: "call" }
  | { action: CreateAction; error?: string; result: CreateResult | null; subtraces: number; traceAddress: number[]; type: "create" }
  | { action: SuicideAction; result: null; subtraces: number; traceAddress: number[]; type: "suicide" };

/** Where a mined transaction sits, added to its entries by trace_transaction, trace_block, trace_filter. */
export type TxPlace = {
  blockHash: string;
  blockNumber: number;
  transactionHash: string;
  transactionPosition: number;
};

/** An entry of a mined transaction; key order as Reth writes it (block fields between action and result). */
export type LocalizedTrace = ParityTrace & TxPlace;

/** The traced run: its entries, the top frame's output (returned or revert data) and the run's result. */
export interface ParityTraceRun {
  traces: ParityTrace[];
  output: string;
  result: RunTxResult;
}

/** ethereumjs's exceptional-halt messages in OpenEthereum's words (Reth's and older Erigon's too); others pass through. */
const PARITY_ERRORS: Record<string, string> = {
  revert: "Reverted",
  "out of gas": "Out of gas",
  "code store out of gas": "Out of gas",
  // OpenEthereum halted these as out of gas (all gas consumed); Erigon kept its wording.
  "create collision": "Out of gas",
  "code size to deposit exceeds maximum code size": "Out of gas",
  "invalid opcode": "Bad instruction",
  "invalid JUMP": "Bad jump destination",
  "stack underflow": "Stack underflow",
  "stack overflow": "Out of stack",
  "static state change": "Mutable Call In Static Context",
};

/** geth's word for an EVM error (its flatCallTracer's default, as its callTracer's). */
function gethError(evmError: string): string {
  return evmError === "revert" ? "execution reverted" : evmError;
}

/** The error an entry reports for ethereumjs's exception message. */
export function parityError(evmError: string): string {
  return PARITY_ERRORS[evmError] ?? evmError;
}

interface Frame {
  message: Message;
  /** Its entry; absent for a precompile call that is left out. */
  entry?: Exclude<ParityTrace, { type: "suicide" }>;
  /** A SELFDESTRUCT this frame ran: entered once the frame is known to have completed. */
  suicide?: SuicideAction;
}

/** The traceAddress of the next child of `parent` (counted in its subtraces). */
function childAddress(parent: ParityTrace): number[] {
  return [...parent.traceAddress, parent.subtraces++];
}

/**
 * Runs `run` (one transaction on `vm`) with the Parity tracer attached and returns its flat trace, with
 * OpenEthereum's error words (trace_*) or geth's (its flatCallTracer). The
 * `step` hook is needed twice: to learn which opcode opened the next message, and to see SELFDESTRUCT
 * (no message runs for it).
 */
export async function parityTraceRun(vm: VM, run: () => Promise<RunTxResult>, errors: "parity" | "geth" = "parity"): Promise<ParityTraceRun> {
  const events = vm.evm.events;
  if (!events) throw new LuxError("EXECUTION_FAILED", "this EVM exposes no events to trace");
  const traces: ParityTrace[] = [];
  const stack: Frame[] = [];
  const kinds = new FrameKinds();
  let output = "0x";
  const isPrecompile = (a: Address): boolean => vm.evm.getPrecompile?.(a) !== undefined;

  const onStep = (s: InterpreterStep): void => {
    const op = s.opcode.name;
    kinds.step(op);
    if (op === "SELFDESTRUCT" && s.stack.length > 0) {
      const frame = stack[stack.length - 1];
      // Recorded when it runs (the balance the EVM moves is the frame's own account's); entered only if
      // the frame then completes: a SELFDESTRUCT that fails its gas or static check never happened.
      if (frame) frame.suicide = { address: s.address.toString(), refundAddress: stackWordAddress(s.stack[s.stack.length - 1]).toString(), balance: bigIntToHex(s.account.balance) };
    }
  };

  const onBefore = (m: Message): void => {
    const parent = stack[stack.length - 1]?.entry;
    const deep = m.depth > 0;
    const frame: Frame = { message: m };
    stack.push(frame);
    const kind = kinds.of(m);
    const { from, to } = frameParties(m, kind);
    if (to === undefined) {
      const action: CreateAction = { from: from.toString(), gas: bigIntToHex(m.gasLimit), init: bytesToHex(m.data), value: bigIntToHex(m.value), creationMethod: kind === "CREATE2" ? "create2" : "create" };
      frame.entry = { action, result: null, subtraces: 0, traceAddress: parent ? childAddress(parent) : [], type: "create" };
    } else {
      const callType = kind.toLowerCase() as CallType;
      const value = callType === "staticcall" ? 0n : m.value;
      if (deep && value === 0n && isPrecompile(to)) return;
      const action: CallAction = { from: from.toString(), callType, gas: bigIntToHex(m.gasLimit), input: bytesToHex(m.data), to: to.toString(), value: bigIntToHex(value) };
      frame.entry = { action, result: null, subtraces: 0, traceAddress: parent ? childAddress(parent) : [], type: "call" };
    }
    traces.push(frame.entry);
  };

  const onAfter = (r: EVMResult): void => {
    const frame = stack.pop();
    if (!frame) return;
    const ex = r.execResult.exceptionError;
    const returned = bytesToHex(r.execResult.returnValue);
    if (stack.length === 0) output = returned;
    const entry = frame.entry;
    if (!entry) return;
    const gasUsed = bigIntToHex(r.execResult.executionGasUsed);
    if (ex) entry.error = errors === "parity" ? parityError(ex.error) : gethError(ex.error);
    if (ex && ex.error !== "revert") {
      entry.result = null;
    } else if (entry.type === "create") {
      // The address is derived inside the EVM after beforeMessage: it is on the message by now.
      const address = frame.message.to ?? r.createdAddress;
      entry.result = { address: (address ?? createZeroAddress()).toString(), code: returned, gasUsed };
    } else {
      entry.result = { gasUsed, output: returned };
    }
    if (frame.suicide && !ex) traces.push({ action: frame.suicide, result: null, subtraces: 0, traceAddress: childAddress(entry), type: "suicide" });
  };

  events.on("step", onStep);
  events.on("beforeMessage", onBefore);
  events.on("afterMessage", onAfter);
  try {
    const result = await run();
    return { traces, output, result };
  } finally {
    events.off("step", onStep);
    events.off("beforeMessage", onBefore);
    events.off("afterMessage", onAfter);
  }
}

/** A transaction's entries with its place in the chain, in Reth's key order. */
export function localize(traces: ParityTrace[], place: TxPlace): LocalizedTrace[] {
  return traces.map((t) => {
    const { action, result, subtraces, traceAddress, type } = t;
    const error = "error" in t ? t.error : undefined;
    const out = { action, blockHash: place.blockHash, blockNumber: place.blockNumber, ...(error === undefined ? {} : { error }), result, subtraces, traceAddress };
    return { ...out, transactionHash: place.transactionHash, transactionPosition: place.transactionPosition, type } as LocalizedTrace;
  });
}

/** trace_filter's address criteria: empty lists match anything; `mode` joins the two when both are given. */
export interface TraceMatcher {
  fromAddress: Set<string>;
  toAddress: Set<string>;
  /** "union" (default): either list matches; "intersection": both must. */
  mode: "union" | "intersection";
}

/**
 * Whether an entry matches (alloy's TraceFilterMatcher, which Reth uses): a call is from `from` to `to`,
 * a creation from its creator to the address it created (no address when it failed), a suicide from the
 * contract to the beneficiary. Addresses are lowercase hex.
 */
export function traceMatches(t: ParityTrace, m: TraceMatcher): boolean {
  let from: string;
  let to: string | undefined;
  if (t.type === "call") [from, to] = [t.action.from, t.action.to];
  else if (t.type === "create") [from, to] = [t.action.from, t.result?.address];
  else [from, to] = [t.action.address, t.action.refundAddress];
  const fromOk = m.fromAddress.size === 0 || m.fromAddress.has(from);
  const toOk = m.toAddress.size === 0 || (to !== undefined && m.toAddress.has(to));
  if (m.fromAddress.size === 0 || m.toAddress.size === 0 || m.mode === "intersection") return fromOk && toOk;
  return fromOk || toOk;
}

/** How one value changed in a stateDiff: "=" unchanged, "+" came into being, "-" went away, "*" from → to. */
export type Delta = "=" | { "+": string } | { "-": string } | { "*": { from: string; to: string } };

/** One account of a stateDiff (storage: the changed slots only). */
export type AccountDiff = {
  balance: Delta;
  code: Delta;
  nonce: Delta;
  storage: Record<string, Delta>;
};

/** trace_replay*'s and trace_call's `stateDiff`: the accounts the transaction changed, by address. */
export type StateDiff = Record<string, AccountDiff>;

/** One account of the prestateTracer's diff mode, read back from its JSON. */
interface PrestateView {
  balance?: string;
  nonce?: number;
  code?: string;
  storage: Record<string, string>;
}

const ZERO_WORD = `0x${"0".repeat(64)}`;
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function prestateAccounts(v: unknown): Map<string, PrestateView> {
  const out = new Map<string, PrestateView>();
  if (!isRecord(v)) return out;
  for (const [address, raw] of Object.entries(v)) {
    if (!isRecord(raw)) continue;
    const storage: Record<string, string> = {};
    if (isRecord(raw.storage)) for (const [k, val] of Object.entries(raw.storage)) if (typeof val === "string") storage[k] = val;
    out.set(address, {
      balance: typeof raw.balance === "string" ? raw.balance : undefined,
      nonce: typeof raw.nonce === "number" ? raw.nonce : undefined,
      code: typeof raw.code === "string" ? raw.code : undefined,
      storage,
    });
  }
  return out;
}

const changed = (from: string, to: string): Delta => (from === to ? "=" : { "*": { from, to } });
const nonceHex = (n: number | undefined): string => bigIntToHex(BigInt(n ?? 0));

/**
 * The stateDiff of a transaction from the prestateTracer's diff mode (`{ pre, post }`, see
 * PrestateTracer): an account in `post` only did not exist before (OpenEthereum's and Erigon's "+" for
 * its balance, nonce, code and slots), one in `pre` only is gone ("-"), one in both shows "*" for what
 * `post` lists and "=" for the rest. A slot the diff mode leaves out on one side was zero there.
 */
export function stateDiffOf(prestateDiff: Record<string, unknown>): StateDiff {
  const pre = prestateAccounts(prestateDiff.pre);
  const post = prestateAccounts(prestateDiff.post);
  const out: StateDiff = {};
  for (const address of [...new Set([...pre.keys(), ...post.keys()])].sort()) {
    const before = pre.get(address);
    const after = post.get(address);
    const storage: Record<string, Delta> = {};
    if (!before && after) {
      for (const [slot, v] of Object.entries(after.storage)) storage[slot] = { "+": v };
      out[address] = { balance: { "+": after.balance ?? "0x0" }, code: { "+": after.code ?? "0x" }, nonce: { "+": nonceHex(after.nonce) }, storage };
    } else if (before && !after) {
      for (const [slot, v] of Object.entries(before.storage)) if (v !== ZERO_WORD) storage[slot] = { "-": v };
      out[address] = { balance: { "-": before.balance ?? "0x0" }, code: { "-": before.code ?? "0x" }, nonce: { "-": nonceHex(before.nonce) }, storage };
    } else if (before && after) {
      for (const slot of [...new Set([...Object.keys(before.storage), ...Object.keys(after.storage)])].sort()) {
        const d = changed(before.storage[slot] ?? ZERO_WORD, after.storage[slot] ?? ZERO_WORD);
        if (d !== "=") storage[slot] = d;
      }
      const diff: AccountDiff = {
        balance: after.balance === undefined ? "=" : changed(before.balance ?? "0x0", after.balance),
        code: after.code === undefined ? "=" : changed(before.code ?? "0x", after.code),
        nonce: after.nonce === undefined ? "=" : changed(nonceHex(before.nonce), nonceHex(after.nonce)),
        storage,
      };
      if (diff.balance !== "=" || diff.code !== "=" || diff.nonce !== "=" || Object.keys(storage).length > 0) out[address] = diff;
    }
  }
  return out;
}
