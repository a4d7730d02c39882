/**
 * Range sync: when a peer's status shows a higher head than ours (learned at connect, by polling, or
 * from a gossiped block whose parent we lack), fetch the missing canonical blocks from it in batches
 * with blocks-by-range and import each one — full verification and re-execution, as for gossip. Once
 * level with the peer, the node simply follows gossip again.
 */
import type { Logger } from "../chain/types";
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
/** Most times one sync run walks back to find where our branch and the peer's meet. */
const MAX_BACKTRACKS = 16;

/** Keeps the chain level with the best peer. */
export class Syncer {
  private running?: Promise<void>;
  private again?: string;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly startedAt = Date.now();
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
    const peers = this.net.connectedPeers();
    let heard = false;
    for (const p of peers) {
      const s = this.net.statusOf(p);
      if (!s) continue;
      heard = true;
      if (this.ahead(s)) return false;
    }
    return heard || !this.opts.expectPeers || Date.now() - this.startedAt > STARTUP_GRACE_MS;
  }

  private ahead(s: PeerStatus): boolean {
    const ours = this.chain.status();
    return s.finalizedNumber > ours.finalizedNumber || s.headNumber > ours.headNumber;
  }

  private readonly onStatus = (peer: string, s: PeerStatus): void => {
    if (this.ahead(s)) this.trigger(peer);
  };

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
        if (next && s && this.ahead(s)) this.trigger(next);
      });
  }

  private async syncFrom(peer: string): Promise<void> {
    const batch = Math.min(this.opts.batch ?? MAX_RANGE_BLOCKS, MAX_RANGE_BLOCKS);
    const started = Date.now();
    const first = this.chain.status().headNumber;
    let backtracks = 0;
    let start = first + 1n;
    for (;;) {
      if (this.stopped) return;
      const theirs = this.net.statusOf(peer);
      const ours = this.chain.status();
      if (!theirs || theirs.headNumber < start) break;
      const count = Number(BigInt(batch) < theirs.headNumber - start + 1n ? BigInt(batch) : theirs.headNumber - start + 1n);
      const blocks = await this.net.requestRange(peer, start, count);
      if (blocks.length === 0) break;
      let progressed = false;
      for (const b of blocks) {
        const o = await this.chain.importEnvelope(b);
        if (o.status === "imported" || o.status === "known") {
          if (o.status === "imported") this.imported++;
          progressed = true;
          continue;
        }
        if (o.status === "invalid") {
          this.net.penalise(peer, `sync: ${o.reason ?? "invalid block"}`);
          return;
        }
        if (o.status === "future" && !progressed && backtracks < MAX_BACKTRACKS && start > ours.finalizedNumber + 1n) {
          // Our head is on another branch than the peer's: walk back towards the last final block.
          backtracks++;
          const back = BigInt(batch) * BigInt(backtracks);
          start = start - back > ours.finalizedNumber + 1n ? start - back : ours.finalizedNumber + 1n;
          break;
        }
        this.log.warn(`sync from ${peer.slice(0, 12)}… stopped at a ${o.status} block: ${o.reason ?? ""}`);
        return;
      }
      if (progressed) start = this.chain.status().headNumber + 1n > start + BigInt(blocks.length) ? this.chain.status().headNumber + 1n : start + BigInt(blocks.length);
      if (!progressed && backtracks === 0) break;
    }
    const head = this.chain.status().headNumber;
    if (head - first >= BigInt(batch)) {
      const s = (Date.now() - started) / 1000;
      this.log.info(`synced ${head - first} blocks to #${head} from ${peer.slice(0, 12)}… in ${s.toFixed(1)} s`);
    }
  }
}
