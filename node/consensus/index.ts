/**
 * Consensus: slots tied to the clock (time.ts), epochs of 32 slots. At each epoch boundary the active
 * set is read from the StakingManager inside the boundary block's state (genesis validators while it has
 * none); each slot's proposer is drawn by stake, seeded by a RANDAO mix of VRF reveals with one epoch of
 * lookahead (pos.ts, vrf.ts). Blocks travel in an envelope RLP([block, slot, signature, reveal, votes,
 * evidence]) whose consensus fields the header's extraData commits to; votes and evidence are the
 * self-contained messages of messages.ts. Import re-derives the schedule and checks everything.
 */
export * from "./types";
export { PosEngine } from "./pos";
export { encodeEnvelope, decodeEnvelope, consensusCommitment, signingRoot, signDigest, recoverSigner } from "./envelope";
export * from "./messages";
export * from "./time";
export { vrfProve, vrfVerify } from "./vrf";
export { selectProposer, epochOf } from "./schedule";
export { decodeActiveSet, GET_ACTIVE_VALIDATORS_SELECTOR } from "./activeSet";
