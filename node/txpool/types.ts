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
  /** Serialized size in bytes. */
  size: number;
  /** Arrival sequence number (ties in ordering go to the earlier). */
  seq: number;
}

/** Limits and policy of the pool. */
export interface TxPoolOptions {
  /** Max transactions held for one sender. */
  maxPerSender: number;
  /** Max transactions held in total. */
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
