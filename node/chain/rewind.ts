import { createBlockHeaderFromRLP } from "@ethereumjs/block";
import { epochOf } from "../consensus/schedule";
import { LuxError } from "../errors";
import type { Chain } from "./chain";
import type { BlockRecord } from "./types";

/** Past this many epochs between the two heads, the dropped epochs are read block by block instead of as a range. */
const MAX_EPOCH_RANGE = 100_000n;

/** What a head rewind deletes and the burn total it returns to. */
export interface RewindPlan {
  /** Transactions of the dropped blocks. */
  droppedTxs: Uint8Array[];
  /** Epochs a dropped block may have opened (their boundary entries go). */
  droppedEpochs: bigint[];
  /** Cumulative burned base fees at the target. */
  totalBurned: bigint;
}

/**
 * Walks the canonical blocks above `target` up to `from` (the head) and lists what the rewind deletes.
 * Reads receipts and headers only (no body decoding): a revert over 50,000 `hardhat_mine`d blocks stays fast.
 */
export async function rewindPlan(chain: Chain, target: BlockRecord, from: BlockRecord): Promise<RewindPlan> {
  const droppedTxs: Uint8Array[] = [];
  let burned = 0n;
  const first = target.block.header.number + 1n;
  const last = from.block.header.number;
  const hashes = await chain.store.getCanonicalRange(first, last);
  if (BigInt(hashes.length) !== last - first + 1n) throw new LuxError("STORAGE_CORRUPT", `canonical blocks ${first}..${last} incomplete during rewind`);
  const headers = await chain.store.getHeaders(hashes);
  for (let i = 0; i < hashes.length; i++) {
    const bytes = headers[i];
    if (!bytes) throw new LuxError("STORAGE_CORRUPT", `header of canonical block ${first + BigInt(i)} missing during rewind`);
    const h = createBlockHeaderFromRLP(bytes, { common: chain.common });
    burned += (h.baseFeePerGas ?? 0n) * h.gasUsed;
    if (h.gasUsed > 0n) for (const r of (await chain.getReceipts(hashes[i])) ?? []) droppedTxs.push(r.txHash);
  }
  // Epochs opened by dropped blocks lie between the first dropped block's epoch and the head's; after a
  // slot jump (the slot counter follows the wall clock) the target's epoch may be far below that range.
  const spe = chain.config.slotsPerEpoch;
  const keep = epochOf(target.slot, spe);
  const firstDropped = first <= last ? await chain.getBlockByNumber(first) : undefined;
  const lo = firstDropped ? epochOf(firstDropped.slot, spe) : keep + 1n;
  const hi = epochOf(from.slot, spe);
  const droppedEpochs: bigint[] = [];
  if (hi - lo <= MAX_EPOCH_RANGE) {
    for (let e = lo > keep ? lo : keep + 1n; e <= hi; e++) droppedEpochs.push(e);
  } else {
    const seen = new Set<bigint>();
    for (let n = first; n <= last; n++) {
      const rec = await chain.getBlockByNumber(n);
      if (rec) seen.add(epochOf(rec.slot, spe));
    }
    for (const e of seen) if (e > keep) droppedEpochs.push(e);
  }
  return { droppedTxs, droppedEpochs, totalBurned: chain.totalBurned - burned };
}
