/**
 * Range sync: when a peer's status shows a head we do not have — a higher head, a higher final block, or
 * a head on another branch — fetch its canonical blocks with blocks-by-range and import each one (full
 * verification and re-execution, as for gossip; fork choice decides the head). If the first block's
 * parent is unknown our branches split further back: walk back batch by batch, never below our final
 * block. Once level with the peer, the node simply follows gossip again.
 */
import { bytesToHex } from "@ethereumjs/util";
import type { Logger } from "../chain/types";
import { LruMap } from "../chain/lru";
import { errorMessage } from "../errors";
import { MAX_RANGE_BLOCKS, type PeerStatus } from "../p2p/messages";
import type { P2PNetwork } from "../p2p/network";
import type { ChainPort } from "../p2p/types";

/** Options of the syncer. */
export interface SyncOptions {
  /** How often connected peers are asked for their status. */
  pollMs: number;
  /** Blocks per range request. */
  batch?: number;
  /** Static peers are configured: wait briefly for their status before building blocks. */
  expectPeers?: boolean;
}

/** How long a node without any peer status waits before it builds blocks alone. */
const STARTUP_GRACE_MS = 3_000;
/** Peer heads remembered as held by us (a few minutes of statuses from a handful of peers). */
const KNOWN_BLOCKS = 1024;
/** Most times one sync run walks back to find where our branch and the peer's meet. */
const MAX_BACKTRACKS = 16;

/** Keeps the chain level with its peers. */
export class Syncer {
  private running?: Promise<void>;
  private again?: string;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly startedAt = Date.now();
  /** Peer heads a sync run could not reach (a branch we reject): not a reason to stop producing. */
  private readonly unreachable = new Map<string, string>();
  /** Blocks imported by sync since start. */
  imported = 0;

  constructor(
    private readonly net: P2PNetwork,
    private readonly chain: ChainPort,
    private readonly log: Logger,
    private readonly opts: SyncOptions,
  ) {}

  start(): void {
    this.net.on("status", this.onStatus);
    this.net.on("behind", this.onBehind);
    this.poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.net.off("status", this.onStatus);
    this.net.off("behind", this.onBehind);
    await this.running;
  }

  /** True while a sync run is in progress. */
  get syncing(): boolean {
    return this.running !== undefined;
  }

  /**
   * Whether the node may build blocks: not syncing, no connected peer known to be ahead, and — right
   * after start — a first status heard from a peer (or a grace period passed with none reachable), so a
   * restarted validator does not build on the stale head it woke up with.
   */
  inSync(): boolean {
    if (this.syncing) return false;
    let heard = false;
    for (const p of this.net.connectedPeers()) {
      const s = this.net.statusOf(p);
      if (!s) continue;
      heard = true;
      if (this.ahead(p, s)) return false;
    }
    return heard || !this.opts.expectPeers || Date.now() - this.startedAt > STARTUP_GRACE_MS;
  }

  /**
   * A peer is ahead when it holds a block we lack: a higher head, a head of the same height on another
   * branch, or a lower head on another branch with a later final block. A head we already hold is never
   * a reason: we hold its ancestors, and a final block the peer counted a moment before us (votes reach
   * nodes at different times) needs its votes, which come by gossip and in the next blocks, not a
   * re-download of blocks we have. Treating that as "behind" made validators skip their own slots while
   * a sync re-imported known blocks, and the liveness rule then jailed honest validators.
   */
  private ahead(peer: string, s: PeerStatus): boolean {
    const ours = this.chain.status();
    const theirHead = bytesToHex(s.headHash);
    if (this.unreachable.get(peer) === theirHead || theirHead === bytesToHex(ours.headHash) || this.knownSync(s.headHash)) return false;
    if (s.headNumber > ours.headNumber) return true;
    // Without hasBlock nothing is ever known: a head of our height on another branch would sync forever.
    if (s.headNumber === ours.headNumber) return this.chain.hasBlock !== undefined;
    // A lower head on a branch we lack, finalized further than we are: that branch may be the one to follow.
    return s.finalizedNumber > ours.finalizedNumber;
  }

  private readonly known = new LruMap<string, true>(KNOWN_BLOCKS);
  // hasBlock is async; remember answers so `ahead` stays synchronous (refreshed by every status).
  private knownSync(hash: Uint8Array): boolean {
    return this.known.get(bytesToHex(hash)) !== undefined;
  }

  private readonly onStatus = (peer: string, s: PeerStatus): void => {
    void this.refreshKnown(s).then(() => {
      if (this.ahead(peer, s)) this.trigger(peer);
    });
  };

  private async refreshKnown(s: PeerStatus): Promise<void> {
    if (!this.knownSync(s.headHash) && this.chain.hasBlock && (await this.chain.hasBlock(s.headHash))) this.known.set(bytesToHex(s.headHash), true);
  }

  private readonly onBehind = (peer: string): void => {
    void this.net.requestStatus(peer).catch(() => undefined);
  };

  private poll(): void {
    if (this.stopped) return;
    for (const peer of this.net.connectedPeers()) void this.net.requestStatus(peer).catch(() => undefined);
    this.timer = setTimeout(() => this.poll(), this.opts.pollMs);
  }

  /** Starts syncing from a peer unless a run is going; a run in progress re-checks when it ends. */
  trigger(peer: string): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = peer;
      return;
    }
    this.running = this.syncFrom(peer)
      .catch((err: unknown) => this.log.warn(`sync from ${peer.slice(0, 12)}… failed: ${errorMessage(err)}`))
      .finally(() => {
        this.running = undefined;
        const next = this.again;
        this.again = undefined;
        const s = next ? this.net.statusOf(next) : undefined;
        if (next && s && this.ahead(next, s)) this.trigger(next);
      });
  }

  private async syncFrom(peer: string): Promise<void> {
    const batch = Math.min(this.opts.batch ?? MAX_RANGE_BLOCKS, MAX_RANGE_BLOCKS);
    const started = Date.now();
    const first = this.chain.status();
    const theirs0 = this.net.statusOf(peer);
    if (!theirs0) return;
    const floor = first.finalizedNumber + 1n;
    // Higher head: continue from ours. Same height, other branch: start one batch back.
    let start = theirs0.headNumber > first.headNumber ? first.headNumber + 1n : theirs0.headNumber - BigInt(batch) + 1n;
    if (start < floor) start = floor;
    let backtracks = 0;
    let imported = 0;
    for (;;) {
      if (this.stopped) return;
      const theirs = this.net.statusOf(peer);
      if (!theirs || theirs.headNumber < start) break;
      const remaining = theirs.headNumber - start + 1n;
      const count = Number(remaining < BigInt(batch) ? remaining : BigInt(batch));
      const blocks = await this.net.requestRange(peer, start, count);
      if (blocks.length === 0) break;
      let backtrack = false;
      for (const [i, b] of blocks.entries()) {
        const o = await this.chain.importEnvelope(b);
        if (o.status === "imported" || o.status === "known") {
          if (o.status === "imported") imported++;
          continue;
        }
        if (o.status === "invalid") {
          this.net.penalise(peer, `sync: ${o.reason ?? "invalid block"}`);
          this.unreachable.set(peer, bytesToHex(theirs.headHash));
          return;
        }
        if (o.status === "future" && i === 0 && backtracks < MAX_BACKTRACKS && start > floor) {
          // The first block's parent is unknown: our branches split earlier. Walk back towards the final block.
          backtracks++;
          start = start - BigInt(batch) > floor ? start - BigInt(batch) : floor;
          backtrack = true;
          break;
        }
        this.log.warn(`sync from ${peer.slice(0, 12)}… stopped at a ${o.status} block: ${o.reason ?? ""}`);
        this.unreachable.set(peer, bytesToHex(theirs.headHash));
        return;
      }
      if (!backtrack) start += BigInt(blocks.length);
    }
    this.imported += imported;
    const theirs = this.net.statusOf(peer);
    if (theirs) await this.refreshKnown(theirs);
    const head = this.chain.status().headNumber;
    if (imported >= batch) {
      const s = (Date.now() - started) / 1000;
      this.log.info(`synced ${imported} blocks to #${head} from ${peer.slice(0, 12)}… in ${s.toFixed(1)} s (${(imported / Math.max(s, 0.001)).toFixed(0)} blocks/s)`);
    }
  }
}
