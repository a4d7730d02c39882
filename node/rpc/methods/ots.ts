import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, equalsBytes, type Address } from "@ethereumjs/util";
import { runTx } from "@ethereumjs/vm";
import type { BlockRecord } from "../../chain/types";
import { LuxError } from "../../errors";
import { envBlock } from "../../execution/executor";
import { EMPTY_TRIE_ROOT } from "../../execution/orderedTrieRoot";
import { blockTxPage, firstBlockWhere, otsTraceRun, txTouches, type OtsTrace } from "../../execution/otsTrace";
import { replayBlock, replayTx, vmBefore } from "../../execution/replay";
import type { StoredReceipt } from "../../storage/types";
import { invalidParams } from "../errors";
import { formatBlock, formatHeader, formatReceipt, formatTx, hexQ, type Json } from "../format";
import { WorkSlicer } from "../logs";
import { MAX_BLOCK_NUMBER, address, blockRef, hash, hexOrDecimal64, isPending, optional, parseBlockTag, type BlockRef, type Param } from "../params";
import { pendingOn, requireBlock, resolveBlock, stateAt } from "../resolve";
import { method, type MethodSpec, type RequestScope, type RpcContext } from "../types";

/** The level Otterscan requires (its src/params.ts MIN_API_LEVEL); Erigon and anvil answer the same. */
const OTS_API_LEVEL = 8;
/** Largest page of ots_getBlockTransactions / ots_searchTransactions* (Otterscan asks for 25). */
const MAX_PAGE_SIZE = 100;
/** ots_getBlockTransactions crops inputs to the method selector, as Erigon does. */
const SELECTOR_BYTES = 4;
/** Position of transactionsRoot in an RLP execution header. */
const HEADER_TX_ROOT_FIELD = 4;
/** No block reward or uncles here: validators are paid by the staking contracts, not by issuance. */
const NO_ISSUANCE = { blockReward: "0x0", uncleReward: "0x0", issuance: "0x0" };
const LOWER_WORD = /^[a-z]+$/;

/**
 * A block number as Otterscan sends it — a JSON number (ethers' `send` with a JS number), a hex quantity,
 * a decimal string — or a tag.
 */
const numberOrTag = (name: string): Param<BlockRef> => ({
  name,
  parse: (v) => (typeof v === "string" && LOWER_WORD.test(v) ? parseBlockTag(name, v) : { kind: "number", number: searchBlock(name).parse(v) }),
});

/** ots_hasCode's block: what eth_getCode takes, or a JSON number. */
const blockOrNumber = (name: string): Param<BlockRef> => ({
  name,
  parse: (v) => (typeof v === "number" ? numberOrTag(name).parse(v) : blockRef(name).parse(v)),
});

/** A block number bound of the searches (0: from the newest block, or from genesis). */
const searchBlock = (name: string): Param<bigint> => ({
  name,
  parse: (v) => {
    const n = hexOrDecimal64(name).parse(v);
    if (n > MAX_BLOCK_NUMBER) throw invalidParams(`invalid argument ${name}: block number larger than int64`);
    return n;
  },
});

/** A page size: 1 to MAX_PAGE_SIZE, so one request cannot ask for a whole chain's history. */
const pageSize = (name: string): Param<number> => ({
  name,
  parse: (v) => {
    const n = hexOrDecimal64(name).parse(v);
    if (n < 1n || n > BigInt(MAX_PAGE_SIZE)) throw invalidParams(`invalid argument ${name}: must be between 1 and ${MAX_PAGE_SIZE}, got ${n}`);
    return Number(n);
  },
});

/** A mined transaction's block and position, or a not-found error. */
async function locate(ctx: RpcContext, h: Uint8Array): Promise<{ rec: BlockRecord; index: number }> {
  const loc = await ctx.chain.locateTx(h);
  const rec = loc ? await ctx.chain.getBlockByHash(loc.blockHash) : undefined;
  if (!loc || !rec) throw new LuxError("RESOURCE_NOT_FOUND", `transaction ${bytesToHex(h)} not found (or not mined yet)`);
  return { rec, index: loc.index };
}

/** Replays a mined transaction on its block's state with Otterscan's tracer (a simulation slot: replays are costly). */
async function traceMined(ctx: RpcContext, scope: RequestScope, h: Uint8Array): Promise<OtsTrace> {
  const { rec, index } = await locate(ctx, h);
  return ctx.simulations.run(scope.signal, async () => {
    const { vm, env, tx, gasUsed } = await vmBefore(ctx.chain, rec, index);
    const block = envBlock(vm.common, env);
    return otsTraceRun(vm, () => runTx(vm, { tx, block, blockGasUsed: gasUsed, skipHardForkValidation: true }));
  });
}

/** The receipts of a block's transactions (a system receipt after them is no transaction's). */
async function txReceipts(ctx: RpcContext, rec: BlockRecord): Promise<StoredReceipt[]> {
  return ((await ctx.chain.getReceipts(rec.hash)) ?? []).slice(0, rec.block.transactions.length);
}

/** A mined block by number or tag; the pending block has no receipts, fees or details yet. */
async function minedBlock(ctx: RpcContext, ref: BlockRef): Promise<BlockRecord | undefined> {
  if (isPending(ref)) throw invalidParams("invalid argument block: the pending block is not mined yet");
  return resolveBlock(ctx, ref);
}

/** Erigon's block details: the block without its transactions, their count and fees, no bloom, no issuance. */
async function blockDetails(ctx: RpcContext, rec: BlockRecord): Promise<Json> {
  const totalFees = (await txReceipts(ctx, rec)).reduce((sum, r) => sum + r.gasUsed * r.effectiveGasPrice, 0n);
  const block = formatBlock(rec, false) as Record<string, Json | undefined>;
  delete block.transactions;
  return { block: { ...block, transactionCount: rec.block.transactions.length, logsBloom: null }, issuance: NO_ISSUANCE, totalFees: hexQ(totalFees) };
}

/** A transaction of a block in eth_getTransactionByHash form. */
function txJson(rec: BlockRecord, i: number): Json {
  const h = rec.block.header;
  return formatTx(rec.block.transactions[i], rec.senders[i], { blockHash: rec.hash, blockNumber: h.number, index: i, baseFee: h.baseFeePerGas ?? 0n });
}

/** One page of a block's transactions with their receipts, logs and blooms left out (Erigon's shape). */
async function blockTransactions(ctx: RpcContext, rec: BlockRecord, page: bigint, size: number): Promise<Json> {
  const receipts = await txReceipts(ctx, rec);
  const { start, end } = blockTxPage(rec.block.transactions.length, page, size);
  const txs: Json[] = [];
  const rs: Json[] = [];
  for (let i = start; i < end; i++) {
    txs.push({ ...(txJson(rec, i) as Record<string, Json>), input: bytesToHex(rec.block.transactions[i].data.subarray(0, SELECTOR_BYTES)) });
    rs.push({ ...(formatReceipt(receipts[i], rec.hash, rec.block.header.number, i, 0) as Record<string, Json>), logs: null, logsBloom: null });
  }
  const fullblock = { ...(formatBlock(rec, false) as Record<string, Json | undefined>), transactions: txs, transactionCount: rec.block.transactions.length, logsBloom: null };
  return { fullblock, receipts: rs };
}

/** A canonical block that holds transactions; undefined for an empty one, told from its header alone (searches skip most blocks). */
async function blockWithTxs(ctx: RpcContext, n: bigint): Promise<BlockRecord | undefined> {
  const h = await ctx.chain.store.getCanonicalHash(n);
  const raw = h && (await ctx.chain.store.getHeader(h));
  if (!h || !raw || equalsBytes((RLP.decode(raw) as Uint8Array[])[HEADER_TX_ROOT_FIELD], EMPTY_TRIE_ROOT)) return undefined;
  return ctx.chain.getBlockByHash(h);
}

/**
 * ots_searchTransactionsBefore/After: the transactions `addr` sent, received or deployed, newest first,
 * by a scan of the blocks from `from` (excluded; 0 = from the head backwards, or from genesis forwards).
 * Like Erigon, the last block's matches all come in even past `size`; the scan then goes on only to
 * learn whether another match exists (the page's lastPage / firstPage), and yields and stops with the
 * request.
 */
async function searchTransactions(ctx: RpcContext, scope: RequestScope, addr: Address, from: bigint, size: number, forward: boolean): Promise<Json> {
  const head = ctx.chain.head.block.header.number;
  const slicer = new WorkSlicer(scope.signal);
  const step = forward ? 1n : -1n;
  let n = forward ? (from === 0n ? 0n : from + 1n) : from === 0n || from > head ? head : from - 1n;
  const found: { rec: BlockRecord; hits: number[] }[] = [];
  let count = 0;
  let more = false;
  for (; n >= 0n && n <= head; n += step) {
    await slicer.step();
    const rec = await blockWithTxs(ctx, n);
    if (!rec) continue;
    const hits = rec.block.transactions.flatMap((tx, i) => (txTouches(tx, rec.senders[i], addr) ? [i] : []));
    if (hits.length === 0) continue;
    if (count >= size) {
      more = true;
      break;
    }
    found.push({ rec, hits });
    count += hits.length;
  }
  const txs: Json[] = [];
  const receipts: Json[] = [];
  for (const { rec, hits } of forward ? found.reverse() : found) {
    const rs = (await ctx.chain.getReceipts(rec.hash)) ?? [];
    // Log indexes are block-wide: each receipt's first one follows the logs before it.
    const firstLog: number[] = [];
    let logs = 0;
    for (const r of rs) {
      firstLog.push(logs);
      logs += r.logs.length;
    }
    for (const i of hits.reverse()) {
      txs.push(txJson(rec, i));
      receipts.push({ ...(formatReceipt(rs[i], rec.hash, rec.block.header.number, i, firstLog[i]) as Record<string, Json>), timestamp: hexQ(rec.block.header.timestamp) });
    }
  }
  const fromNewest = !forward && (from === 0n || from > head);
  return { txs, receipts, firstPage: forward ? !more : fromNewest, lastPage: forward ? from === 0n : !more };
}

/** The record of block `n`: the head's own (its state includes dev edits) or a canonical block. */
async function blockAt(ctx: RpcContext, head: BlockRecord, n: bigint): Promise<BlockRecord> {
  return n === head.block.header.number ? head : requireBlock(ctx, { kind: "number", number: n });
}

/** ots_getTransactionBySenderAndNonce: the first block after which the nonce is past `nonce` holds the transaction. */
async function txBySenderAndNonce(ctx: RpcContext, scope: RequestScope, addr: Address, nonce: bigint): Promise<Json> {
  const head = ctx.chain.head;
  const slicer = new WorkSlicer(scope.signal);
  const past = async (n: bigint): Promise<boolean> => {
    await slicer.step();
    return ((await (await stateAt(ctx, await blockAt(ctx, head, n))).getAccount(addr))?.nonce ?? 0n) > nonce;
  };
  const b = await firstBlockWhere(0n, head.block.header.number, past);
  if (b === undefined || b === 0n) return null;
  const rec = await blockAt(ctx, head, b);
  // Not there when a dev edit (hardhat_setNonce) or a contract's CREATE moved the nonce: no transaction has it.
  const i = rec.block.transactions.findIndex((tx, k) => tx.nonce === nonce && equalsBytes(rec.senders[k], addr.bytes));
  return i < 0 ? null : bytesToHex(rec.block.transactions[i].hash());
}

/** ots_getContractCreator: the first block after which `addr` has code, then the transaction there that created it. */
async function contractCreator(ctx: RpcContext, scope: RequestScope, addr: Address): Promise<Json> {
  const head = ctx.chain.head;
  const slicer = new WorkSlicer(scope.signal);
  const hasCode = async (n: bigint): Promise<boolean> => {
    await slicer.step();
    return (await (await stateAt(ctx, await blockAt(ctx, head, n))).getAccount(addr))?.isContract() ?? false;
  };
  const b = await firstBlockWhere(0n, head.block.header.number, hasCode);
  // Code from genesis or from a dev edit (hardhat_setCode) has no creating transaction.
  if (b === undefined || b === 0n) return null;
  const rec = await blockAt(ctx, head, b);
  const direct = (await txReceipts(ctx, rec)).find((r) => r.status === 1 && r.contractAddress && equalsBytes(r.contractAddress, addr.bytes));
  if (direct) return { hash: bytesToHex(direct.txHash), creator: bytesToHex(direct.from) };
  // Created by a contract (CREATE / CREATE2): replay the block until a transaction leaves it created.
  const target = addr.toString();
  return ctx.simulations.run(scope.signal, async () => {
    let found: Json = null;
    await replayBlock(ctx.chain, rec, async (vm, tx, run) => {
      if (found !== null) return;
      await slicer.step();
      const c = (await otsTraceRun(vm, run, { calls: false })).creations.findLast((x) => x.address === target);
      if (c) found = { hash: bytesToHex(tx.hash()), creator: c.creator };
    });
    return found;
  });
}

/**
 * Otterscan's `ots_` namespace (API level 8, as Erigon and anvil), plus the `erigon_getHeaderByNumber`
 * its explorer probes before it connects. Dev nodes only, like debug_trace*: traces replay transactions
 * and searches scan blocks.
 */
export const otsMethods: Record<string, MethodSpec> = {
  ots_getApiLevel: method([], () => OTS_API_LEVEL),
  erigon_getHeaderByNumber: method([numberOrTag("block")], async (ctx, [ref]) => {
    const rec = await resolveBlock(ctx, ref);
    return rec ? formatHeader(rec) : null;
  }),
  ots_hasCode: method([address("address"), optional(blockOrNumber("block"))], async (ctx, [addr, ref]) => {
    const rec = await requireBlock(ctx, ref);
    const pb = pendingOn(ctx, rec, isPending(ref));
    if (!pb) return (await (await stateAt(ctx, rec)).getCode(addr)).length > 0;
    const lent = await pb.acquire();
    try {
      return (await lent.vm.stateManager.getCode(addr)).length > 0;
    } finally {
      lent.release();
    }
  }),
  ots_getInternalOperations: method([hash("txHash")], async (ctx, [h], _conn, scope) => (await traceMined(ctx, scope, h)).operations),
  ots_traceTransaction: method([hash("txHash")], async (ctx, [h], _conn, scope) => (await traceMined(ctx, scope, h)).entries),
  ots_getTransactionError: method([hash("txHash")], async (ctx, [h], _conn, scope) => {
    const { rec, index } = await locate(ctx, h);
    if ((await ctx.chain.getReceipts(rec.hash))?.[index]?.status === 1) return "0x";
    const res = await ctx.simulations.run(scope.signal, () => replayTx(ctx.chain, rec, index));
    // Only a REVERT returns data; out of gas and other failures have none (Erigon's "0x").
    return res.execResult.exceptionError?.error === "revert" ? bytesToHex(res.execResult.returnValue) : "0x";
  }),
  ots_getBlockDetails: method([numberOrTag("block")], async (ctx, [ref]) => {
    const rec = await minedBlock(ctx, ref);
    return rec ? blockDetails(ctx, rec) : null;
  }),
  ots_getBlockDetailsByHash: method([hash("blockHash")], async (ctx, [h]) => {
    const rec = await ctx.chain.getBlockByHash(h);
    return rec ? blockDetails(ctx, rec) : null;
  }),
  ots_getBlockTransactions: method([numberOrTag("block"), hexOrDecimal64("pageNumber"), pageSize("pageSize")], async (ctx, [ref, page, size]) => {
    const rec = await minedBlock(ctx, ref);
    return rec ? blockTransactions(ctx, rec, page, size) : null;
  }),
  ots_searchTransactionsBefore: method([address("address"), searchBlock("blockNumber"), pageSize("pageSize")], (ctx, [addr, n, size], _conn, scope) =>
    searchTransactions(ctx, scope, addr, n, size, false)),
  ots_searchTransactionsAfter: method([address("address"), searchBlock("blockNumber"), pageSize("pageSize")], (ctx, [addr, n, size], _conn, scope) =>
    searchTransactions(ctx, scope, addr, n, size, true)),
  ots_getTransactionBySenderAndNonce: method([address("sender"), hexOrDecimal64("nonce")], (ctx, [addr, nonce], _conn, scope) => txBySenderAndNonce(ctx, scope, addr, nonce)),
  ots_getContractCreator: method([address("address")], (ctx, [addr], _conn, scope) => contractCreator(ctx, scope, addr)),
};
