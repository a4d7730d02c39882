import type { Block } from "@ethereumjs/block";
import { Capability, type TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import { keccak } from "../execution/crypto";
import type { BlockRecord } from "../chain/types";
import { effectiveGasPrice } from "../execution/executor";
import type { StoredLog, StoredReceipt } from "../storage/types";

/** JSON value returned by the RPC. */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json | undefined };

/** 0x-quantity of a number or bigint. */
export function hexQ(n: bigint | number): string {
  return `0x${n.toString(16)}`;
}

/** Block context of a mined transaction. */
export interface TxContext {
  /** Containing block hash. */
  blockHash: Uint8Array;
  /** Containing block number. */
  blockNumber: bigint;
  /** Position. */
  index: number;
  /** Base fee of the block (for gasPrice of EIP-1559 transactions). */
  baseFee: bigint;
}

/** A transaction in eth_getTransactionBy* form; `ctx` absent for pending ones. */
export function formatTx(tx: TypedTransaction, from: Uint8Array | string, ctx?: TxContext): Json {
  const j = tx.toJSON() as Record<string, Json | undefined>;
  const is1559 = tx.supports(Capability.EIP1559FeeMarket);
  const out: Record<string, Json | undefined> = {
    blockHash: ctx ? bytesToHex(ctx.blockHash) : null,
    blockNumber: ctx ? hexQ(ctx.blockNumber) : null,
    transactionIndex: ctx ? hexQ(ctx.index) : null,
    hash: bytesToHex(tx.hash()),
    from: typeof from === "string" ? from : bytesToHex(from),
    to: tx.to ? tx.to.toString() : null,
    nonce: hexQ(tx.nonce),
    gas: hexQ(tx.gasLimit),
    value: hexQ(tx.value),
    input: bytesToHex(tx.data),
    type: hexQ(tx.type),
    chainId: j.chainId,
    v: j.v,
    r: j.r,
    s: j.s,
  };
  if (is1559) {
    const t = tx as TypedTransaction & { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
    out.maxFeePerGas = hexQ(t.maxFeePerGas);
    out.maxPriorityFeePerGas = hexQ(t.maxPriorityFeePerGas);
    out.gasPrice = hexQ(ctx ? effectiveGasPrice(tx, ctx.baseFee) : t.maxFeePerGas);
    out.yParity = j.v;
  } else {
    out.gasPrice = j.gasPrice;
  }
  if (j.accessList !== undefined) out.accessList = j.accessList;
  if (j.authorizationList !== undefined) out.authorizationList = j.authorizationList;
  return out;
}

/** A block in eth_getBlockBy* form. */
export function formatBlock(rec: BlockRecord, fullTxs: boolean): Json {
  const h = rec.block.header;
  const txs: Json[] = rec.block.transactions.map((tx, i) =>
    fullTxs
      ? formatTx(tx, rec.senders[i] ?? tx.getSenderAddress().bytes, { blockHash: rec.hash, blockNumber: h.number, index: i, baseFee: h.baseFeePerGas ?? 0n })
      : bytesToHex(tx.hash()),
  );
  return blockJson(rec.block, bytesToHex(rec.hash), rec.slot, txs);
}

/** A block's header in geth's eth_getHeaderBy* and newHeads form: the block without its body. */
export function formatHeader(rec: BlockRecord): Json {
  const full = formatBlock(rec, false) as Record<string, Json>;
  delete full.transactions;
  delete full.uncles;
  delete full.withdrawals;
  delete full.size;
  return full;
}

/**
 * The pending block, as geth shows it: no hash, nonce or miner (it is not sealed, and its proposer is
 * not known yet); its transactions as pool transactions, without a block.
 */
export function formatPendingBlock(block: Block, senders: Uint8Array[], slot: bigint, fullTxs: boolean): Json {
  const txs: Json[] = block.transactions.map((tx, i) => (fullTxs ? formatTx(tx, senders[i]) : bytesToHex(tx.hash())));
  return { ...blockJson(block, null, slot, txs), nonce: null, miner: null };
}

function blockJson(b: Block, hash: string | null, slot: bigint, txs: Json[]): { [k: string]: Json | undefined } {
  const h = b.header;
  return {
    number: hexQ(h.number),
    hash,
    parentHash: bytesToHex(h.parentHash),
    nonce: bytesToHex(h.nonce),
    sha3Uncles: bytesToHex(h.uncleHash),
    logsBloom: bytesToHex(h.logsBloom),
    transactionsRoot: bytesToHex(h.transactionsTrie),
    stateRoot: bytesToHex(h.stateRoot),
    receiptsRoot: bytesToHex(h.receiptTrie),
    miner: h.coinbase.toString(),
    difficulty: "0x0",
    totalDifficulty: "0x0",
    extraData: bytesToHex(h.extraData),
    size: hexQ(b.serialize().length),
    gasLimit: hexQ(h.gasLimit),
    gasUsed: hexQ(h.gasUsed),
    timestamp: hexQ(h.timestamp),
    mixHash: bytesToHex(h.mixHash),
    baseFeePerGas: hexQ(h.baseFeePerGas ?? 0n),
    withdrawalsRoot: h.withdrawalsRoot ? bytesToHex(h.withdrawalsRoot) : undefined,
    blobGasUsed: h.blobGasUsed !== undefined ? hexQ(h.blobGasUsed) : undefined,
    excessBlobGas: h.excessBlobGas !== undefined ? hexQ(h.excessBlobGas) : undefined,
    parentBeaconBlockRoot: h.parentBeaconBlockRoot ? bytesToHex(h.parentBeaconBlockRoot) : undefined,
    requestsHash: h.requestsHash ? bytesToHex(h.requestsHash) : undefined,
    transactions: txs,
    uncles: [],
    withdrawals: [],
    slot: hexQ(slot),
  };
}

/** Where a log sits, for its RPC form. */
export interface LogContext {
  /** Block hash. */
  blockHash: Uint8Array;
  /** Block number. */
  blockNumber: bigint;
  /** Transaction hash. */
  txHash: Uint8Array;
  /** Transaction index. */
  txIndex: number;
  /** Index of the log in the block. */
  logIndex: number;
}

/** A log in eth_getLogs form. */
export function formatLog(l: StoredLog, c: LogContext): Json {
  return {
    address: bytesToHex(l.address),
    topics: l.topics.map((t) => bytesToHex(t)),
    data: bytesToHex(l.data),
    blockNumber: hexQ(c.blockNumber),
    blockHash: bytesToHex(c.blockHash),
    transactionHash: bytesToHex(c.txHash),
    transactionIndex: hexQ(c.txIndex),
    logIndex: hexQ(c.logIndex),
    removed: false,
  };
}

const BLOOM_BYTES = 256;
const BLOOM_BIT_MASK = 2047;

/** Sets the three bloom bits of one item (Yellow Paper M3:2048), hashing with the native keccak. */
function bloomAdd(bloom: Uint8Array, item: Uint8Array): void {
  const h = keccak(item);
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i] << 8) | h[i + 1]) & BLOOM_BIT_MASK;
    bloom[BLOOM_BYTES - 1 - (bit >> 3)] |= 1 << (bit & 7);
  }
}

/** Bloom of one receipt's logs. */
export function receiptBloom(logs: StoredLog[]): Uint8Array {
  const bloom = new Uint8Array(BLOOM_BYTES);
  for (const l of logs) {
    bloomAdd(bloom, l.address);
    for (const t of l.topics) bloomAdd(bloom, t);
  }
  return bloom;
}

/** A receipt in eth_getTransactionReceipt form; `firstLogIndex` is the block-wide index of its first log. */
export function formatReceipt(r: StoredReceipt, blockHash: Uint8Array, blockNumber: bigint, index: number, firstLogIndex: number): Json {
  return {
    transactionHash: bytesToHex(r.txHash),
    transactionIndex: hexQ(index),
    blockHash: bytesToHex(blockHash),
    blockNumber: hexQ(blockNumber),
    from: bytesToHex(r.from),
    to: r.to ? bytesToHex(r.to) : null,
    cumulativeGasUsed: hexQ(r.cumulativeGasUsed),
    gasUsed: hexQ(r.gasUsed),
    effectiveGasPrice: hexQ(r.effectiveGasPrice),
    contractAddress: r.contractAddress ? bytesToHex(r.contractAddress) : null,
    logs: r.logs.map((l, i) => formatLog(l, { blockHash, blockNumber, txHash: r.txHash, txIndex: index, logIndex: firstLogIndex + i })),
    logsBloom: bytesToHex(receiptBloom(r.logs)),
    type: hexQ(r.type),
    status: hexQ(r.status),
  };
}
