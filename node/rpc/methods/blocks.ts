import { bytesToHex } from "@ethereumjs/util";
import type { BlockRecord } from "../../chain/types";
import { formatBlock, formatPendingBlock, formatReceipt, formatTx, hexQ, type Json } from "../format";
import { blockRef, bool, hash, isPending, object, quantity, type BlockRef } from "../params";
import { parseLogCriteria, queryLogs } from "../logs";
import { pendingBlock, resolveBlock } from "../resolve";
import { method, type MethodSpec, type RpcContext } from "../types";

function txAt(rec: BlockRecord | undefined, index: bigint): Json {
  if (!rec || index >= BigInt(rec.block.transactions.length)) return null;
  const i = Number(index);
  const h = rec.block.header;
  return formatTx(rec.block.transactions[i], rec.senders[i], { blockHash: rec.hash, blockNumber: h.number, index: i, baseFee: h.baseFeePerGas ?? 0n });
}

async function byNumberRef(ctx: RpcContext, ref: BlockRef): Promise<BlockRecord | undefined> {
  return resolveBlock(ctx, ref);
}

/** A mined transaction's receipt as eth_getTransactionReceipt answers it; null when not mined. */
export async function receiptByHash(ctx: RpcContext, h: Uint8Array): Promise<Json> {
  const loc = await ctx.chain.locateTx(h);
  if (!loc) return null;
  const receipts = await ctx.chain.getReceipts(loc.blockHash);
  const header = await ctx.chain.getHeader(loc.blockHash);
  if (!receipts || !header || !receipts[loc.index]) return null;
  let firstLog = 0;
  for (let i = 0; i < loc.index; i++) firstLog += receipts[i].logs.length;
  return formatReceipt(receipts[loc.index], loc.blockHash, header.number, loc.index, firstLog);
}

/** The pending block's transaction at `index`, as the pool shows it (no block yet). */
async function pendingTxAt(ctx: RpcContext, index: bigint): Promise<Json> {
  const { block, senders } = await pendingBlock(ctx).view();
  if (index >= BigInt(block.transactions.length)) return null;
  return formatTx(block.transactions[Number(index)], senders[Number(index)]);
}

/** Block, transaction, receipt and log reads. */
export const blockMethods: Record<string, MethodSpec> = {
  eth_blockNumber: method([], (ctx) => hexQ(ctx.chain.head.block.header.number)),
  eth_getBlockByNumber: method([blockRef("block"), bool("fullTransactions")], async (ctx, [ref, full]) => {
    if (isPending(ref)) {
      const p = await pendingBlock(ctx).view();
      return formatPendingBlock(p.block, p.senders, p.slot, full);
    }
    const rec = await byNumberRef(ctx, ref);
    return rec ? formatBlock(rec, full) : null;
  }),
  eth_getBlockByHash: method([hash("blockHash"), bool("fullTransactions")], async (ctx, [h, full]) => {
    const rec = await ctx.chain.getBlockByHash(h);
    return rec ? formatBlock(rec, full) : null;
  }),
  eth_getBlockTransactionCountByNumber: method([blockRef("block")], async (ctx, [ref]) => {
    if (isPending(ref)) return hexQ((await pendingBlock(ctx).view()).block.transactions.length);
    const rec = await byNumberRef(ctx, ref);
    return rec ? hexQ(rec.block.transactions.length) : null;
  }),
  eth_getBlockTransactionCountByHash: method([hash("blockHash")], async (ctx, [h]) => {
    const rec = await ctx.chain.getBlockByHash(h);
    return rec ? hexQ(rec.block.transactions.length) : null;
  }),
  eth_getUncleCountByBlockNumber: method([blockRef("block")], async (ctx, [ref]) => ((await byNumberRef(ctx, ref)) ? "0x0" : null)),
  eth_getUncleCountByBlockHash: method([hash("blockHash")], async (ctx, [h]) => ((await ctx.chain.getBlockByHash(h)) ? "0x0" : null)),
  eth_getTransactionByBlockNumberAndIndex: method([blockRef("block"), quantity("index")], async (ctx, [ref, i]) =>
    isPending(ref) ? pendingTxAt(ctx, i) : txAt(await byNumberRef(ctx, ref), i),
  ),
  eth_getTransactionByBlockHashAndIndex: method([hash("blockHash"), quantity("index")], async (ctx, [h, i]) => txAt(await ctx.chain.getBlockByHash(h), i)),
  eth_getTransactionByHash: method([hash("txHash")], async (ctx, [h]) => {
    const pending = ctx.pool.get(bytesToHex(h));
    if (pending) return formatTx(pending.tx, pending.from);
    const loc = await ctx.chain.locateTx(h);
    if (!loc) return null;
    return txAt(await ctx.chain.getBlockByHash(loc.blockHash), BigInt(loc.index));
  }),
  eth_getTransactionReceipt: method([hash("txHash")], (ctx, [h]) => receiptByHash(ctx, h)),
  eth_getBlockReceipts: method([blockRef("block")], async (ctx, [ref]) => {
    // Receipts belong to a mined block (they carry its hash): the pending block has none yet, as a
    // pending transaction has no receipt.
    if (isPending(ref)) return null;
    const rec = await resolveBlock(ctx, ref);
    if (!rec) return null;
    const receipts = (await ctx.chain.getReceipts(rec.hash)) ?? [];
    let firstLog = 0;
    return receipts.map((r, i) => {
      const out = formatReceipt(r, rec.hash, rec.block.header.number, i, firstLog);
      firstLog += r.logs.length;
      return out;
    });
  }),
  eth_getLogs: method([object("filter")], async (ctx, [f], _conn, scope) => queryLogs(ctx, parseLogCriteria(f, ctx.limits), scope)),
};
