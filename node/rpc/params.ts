import { createAddressFromString, hexToBytes, type Address } from "@ethereumjs/util";
import { invalidParams } from "./errors";

/** One declared parameter: a name for messages, a parser, and whether it may be omitted. */
export interface Param<T> {
  /** Name used in error messages. */
  name: string;
  /** Parses or throws an invalid-params LuxError. */
  parse(v: unknown): T;
  /** May be omitted (then the handler receives undefined). */
  optional?: boolean;
}

/** A block reference: a tag, a number or a hash. */
export type BlockRef =
  | { kind: "tag"; tag: "latest" | "pending" | "earliest" | "safe" | "finalized" }
  | { kind: "number"; number: bigint }
  | { kind: "hash"; hash: Uint8Array };

const QUANTITY = /^0x[0-9a-fA-F]{1,64}$/;
const DATA = /^0x([0-9a-fA-F]{2})*$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const TAGS = new Set(["latest", "pending", "earliest", "safe", "finalized"]);
/** Block numbers are int64 in geth; larger ones would wrap in 8-byte keys (0x1_0000_0000_0000_0001 → 1). */
export const MAX_BLOCK_NUMBER = (1n << 63n) - 1n;

function fail(name: string, why: string): never {
  throw invalidParams(`invalid argument ${name}: ${why}`);
}

/** A hex quantity as bigint. */
export const quantity = (name: string): Param<bigint> => ({
  name,
  parse: (v) => (typeof v === "string" && QUANTITY.test(v) ? BigInt(v) : fail(name, "expected a hex quantity")),
});

/** Hex data as bytes. */
export const data = (name: string): Param<Uint8Array> => ({
  name,
  parse: (v) => (typeof v === "string" && DATA.test(v) ? hexToBytes(v as `0x${string}`) : fail(name, "expected 0x-prefixed hex data")),
});

/** A 20-byte address. */
export const address = (name: string): Param<Address> => ({
  name,
  parse: (v) => (typeof v === "string" && ADDRESS.test(v) ? createAddressFromString(v) : fail(name, "expected a 20-byte hex address")),
});

/** A 32-byte hash. */
export const hash = (name: string): Param<Uint8Array> => ({
  name,
  parse: (v) => (typeof v === "string" && HASH.test(v) ? hexToBytes(v as `0x${string}`) : fail(name, "expected a 32-byte hex hash")),
});

/** A boolean. */
export const bool = (name: string): Param<boolean> => ({
  name,
  parse: (v) => (typeof v === "boolean" ? v : fail(name, "expected a boolean")),
});

/** A string. */
export const str = (name: string): Param<string> => ({
  name,
  parse: (v) => (typeof v === "string" ? v : fail(name, "expected a string")),
});

/** A block number: a hex quantity no larger than int64, like geth. */
export const blockNumber = (name: string): Param<bigint> => ({
  name,
  parse: (v) => {
    const n = quantity(name).parse(v);
    return n > MAX_BLOCK_NUMBER ? fail(name, "block number larger than int64") : n;
  },
});

const U64_MAX = (1n << 64n) - 1n;
const DECIMAL = /^[0-9]{1,20}$/;

/**
 * A uint64 as geth's HexOrDecimal64 reads it: a JSON number, a hex quantity or a decimal string
 * (cast and some wallets send eth_feeHistory's block count as a plain number).
 */
export const hexOrDecimal64 = (name: string): Param<bigint> => ({
  name,
  parse: (v) => {
    let n: bigint | undefined;
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) n = BigInt(v);
    else if (typeof v === "string" && QUANTITY.test(v)) n = BigInt(v);
    else if (typeof v === "string" && DECIMAL.test(v)) n = BigInt(v);
    if (n === undefined) return fail(name, "expected a non-negative integer (JSON number, hex quantity or decimal string)");
    return n > U64_MAX ? fail(name, "larger than 2^64 - 1") : n;
  },
});

/** Parses a block tag or number (no hash). */
export function parseBlockTag(name: string, v: unknown): BlockRef {
  if (typeof v === "string" && TAGS.has(v)) return { kind: "tag", tag: v as "latest" };
  if (typeof v === "string" && QUANTITY.test(v)) return { kind: "number", number: blockNumber(name).parse(v) };
  return fail(name, "expected a block number or tag");
}

/**
 * A block tag, number, hash, or EIP-1898 object `{ blockHash }` / `{ blockNumber }`. A bare 32-byte
 * hex string is a hash, as geth's BlockNumberOrHash reads it (a block number never has 64 digits).
 */
export const blockRef = (name: string): Param<BlockRef> => ({
  name,
  parse: (v) => {
    if (typeof v === "string" && HASH.test(v)) return { kind: "hash", hash: hexToBytes(v as `0x${string}`) };
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (o.blockHash !== undefined) return { kind: "hash", hash: hash(name).parse(o.blockHash) };
      if (o.blockNumber !== undefined) return parseBlockTag(name, o.blockNumber);
      return fail(name, "expected blockHash or blockNumber");
    }
    return parseBlockTag(name, v);
  },
});

/** A "pending" reference: reads and simulations then see the pending block (see PendingBlock). */
export function isPending(ref: BlockRef | undefined): boolean {
  return ref?.kind === "tag" && ref.tag === "pending";
}

/** Makes a parameter optional. */
export function optional<T>(p: Param<T>): Param<T | undefined> {
  return { ...p, optional: true };
}

/** Any JSON object (parsed further by the handler). */
export const object = (name: string): Param<Record<string, unknown>> => ({
  name,
  parse: (v) => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(name, "expected an object")),
});

/** Parses an optional member of an object with a parameter parser. */
export function member<T>(obj: Record<string, unknown>, key: string, p: (name: string) => Param<T>): T | undefined {
  const v = obj[key];
  return v === undefined || v === null ? undefined : p(key).parse(v);
}
