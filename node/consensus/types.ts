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
  /** Hash of the boundary block (last block before the epoch's first slot); its state gives the active set. */
  boundaryHash: Uint8Array;
  /** Seed of the proposer draw: keccak(RANDAO mix of the boundary of the epoch before ‖ epoch). */
  seed: Uint8Array;
  /** Active validators in contract order. */
  validators: Validator[];
  /** Sum of their stakes. */
  totalStake: bigint;
  /** "contract" when read from the StakingManager, "genesis" when the genesis set applies. */
  source: "contract" | "genesis";
}

/** A block named by hash, height and slot: what votes point at. */
export interface Checkpoint {
  /** Block hash. */
  hash: Uint8Array;
  /** Block number (height). */
  number: bigint;
  /** Slot of the block (its epoch's active stake counts the votes). */
  slot: bigint;
}

/**
 * A finality vote (Casper FFG over block heights): the voter's highest justified block `source` links to
 * the block it imported as head, `target`. Signed over keccak(rlp(["luxtensor-vote-v1", chainId,
 * source, target])) by the validator's signer key; the signer is recovered, never sent.
 */
export interface Vote {
  /** Highest justified block the voter knows on the target's branch. */
  source: Checkpoint;
  /** The block voted for. */
  target: Checkpoint;
  /** 65-byte secp256k1 signature (r ‖ s ‖ v) by the validator's signer key. */
  signature: Uint8Array;
}

/** A proposer's signature over one block hash for one slot (half of a double-proposal proof). */
export interface SignedBlockRef {
  /** The block hash (commits to the slot and the envelope's consensus fields through extraData). */
  blockHash: Uint8Array;
  /** The proposer's signature over signingRoot(chainId, blockHash, slot). */
  signature: Uint8Array;
}

/**
 * Self-contained proof of misbehaviour; any node checks it with signatures alone.
 * - double-proposal: one signer signed two different blocks for one slot;
 * - double-vote: one signer signed two different targets at one height, or one vote surrounds the
 *   other (source₁ < source₂ and target₂ < target₁ by height) — Casper FFG's two slashing conditions.
 */
export type Evidence =
  | { kind: "double-proposal"; slot: bigint; a: SignedBlockRef; b: SignedBlockRef }
  | { kind: "double-vote"; a: Vote; b: Vote };

/** A signed block: the execution block plus what a proof-of-stake header has no room for. */
export interface Envelope {
  /** The execution block. */
  block: Block;
  /** Slot it was proposed in. */
  slot: bigint;
  /** 65-byte secp256k1 signature (r ‖ s ‖ v) of the proposer's signer over the signing root. */
  signature: Uint8Array;
  /** The proposer's verifiable random reveal for the slot (mixed into the RANDAO seed); empty on genesis. */
  reveal: Uint8Array;
  /** Votes carried for earlier blocks (aggregate list, each individually signed). */
  votes: Vote[];
  /** Evidence included by the proposer; slashed by the end-of-block system call. */
  evidence: Evidence[];
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
  /** Parent's RANDAO mix (its header's mixHash). */
  mixHash: Uint8Array;
}

/** What the engine reads of any stored block while walking a branch back. */
export interface BlockMeta extends ParentInfo {
  /** Hash of its parent. */
  parentHash: Uint8Array;
}

/** The consensus fields a proposer adds to a block for a slot. */
export interface Proposal {
  /** VRF proof over the slot (the RANDAO reveal). */
  reveal: Uint8Array;
  /** The block's RANDAO mix: keccak(parent mix ‖ VRF output); becomes the header's mixHash (PREVRANDAO). */
  mixHash: Uint8Array;
}

/** `ConsensusEngine.proposeRun`: `propose` for a run of slots planned in advance. */
export interface ProposalRun {
  /** What `ConsensusEngine.propose` returns for these arguments (any slot or key, in the run or not). */
  propose(parent: ParentInfo, slot: bigint, signerKey: Uint8Array): Proposal;
  /** Whether the run made (or is making) the proof of `slot` with `signerKey` ahead. */
  covers(signerKey: Uint8Array, slot: bigint): boolean;
  /** Stops the work ahead. */
  close(): void;
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
  /** The RANDAO reveal and mix of a block for `slot` on top of `parent`, made with the proposer's key. */
  propose(parent: ParentInfo, slot: bigint, signerKey: Uint8Array): Proposal;
  /**
   * Proposals for a run of `count` consecutive slots from `firstSlot` with one key (hardhat_mine): the
   * same proposals as `propose`, their proofs made ahead where the engine can. Close it when done.
   */
  proposeRun(signerKey: Uint8Array, firstSlot: bigint, count: number): ProposalRun;
  /** Signs a sealed block for a slot with a signer key. */
  seal(block: Block, fields: Omit<Envelope, "block" | "signature">, signerKey: Uint8Array): Envelope;
  /**
   * Checks an envelope on top of `parent` before execution: linkage, slot and time rules, proposer,
   * signature, RANDAO reveal and mix, the extraData commitment; throws a LuxError (FUTURE_SLOT,
   * BAD_SLOT, BAD_TIMESTAMP, WRONG_PROPOSER, BAD_SIGNATURE, INVALID_BLOCK).
   */
  verify(env: Envelope, parent: ParentInfo, nowMs: number): Promise<Duty>;
  /** Forgets cached epochs (after the chain moves). */
  reset(): void;
}
