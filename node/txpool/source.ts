import type { TxSource } from "../execution/types";
import { BinaryHeap } from "./heap";
import type { PoolTx, SenderQueue } from "./types";

/** Tip a transaction pays per gas in a block with `baseFee` (negative when its fee cap is below it). */
export function effectiveTip(t: PoolTx, baseFee: bigint): bigint {
  const room = t.maxFee - baseFee;
  return t.tip < room ? t.tip : room;
}

/**
 * Executable transactions for one block: repeatedly the best-paying head among senders (ties to the
 * earliest arrival), walking each sender's nonces in order. A sender's next nonce is offered only after
 * the previous one was taken: when the builder rejects one, the sender is skipped for the rest of the
 * block and its later nonces stay in the pool untouched (they could not run without it anyway).
 */
export function createBlockSource(
  senders: ReadonlyMap<string, SenderQueue>,
  baseFee: bigint,
  onReject: (tx: PoolTx, reason: Error) => void,
  /** Where a sender's run starts instead of its state nonce (a pending block extended later). */
  firstNonce?: (from: string) => bigint | undefined,
): TxSource<PoolTx> {
  const heads: PoolTx[] = [];
  for (const [from, q] of senders) {
    const t = q.txs.get(firstNonce?.(from) ?? q.stateNonce);
    if (t && t.maxFee >= baseFee) heads.push(t);
  }
  const better = (a: PoolTx, b: PoolTx): boolean => {
    const ta = effectiveTip(a, baseFee);
    const tb = effectiveTip(b, baseFee);
    return ta === tb ? a.seq < b.seq : ta > tb;
  };
  const heap = new BinaryHeap<PoolTx>(better, heads);
  // The last handed-out transaction; its successor joins the heap once the builder asks for more
  // without having rejected it (the builder reports a rejection before its next `next()`).
  let last: PoolTx | undefined;
  return {
    next: () => {
      if (last) {
        const following = senders.get(last.from)?.txs.get(last.nonce + 1n);
        if (following && following.maxFee >= baseFee) heap.push(following);
      }
      last = heap.pop();
      return last;
    },
    reject: (item, reason) => {
      if (item === last) last = undefined;
      onReject(item, reason);
    },
  };
}
