import type { InterpreterStep, Message, EVMResult } from "@ethereumjs/evm";
import type { TypedTransaction } from "@ethereumjs/tx";
import { Address, bigIntToHex, bytesToHex, createContractAddress, equalsBytes } from "@ethereumjs/util";
import type { RunTxResult, VM } from "@ethereumjs/vm";
import { LuxError } from "../errors";
import { FrameKinds, frameParties, stackWordAddress } from "./evmFrame";

/**
 * Otterscan's tracers (the `ots_` namespace of Erigon and anvil), on ethereumjs's EVM events: the flat
 * call list of ots_traceTransaction, the internal operations of ots_getInternalOperations, and the
 * contracts a transaction created for ots_getContractCreator. Pure helpers for paging and searching
 * block numbers live here too.
 */

/** Operation types of ots_getInternalOperations (Otterscan's numbering). */
export const OP_TRANSFER = 0;
export const OP_SELF_DESTRUCT = 1;
export const OP_CREATE = 2;
export const OP_CREATE2 = 3;

/** One call of ots_traceTransaction: the tree flattened in execution order, nesting given by `depth`. */
export type OtsTraceEntry = {
  type: string;
  depth: number;
  from: string;
  to: string;
  /** null for STATICCALL and DELEGATECALL, which move no value (Erigon's shape). */
  value: string | null;
  input: string;
  output: string;
};

/** One entry of ots_getInternalOperations: a value transfer, self-destruct or creation inside the transaction. */
export type InternalOperation = { type: number; from: string; to: string; value: string };

/** A contract created by a transaction (in a frame that did not revert) and the account that created it. */
export type Creation = { address: string; creator: string };

/** What one traced transaction gives. */
export interface OtsTrace {
  /** ots_traceTransaction's list. */
  entries: OtsTraceEntry[];
  /** ots_getInternalOperations's list. */
  operations: InternalOperation[];
  /** Contracts that exist after the transaction, in creation order. */
  creations: Creation[];
  /** The run's result. */
  result: RunTxResult;
}

/** Call types that move no value: Erigon reports their value as null. */
const VALUELESS = new Set(["STATICCALL", "DELEGATECALL"]);
const ADDRESS_HEX_DIGITS = 40;
const ZERO_ADDRESS = `0x${"0".repeat(ADDRESS_HEX_DIGITS)}`;


interface Frame {
  message: Message;
  /** Its entry; absent for a precompile (Erigon leaves them out of the trace). */
  entry?: OtsTraceEntry;
  /** Its creation operation, whose `to` is known only once the address is derived. */
  op?: InternalOperation;
  create: boolean;
  /** Creations of this frame and its children; kept only if every frame up to the top succeeds. */
  created: Creation[];
}

/**
 * Runs `run` (one transaction on `vm`) with Otterscan's tracer attached. With `calls: false` only
 * creations are followed (no step hook: what replaying a whole block for ots_getContractCreator needs).
 */
export async function otsTraceRun(vm: VM, run: () => Promise<RunTxResult>, opts: { calls: boolean } = { calls: true }): Promise<OtsTrace> {
  const events = vm.evm.events;
  if (!events) throw new LuxError("EXECUTION_FAILED", "this EVM exposes no events to trace");
  const entries: OtsTraceEntry[] = [];
  const operations: InternalOperation[] = [];
  const creations: Creation[] = [];
  const stack: Frame[] = [];
  const kinds = new FrameKinds();
  const isPrecompile = (a: Address): boolean => vm.evm.getPrecompile?.(a) !== undefined;

  const onStep = (s: InterpreterStep): void => {
    const op = s.opcode.name;
    kinds.step(op);
    if (op !== "SELFDESTRUCT" || s.stack.length === 0) return;
    // No message runs for SELFDESTRUCT: it is recorded as it executes, one level below its contract.
    const from = s.address.toString();
    const to = stackWordAddress(s.stack[s.stack.length - 1]).toString();
    const value = bigIntToHex(s.account.balance);
    entries.push({ type: "SELFDESTRUCT", depth: s.depth + 1, from, to, value, input: "0x", output: "0x" });
    operations.push({ type: OP_SELF_DESTRUCT, from, to, value });
  };

  const onBefore = (m: Message): void => {
    const create = m.to === undefined;
    const top = m.depth === 0;
    const type = kinds.of(m);
    const parties = frameParties(m, type);
    const from = parties.from.toString();
    // A creation's address is filled in after the frame (onAfter).
    const to = parties.to?.toString() ?? ZERO_ADDRESS;
    const frame: Frame = { message: m, create, created: [] };
    if (opts.calls) {
      if (create || !isPrecompile(m.codeAddress)) {
        frame.entry = { type, depth: m.depth, from, to, value: VALUELESS.has(type) ? null : bigIntToHex(m.value), input: bytesToHex(m.data), output: "0x" };
        entries.push(frame.entry);
      }
      // Erigon's operations are the inner ones: the transaction's own value and creation are in its body.
      if (!top) {
        const value = bigIntToHex(m.value);
        if (create) frame.op = { type: type === "CREATE2" ? OP_CREATE2 : OP_CREATE, from, to, value };
        else if (type === "CALL" && m.value > 0n) operations.push({ type: OP_TRANSFER, from, to, value });
        if (frame.op) operations.push(frame.op);
      }
    }
    stack.push(frame);
  };

  const onAfter = (r: EVMResult): void => {
    const frame = stack.pop();
    if (!frame) return;
    // A creation's address is derived inside the EVM after beforeMessage: it is on the message now.
    const created = frame.create ? (frame.message.to ?? r.createdAddress)?.toString() : undefined;
    if (frame.entry) {
      frame.entry.output = bytesToHex(r.execResult.returnValue);
      if (created) frame.entry.to = created;
    }
    if (frame.op && created) frame.op.to = created;
    if (r.execResult.exceptionError) return;
    if (created) frame.created.push({ address: created, creator: frame.message.caller.toString() });
    (stack.length > 0 ? stack[stack.length - 1].created : creations).push(...frame.created);
  };

  if (opts.calls) events.on("step", onStep);
  events.on("beforeMessage", onBefore);
  events.on("afterMessage", onAfter);
  try {
    const result = await run();
    return { entries, operations, creations, result };
  } finally {
    if (opts.calls) events.off("step", onStep);
    events.off("beforeMessage", onBefore);
    events.off("afterMessage", onAfter);
  }
}

/**
 * The smallest n in [lo, hi] where `holds(n)`, for a property that, once true, stays true up to hi (an
 * account's nonce past a value, its code present); undefined when it does not hold at hi.
 */
export async function firstBlockWhere(lo: bigint, hi: bigint, holds: (n: bigint) => Promise<boolean>): Promise<bigint | undefined> {
  if (lo > hi || !(await holds(hi))) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    if (await holds(mid)) hi = mid;
    else lo = mid + 1n;
  }
  return lo;
}

/**
 * Otterscan's page of a block's transactions as [start, end) indexes: page 0 holds the last `size`
 * transactions (the explorer lists a block newest first), each page the `size` before the previous one.
 */
export function blockTxPage(count: number, page: bigint, size: number): { start: number; end: number } {
  const fromEnd = page * BigInt(size);
  const end = fromEnd >= BigInt(count) ? 0 : count - Number(fromEnd);
  return { start: Math.max(0, end - size), end };
}

/** Whether a transaction is `address`'s: sent by it, sent to it, or deploying it. */
export function txTouches(tx: TypedTransaction, sender: Uint8Array, address: Address): boolean {
  if (equalsBytes(sender, address.bytes)) return true;
  if (tx.to) return tx.to.equals(address);
  return createContractAddress(new Address(sender), tx.nonce).equals(address);
}
