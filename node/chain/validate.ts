import type { Block, BlockHeader } from "@ethereumjs/block";
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import { LuxError } from "../errors";
import type { ExecutionResult } from "../execution/types";

type Field = keyof BlockHeader;

/**
 * Every header field, checked one by one against the header the node itself assembles from the block's
 * environment and its execution: the roots, gas, bloom, and the fields this chain fixes (no uncles,
 * no withdrawals, no blobs, zero beacon root, the empty requests hash, nonce and difficulty zero).
 */
const FIELDS: Field[] = [
  "parentHash", "uncleHash", "coinbase", "stateRoot", "transactionsTrie", "receiptTrie", "logsBloom", "difficulty",
  "number", "gasLimit", "gasUsed", "timestamp", "extraData", "mixHash", "nonce", "baseFeePerGas",
  "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot", "requestsHash",
];

function show(v: unknown): string {
  if (v instanceof Uint8Array) return bytesToHex(v);
  if (v === undefined || v === null) return "absent";
  return String(v);
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return equalsBytes(a, b);
  if (a !== null && typeof a === "object" && b !== null && typeof b === "object" && "toString" in a && "toString" in b) return a.toString() === b.toString();
  return a === b;
}

/**
 * Compares an imported block with the block the node assembled by executing its transactions on the
 * parent state. Returns the first difference as an INVALID_BLOCK error, or undefined when they match to
 * the hash. Checked before anything is written.
 */
export function checkBlockAgainstExecution(block: Block, expected: Block, res: ExecutionResult): LuxError | undefined {
  const n = block.header.number;
  const body = block.transactions.length;
  if (body !== res.txs.length) {
    return new LuxError("INVALID_BLOCK", `block ${n}: body holds ${body} transactions but ${res.txs.length} were executed (nothing may follow the gas cut-off)`, { data: { body, executed: res.txs.length } });
  }
  if (block.uncleHeaders.length > 0) return new LuxError("INVALID_BLOCK", `block ${n}: carries ${block.uncleHeaders.length} uncle headers (none allowed)`);
  if ((block.withdrawals?.length ?? 0) > 0) return new LuxError("INVALID_BLOCK", `block ${n}: carries ${block.withdrawals?.length} withdrawals (none allowed)`);
  for (const f of FIELDS) {
    const got = block.header[f];
    const want = expected.header[f];
    if (!same(got, want)) return new LuxError("INVALID_BLOCK", `block ${n}: header ${f} is ${show(got)}, expected ${show(want)}`, { data: { field: f } });
  }
  if (!equalsBytes(block.hash(), expected.hash())) return new LuxError("INVALID_BLOCK", `block ${n}: hash ${bytesToHex(block.hash())} differs from the executed block's ${bytesToHex(expected.hash())}`);
  return undefined;
}
