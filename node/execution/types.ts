import type { TypedTransaction } from "@ethereumjs/tx";
import type { Address } from "@ethereumjs/util";
import type { StoredLog, StoredReceipt } from "../storage/types";

/** A transaction with its sender recovered once (at txpool entry or block decode) and carried along. */
export interface SenderTx {
  /** The signed transaction (frozen; its sender public key is cached inside). */
  tx: TypedTransaction;
  /** Recovered sender. */
  sender: Address;
  /** The serialized transaction when known (pool entries): spares re-encoding it for the tx root. */
  raw?: Uint8Array;
}

/** The block context every transaction of a block runs in. */
export interface BlockEnv {
  /** Parent block hash. */
  parentHash: Uint8Array;
  /** Block number. */
  number: bigint;
  /** Timestamp in seconds. */
  timestamp: bigint;
  /** Fee recipient: the proposer's validator address. */
  coinbase: Address;
  /** EIP-1559 base fee (burned). */
  baseFeePerGas: bigint;
  /** Block gas limit. */
  gasLimit: bigint;
  /** PREVRANDAO value (mixHash). */
  prevRandao: Uint8Array;
  /** Header extra data (at most 32 bytes on a proof-of-stake header). */
  extraData: Uint8Array;
}

/** Supplies transactions to the builder in the order the block should hold them. */
export interface TxSource<T extends SenderTx = SenderTx> {
  /** The next candidate, or undefined when none is left. */
  next(): T | undefined;
  /** Reports that `tx` could not be included; the source drops the sender's later nonces from this block. */
  reject(tx: T, reason: Error): void;
}

/** Result of executing a block's transactions. */
export interface ExecutionResult {
  /** Included transactions, in order. */
  txs: SenderTx[];
  /** Their receipts. */
  receipts: StoredReceipt[];
  /** Logs of the end-of-block system calls (not in any transaction's receipt nor the header's bloom). */
  systemLogs: StoredLog[];
  /** Total gas used. */
  gasUsed: bigint;
  /** Post-state root. */
  stateRoot: Uint8Array;
  /** Transactions trie root. */
  transactionsTrie: Uint8Array;
  /** Receipts trie root. */
  receiptTrie: Uint8Array;
  /** OR of every receipt's bloom. */
  logsBloom: Uint8Array;
}
