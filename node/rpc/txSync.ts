import { hexToBytes } from "@ethereumjs/util";
import { LuxError } from "../errors";
import type { PoolTx } from "../txpool/types";
import type { Json } from "./format";
import { receiptByHash } from "./methods/blocks";
import type { Param } from "./params";
import type { RequestScope, RpcContext } from "./types";

/** EIP-7966's wait when the request names none, and the most it may name (geth's defaults). */
export const TX_SYNC_DEFAULT_TIMEOUT_MS = 20_000;
export const TX_SYNC_MAX_TIMEOUT_MS = 60_000;

/** The optional wait in ms: a JSON number or a hex quantity (viem sends hex); 0 means the default. */
export const syncTimeout = (name: string): Param<number> => ({
  name,
  parse: (v) => {
    const ms = typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : typeof v === "string" && /^0x[0-9a-fA-F]{1,13}$/.test(v) ? Number(BigInt(v)) : undefined;
    if (ms === undefined) throw new LuxError("INVALID_PARAMS", `invalid argument ${name}: expected milliseconds (number or hex quantity)`);
    return ms;
  },
});

/** The wait a request gets: the default for none or 0, else what it asked, capped at the maximum (geth's rule). */
export function syncWaitMs(requested: number | undefined): number {
  if (!requested) return TX_SYNC_DEFAULT_TIMEOUT_MS;
  return requested > TX_SYNC_MAX_TIMEOUT_MS ? TX_SYNC_MAX_TIMEOUT_MS : requested;
}

/**
 * EIP-7966 (eth_sendRawTransactionSync, geth 1.16.6+): waits until the pooled transaction `t` is mined
 * and answers its receipt, as eth_getTransactionReceipt would. After `waitMs` (or when the transaction
 * leaves the pool unmined) it fails with code 4 and the transaction's hash as data: it may still be mined.
 */
export async function receiptWhenMined(ctx: RpcContext, t: PoolTx, waitMs: number, scope: RequestScope): Promise<Json> {
  const hash = hexToBytes(t.hash as `0x${string}`);
  const own = new AbortController();
  const mined = ctx.inclusion?.wait(t.hash, waitMs, AbortSignal.any([scope.signal, own.signal]));
  try {
    // Mined already (automine, or a block between the pool's answer and this wait).
    const early = await receiptByHash(ctx, hash);
    if (early !== null) return early;
    if (mined && (await mined)) {
      const receipt = await receiptByHash(ctx, hash);
      if (receipt !== null) return receipt;
    }
  } finally {
    own.abort();
  }
  if (ctx.pool.get(t.hash) === undefined && (await receiptByHash(ctx, hash)) === null) {
    throw new LuxError("TX_SYNC_TIMEOUT", "The transaction was added to the transaction pool but left it unmined (replaced or dropped)", { data: t.hash });
  }
  throw new LuxError("TX_SYNC_TIMEOUT", `The transaction was added to the transaction pool but wasn't processed in ${waitMs / 1000}s`, { data: t.hash });
}
