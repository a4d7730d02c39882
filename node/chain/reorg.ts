import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import { systemReceiptHash } from "./system";
import type { BlockRecord } from "./types";

/** What a switch from one head to another removes and adopts, above their common ancestor. */
export interface Branches {
  /** The last block both heads share. */
  ancestor: BlockRecord;
  /** Blocks of the old branch, from the old head down. */
  removed: BlockRecord[];
  /** Blocks of the new branch, in chain order (lowest first). */
  adopted: BlockRecord[];
}

/** Walks both heads back to their common ancestor. */
export async function branchesBetween(oldHead: BlockRecord, newHead: BlockRecord, parentOf: (r: BlockRecord) => Promise<BlockRecord>): Promise<Branches> {
  const removed: BlockRecord[] = [];
  const adopted: BlockRecord[] = [];
  let x = oldHead;
  let y = newHead;
  while (x.block.header.number > y.block.header.number) {
    removed.push(x);
    x = await parentOf(x);
  }
  while (y.block.header.number > x.block.header.number) {
    adopted.push(y);
    y = await parentOf(y);
  }
  while (!equalsBytes(x.hash, y.hash)) {
    removed.push(x);
    adopted.push(y);
    x = await parentOf(x);
    y = await parentOf(y);
  }
  return { ancestor: x, removed, adopted: adopted.reverse() };
}

/** Base fees a block burned. */
function burnedBy(r: BlockRecord): bigint {
  return (r.block.header.baseFeePerGas ?? 0n) * r.block.header.gasUsed;
}

/**
 * The transaction-index entries a switch drops — the removed blocks' transactions that the adopted
 * branch does not hold again, and every removed block's system receipt (its hash is per block) — and
 * the cumulative burn after it.
 */
export function reorgIndexChanges(b: Pick<Branches, "removed" | "adopted">, totalBurned: bigint): { dropTxHashes: Uint8Array[]; totalBurned: bigint } {
  const adoptedTx = new Set(b.adopted.flatMap((r) => r.block.transactions.map((t) => bytesToHex(t.hash()))));
  const dropped = b.removed.flatMap((r) => r.block.transactions.map((t) => t.hash())).filter((h) => !adoptedTx.has(bytesToHex(h)));
  return {
    dropTxHashes: [...dropped, ...b.removed.map((r) => systemReceiptHash(r.hash))],
    totalBurned: totalBurned - b.removed.reduce((s, r) => s + burnedBy(r), 0n) + b.adopted.reduce((s, r) => s + burnedBy(r), 0n),
  };
}
