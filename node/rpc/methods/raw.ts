import type { TransactionType } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import { encodeReceipt, type TxReceipt } from "@ethereumjs/vm";
import type { BlockRecord } from "../../chain/types";
import { LuxError } from "../../errors";
import type { StoredReceipt } from "../../storage/types";
import { formatHeader, receiptBloom, type Json } from "../format";
import { blockRef, hash, isPending, quantity, type BlockRef } from "../params";
import { resolveBlock } from "../resolve";
import { method, type MethodSpec, type RpcContext } from "../types";

/** A mined block by reference; "pending" is not one (it has no hash, and nothing of it is encoded yet). */
async function minedBlock(ctx: RpcContext, ref: BlockRef): Promise<BlockRecord | undefined> {
  if (isPending(ref)) throw new LuxError("INVALID_PARAMS", "the pending block is not mined: ask for a mined block (a number, a hash or latest)");
  return resolveBlock(ctx, ref);
}

async function requireMined(ctx: RpcContext, ref: BlockRef): Promise<BlockRecord> {
  const rec = await minedBlock(ctx, ref);
  if (!rec) throw new LuxError("RESOURCE_NOT_FOUND", "block not found");
  return rec;
}

/** A stored receipt in its consensus form: what the block's receipts root commits to. */
export function consensusReceipt(r: StoredReceipt): Uint8Array {
  const receipt: TxReceipt = {
    status: r.status === 1 ? 1 : 0,
    cumulativeBlockGasUsed: r.cumulativeGasUsed,
    bitvector: receiptBloom(r.logs),
    logs: r.logs.map((l) => [l.address, l.topics, l.data]),
  };
  return encodeReceipt(receipt, r.type as TransactionType);
}

/**
 * geth's header reads and raw getters: a block's header, and the consensus bytes of a header, a block,
 * a transaction and a block's receipts (the block's system receipt is not one: the receipts root does
 * not include it). Uncles do not exist in proof of stake: the uncle getters answer null, as geth's do.
 */
export const rawMethods: Record<string, MethodSpec> = {
  eth_getHeaderByNumber: method([blockRef("block")], async (ctx, [ref]) => {
    const rec = await minedBlock(ctx, ref);
    return rec ? formatHeader(rec) : null;
  }),
  eth_getHeaderByHash: method([hash("blockHash")], async (ctx, [h]) => {
    const rec = await ctx.chain.getBlockByHash(h);
    return rec ? formatHeader(rec) : null;
  }),
  eth_getUncleByBlockNumberAndIndex: method([blockRef("block"), quantity("index")], () => null),
  eth_getUncleByBlockHashAndIndex: method([hash("blockHash"), quantity("index")], () => null),
  debug_getRawHeader: method([blockRef("block")], async (ctx, [ref]) => bytesToHex((await requireMined(ctx, ref)).block.header.serialize())),
  debug_getRawBlock: method([blockRef("block")], async (ctx, [ref]) => bytesToHex((await requireMined(ctx, ref)).block.serialize())),
  debug_getRawReceipts: method([blockRef("block")], async (ctx, [ref]): Promise<Json> => {
    const rec = await requireMined(ctx, ref);
    const receipts = (await ctx.chain.getReceipts(rec.hash)) ?? [];
    return receipts.slice(0, rec.block.transactions.length).map((r) => bytesToHex(consensusReceipt(r)));
  }),
  debug_getRawTransaction: method([hash("txHash")], async (ctx, [h]) => {
    const loc = await ctx.chain.locateTx(h);
    const rec = loc ? await ctx.chain.getBlockByHash(loc.blockHash) : undefined;
    const tx = loc && rec ? rec.block.transactions[loc.index] : undefined;
    // geth answers "0x" for a hash it does not know.
    return tx ? bytesToHex(tx.serialize()) : "0x";
  }),
};
