import { bytesToHex } from "@ethereumjs/util";
import { decodeEnvelope, encodeEnvelope } from "../consensus/envelope";
import { clockSlot } from "../consensus/time";
import { decodeEvidence, decodeVote, evidenceId } from "../consensus/messages";
import type { Envelope } from "../consensus/types";
import { LuxError, errorMessage } from "../errors";
import type { Chain } from "./chain";
import {
  MAX_BLOCKS_BY_RANGE, type BlockId, type ChainStatus, type ConsensusNetwork, type GossipMessage, type ImportOutcome, type NewHead,
} from "./types";

/** Maps a failed import to the outcome the transport acts on. */
export function outcomeOf(err: unknown, hash?: string, number?: bigint): ImportOutcome {
  if (err instanceof LuxError) {
    const status = err.code === "FUTURE_SLOT" ? "future" : err.code === "UNKNOWN_PARENT" ? "unknown-parent" : err.code === "ALREADY_IMPORTED" ? "known" : "invalid";
    return { status, hash, number, code: err.code, reason: err.message };
  }
  return { status: "invalid", hash, number, code: "INTERNAL", reason: errorMessage(err) };
}

/**
 * The chain's side of the peer-to-peer seam: decodes and fully validates what peers send (every block is
 * re-executed; votes and evidence are checked by signature against the active set), answers range
 * requests from the canonical chain, and hands out what this node must gossip (its own blocks, its own
 * votes, fresh evidence). Never throws to the transport: every failure is an `ImportOutcome`.
 */
export class ChainNetworkAdapter implements ConsensusNetwork {
  private readonly listeners = new Set<(msg: GossipMessage) => void>();

  constructor(private readonly chain: Chain) {
    chain.on("head", this.onHead);
  }

  /** Stops listening to the chain. */
  close(): void {
    this.chain.off("head", this.onHead);
    this.listeners.clear();
  }

  /** Sends a message to every gossip listener. */
  publish(msg: GossipMessage): void {
    for (const l of this.listeners) l(msg);
  }

  private readonly onHead = (h: NewHead): void => {
    if (h.origin !== "produced" || this.listeners.size === 0) return;
    const rec = h.record;
    this.publish({ topic: "block", data: encodeEnvelope({ block: rec.block, slot: rec.slot, signature: rec.signature, reveal: rec.reveal, votes: rec.votes, evidence: rec.evidence }) });
  };

  async importEnvelope(data: Uint8Array): Promise<ImportOutcome> {
    let env: Envelope;
    try {
      env = decodeEnvelope(data, this.chain.common);
    } catch (err) {
      return outcomeOf(err);
    }
    const hash = bytesToHex(env.block.hash());
    const number = env.block.header.number;
    try {
      if (await this.chain.hasBlock(env.block.hash())) return { status: "known", hash, number };
      await this.chain.importBlock(env);
      return { status: "imported", hash, number };
    } catch (err) {
      return outcomeOf(err, hash, number);
    }
  }

  async importVote(data: Uint8Array): Promise<ImportOutcome> {
    const votes = this.chain.votes;
    if (!votes) return { status: "invalid", code: "INVALID_VOTE", reason: "this node does not track votes" };
    try {
      const vote = decodeVote(data);
      const hash = bytesToHex(vote.target.hash);
      const effect = await votes.importVote(vote);
      return { status: effect.fresh ? "imported" : "known", hash, number: vote.target.number };
    } catch (err) {
      return outcomeOf(err);
    }
  }

  async importEvidence(data: Uint8Array): Promise<ImportOutcome> {
    const votes = this.chain.votes;
    if (!votes) return { status: "invalid", code: "INVALID_EVIDENCE", reason: "this node does not track evidence" };
    try {
      const e = decodeEvidence(data);
      const hash = bytesToHex(evidenceId(this.chain.config.chainId, e));
      return { status: (await votes.importEvidence(e)) ? "imported" : "known", hash };
    } catch (err) {
      return outcomeOf(err);
    }
  }

  status(): ChainStatus {
    const id = (r: { hash: Uint8Array; block: { header: { number: bigint } }; slot: bigint }): BlockId => ({ number: r.block.header.number, hash: bytesToHex(r.hash), slot: r.slot });
    const head = id(this.chain.head);
    const finalized = this.chain.finalizedId();
    return {
      genesisHash: bytesToHex(this.chain.genesisHash),
      head,
      finalized,
      justified: this.chain.justifiedId(),
      clockSlot: clockSlot(this.chain.config, Date.now()),
    };
  }

  async getBlocksByRange(from: bigint, count: number): Promise<Uint8Array[]> {
    if (from < 0n || !Number.isInteger(count) || count < 0) throw new LuxError("INVALID_PARAMS", `bad range: from ${from}, count ${count}`);
    const n = Math.min(count, MAX_BLOCKS_BY_RANGE);
    const out: Uint8Array[] = [];
    const head = this.chain.head.block.header.number;
    for (let i = 0n; i < BigInt(n) && from + i <= head; i++) {
      const env = await this.chain.getEnvelopeByNumber(from + i);
      if (!env) break;
      out.push(env);
    }
    return out;
  }

  onGossip(listener: (msg: GossipMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
