import { toChecksumAddress } from "@ethereumjs/util";
import type { PoolTx } from "../../txpool/types";
import { formatTx, hexQ, type Json } from "../format";
import { address } from "../params";
import { method, type MethodSpec, type RpcContext } from "../types";

/** address (checksummed, as geth's `account.Hex()`) → nonce (decimal string) → value. */
type BySender = Record<string, Record<string, Json>>;

function group(txs: PoolTx[], value: (t: PoolTx) => Json): BySender {
  const out: BySender = {};
  for (const t of txs) {
    const from = toChecksumAddress(t.from);
    (out[from] ??= {})[t.nonce.toString()] = value(t);
  }
  return out;
}

/** geth's one-line summary: "<to>: <value> wei + <gas> gas × <fee cap> wei". */
function summary(t: PoolTx): string {
  const to = t.tx.to ? toChecksumAddress(t.tx.to.toString()) : "contract creation";
  return `${to}: ${t.tx.value} wei + ${t.tx.gasLimit} gas × ${t.maxFee} wei`;
}

const full = (t: PoolTx): Json => formatTx(t.tx, t.from);

function split(ctx: RpcContext, value: (t: PoolTx) => Json): { pending: BySender; queued: BySender } {
  const c = ctx.pool.content();
  return { pending: group(c.pending, value), queued: group(c.queued, value) };
}

/**
 * geth's txpool namespace. `pending` holds each sender's transactions whose nonces follow its account
 * nonce without a gap, `queued` those behind a gap — as in geth, a transaction whose fee cap is below
 * the current base fee is still `pending` (executable by nonce; the builder skips it until the base fee
 * falls). Answered on every node: the pool's content is public on a network anyway (gossip).
 */
export const txpoolMethods: Record<string, MethodSpec> = {
  txpool_status: method([], (ctx) => {
    const c = ctx.pool.content();
    return { pending: hexQ(c.pending.length), queued: hexQ(c.queued.length) };
  }),
  txpool_content: method([], (ctx) => split(ctx, full)),
  txpool_contentFrom: method([address("address")], (ctx, [addr]) => {
    const { pending, queued } = split(ctx, full);
    const key = toChecksumAddress(addr.toString());
    return { pending: pending[key] ?? {}, queued: queued[key] ?? {} };
  }),
  txpool_inspect: method([], (ctx) => split(ctx, summary)),
};
