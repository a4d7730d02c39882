import type { Address } from "@ethereumjs/util";
import type { SenderTx } from "../execution/types";

/** A validated pool transaction with the values ordering and limits need, computed once. */
export interface PoolTx extends SenderTx {
  /** 0x-hash. */
  hash: string;
  /** Lowercase 0x-sender. */
  from: string;
  /** Nonce. */
  nonce: bigint;
  /** Max fee per gas (gasPrice for legacy). */
  maxFee: bigint;
  /** Max priority fee per gas (gasPrice for legacy). */
  tip: bigint;
  /** Most it can cost its sender: gasLimit × maxFee + value (wei). */
  cost: bigint;
  /** Serialized size in bytes. */
  size: number;
  /** Arrival sequence number (ties in ordering go to the earlier). */
  seq: number;
}

/** One sender's held transactions. */
export interface SenderQueue {
  /** Next nonce the chain expects from this sender. */
  stateNonce: bigint;
  /** Held transactions by nonce (gaps allowed; only the contiguous run from stateNonce is executable). */
  txs: Map<bigint, PoolTx>;
  /** Sum of the held transactions' `cost` (the cumulative balance check). */
  cost: bigint;
}

/** Limits and policy of the pool. */
export interface TxPoolOptions {
  /** Max transactions held for one sender. */
  maxPerSender: number;
  /** Max transactions held in total (when full, the cheapest are evicted for better-paying ones). */
  maxTotal: number;
  /** Max serialized transaction size. */
  maxTxBytes: number;
  /** Min fee bump in percent for a same-nonce replacement. */
  priceBumpPercent: bigint;
}

/** What the pool reads from the chain. */
export interface PoolChainView {
  /** Chain id transactions must carry. */
  chainId: bigint;
  /** Block gas limit. */
  gasLimit(): bigint;
  /** Base fee of the next block. */
  nextBaseFee(): bigint;
  /** Nonce and balance of an account at the head. */
  account(address: Address): Promise<{ nonce: bigint; balance: bigint }>;
}

/** Why a transaction left the pool without being included. */
export type PoolDropReason = "replaced" | "evicted" | "invalid" | "stale";

/** See TxPool.revision. */
export interface PoolRevision {
  /** Transactions ever added. */
  added: number;
  /** Transactions ever removed, plus sender nonces lowered. */
  removed: number;
}

/** Pool contents in geth's txpool terms: pending = executable nonce run, queued = behind a gap. */
export interface PoolContent {
  /** Transactions whose nonces follow the sender's state nonce without a gap. */
  pending: PoolTx[];
  /** Transactions behind a nonce gap. */
  queued: PoolTx[];
}
