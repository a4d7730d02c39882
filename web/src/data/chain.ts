/**
 * Live chain state from the node's newHeads subscription: head, average block time, base fee, who
 * proposed the recent blocks, and — when the node answers them — the finalized block and peer count
 * (a single devnet node may not run finality or p2p: the page then says so instead of failing).
 */
import type { Block, WebSocketProvider } from "ethers";

/** Recent blocks kept for block time and proposer counts. */
export const BLOCK_WINDOW = 256;
/** Blocks the average block time is taken over. */
export const BLOCK_TIME_SPAN = 32;

/** What the chain view shows. */
export interface ChainState {
  head: number;
  /** Average seconds between the recent blocks, null with fewer than two. */
  blockTimeSec: number | null;
  baseFee: bigint | null;
  /** null: the node does not answer "finalized". */
  finalized: number | null;
  /** null: the node does not answer net_peerCount. */
  peers: number | null;
  epoch: bigint | null;
  nextProposer: string | null;
  /** Lowercase proposer (coinbase) → blocks in the window. */
  proposed: Map<string, number>;
  /** Blocks the window holds. */
  window: number;
}

interface LuxEpoch {
  epoch: string;
  nextProposer: string;
}

/** Follows the chain; calls `onChange` after each new head. */
export class ChainWatcher {
  private readonly blocks = new Map<number, { time: number; miner: string }>();
  readonly state: ChainState = { head: 0, blockTimeSec: null, baseFee: null, finalized: null, peers: null, epoch: null, nextProposer: null, proposed: new Map(), window: 0 };

  constructor(
    private readonly provider: WebSocketProvider,
    private readonly onChange: (s: ChainState) => void,
  ) {}

  /** Backfills the recent blocks, then subscribes to newHeads. */
  async start(): Promise<void> {
    const head = await this.provider.getBlockNumber();
    const from = Math.max(0, head - BLOCK_WINDOW + 1);
    const blocks = await Promise.all(Array.from({ length: head - from + 1 }, (_, i) => this.provider.getBlock(from + i)));
    for (const b of blocks) if (b) this.remember(b);
    await this.refresh(head);
    await this.provider.on("block", (n: number) => {
      void this.onBlock(n);
    });
  }

  private remember(b: Block): void {
    this.blocks.set(b.number, { time: b.timestamp, miner: b.miner.toLowerCase() });
    for (const n of this.blocks.keys()) if (n <= b.number - BLOCK_WINDOW) this.blocks.delete(n);
    if (b.number >= this.state.head) this.state.baseFee = b.baseFeePerGas;
  }

  private async onBlock(n: number): Promise<void> {
    const b = await this.provider.getBlock(n);
    if (b) this.remember(b);
    await this.refresh(n);
  }

  private async refresh(head: number): Promise<void> {
    const s = this.state;
    s.head = Math.max(s.head, head);
    const nums = [...this.blocks.keys()].sort((a, b) => a - b);
    s.window = nums.length;
    // Block time over the last blocks, never across genesis (its timestamp is the chain's creation).
    const recent = nums.filter((n) => n > 0).slice(-BLOCK_TIME_SPAN);
    if (recent.length >= 2) {
      const first = this.blocks.get(recent[0])!;
      const last = this.blocks.get(recent[recent.length - 1])!;
      s.blockTimeSec = (last.time - first.time) / (recent.length - 1);
    }
    s.proposed = new Map();
    for (const { miner } of this.blocks.values()) s.proposed.set(miner, (s.proposed.get(miner) ?? 0) + 1);
    const [finalized, peers, epoch] = await Promise.all([
      this.provider.send("eth_getBlockByNumber", ["finalized", false]).then((b: { number?: string } | null) => (b?.number ? Number(b.number) : null), () => null),
      this.provider.send("net_peerCount", []).then((p: string) => Number(p), () => null),
      this.provider.send("lux_getEpoch", []).then((e: LuxEpoch) => e, () => null),
    ]);
    s.finalized = finalized;
    s.peers = peers;
    s.epoch = epoch ? BigInt(epoch.epoch) : null;
    s.nextProposer = epoch?.nextProposer ?? null;
    this.onChange(s);
  }
}
