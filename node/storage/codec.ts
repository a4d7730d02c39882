import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt, concatBytes, intToBytes, bytesToInt } from "@ethereumjs/util";
import type { StoredLog, StoredReceipt, TxLocation } from "./types";

const EMPTY = new Uint8Array(0);
const ADDRESS_BYTES = 20;

/** Key prefixes: one byte per table of the single LevelDB keyspace. */
export const KeyPrefix = {
  canonical: 0x6e, // 'n' + u64 number → hash
  envelope: 0x62, // 'b' + hash → envelope
  header: 0x68, // 'h' + hash → header
  senders: 0x73, // 's' + hash → concatenated senders
  receipts: 0x72, // 'r' + hash → receipts
  txIndex: 0x74, // 't' + tx hash → location
  epoch: 0x65, // 'e' + u64 epoch → boundary hash
  trie: 0x54, // 'T' + trie key → node
  meta: 0x6d, // 'm' + name → value
  logAddress: 0x41, // 'A' + address + u64 number → empty (log index, see logIndex.ts)
  logTopic: 0x50, // 'P' + position + topic + u64 number → empty
  logAny: 0x47, // 'G' + u64 number → empty (block has at least one log)
  slot: 0x53, // 'S' + hash → u64 slot (walking a branch back without decoding envelopes)
} as const;

/** A table key: prefix byte + body. */
export function key(prefix: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = prefix;
  out.set(body, 1);
  return out;
}

const U64_MAX = (1n << 64n) - 1n;

/** Big-endian 8-byte encoding, so numeric keys sort in order; refuses values that would wrap. */
export function u64(n: bigint): Uint8Array {
  if (n < 0n || n > U64_MAX) throw new RangeError(`key number out of range: ${n}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

function encodeLog(l: StoredLog): Uint8Array[] | Uint8Array[][] | (Uint8Array | Uint8Array[])[] {
  return [l.address, l.topics, l.data];
}

/** RLP of a block's receipts. */
export function encodeReceipts(receipts: StoredReceipt[]): Uint8Array {
  return RLP.encode(
    receipts.map((r) => [
      r.txHash,
      intToBytes(r.type),
      intToBytes(r.status),
      bigIntToUnpaddedBytes(r.cumulativeGasUsed),
      bigIntToUnpaddedBytes(r.gasUsed),
      bigIntToUnpaddedBytes(r.effectiveGasPrice),
      r.from,
      r.to ?? EMPTY,
      r.contractAddress ?? EMPTY,
      r.logs.map(encodeLog),
    ]),
  );
}

const asBytes = (v: unknown): Uint8Array => v as Uint8Array;
const asList = (v: unknown): unknown[] => v as unknown[];
const optional = (b: Uint8Array): Uint8Array | undefined => (b.length === 0 ? undefined : b);
const toInt = (b: Uint8Array): number => (b.length === 0 ? 0 : bytesToInt(b));

/** Inverse of `encodeReceipts`. */
export function decodeReceipts(data: Uint8Array): StoredReceipt[] {
  return asList(RLP.decode(data)).map((item) => {
    const f = asList(item);
    return {
      txHash: asBytes(f[0]),
      type: toInt(asBytes(f[1])),
      status: toInt(asBytes(f[2])),
      cumulativeGasUsed: bytesToBigInt(asBytes(f[3])),
      gasUsed: bytesToBigInt(asBytes(f[4])),
      effectiveGasPrice: bytesToBigInt(asBytes(f[5])),
      from: asBytes(f[6]),
      to: optional(asBytes(f[7])),
      contractAddress: optional(asBytes(f[8])),
      logs: asList(f[9]).map((l) => {
        const lf = asList(l);
        return { address: asBytes(lf[0]), topics: asList(lf[1]).map(asBytes), data: asBytes(lf[2]) };
      }),
    };
  });
}

/** Encodes a tx location. */
export function encodeTxLocation(loc: TxLocation): Uint8Array {
  return RLP.encode([loc.blockHash, bigIntToUnpaddedBytes(loc.blockNumber), intToBytes(loc.index)]);
}

/** Decodes a tx location. */
export function decodeTxLocation(data: Uint8Array): TxLocation {
  const f = RLP.decode(data) as Uint8Array[];
  return { blockHash: f[0], blockNumber: bytesToBigInt(f[1]), index: toInt(f[2]) };
}

/** Concatenates 20-byte senders. */
export function encodeSenders(senders: Uint8Array[]): Uint8Array {
  return senders.length === 0 ? EMPTY : concatBytes(...senders);
}

/** Splits concatenated senders. */
export function decodeSenders(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += ADDRESS_BYTES) out.push(data.subarray(i, i + ADDRESS_BYTES));
  return out;
}
