/**
 * Consensus: slots and epochs (32 slots). At each epoch boundary the active set is read from the
 * StakingManager inside the boundary block's state (genesis validators while it has none); each slot's
 * proposer is drawn by stake, seeded by the boundary block hash. Blocks travel in an envelope
 * RLP([executionBlock, slot, signature]) signed by the proposer's signer key; import re-derives the
 * schedule and checks slot, timestamp, coinbase and signature.
 */
export * from "./types";
export { PosEngine, MAX_FUTURE_DRIFT_SECONDS } from "./pos";
export { encodeEnvelope, decodeEnvelope, signingRoot, signDigest, recoverSigner } from "./envelope";
export { selectProposer, epochOf } from "./schedule";
export { decodeActiveSet, GET_ACTIVE_VALIDATORS_SELECTOR } from "./activeSet";
