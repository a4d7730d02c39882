import type { Block } from "@ethereumjs/block";
import { bytesToHex, concatBytes, equalsBytes } from "@ethereumjs/util";
import { LuxError } from "../errors";
import { LruMap } from "../chain/lru";
import type { ChainConfig } from "../config/types";
import { keccak } from "../execution/crypto";
import { consensusCommitment } from "./envelope";
import { randaoMessage } from "./messages";
import { recoverSigner, signDigest, signingRoot } from "./signing";
import { epochOf, selectProposer } from "./schedule";
import { checkSlotTime } from "./time";
import { vrfOutput, vrfProofRun, vrfProve, vrfVerify } from "./vrf";
import type { BlockMeta, ConsensusEngine, Duty, Envelope, EpochInfo, ParentInfo, Proposal, ProposalRun, Validator } from "./types";

/** Epoch infos kept in memory. */
const EPOCH_CACHE_LIMIT = 16;
/** Answers of `lastBefore` kept in memory (one per block walked from, per epoch start asked for). */
const BOUNDARY_CACHE_LIMIT = 8192;

/** What the engine needs from the chain. */
export interface PosEngineDeps {
  /** The chain configuration (slots per epoch, genesis validators, chain id, time rules). */
  config: ChainConfig;
  /** Genesis block hash. */
  genesisHash(): Uint8Array;
  /** Consensus view of a stored block (any branch); undefined when unknown. */
  blockMeta(hash: Uint8Array): Promise<BlockMeta | undefined>;
  /** Reads the StakingManager's active set in the state of a block; undefined when unavailable. */
  readActiveSet(blockHash: Uint8Array): Promise<Validator[] | undefined>;
}

function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

/**
 * Proof-of-stake engine. The proposer of slot s in epoch e is drawn by stake from the active set read in
 * the state of e's boundary block (the last block before e's first slot), seeded by the RANDAO mix of the
 * boundary of epoch e−1: that mix was fixed before epoch e−1 began, so no proposer of e−1 can steer e's
 * schedule, and each mix input is a VRF output its proposer cannot choose (only withhold, by missing
 * the slot). Everything is derived by walking the block's own branch, so forks have their own schedule.
 */
export class PosEngine implements ConsensusEngine {
  private readonly epochs = new Map<string, EpochInfo>();
  /**
   * `lastBefore` answers by "firstSlot:blockHash". A block hash fixes the whole branch below it, so an
   * answer never goes stale (forks, reorgs and evm_revert only add or drop blocks above it); without it
   * every block walked back to its epoch's boundary, O(slots per epoch) per block.
   */
  private readonly boundaries = new LruMap<string, ParentInfo>(BOUNDARY_CACHE_LIMIT);

  constructor(private readonly deps: PosEngineDeps) {}

  reset(): void {
    this.epochs.clear();
    this.boundaries.clear();
  }

  /** The last block with slot < `firstSlot` on the branch ending at `from` (inclusive). */
  private async lastBefore(from: ParentInfo, firstSlot: bigint): Promise<ParentInfo> {
    if (from.slot < firstSlot || from.number === 0n) return from;
    const prefix = `${firstSlot}:`;
    const key = prefix + bytesToHex(from.hash);
    const known = this.boundaries.get(key);
    if (known) return known;
    let cur: ParentInfo = from;
    while (cur.slot >= firstSlot && cur.number > 0n) {
      const parentHash: Uint8Array = (await this.meta(cur.hash)).parentHash;
      // The parent's answer, when known, is this block's answer too (its slot is not below firstSlot).
      const parentKnown = this.boundaries.get(prefix + bytesToHex(parentHash));
      if (parentKnown) {
        cur = parentKnown;
        break;
      }
      cur = await this.meta(parentHash);
    }
    this.boundaries.set(key, cur);
    return cur;
  }

  private async meta(hash: Uint8Array): Promise<BlockMeta> {
    const m = await this.deps.blockMeta(hash);
    if (!m) throw new LuxError("STORAGE_CORRUPT", `block ${bytesToHex(hash)} missing while walking the branch`);
    return m;
  }

  private async epochInfo(epoch: bigint, parent: ParentInfo): Promise<EpochInfo> {
    const spe = BigInt(this.deps.config.slotsPerEpoch);
    const boundary = await this.lastBefore(parent, epoch * spe);
    const cacheKey = `${epoch}:${bytesToHex(boundary.hash)}`;
    const hit = this.epochs.get(cacheKey);
    if (hit) return hit;
    const seedBlock = epoch === 0n ? boundary : await this.lastBefore(boundary, (epoch - 1n) * spe);
    const seed = keccak(concatBytes(seedBlock.mixHash, seedBlock.number === 0n ? this.deps.genesisHash() : new Uint8Array(0), u64(epoch)));
    const fromContract = (await this.deps.readActiveSet(boundary.hash))?.filter((v) => v.stake > 0n);
    const useContract = fromContract !== undefined && fromContract.length > 0;
    const validators = useContract ? fromContract : this.deps.config.genesisValidators.map((v) => ({ ...v }));
    const info: EpochInfo = {
      epoch,
      boundaryHash: boundary.hash,
      seed,
      validators,
      totalStake: validators.reduce((s, v) => s + v.stake, 0n),
      source: useContract ? "contract" : "genesis",
    };
    if (this.epochs.size >= EPOCH_CACHE_LIMIT) this.epochs.delete(this.epochs.keys().next().value as string);
    this.epochs.set(cacheKey, info);
    return info;
  }

  async duty(parent: ParentInfo, slot: bigint): Promise<Duty> {
    const spe = BigInt(this.deps.config.slotsPerEpoch);
    const epoch = epochOf(slot, this.deps.config.slotsPerEpoch);
    const info = await this.epochInfo(epoch, parent);
    return { slot, epoch: info, proposer: selectProposer(info.validators, info.seed, slot), opensEpoch: parent.slot < epoch * spe };
  }

  propose(parent: ParentInfo, slot: bigint, signerKey: Uint8Array): Proposal {
    return this.proposal(parent, vrfProve(signerKey, randaoMessage(this.deps.config.chainId, slot)));
  }

  proposeRun(signerKey: Uint8Array, firstSlot: bigint, count: number): ProposalRun {
    // The RANDAO message depends on the chain id and the slot only: the whole run's proofs can be made ahead.
    const run = vrfProofRun(signerKey, this.deps.config.chainId, firstSlot, count);
    return {
      propose: (parent, slot, key) => (run.covers(key, slot) ? this.proposal(parent, run.proof(slot)) : this.propose(parent, slot, key)),
      covers: (key, slot) => run.covers(key, slot),
      close: () => run.close(),
    };
  }

  private proposal(parent: ParentInfo, reveal: Uint8Array): Proposal {
    // Our own fresh proof: its output is read, not verified (importers verify it).
    return { reveal, mixHash: keccak(concatBytes(parent.mixHash, vrfOutput(reveal))) };
  }

  seal(block: Block, fields: Omit<Envelope, "block" | "signature">, signerKey: Uint8Array): Envelope {
    return { ...fields, block, signature: signDigest(signingRoot(this.deps.config.chainId, block.hash(), fields.slot), signerKey) };
  }

  async verify(env: Envelope, parent: ParentInfo, nowMs: number): Promise<Duty> {
    const h = env.block.header;
    if (h.number !== parent.number + 1n || !equalsBytes(h.parentHash, parent.hash)) {
      throw new LuxError("UNKNOWN_PARENT", `block ${h.number} does not extend ${bytesToHex(parent.hash)} (#${parent.number})`);
    }
    checkSlotTime(this.deps.config, env.slot, h.timestamp, parent, nowMs);
    const duty = await this.duty(parent, env.slot);
    if (h.coinbase.toString().toLowerCase() !== duty.proposer.address.toLowerCase()) {
      throw new LuxError("WRONG_PROPOSER", `slot ${env.slot} belongs to ${duty.proposer.address}, block coinbase is ${h.coinbase.toString()}`);
    }
    const signer = recoverSigner(signingRoot(this.deps.config.chainId, env.block.hash(), env.slot), env.signature);
    if (signer.toLowerCase() !== duty.proposer.signer.toLowerCase()) {
      throw new LuxError("WRONG_PROPOSER", `block signed by ${signer}, but slot ${env.slot} belongs to signer ${duty.proposer.signer} of ${duty.proposer.address}`);
    }
    const reveal = vrfVerify(env.reveal, randaoMessage(this.deps.config.chainId, env.slot));
    if (reveal.signer.toLowerCase() !== signer.toLowerCase()) throw new LuxError("BAD_SIGNATURE", `RANDAO reveal made by ${reveal.signer}, not the proposer's signer ${signer}`);
    if (!equalsBytes(h.mixHash, keccak(concatBytes(parent.mixHash, reveal.output)))) throw new LuxError("INVALID_BLOCK", "mixHash is not the parent's RANDAO mix mixed with the proposer's reveal");
    if (!equalsBytes(h.extraData, consensusCommitment(env))) throw new LuxError("INVALID_BLOCK", "extraData does not commit to the envelope's slot, reveal, votes and evidence");
    return duty;
  }
}
