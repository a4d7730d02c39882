import type { AccountOverride, StorageEntry } from "../../execution/overrides";
import type { SimBlockOverrides } from "../../execution/simulateBlocks";
import type { BlockEnv } from "../../execution/types";
import { blockOverrides } from "./blockOverrideParams";
import { LuxError } from "../../errors";
import { address, data, quantity, type Param } from "../params";

/** Most accounts one request may override. */
export const MAX_OVERRIDE_ACCOUNTS = 1_000;
/** Most storage slots one request may override, over all accounts. */
export const MAX_OVERRIDE_SLOTS = 10_000;
const MAX_U64 = 2n ** 64n - 1n;
const WORD_BYTES = 32;
const FIELDS = new Set(["balance", "nonce", "code", "state", "stateDiff"]);

function bad(why: string): never {
  throw new LuxError("INVALID_PARAMS", `invalid argument stateOverrides: ${why}`);
}

function word(where: string, v: unknown): Uint8Array {
  const bytes = data(where).parse(v);
  if (bytes.length !== WORD_BYTES) bad(`${where}: expected 32 bytes of hex data, got ${bytes.length}`);
  return bytes;
}

function storage(where: string, v: unknown, budget: { slots: number }): StorageEntry[] {
  if (v === null || typeof v !== "object" || Array.isArray(v)) bad(`${where}: expected an object of slot → value`);
  const entries = Object.entries(v as Record<string, unknown>);
  budget.slots += entries.length;
  if (budget.slots > MAX_OVERRIDE_SLOTS) {
    throw new LuxError("LIMIT_EXCEEDED", `too many overridden storage slots: more than ${MAX_OVERRIDE_SLOTS}`);
  }
  return entries.map(([k, val]) => ({ key: word(`${where} key ${k.slice(0, 70)}`, k), value: word(`${where}[${k.slice(0, 70)}]`, val) }));
}

/**
 * geth's state-override object: `{ [address]: { balance?, nonce?, code?, state? | stateDiff? } }`.
 * Unknown fields are refused (a typo would otherwise silently simulate something else), and so is
 * `state` together with `stateDiff` (geth: "has both 'state' and 'stateDiff'").
 */
export const stateOverrides = (name: string): Param<AccountOverride[]> => ({
  name,
  parse: (v) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) bad("expected an object of address → account override");
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length > MAX_OVERRIDE_ACCOUNTS) {
      throw new LuxError("LIMIT_EXCEEDED", `too many overridden accounts: ${entries.length}, limit ${MAX_OVERRIDE_ACCOUNTS}`);
    }
    const budget = { slots: 0 };
    return entries.map(([addr, raw]): AccountOverride => {
      const a = addr.slice(0, 70);
      const parsed = (() => {
        try {
          return address(name).parse(addr);
        } catch {
          return bad(`key ${a} is not a 20-byte hex address`);
        }
      })();
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) bad(`account ${a}: expected an object`);
      const o = raw as Record<string, unknown>;
      for (const k of Object.keys(o)) if (!FIELDS.has(k)) bad(`account ${a}: unknown field ${k.slice(0, 40)} (supported: balance, nonce, code, state, stateDiff)`);
      if (o.state !== undefined && o.stateDiff !== undefined) bad(`account ${a} has both 'state' and 'stateDiff'`);
      const out: AccountOverride = { address: parsed };
      if (o.balance !== undefined) out.balance = quantity(`${a}.balance`).parse(o.balance);
      if (o.nonce !== undefined) {
        const n = quantity(`${a}.nonce`).parse(o.nonce);
        if (n > MAX_U64) bad(`account ${a}: nonce above 2^64 - 1`);
        out.nonce = n;
      }
      if (o.code !== undefined) out.code = data(`${a}.code`).parse(o.code);
      if (o.state !== undefined) out.state = storage(`${a}.state`, o.state, budget);
      if (o.stateDiff !== undefined) out.stateDiff = storage(`${a}.stateDiff`, o.stateDiff, budget);
      return out;
    });
  },
});

/**
 * geth's fourth eth_call parameter (and eth_estimateGas's, debug_traceCall's `blockOverrides`): the
 * block the call sees — number, time, gasLimit, feeRecipient, prevRandao. A call here pays no fee, so
 * its BASEFEE reads 0 as geth's does for a call without fees: a base fee override is refused rather
 * than ignored (eth_simulateV1 takes one).
 */
export const callBlockOverrides = (name: string): Param<SimBlockOverrides> => ({
  name,
  parse: (v) => {
    const o = blockOverrides(name, v);
    if (o.baseFeePerGas !== undefined) {
      throw new LuxError("INVALID_PARAMS", `invalid argument ${name}.baseFeePerGas: not supported here (a call pays no fee, so BASEFEE reads 0); eth_simulateV1 takes a base fee override`);
    }
    return o;
  },
});

/** The block environment with the overrides applied. */
export function withBlockOverrides(env: BlockEnv, o: SimBlockOverrides | undefined): BlockEnv {
  if (!o) return env;
  return {
    ...env,
    number: o.number ?? env.number,
    timestamp: o.time ?? env.timestamp,
    gasLimit: o.gasLimit ?? env.gasLimit,
    coinbase: o.feeRecipient ?? env.coinbase,
    prevRandao: o.prevRandao ?? env.prevRandao,
  };
}
