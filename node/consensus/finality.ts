import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import { votesConflict } from "./messages";
import type { Checkpoint, Evidence, Vote } from "./types";

/** Votes remembered per signer for conflict detection (FFG slashing conditions). */
const VOTES_PER_SIGNER = 64;

/** A vote already checked (signature, membership, ancestry) with its voter's weight. */
export interface CountedVote {
  /** The vote. */
  vote: Vote;
  /** Lowercase signer address. */
  signer: string;
  /** The voter's validator address. */
  validator: string;
  /** The voter's stake in the target's epoch. */
  stake: bigint;
  /** Total active stake of the target's epoch. */
  totalStake: bigint;
}

/** What one vote changed. */
export interface VoteEffect {
  /** False when the same vote was counted before. */
  fresh: boolean;
  /** A conflicting earlier vote by the same signer, as evidence. */
  evidence?: Evidence;
  /** Blocks that became justified (in order). */
  justified: Checkpoint[];
  /** The new finalized block, when finality advanced. */
  finalized?: Checkpoint;
}

/** The votes for one target block, one per signer (a second source for one target is a double vote). */
interface Tally {
  target: Checkpoint;
  totalStake: bigint;
  votes: Map<string, { source: Checkpoint; stake: bigint; linked?: boolean }>;
}

const key = (c: Checkpoint): string => bytesToHex(c.hash);

/**
 * Casper FFG over block heights (every block is a checkpoint):
 * - a vote links the voter's highest justified block (source) to the block it took as head (target);
 * - a block is **justified** when validators holding more than 2/3 of the active stake of the target's
 *   epoch voted for it, each from a source that is justified and an ancestor of it (genesis is
 *   justified). Sources may differ between voters: each node's view of "highest justified" depends on
 *   the votes it happened to receive, and requiring one common source let four honest validators split
 *   (two votes from source #1, two from genesis) and stall justification for good;
 * - a justified block is **final** when its direct child (height + 1) is justified and more than 2/3 of
 *   the stake voted for that child with the block itself as source.
 * Safety: two conflicting final blocks need > 1/3 of the stake to have broken one of the two slashing
 * conditions (double vote: two targets at one height; surround vote), which `votesConflict` detects —
 * the FFG argument goes through vote by vote (take the lowest justified block above the final one on
 * the other branch; each of its voters' sources is justified and lower, so one > 1/3 intersection with
 * the finalizing votes surrounds or doubles), so it does not need the sources to be equal.
 */
export class FinalityTracker {
  private readonly justifiedSet = new Map<string, Checkpoint>();
  private readonly tallies = new Map<string, Tally>();
  private readonly bySigner = new Map<string, Vote[]>();
  /** Latest vote per signer (by target height), for the fork choice. */
  readonly latest = new Map<string, { target: Checkpoint; stake: bigint }>();
  private bestJustified: Checkpoint;
  private finalizedCp: Checkpoint;

  constructor(
    start: { justified: Checkpoint; finalized: Checkpoint },
    private readonly isAncestor: (a: Checkpoint, d: Checkpoint) => Promise<boolean>,
  ) {
    this.justifiedSet.set(key(start.finalized), start.finalized);
    this.justifiedSet.set(key(start.justified), start.justified);
    this.bestJustified = start.justified;
    this.finalizedCp = start.finalized;
  }

  /** The last final block. */
  get finalized(): Checkpoint {
    return this.finalizedCp;
  }

  /** The highest justified block. */
  get justified(): Checkpoint {
    return this.bestJustified;
  }

  /** True when a block is known justified. */
  isJustified(c: Checkpoint): boolean {
    return this.justifiedSet.has(key(c));
  }

  /** The justified blocks from the final one up (it included), lowest first. */
  justifiedFromFinal(): Checkpoint[] {
    const f = this.finalizedCp.number;
    return [...this.justifiedSet.values()].filter((c) => c.number >= f).sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
  }

  /** Counts a verified vote; returns what changed. */
  async add(cv: CountedVote): Promise<VoteEffect> {
    const { vote, signer } = cv;
    const effect: VoteEffect = { fresh: true, justified: [] };
    const mine = this.bySigner.get(signer) ?? [];
    for (const prev of mine) {
      const same = equalsBytes(prev.target.hash, vote.target.hash) && equalsBytes(prev.source.hash, vote.source.hash);
      if (same) return { fresh: false, justified: [] };
      if (votesConflict(prev, vote) && !effect.evidence) effect.evidence = { kind: "double-vote", a: prev, b: vote };
    }
    mine.push(vote);
    if (mine.length > VOTES_PER_SIGNER) mine.shift();
    this.bySigner.set(signer, mine);
    // A validator caught double voting does not get its second vote counted.
    if (effect.evidence) return effect;
    const last = this.latest.get(signer);
    if (!last || vote.target.number > last.target.number) this.latest.set(signer, { target: vote.target, stake: cv.stake });
    if (vote.target.number <= this.finalizedCp.number) return effect;
    const tk = key(vote.target);
    const tally = this.tallies.get(tk) ?? { target: vote.target, totalStake: cv.totalStake, votes: new Map() };
    if (!tally.votes.has(signer)) tally.votes.set(signer, { source: vote.source, stake: cv.stake });
    this.tallies.set(tk, tally);
    await this.evaluate(tally, effect);
    return effect;
  }

  // Stake of the tally's votes whose source is justified and an ancestor of the target (from `from`, when given).
  private async linkedStake(t: Tally, from?: Checkpoint): Promise<bigint> {
    let stake = 0n;
    for (const v of t.votes.values()) {
      if (from && !equalsBytes(v.source.hash, from.hash)) continue;
      if (!this.isJustified(v.source) || v.source.number >= t.target.number) continue;
      v.linked ??= await this.isAncestor(v.source, t.target);
      if (v.linked) stake += v.stake;
    }
    return stake;
  }

  private async evaluate(t: Tally, effect: VoteEffect): Promise<void> {
    const supermajority = (stake: bigint): boolean => stake * 3n > t.totalStake * 2n;
    if (!this.isJustified(t.target)) {
      if (!supermajority(await this.linkedStake(t))) return;
      this.justifiedSet.set(key(t.target), t.target);
      effect.justified.push(t.target);
      if (t.target.number > this.bestJustified.number) this.bestJustified = t.target;
      // Votes counted before their source was justified may now justify their targets.
      for (const other of [...this.tallies.values()]) {
        if ([...other.votes.values()].some((v) => equalsBytes(v.source.hash, t.target.hash))) await this.evaluate(other, effect);
      }
    }
    // Finality: the parent of a justified block, when > 2/3 voted parent -> this block.
    const parent = [...t.votes.values()].find((v) => v.source.number + 1n === t.target.number)?.source;
    if (parent && parent.number > this.finalizedCp.number && this.isJustified(parent) && supermajority(await this.linkedStake(t, parent))) {
      this.finalizedCp = parent;
      effect.finalized = parent;
      this.prune();
    }
  }

  private prune(): void {
    const f = this.finalizedCp.number;
    for (const [k, t] of this.tallies) if (t.target.number <= f) this.tallies.delete(k);
    for (const [k, c] of this.justifiedSet) if (c.number < f) this.justifiedSet.delete(k);
  }
}
