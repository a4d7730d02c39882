import type { Chain } from "./chain";
import type { Logger, NewHead } from "./types";
import type { TxPool } from "../txpool/pool";
import { errorMessage } from "../errors";

/** Options of the block producer. */
export interface ProducerOptions {
  /** Slot duration in ms. */
  slotTimeMs: number;
  /** Build as soon as transactions wait instead of waiting for the next slot. */
  produceOnTx: boolean;
  /**
   * Min ms from the end of a block with transactions to the next transaction-triggered block. An idle chain still builds at once
   * (one transaction is mined immediately); under sustained load arrivals gather into fuller blocks,
   * which spreads the fixed cost of a block (state flush, commit, signature) over more transactions.
   */
  batchMs: number;
  /** Signer keys by lowercase signer address. */
  signerKeys: Map<string, Uint8Array>;
  /** Logger. */
  log: Logger;
  /** False while the node knows it is behind its peers (syncing): building then would fork the chain. */
  ready?: () => boolean;
}

/**
 * Produces a block for every slot whose proposer key this node holds, and — when `produceOnTx` is set —
 * right away when transactions wait, taking the next slot ahead of the clock. Builds back to back while
 * the pool has executable transactions.
 */
export class Producer {
  private timer?: NodeJS.Timeout;
  private building?: Promise<void>;
  private again = false;
  private stopped = true;
  private lastMissedSlot = -1n;
  /** When the last block holding transactions was committed. */
  private lastBusyEnd = 0;

  constructor(
    private readonly chain: Chain,
    private readonly pool: TxPool,
    private readonly opts: ProducerOptions,
  ) {}

  /** The slot the wall clock is in. */
  clockSlot(nowMs = Date.now()): bigint {
    const genesisMs = Number(this.chain.config.genesisTimestamp) * 1000;
    return BigInt(Math.max(0, Math.floor((nowMs - genesisMs) / this.opts.slotTimeMs)));
  }

  start(): void {
    this.stopped = false;
    if (this.opts.produceOnTx) this.pool.on("tx", this.onTx);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.pool.off("tx", this.onTx);
    await this.building;
  }

  private readonly onTx = (): void => {
    this.trigger();
  };

  private schedule(): void {
    if (this.stopped) return;
    const genesisMs = Number(this.chain.config.genesisTimestamp) * 1000;
    const next = genesisMs + Number(this.clockSlot() + 1n) * this.opts.slotTimeMs;
    this.timer = setTimeout(() => {
      this.trigger();
      this.schedule();
    }, Math.max(1, next - Date.now()));
  }

  /** Asks for a build; coalesces with one already running. */
  trigger(): void {
    if (this.stopped) return;
    if (this.building) {
      this.again = true;
      return;
    }
    this.building = this.run().finally(() => {
      this.building = undefined;
    });
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      const head = this.chain.head;
      const clock = this.clockSlot();
      const baseFee = head.block.header.calcNextBaseFee();
      const waiting = this.opts.produceOnTx && this.pool.hasExecutable(baseFee);
      // On the clock: one block per slot. Ahead of it only when transactions wait.
      if (clock <= head.slot && !waiting) return;
      const wait = this.lastBusyEnd + this.opts.batchMs - Date.now();
      if (waiting && clock <= head.slot && wait > 0) await new Promise((r) => setTimeout(r, wait));
      const slot = clock > head.slot ? clock : head.slot + 1n;
      const produced = await this.produceAt(slot);
      if (!produced) return;
      if (this.opts.produceOnTx && this.pool.hasExecutable(this.chain.head.block.header.calcNextBaseFee())) this.again = true;
    } while (this.again && !this.stopped);
  }

  private async produceAt(slot: bigint): Promise<NewHead | undefined> {
    if (this.opts.ready && !this.opts.ready()) return undefined;
    try {
      const duty = await this.chain.engine.duty(this.chain.parentInfo(), slot);
      const key = this.opts.signerKeys.get(duty.proposer.signer.toLowerCase());
      if (!key) {
        // In a network other validators own most slots: only a node that owns none of them says so.
        const ownsSome = duty.epoch.validators.some((v) => this.opts.signerKeys.has(v.signer.toLowerCase()));
        if (slot !== this.lastMissedSlot && !ownsSome) this.opts.log.warn(`slot ${slot}: proposer ${duty.proposer.address} (signer ${duty.proposer.signer}) is not a local key; waiting`);
        this.lastMissedSlot = slot;
        return undefined;
      }
      const baseFee = this.chain.head.block.header.calcNextBaseFee();
      const head = await this.chain.produce(duty, key, this.pool.source(baseFee));
      if (head.record.block.transactions.length > 0) this.lastBusyEnd = Date.now();
      return head;
    } catch (err) {
      this.opts.log.error(`block production at slot ${slot} failed: ${errorMessage(err)}`);
      return undefined;
    }
  }
}
