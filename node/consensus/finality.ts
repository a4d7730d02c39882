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

interface Tally {
  source: Checkpoint;
  target: Checkpoint;
  stake: bigint;
  totalStake: bigint;
  signers: Set<string>;
}

const key = (c: Checkpoint): string => bytesToHex(c.hash);

/**
 * Casper FFG over block heights (every block is a checkpoint):
 * - a vote links the voter's highest justified block (source) to the block it took as head (target);
 * - a block is **justified** when votes with one justified source, from validators holding more than
 *   2/3 of the active stake of the target's epoch, link to it (genesis is justified);
 * - a justified block is **final** when its direct child (height + 1) is justified with it as source.
 * Safety: two conflicting final blocks need > 1/3 of the stake to have broken one of the two slashing
 * conditions (double vote: two targets at one height; surround vote), which `votesConflict` detects.
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
    const tk = `${key(vote.source)}>${key(vote.target)}`;
    const tally = this.tallies.get(tk) ?? { source: vote.source, target: vote.target, stake: 0n, totalStake: cv.totalStake, signers: new Set<string>() };
    if (!tally.signers.has(signer)) {
      tally.signers.add(signer);
      tally.stake += cv.stake;
    }
    this.tallies.set(tk, tally);
    await this.evaluate(tally, effect);
    return effect;
  }

  private async evaluate(t: Tally, effect: VoteEffect): Promise<void> {
    if (!this.isJustified(t.source) || this.isJustified(t.target)) return;
    if (t.stake * 3n <= t.totalStake * 2n) return;
    if (t.source.number >= t.target.number || !(await this.isAncestor(t.source, t.target))) return;
    this.justifiedSet.set(key(t.target), t.target);
    effect.justified.push(t.target);
    if (t.target.number > this.bestJustified.number) this.bestJustified = t.target;
    if (t.target.number === t.source.number + 1n && t.source.number > this.finalizedCp.number) {
      this.finalizedCp = t.source;
      effect.finalized = t.source;
      this.prune();
    }
    // Votes counted before their source was justified may now justify their targets.
    for (const other of this.tallies.values()) {
      if (equalsBytes(other.source.hash, t.target.hash)) await this.evaluate(other, effect);
    }
  }

  private prune(): void {
    const f = this.finalizedCp.number;
    for (const [k, t] of this.tallies) if (t.target.number <= f) this.tallies.delete(k);
    for (const [k, c] of this.justifiedSet) if (c.number < f) this.justifiedSet.delete(k);
  }
}
