import type { Block } from "@ethereumjs/block";
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import { LuxError } from "../errors";
import type { ChainConfig } from "../config/types";
import { recoverSigner, signDigest, signingRoot } from "./envelope";
import { epochOf, selectProposer } from "./schedule";
import type { ConsensusEngine, Duty, Envelope, EpochInfo, ParentInfo, Validator } from "./types";

/** Tolerated clock skew for block timestamps from the future. */
export const MAX_FUTURE_DRIFT_SECONDS = 15n;
/** Epoch infos kept in memory. */
const EPOCH_CACHE_LIMIT = 8;

/** What the engine needs from the chain. */
export interface PosEngineDeps {
  /** The chain configuration (slots per epoch, genesis validators, chain id). */
  config: ChainConfig;
  /** Genesis block hash (boundary of epoch 0). */
  genesisHash: Uint8Array;
  /** The stored boundary of an epoch, once its first block was committed. */
  storedBoundary(epoch: bigint): Promise<Uint8Array | undefined>;
  /** Reads the StakingManager's active set in the state of a block; undefined when unavailable. */
  readActiveSet(blockHash: Uint8Array): Promise<Validator[] | undefined>;
}

/**
 * Proof-of-stake engine: the proposer of each slot is drawn by stake from the active set read at the
 * epoch boundary (genesis validators until the staking contract has one); blocks carry the proposer's
 * signature in the envelope; verification re-derives the schedule and checks slot, time and signature.
 */
export class PosEngine implements ConsensusEngine {
  private readonly epochs = new Map<string, EpochInfo>();

  constructor(private readonly deps: PosEngineDeps) {}

  reset(): void {
    this.epochs.clear();
  }

  private async boundaryFor(parent: ParentInfo, epoch: bigint): Promise<{ hash: Uint8Array; opens: boolean }> {
    const spe = this.deps.config.slotsPerEpoch;
    if (epoch === 0n) return { hash: this.deps.genesisHash, opens: false };
    if (parent.number === 0n || epochOf(parent.slot, spe) < epoch) return { hash: parent.hash, opens: true };
    const stored = await this.deps.storedBoundary(epoch);
    if (!stored) throw new LuxError("STORAGE_CORRUPT", `no boundary recorded for epoch ${epoch}`);
    return { hash: stored, opens: false };
  }

  private async epochInfo(epoch: bigint, boundaryHash: Uint8Array): Promise<EpochInfo> {
    const cacheKey = `${epoch}:${bytesToHex(boundaryHash)}`;
    const hit = this.epochs.get(cacheKey);
    if (hit) return hit;
    const fromContract = (await this.deps.readActiveSet(boundaryHash))?.filter((v) => v.stake > 0n);
    const useContract = fromContract !== undefined && fromContract.length > 0;
    const validators = useContract ? fromContract : this.deps.config.genesisValidators.map((v) => ({ ...v }));
    const info: EpochInfo = {
      epoch,
      boundaryHash,
      validators,
      totalStake: validators.reduce((s, v) => s + v.stake, 0n),
      source: useContract ? "contract" : "genesis",
    };
    if (this.epochs.size >= EPOCH_CACHE_LIMIT) this.epochs.delete(this.epochs.keys().next().value as string);
    this.epochs.set(cacheKey, info);
    return info;
  }

  async duty(parent: ParentInfo, slot: bigint): Promise<Duty> {
    const epoch = epochOf(slot, this.deps.config.slotsPerEpoch);
    const boundary = await this.boundaryFor(parent, epoch);
    const info = await this.epochInfo(epoch, boundary.hash);
    return { slot, epoch: info, proposer: selectProposer(info.validators, info.boundaryHash, slot), opensEpoch: boundary.opens };
  }

  seal(block: Block, slot: bigint, signerKey: Uint8Array): Envelope {
    return { block, slot, signature: signDigest(signingRoot(this.deps.config.chainId, block.hash(), slot), signerKey) };
  }

  async verify(env: Envelope, parent: ParentInfo, nowMs: number): Promise<Duty> {
    const h = env.block.header;
    if (h.number !== parent.number + 1n) {
      throw new LuxError("UNKNOWN_PARENT", `block ${h.number} does not extend head ${parent.number}`);
    }
    if (!equalsBytes(h.parentHash, parent.hash)) {
      throw new LuxError("UNKNOWN_PARENT", `block ${h.number} parent ${bytesToHex(h.parentHash)} is not head ${bytesToHex(parent.hash)}`);
    }
    if (env.slot <= parent.slot) throw new LuxError("BAD_SLOT", `slot ${env.slot} is not after parent slot ${parent.slot}`);
    if (h.timestamp < parent.timestamp) throw new LuxError("BAD_SLOT", `timestamp ${h.timestamp} is before parent timestamp ${parent.timestamp}`);
    if (h.timestamp > BigInt(Math.floor(nowMs / 1000)) + MAX_FUTURE_DRIFT_SECONDS) {
      throw new LuxError("BAD_SLOT", `timestamp ${h.timestamp} is too far in the future`);
    }
    const duty = await this.duty(parent, env.slot);
    const coinbase = h.coinbase.toString().toLowerCase();
    if (coinbase !== duty.proposer.address.toLowerCase()) {
      throw new LuxError("WRONG_PROPOSER", `slot ${env.slot} belongs to ${duty.proposer.address}, block coinbase is ${h.coinbase.toString()}`);
    }
    const signer = recoverSigner(signingRoot(this.deps.config.chainId, env.block.hash(), env.slot), env.signature);
    if (signer.toLowerCase() !== duty.proposer.signer.toLowerCase()) {
      throw new LuxError("BAD_SIGNATURE", `block signed by ${signer}, expected signer ${duty.proposer.signer} of ${duty.proposer.address}`);
    }
    return duty;
  }
}
