/**
 * Transaction pool: raw transaction → size check → decode (chain id, signature) → sender recovered once
 * (on a worker thread, senderRecovery.ts) → gas, fee, nonce and cumulative balance checks → per-sender
 * nonce queue (gaps held back, ≥10% bump replaces, fee caps below the base fee held until it falls) →
 * journal (survives restarts). When full, the cheapest sender tail is evicted for a better-paying
 * transaction. The producer drains executable transactions by tip; a sender whose transaction does not
 * fit a block sits out the rest of that block. Included ones leave on each new head.
 */
export * from "./types";
export { TxPool, DEFAULT_TXPOOL_OPTIONS } from "./pool";
export { decodeRawTx, peekChainId } from "./validate";
export { SenderRecovery } from "./senderRecovery";
export { classifyRejection } from "./rejection";
