import { LuxError } from "../../errors";
import { MAX_SIMULATE_BLOCKS, type SimBlockSpec } from "../../execution/simulateBlocks";
import type { SimCall, SimFees } from "../../execution/simulateCall";
import { bool, data, member, quantity, type Param } from "../params";
import { MAX_OVERRIDE_ACCOUNTS, MAX_OVERRIDE_SLOTS, stateOverrides } from "./overrideParams";
import { UNSUPPORTED, at, bad, blockOverrides, objectAt, onlyFields, u64, type Obj } from "./blockOverrideParams";
import { callRequest } from "./state";

/** Most calls in one simulated block (geth's limit). */
export const MAX_SIMULATE_CALLS_PER_BLOCK = 5_000;
/** Most calls in one request, over all its blocks (geth's limit). */
export const MAX_SIMULATE_CALLS = 10_000;

/** eth_simulateV1's first parameter, parsed. */
export interface SimulatePayload {
  blocks: SimBlockSpec[];
  validation: boolean;
  traceTransfers: boolean;
  returnFullTransactions: boolean;
  /** Chain ids the calls named (checked against the node's by the handler). */
  chainIds: { where: string; chainId: bigint }[];
}

const PAYLOAD_FIELDS = ["blockStateCalls", "validation", "traceTransfers", "returnFullTransactions"];
const BLOCK_FIELDS = ["blockOverrides", "stateOverrides", "calls"];
const CALL_FIELDS = ["from", "to", "gas", "value", "input", "data", "nonce", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "accessList", "type", "chainId"];

/** The fee fields as geth's CallDefaults reads them: absent fees are zero; gasPrice excludes the 1559 pair. */
function fees(where: string, o: Obj): SimFees {
  const gasPrice = member(o, "gasPrice", quantity);
  const maxFee = member(o, "maxFeePerGas", quantity);
  const tip = member(o, "maxPriorityFeePerGas", quantity);
  if (gasPrice !== undefined && (maxFee !== undefined || tip !== undefined)) bad(where, "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified");
  const type = member(o, "type", quantity) ?? (gasPrice !== undefined ? 1n : 2n);
  if (type === 0n) bad(`${where}.type`, "legacy transactions (0x0) are not simulated: send gasPrice without a type (it runs as an access-list transaction, 0x1, with the same gas price) or use 0x2");
  if (type === 3n || type === 4n) bad(`${where}.type`, `0x${type.toString(16)} transactions are not simulated (blob and EIP-7702 transactions)`);
  if (type === 1n) {
    if (maxFee !== undefined || tip !== undefined) bad(where, "type 0x1 takes gasPrice, not maxFeePerGas / maxPriorityFeePerGas");
    return { type: 1, gasPrice: gasPrice ?? 0n };
  }
  if (type !== 2n) bad(`${where}.type`, `unknown transaction type 0x${type.toString(16)}`);
  if (gasPrice !== undefined) bad(where, "type 0x2 takes maxFeePerGas / maxPriorityFeePerGas, not gasPrice");
  return { type: 2, maxFeePerGas: maxFee ?? 0n, maxPriorityFeePerGas: tip ?? 0n };
}

function call(where: string, v: unknown, chainIds: SimulatePayload["chainIds"]): SimCall {
  const o = objectAt(where, v);
  onlyFields(where, o, CALL_FIELDS);
  return at(where, () => {
    if (o.input !== undefined && o.input !== null && o.data !== undefined && o.data !== null && o.input !== o.data) {
      bad(where, `both "data" and "input" are set and not equal. Please use "input" to pass transaction call data`);
    }
    const chainId = member(o, "chainId", quantity);
    if (chainId !== undefined) chainIds.push({ where, chainId });
    return { ...callRequest(o), nonce: member(o, "nonce", u64), fees: fees(where, o) };
  });
}

/**
 * State overrides of one block: eth_call's parser (its per-request limits apply to each block), after
 * refusing geth's movePrecompileToAddress by name.
 */
function blockStateOverrides(where: string, v: unknown, totals: { accounts: number; slots: number }): SimBlockSpec["stateOverrides"] {
  if (v === undefined || v === null) return undefined;
  for (const [addr, acct] of Object.entries(objectAt(where, v))) {
    if (acct !== null && typeof acct === "object" && "movePrecompileToAddress" in acct) {
      bad(`${where}[${addr.slice(0, 42)}].movePrecompileToAddress`, `not supported (${UNSUPPORTED.movePrecompileToAddress})`);
    }
  }
  const parsed = at(where, () => stateOverrides("stateOverrides").parse(v));
  totals.accounts += parsed.length;
  totals.slots += parsed.reduce((n, o) => n + (o.state?.length ?? 0) + (o.stateDiff?.length ?? 0), 0);
  if (totals.accounts > MAX_OVERRIDE_ACCOUNTS) throw new LuxError("LIMIT_EXCEEDED", `too many overridden accounts over all blocks: more than ${MAX_OVERRIDE_ACCOUNTS}`);
  if (totals.slots > MAX_OVERRIDE_SLOTS) throw new LuxError("LIMIT_EXCEEDED", `too many overridden storage slots over all blocks: more than ${MAX_OVERRIDE_SLOTS}`);
  return parsed;
}

function parsePayload(v: unknown): SimulatePayload {
  const o = objectAt("payload", v);
  onlyFields("payload", o, PAYLOAD_FIELDS);
  const raw = o.blockStateCalls;
  if (!Array.isArray(raw)) return bad("blockStateCalls", "expected an array of blocks { blockOverrides?, stateOverrides?, calls? }");
  if (raw.length === 0) bad("blockStateCalls", "empty input (at least one block is needed)");
  if (raw.length > MAX_SIMULATE_BLOCKS) throw new LuxError("SIM_CLIENT_LIMIT", `too many blocks: ${raw.length}, limit ${MAX_SIMULATE_BLOCKS}`);
  const chainIds: SimulatePayload["chainIds"] = [];
  const totals = { accounts: 0, slots: 0, calls: 0 };
  const blocks = raw.map((b: unknown, i): SimBlockSpec => {
    const where = `blockStateCalls[${i}]`;
    const bo = objectAt(where, b);
    onlyFields(where, bo, BLOCK_FIELDS);
    const calls = bo.calls ?? [];
    if (!Array.isArray(calls)) return bad(`${where}.calls`, "expected an array of call objects");
    if (calls.length > MAX_SIMULATE_CALLS_PER_BLOCK) throw new LuxError("SIM_CLIENT_LIMIT", `too many calls in block ${i}: ${calls.length} > ${MAX_SIMULATE_CALLS_PER_BLOCK}`);
    totals.calls += calls.length;
    if (totals.calls > MAX_SIMULATE_CALLS) throw new LuxError("SIM_CLIENT_LIMIT", `too many calls: more than ${MAX_SIMULATE_CALLS}`);
    return {
      overrides: blockOverrides(`${where}.blockOverrides`, bo.blockOverrides),
      stateOverrides: blockStateOverrides(`${where}.stateOverrides`, bo.stateOverrides, totals),
      calls: calls.map((c: unknown, j) => call(`${where}.calls[${j}]`, c, chainIds)),
    };
  });
  return {
    blocks,
    validation: member(o, "validation", bool) ?? false,
    traceTransfers: member(o, "traceTransfers", bool) ?? false,
    returnFullTransactions: member(o, "returnFullTransactions", bool) ?? false,
    chainIds,
  };
}

/** `{ blockStateCalls, validation?, traceTransfers?, returnFullTransactions? }`, checked field by field. */
export const simulatePayload = (name: string): Param<SimulatePayload> => ({ name, parse: parsePayload });
