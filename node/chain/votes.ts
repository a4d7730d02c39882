import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt, bytesToHex, equalsBytes } from "@ethereumjs/util";
import { decodeVote, encodeEvidence, encodeVote, evidenceId, verifyEvidence, voteSigner, voteSigningRoot } from "../consensus/messages";
import { FinalityTracker, type CountedVote, type VoteEffect } from "../consensus/finality";
import { signDigest } from "../consensus/signing";
import type { Checkpoint, Envelope, Evidence, EpochInfo, ParentInfo, SignedBlockRef, Validator, Vote } from "../consensus/types";
import { LuxError, errorMessage } from "../errors";
import type { Chain } from "./chain";
import type { Conviction } from "./system";
import type { GossipMessage, Logger, NewHead, ReorgEvent } from "./types";

/** Votes kept for inclusion in later envelopes. */
const RECENT_VOTES = 4096;
/** A block carries votes for its parent and this many ancestors more. */
const INCLUDE_DEPTH = 3n;
/** Votes whose target is this far below the newest counted target are dropped from the inclusion window (reorgs to a lower head stay covered). */
const RECENT_DEPTH = 64n;
/** Most votes one envelope carries (≤ MAX_ENVELOPE_VOTES). */
const INCLUDE_MAX = 512;
const FINALITY_META = "finality";
/** Blocks whose early votes are held until they arrive, and votes held per block. */
const MAX_PENDING_TARGETS = 64;
const MAX_PENDING_PER_TARGET = 256;
/** (slot, signer) pairs remembered for double-proposal detection (~a few epochs of blocks and forks). */
const MAX_OBSERVED_PROPOSALS = 2048;
/** This node's latest signed votes kept on disk per key, with its anti-slashing record, to send again after a restart. */
const OWN_VOTES_KEPT = 4;


/** This node's own vote being counted: its anti-slashing record (written first) and how to send it. */
interface OwnVote {
  record: [string, Uint8Array];
  publish: () => void;
}

function cpRaw(c: Checkpoint): Uint8Array[] {
  return [c.hash, bigIntToUnpaddedBytes(c.number), bigIntToUnpaddedBytes(c.slot)];
}
function cpFrom(v: Uint8Array[]): Checkpoint {
  return { hash: v[0], number: bytesToBigInt(v[1]), slot: bytesToBigInt(v[2]) };
}

/** The last vote per key on disk: rlp([target height, source height, [own votes, newest last]]). */
interface VoteRecord {
  target: bigint;
  source: bigint;
  votes: Vote[];
}

function encodeVoteRecord(r: VoteRecord): Uint8Array {
  return RLP.encode([bigIntToUnpaddedBytes(r.target), bigIntToUnpaddedBytes(r.source), r.votes.map(encodeVote)]);
}

// Records written before the votes were kept have two items: no vote to send again.
function decodeVoteRecord(data: Uint8Array): VoteRecord {
  const [t, s, kept] = RLP.decode(data) as unknown as [Uint8Array, Uint8Array, Uint8Array[] | undefined];
  return { target: bytesToBigInt(t), source: bytesToBigInt(s), votes: (kept ?? []).map((v) => decodeVote(v)) };
}

/**
 * Votes, finality and evidence on top of the chain: checks every vote (signature, membership in the
 * target epoch's active set, known target and source), counts it in the FFG tracker, turns conflicting
 * votes into evidence, signs this node's own votes (never two for one height, never a surround — the
 * last vote per key is persisted before it is sent), and supplies votes and evidence to proposals.
 */
export class VoteService {
  tracker: FinalityTracker;
  /** Counted votes by target height, for inclusion: a proposal looks only at the last few heights. */
  private readonly recent = new Map<bigint, Vote[]>();
  private recentCount = 0;
  private recentTop = 0n;
  private readonly evidencePool = new Map<string, Evidence>();
  private readonly proposals = new Map<string, SignedBlockRef>();
  private readonly pendingVotes = new Map<string, Vote[]>();
  private readonly lastVote = new Map<string, { target: bigint; source: bigint }>();
  /** This node's latest votes per key (this run's and the previous run's), newest last. */
  private readonly ownVotes = new Map<string, Vote[]>();
  /** Own votes of a previous run that may never have left this node (see `resendEarlierVotes`). */
  private earlierVotes: Vote[] = [];
  /** The last record write issued; the next one starts after it (see `persist`). */
  private written: Promise<void> = Promise.resolve();

  private constructor(
    private readonly chain: Chain,
    private readonly keys: Map<string, Uint8Array>,
    private readonly publish: (msg: GossipMessage) => void,
    private readonly log: Logger,
    start: { justified: Checkpoint; finalized: Checkpoint },
  ) {
    this.tracker = new FinalityTracker(start, (a, d) => chain.isAncestor(a, d));
    chain.on("reorg", (r: ReorgEvent) => {
      if (r.rewind) this.rewound().catch((err: unknown) => log.error(`vote service reset after a rewind failed: ${errorMessage(err)}`));
    });
  }

  /**
   * Dev mode (evm_revert): the head went back; the dropped blocks' votes are forgotten. The tracker
   * restarts from the chain's rewound checkpoints (a justified block on the dropped branch would make
   * every later vote walk back to it and never justify anything again), and this node may vote again at
   * the heights it voted for there — a dev chain's only validator must not convict itself of double votes
   * for blocks the developer threw away. The synchronous part runs before the next block can be built.
   */
  private async rewound(): Promise<void> {
    const head = this.chain.head.block.header.number;
    const start = { justified: this.chain.justified, finalized: this.chain.finalized };
    this.tracker = new FinalityTracker(start, (a, d) => this.chain.isAncestor(a, d));
    this.recent.clear();
    this.recentCount = 0;
    this.recentTop = 0n;
    this.evidencePool.clear();
    const reset: [string, { target: bigint; source: bigint }][] = [];
    for (const [signer, last] of this.lastVote) {
      if (last.target <= head) continue;
      const v = { target: head, source: last.source < start.finalized.number ? last.source : start.finalized.number };
      this.lastVote.set(signer, v);
      reset.push([signer, v]);
    }
    // The kept votes were for blocks the rewind dropped: nothing to send again.
    this.ownVotes.clear();
    this.earlierVotes = [];
    await this.persist([
      [FINALITY_META, RLP.encode([cpRaw(start.justified), cpRaw(start.finalized)])],
      ...reset.map(([signer, v]): [string, Uint8Array] => [`vote:${signer}`, encodeVoteRecord({ ...v, votes: [] })]),
    ]);
  }

  /**
   * Writes records in the order they were made. Heads, imports and gossip count votes concurrently, and
   * two LevelDB batches in flight at once may land in either order (each runs on a thread-pool thread):
   * the anti-slashing record could then go back to an older vote, and after a crash the validator would
   * sign a second vote at a height it already voted for, a slashable double vote.
   */
  private persist(writes: [string, Uint8Array][]): Promise<void> {
    const done = this.written.then(() => this.chain.store.putMetas(writes));
    this.written = done.catch(() => undefined);
    return done;
  }

  /** Opens the service with the persisted justified and finalized blocks (genesis on a new chain). */
  static async open(chain: Chain, keys: Map<string, Uint8Array>, publish: (msg: GossipMessage) => void, log: Logger): Promise<VoteService> {
    const genesis: Checkpoint = { hash: chain.genesisHash, number: 0n, slot: 0n };
    const stored = await chain.store.getMeta(FINALITY_META);
    let start = { justified: genesis, finalized: genesis };
    if (stored) {
      const [j, f] = RLP.decode(stored) as unknown as Uint8Array[][];
      start = { justified: cpFrom(j), finalized: cpFrom(f) };
    }
    const svc = new VoteService(chain, keys, publish, log, start);
    for (const signer of keys.keys()) {
      const v = await chain.store.getMeta(`vote:${signer}`);
      if (v) {
        const r = decodeVoteRecord(v);
        svc.lastVote.set(signer, { target: r.target, source: r.source });
        svc.ownVotes.set(signer, r.votes);
        svc.earlierVotes.push(...r.votes);
      }
    }
    chain.setFinality(start.justified, start.finalized);
    return svc;
  }

  /** The active set of the epoch of a block (by its parent and slot). */
  private async epochOfBlock(parent: ParentInfo, slot: bigint): Promise<EpochInfo> {
    return (await this.chain.engine.duty(parent, slot)).epoch;
  }

  /** Checks a vote; returns it with its weight, or throws INVALID_VOTE / UNKNOWN_PARENT. */
  async verifyVote(vote: Vote): Promise<CountedVote> {
    const target = await this.chain.blockMeta(vote.target.hash);
    if (!target) throw new LuxError("UNKNOWN_PARENT", `vote target ${bytesToHex(vote.target.hash)} is unknown`);
    if (target.number !== vote.target.number || target.slot !== vote.target.slot) throw new LuxError("INVALID_VOTE", `vote target #${vote.target.number} slot ${vote.target.slot} does not match block #${target.number} slot ${target.slot}`);
    const source = await this.chain.blockMeta(vote.source.hash);
    if (!source) throw new LuxError("UNKNOWN_PARENT", `vote source ${bytesToHex(vote.source.hash)} is unknown`);
    if (source.number !== vote.source.number || source.slot !== vote.source.slot) throw new LuxError("INVALID_VOTE", "vote source does not match its block");
    if (source.number >= target.number) throw new LuxError("INVALID_VOTE", `vote source #${source.number} is not below target #${target.number}`);
    const parent = await this.chain.blockMeta(target.parentHash);
    if (!parent) throw new LuxError("UNKNOWN_PARENT", "parent of the vote target is unknown");
    const epoch = await this.epochOfBlock(parent, target.slot);
    const signer = voteSigner(this.chain.config.chainId, vote).toLowerCase();
    const member = epoch.validators.find((v) => v.signer.toLowerCase() === signer);
    if (!member) throw new LuxError("INVALID_VOTE", `vote signer ${signer} is not in the active set of epoch ${epoch.epoch}`);
    return { vote, signer, validator: member.address, stake: member.stake, totalStake: epoch.totalStake };
  }

  /** Counts a verified vote; returns what changed. Publishes new evidence; persists and applies finality. */
  async count(cv: CountedVote, own?: OwnVote): Promise<VoteEffect> {
    const effect = await this.tracker.add(cv);
    const moved = effect.fresh && (effect.justified.length > 0 || effect.finalized !== undefined);
    const writes: [string, Uint8Array][] = own ? [own.record] : [];
    if (moved) writes.push([FINALITY_META, RLP.encode([cpRaw(this.tracker.justified), cpRaw(this.tracker.finalized)])]);
    // One atomic write per block: this node's vote is on disk before anyone can see it (gossip, a proposal).
    if (writes.length > 0) await this.persist(writes);
    own?.publish();
    if (!effect.fresh) return effect;
    this.remember(cv.vote);
    if (effect.evidence) this.addEvidence(effect.evidence, true);
    if (moved) {
      this.chain.setFinality(this.tracker.justified, this.tracker.finalized);
      if (effect.finalized) this.log.info(`finalized block #${effect.finalized.number} ${bytesToHex(effect.finalized.hash).slice(0, 18)}…`);
    }
    await this.chain.updateHead(this.tracker.justified, this.tracker.latest.values());
    return effect;
  }

  // Heights arrive almost in order, so the map's oldest entries come first: pruning stops at the first
  // height still in the window, and the count bound catches whatever a late vote left behind.
  private remember(vote: Vote): void {
    const t = vote.target.number;
    const bucket = this.recent.get(t);
    if (bucket) bucket.push(vote);
    else this.recent.set(t, [vote]);
    this.recentCount++;
    if (t > this.recentTop) this.recentTop = t;
    const floor = this.recentTop > RECENT_DEPTH ? this.recentTop - RECENT_DEPTH : 0n;
    for (const [height, vs] of this.recent) {
      if (height >= floor && this.recentCount <= RECENT_VOTES) break;
      this.recent.delete(height);
      this.recentCount -= vs.length;
    }
  }

  /** Verifies and counts a vote from a peer. */
  async importVote(vote: Vote): Promise<VoteEffect> {
    try {
      return await this.count(await this.verifyVote(vote));
    } catch (err) {
      // A vote often outruns its block (a vote is tiny, a block must be re-executed first): keep it and
      // count it when the block arrives, instead of losing it. Lost votes stalled finality whenever only
      // 3 of 4 validators were up, since every one of their votes was then needed.
      if (err instanceof LuxError && err.code === "UNKNOWN_PARENT") {
        const missing = (await this.chain.blockMeta(vote.target.hash)) ? vote.source.hash : vote.target.hash;
        this.holdVote(missing, vote);
      }
      throw err;
    }
  }

  private holdVote(missing: Uint8Array, vote: Vote): void {
    const k = bytesToHex(missing);
    const list = this.pendingVotes.get(k) ?? [];
    if (list.length >= MAX_PENDING_PER_TARGET) return;
    list.push(vote);
    this.pendingVotes.set(k, list);
    // Oldest targets first out: votes for blocks that never come are dropped.
    while (this.pendingVotes.size > MAX_PENDING_TARGETS) this.pendingVotes.delete(this.pendingVotes.keys().next().value as string);
  }

  /** Counts the votes held for a block (as target or source) that just arrived. */
  async releaseVotes(hash: Uint8Array): Promise<void> {
    const k = bytesToHex(hash);
    const list = this.pendingVotes.get(k);
    if (!list) return;
    this.pendingVotes.delete(k);
    for (const vote of list) {
      try {
        await this.importVote(vote);
      } catch {
        // Still missing its source (held again by importVote), or invalid: nothing to count.
      }
    }
  }

  private addEvidence(e: Evidence, gossip: boolean): boolean {
    const id = bytesToHex(evidenceId(this.chain.config.chainId, e));
    if (this.evidencePool.has(id)) return false;
    this.evidencePool.set(id, e);
    this.log.warn(`evidence of ${e.kind} recorded (${id.slice(0, 18)}…)`);
    if (gossip) this.publish({ topic: "evidence", data: encodeEvidence(e) });
    return true;
  }

  /** Pools evidence again whose including block was reorged out (the next proposal carries it again). */
  restoreEvidence(e: Evidence): void {
    this.addEvidence(e, false);
  }

  /**
   * Remembers which block a proposer signed for a slot (after its signature and schedule checked out,
   * whether or not the block then proves valid): a second, different block signed by the same key for
   * the same slot is a double proposal, pooled and gossiped as evidence. Bounded to the recent slots.
   */
  observeProposal(slot: bigint, signer: string, ref: SignedBlockRef): Evidence | undefined {
    const k = `${slot}:${signer.toLowerCase()}`;
    const prev = this.proposals.get(k);
    if (!prev) {
      this.proposals.set(k, ref);
      if (this.proposals.size > MAX_OBSERVED_PROPOSALS) this.proposals.delete(this.proposals.keys().next().value as string);
      return undefined;
    }
    if (equalsBytes(prev.blockHash, ref.blockHash)) return undefined;
    const e: Evidence = { kind: "double-proposal", slot, a: prev, b: ref };
    return this.addEvidence(e, true) ? e : undefined;
  }

  /**
   * Checks evidence against an active set: signatures, a real conflict, and an offender who is a member.
   * Returns the validator to slash; throws INVALID_EVIDENCE.
   */
  convict(e: Evidence, validators: Validator[], at: { number: bigint; slot: bigint }): Conviction {
    const signer = verifyEvidence(this.chain.config.chainId, e).toLowerCase();
    const member = validators.find((v) => v.signer.toLowerCase() === signer);
    if (!member) throw new LuxError("INVALID_EVIDENCE", `offender ${signer} is not in the active set`);
    let height: bigint;
    if (e.kind === "double-vote") height = e.a.target.number < e.b.target.number ? e.a.target.number : e.b.target.number;
    else {
      const back = at.slot > e.slot ? at.slot - e.slot : 0n;
      height = at.number > back ? at.number - back : 0n;
    }
    return { evidence: e, validator: member.address, height };
  }

  /** Verifies evidence from a peer against the head's active set and pools it; false when known. */
  async importEvidence(e: Evidence): Promise<boolean> {
    const head = this.chain.head;
    const epoch = await this.epochOfBlock(this.chain.parentInfo(head), head.slot + 1n);
    this.convict(e, epoch.validators, { number: head.block.header.number + 1n, slot: head.slot + 1n });
    if (await this.chain.evidenceIncluded(evidenceId(this.chain.config.chainId, e))) return false;
    return this.addEvidence(e, false);
  }

  /**
   * Checks the votes and evidence of an envelope before its block is executed; returns the votes to
   * count once the block is stored and the validators its evidence convicts. Throws INVALID_BLOCK.
   */
  async checkEnvelope(env: Envelope, validators: Validator[]): Promise<{ votes: CountedVote[]; convicted: Conviction[] }> {
    const votes: CountedVote[] = [];
    for (const [i, v] of env.votes.entries()) {
      try {
        votes.push(await this.verifyVote(v));
      } catch (err) {
        throw new LuxError("INVALID_BLOCK", `vote ${i} of the envelope: ${(err as Error).message}`, { cause: err });
      }
    }
    const convicted: Conviction[] = [];
    const seen = new Set<string>();
    for (const [i, e] of env.evidence.entries()) {
      const id = bytesToHex(evidenceId(this.chain.config.chainId, e));
      if (seen.has(id) || (await this.chain.evidenceIncluded(evidenceId(this.chain.config.chainId, e)))) {
        throw new LuxError("INVALID_BLOCK", `evidence ${i} of the envelope was already included`);
      }
      seen.add(id);
      try {
        const c = this.convict(e, validators, { number: env.block.header.number, slot: env.slot });
        if (convicted.some((x) => x.validator === c.validator)) throw new LuxError("INVALID_EVIDENCE", `${c.validator} is already convicted in this block`);
        convicted.push(c);
      } catch (err) {
        throw new LuxError("INVALID_BLOCK", `evidence ${i} of the envelope: ${(err as Error).message}`, { cause: err });
      }
    }
    return { votes, convicted };
  }

  /**
   * The votes that justify the final block and each justified block above it on the head's branch,
   * lowest first (those from a source below the target on its branch: the ones that count). A node
   * counts a vote only when its source is justified in its own view, and views differ: a node that
   * missed the votes of one justified block (gossip while it restarted, not carried by the next few
   * blocks) cannot count any later vote built on it, and votes from its stale source do not finalize
   * anything for the others. With two of four validators cut off that way, finality stopped for good.
   * Carried in every block until final, the proof reaches every node that imports the branch; when
   * finality runs normally it is the last one or two blocks' votes, already in the recent window.
   */
  private async justificationProofs(head: Checkpoint): Promise<Vote[]> {
    const proofs: Vote[] = [];
    for (const cp of this.tracker.justifiedFromFinal()) {
      if (cp.number === 0n || !(await this.chain.isAncestor(cp, head))) continue;
      for (const v of this.recent.get(cp.number) ?? []) {
        if (proofs.length >= INCLUDE_MAX) return proofs;
        if (equalsBytes(v.target.hash, cp.hash) && (await this.chain.isAncestor(v.source, v.target))) proofs.push(v);
      }
    }
    return proofs;
  }

  /** Votes and evidence for a proposal on top of the head. */
  async extras(validators: Validator[]): Promise<{ votes: Vote[]; evidence: Evidence[] }> {
    const head = this.chain.head;
    const n = head.block.header.number;
    const votes: Vote[] = [];
    const headCp: Checkpoint = { hash: head.hash, number: n, slot: head.slot };
    for (let t = n > INCLUDE_DEPTH ? n - INCLUDE_DEPTH : 0n; t <= n && votes.length < INCLUDE_MAX; t++) {
      for (const v of this.recent.get(t) ?? []) {
        if (votes.length >= INCLUDE_MAX) break;
        if (await this.chain.isAncestor(v.target, headCp)) votes.push(v);
      }
    }
    const included = new Set(votes.map((v) => bytesToHex(v.signature)));
    const add = (v: Vote): void => {
      included.add(bytesToHex(v.signature));
      votes.push(v);
    };
    for (const v of await this.justificationProofs(headCp)) {
      if (votes.length >= INCLUDE_MAX) break;
      if (!included.has(bytesToHex(v.signature))) add(v);
    }
    // Own votes of the previous run ride along whatever their depth: gossip after a restart can miss
    // (no subscribed peer yet), a block reaches every node. See `resendEarlierVotes`.
    for (const v of this.earlierVotes) {
      if (votes.length >= INCLUDE_MAX) break;
      if (v.target.number <= this.tracker.finalized.number || included.has(bytesToHex(v.signature))) continue;
      if (await this.chain.isAncestor(v.target, headCp)) add(v);
    }
    const evidence: Evidence[] = [];
    const convicted = new Set<string>();
    for (const [id, e] of this.evidencePool) {
      if (evidence.length >= 8) break;
      if (await this.chain.evidenceIncluded(evidenceId(this.chain.config.chainId, e))) {
        this.evidencePool.delete(id);
        continue;
      }
      try {
        const c = this.convict(e, validators, { number: n + 1n, slot: head.slot + 1n });
        if (convicted.has(c.validator)) continue;
        convicted.add(c.validator);
        evidence.push(e);
      } catch {
        this.evidencePool.delete(id); // offender left the active set: nothing left to slash
      }
    }
    return { votes, evidence };
  }

  /**
   * Gossips again this node's votes from before its restart whose targets are not final yet. A vote is
   * on disk before it is sent, so a crash in between leaves a vote that no peer ever saw but that counted
   * here — and the justification it completed was persisted with it. The restarted node then votes from
   * a source its peers never saw justified (they do not count those votes), while it can count theirs:
   * with two of four validators in that state no block gathers > 2/3 linked votes anywhere, and finality
   * stops for good. Sent on every new head until final: the first attempts after a restart may find no
   * subscribed peer yet, and a copy a peer already has is dropped as a duplicate.
   */
  private resendEarlierVotes(): void {
    const finalized = this.tracker.finalized.number;
    this.earlierVotes = this.earlierVotes.filter((v) => v.target.number > finalized);
    for (const vote of this.earlierVotes) this.publish({ topic: "vote", data: encodeVote(vote) });
  }

  /** The anti-slashing record of a new own vote, with the latest own votes of that key. */
  private ownVoteRecord(signer: string, vote: Vote): [string, Uint8Array] {
    const kept = [...(this.ownVotes.get(signer) ?? []), vote].slice(-OWN_VOTES_KEPT);
    this.ownVotes.set(signer, kept);
    return [`vote:${signer}`, encodeVoteRecord({ target: vote.target.number, source: vote.source.number, votes: kept })];
  }

  /** Signs this node's votes for a new head (one per local validator key in the head's epoch). */
  async onHead(h: NewHead): Promise<void> {
    if (this.keys.size === 0) return;
    this.resendEarlierVotes();
    const rec = h.record;
    const parent = await this.chain.blockMeta(rec.block.header.parentHash);
    if (!parent) return;
    const epoch = await this.epochOfBlock(parent, rec.slot);
    const target: Checkpoint = { hash: rec.hash, number: rec.block.header.number, slot: rec.slot };
    const justified = this.tracker.justified;
    const source = justified.number < target.number && (await this.chain.isAncestor(justified, target)) ? justified : this.tracker.finalized;
    if (source.number >= target.number) return;
    for (const v of epoch.validators) {
      const signer = v.signer.toLowerCase();
      const key = this.keys.get(signer);
      if (!key) continue;
      const last = this.lastVote.get(signer);
      // Never two votes for one height, never a surround: targets and sources only move up.
      if (last && (target.number <= last.target || source.number < last.source)) continue;
      this.lastVote.set(signer, { target: target.number, source: source.number });
      const unsigned = { source, target };
      const vote: Vote = { ...unsigned, signature: signDigest(voteSigningRoot(this.chain.config.chainId, unsigned), key) };
      await this.count({ vote, signer, validator: v.address, stake: v.stake, totalStake: epoch.totalStake }, {
        record: this.ownVoteRecord(signer, vote),
        publish: () => this.publish({ topic: "vote", data: encodeVote(vote) }),
      });
    }
  }
}

/** Meta key recording that evidence was included on chain. */
export function evidenceMetaKey(id: Uint8Array): string {
  return `evidence:${bytesToHex(id)}`;
}
