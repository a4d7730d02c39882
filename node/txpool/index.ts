/**
 * Transaction pool: raw transaction → size check → decode (chain id, signature) → sender recovered once
 * → gas, fee, nonce and balance checks → per-sender nonce queue (gaps held back, ≥10% bump replaces).
 * The producer drains executable transactions by tip; included ones leave on each new head.
 */
export * from "./types";
export { TxPool, DEFAULT_TXPOOL_OPTIONS } from "./pool";
export { decodeRawTx, peekChainId } from "./validate";
