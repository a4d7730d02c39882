import { bigIntToBytes, setLengthLeft } from "@ethereumjs/util";
import { LuxError } from "../../errors";
import type { SimBlockOverrides } from "../../execution/simulateBlocks";
import { address, blockNumber, member, quantity, type Param } from "../params";

/**
 * geth's BlockOverrides object (eth_simulateV1's blocks, eth_call's fourth parameter, debug_traceCall's
 * `blockOverrides`) and the payload checks eth_simulateV1's parser shares: unknown and unsupported
 * fields refused by name, and errors that say where in the payload they sit.
 */

export type Obj = Record<string, unknown>;
const MAX_U64 = 2n ** 64n - 1n;
const WORD_BYTES = 32;
const OVERRIDE_FIELDS = ["number", "time", "gasLimit", "feeRecipient", "prevRandao", "baseFeePerGas"];
/** Fields of the spec this node does not simulate: refused by name rather than silently ignored. */
export const UNSUPPORTED: Record<string, string> = {
  blobBaseFee: "blob gas is not simulated",
  beaconRoot: "geth refuses it in eth_simulateV1 too",
  withdrawals: "geth refuses it in eth_simulateV1 too",
  difficulty: "a proof-of-stake block has none",
  blobVersionedHashes: "blob transactions are not simulated",
  maxFeePerBlobGas: "blob transactions are not simulated",
  blobs: "blob transactions are not simulated",
  commitments: "blob transactions are not simulated",
  proofs: "blob transactions are not simulated",
  authorizationList: "EIP-7702 transactions are not simulated",
  movePrecompileToAddress: "precompiles cannot be moved on this node",
};

export const bad = (where: string, why: string): never => {
  throw new LuxError("INVALID_PARAMS", `invalid argument ${where}: ${why}`);
};

/** Runs a parser, prefixing its invalid-params message with where the value sits in the payload. */
export function at<T>(where: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof LuxError && err.code === "INVALID_PARAMS" && !err.message.startsWith(`invalid argument ${where}`)) {
      throw new LuxError("INVALID_PARAMS", `${where}: ${err.message}`);
    }
    throw err;
  }
}

export function objectAt(where: string, v: unknown): Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : bad(where, "expected an object");
}

/** Refuses unknown and unsupported fields by name (a typo would otherwise simulate something else). */
export function onlyFields(where: string, o: Obj, known: string[]): void {
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || known.includes(k)) continue;
    const key = k.slice(0, 40);
    if (UNSUPPORTED[k] !== undefined) bad(`${where}.${key}`, `not supported (${UNSUPPORTED[k]})`);
    bad(where, `unknown field ${key} (supported: ${known.join(", ")})`);
  }
}

export const u64 = (name: string): Param<bigint> => ({
  name,
  parse: (v) => {
    const n = quantity(name).parse(v);
    return n > MAX_U64 ? bad(name, "larger than 2^64 - 1") : n;
  },
});

/** geth's BlockOverrides object, parsed; `where` names it in errors. */
export function blockOverrides(where: string, v: unknown): SimBlockOverrides {
  if (v === undefined || v === null) return {};
  const o = objectAt(where, v);
  onlyFields(where, o, OVERRIDE_FIELDS);
  return at(where, () => {
    const randao = member(o, "prevRandao", quantity);
    return {
      number: member(o, "number", blockNumber),
      time: member(o, "time", u64),
      gasLimit: member(o, "gasLimit", u64),
      feeRecipient: member(o, "feeRecipient", address),
      // A 32-byte word (geth) or a quantity (viem): both read as a number up to 2^256.
      prevRandao: randao === undefined ? undefined : setLengthLeft(bigIntToBytes(randao), WORD_BYTES),
      baseFeePerGas: member(o, "baseFeePerGas", quantity),
    };
  });
}

