import type { Block } from "@ethereumjs/block";

/** One member of the active validator set. */
export interface Validator {
  /** Validator (operator) address, the block's coinbase. */
  address: string;
  /** Address of the key that signs its blocks. */
  signer: string;
  /** Stake weight (MDT wei). */
  stake: bigint;
}

/** The validator set of one epoch and where it came from. */
export interface EpochInfo {
  /** Epoch number. */
  epoch: bigint;
  /** Hash of the boundary block (last block before the epoch's first slot); seeds the proposer draw. */
  boundaryHash: Uint8Array;
  /** Active validators in contract order. */
  validators: Validator[];
  /** Sum of their stakes. */
  totalStake: bigint;
  /** "contract" when read from the StakingManager, "genesis" when the genesis set applies. */
  source: "contract" | "genesis";
}

/** A signed block: the execution block plus what a proof-of-stake header has no room for. */
export interface Envelope {
  /** The execution block. */
  block: Block;
  /** Slot it was proposed in. */
  slot: bigint;
  /** 65-byte secp256k1 signature (r ‖ s ‖ v) of the proposer's signer over the signing root. */
  signature: Uint8Array;
}

/** What the consensus needs to know about the block being extended. */
export interface ParentInfo {
  /** Parent hash. */
  hash: Uint8Array;
  /** Parent number. */
  number: bigint;
  /** Parent slot. */
  slot: bigint;
  /** Parent timestamp (seconds). */
  timestamp: bigint;
}

/** The proposer of a slot on top of a parent. */
export interface Duty {
  /** Slot. */
  slot: bigint;
  /** Epoch of the slot. */
  epoch: EpochInfo;
  /** The validator drawn for the slot. */
  proposer: Validator;
  /** True when the parent is the boundary of this slot's epoch (first block of a new epoch). */
  opensEpoch: boolean;
}

/**
 * The consensus seam: proposer schedule, sealing and verification. `PosEngine` implements the
 * stake-weighted schedule; another engine (e.g. with votes and finality) can replace it.
 */
export interface ConsensusEngine {
  /** Who proposes `slot` on top of `parent`. */
  duty(parent: ParentInfo, slot: bigint): Promise<Duty>;
  /** Signs a block for a slot with a signer key. */
  seal(block: Block, slot: bigint, signerKey: Uint8Array): Envelope;
  /** Checks slot, timestamp, proposer and signature of an envelope on top of `parent`; throws a LuxError. */
  verify(env: Envelope, parent: ParentInfo, nowMs: number): Promise<Duty>;
  /** Forgets cached epochs (after the chain moves). */
  reset(): void;
}
