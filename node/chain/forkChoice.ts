import { bytesToHex } from "@ethereumjs/util";

/** A block as the fork choice sees it. */
export interface TreeNode {
  /** 0x hash. */
  hash: string;
  /** 0x parent hash. */
  parent: string;
  /** Height. */
  number: bigint;
}

/** One validator's latest vote: its target and weight. */
export interface LatestVote {
  /** Target hash (0x). */
  target: string;
  /** Stake behind it. */
  stake: bigint;
}

/**
 * The block tree above the last final block and the fork choice on it: LMD-GHOST from the highest
 * justified block. A block's weight is the stake of validators whose latest vote targets it or a
 * descendant; from the start block, repeatedly step to the heaviest child (ties: lowest hash) until a
 * leaf. The justified start block always descends from the final one, so a final block is never left.
 */
export class BlockTree {
  private readonly nodes = new Map<string, TreeNode>();
  private readonly children = new Map<string, Set<string>>();

  /** Adds a block (idempotent). */
  add(node: TreeNode): void {
    if (this.nodes.has(node.hash)) return;
    this.nodes.set(node.hash, node);
    const set = this.children.get(node.parent) ?? new Set<string>();
    set.add(node.hash);
    this.children.set(node.parent, set);
  }

  /** True when the block is in the tree. */
  has(hash: string): boolean {
    return this.nodes.has(hash);
  }

  /** The block, when it is in the tree. */
  get(hash: string): TreeNode | undefined {
    return this.nodes.get(hash);
  }

  /** Number of blocks held. */
  get size(): number {
    return this.nodes.size;
  }

  /** Forgets every block below the final height except the final block itself. */
  prune(finalized: { hash: Uint8Array; number: bigint }): void {
    const keep = bytesToHex(finalized.hash);
    for (const [h, n] of this.nodes) {
      if (n.number < finalized.number || (n.number === finalized.number && h !== keep)) {
        this.nodes.delete(h);
        this.children.delete(h);
        this.children.get(n.parent)?.delete(h);
      }
    }
  }

  /** Dev mode (evm_revert): forgets every descendant of `hash`, which becomes a leaf again. */
  cut(hash: string): void {
    const stack = [...(this.children.get(hash) ?? [])];
    this.children.delete(hash);
    while (stack.length > 0) {
      const h = stack.pop() as string;
      for (const c of this.children.get(h) ?? []) stack.push(c);
      this.children.delete(h);
      this.nodes.delete(h);
    }
  }

  /** The fork-choice head from `start` given each validator's latest vote. */
  head(start: string, latest: Iterable<LatestVote>): string {
    if (!this.nodes.has(start)) return start;
    const startNumber = this.nodes.get(start)!.number;
    const weight = new Map<string, bigint>();
    for (const v of latest) {
      for (let cur = this.nodes.get(v.target); cur && cur.number > startNumber; cur = this.nodes.get(cur.parent)) {
        weight.set(cur.hash, (weight.get(cur.hash) ?? 0n) + v.stake);
      }
    }
    let cur = start;
    for (;;) {
      const kids = this.children.get(cur);
      if (!kids || kids.size === 0) return cur;
      let best: string | undefined;
      let bestW = -1n;
      for (const k of kids) {
        const w = weight.get(k) ?? 0n;
        if (w > bestW || (w === bestW && best !== undefined && k < best)) {
          best = k;
          bestW = w;
        }
      }
      cur = best as string;
    }
  }
}
