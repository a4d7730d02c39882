import type { Chain } from "./chain";
import type { BlockRecord, Logger, NewHead } from "./types";
import type { Duty, Validator } from "../consensus/types";
import type { TxPool } from "../txpool/pool";
import { LuxError, errorMessage } from "../errors";

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
  /** Produce a block every slot (default true); dev mode turns it off to mine on demand. */
  slotTimer?: boolean;
  /**
   * Dev mode only: who seals a slot whose scheduled proposer's key this node lacks (a test registered
   * validators with random keys). A validator of a real network waits instead.
   */
  fallbackProposer?: Validator;
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

  /** Builds only while `ready()` (networking: not while syncing). */
  setReady(ready: () => boolean): void {
    this.opts.ready = ready;
  }

  /** Dev mode (evm_setAutomine): build as soon as transactions wait, or only when asked. */
  setProduceOnTx(on: boolean): void {
    if (on === this.opts.produceOnTx) return;
    this.opts.produceOnTx = on;
    if (this.stopped) return;
    if (on) {
      this.pool.on("tx", this.onTx);
      this.trigger();
    } else this.pool.off("tx", this.onTx);
  }

  /** Dev mode: mine on demand (no block per slot) or resume slot blocks. */
  setSlotTimer(on: boolean): void {
    this.opts.slotTimer = on;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (on) this.schedule();
  }

  /** Resolves when no build is running. */
  async idle(): Promise<void> {
    while (this.building) await this.building;
  }

  /**
   * Dev mode (evm_mine): one block now with whatever is executable, after any build in progress, even
   * when no transaction waits and the clock has not reached a new slot.
   */
  async mine(): Promise<NewHead> {
    for (;;) {
      while (this.building) await this.building;
      const head = this.chain.head;
      const run = this.produceAt(this.clockSlot() > head.slot ? this.clockSlot() : head.slot + 1n, true);
      this.building = run.then(() => undefined).finally(() => {
        this.building = undefined;
      });
      const produced = await run;
      if (this.again && this.opts.produceOnTx) this.trigger();
      if (produced) return produced;
      if (this.chain.head === head) throw new LuxError("INVALID_BLOCK", "this node holds no key of the slot's proposer: cannot mine");
    }
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
    if (this.stopped || this.opts.slotTimer === false) return;
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
      const baseFee = this.chain.nextBaseFee();
      const waiting = this.opts.produceOnTx && this.pool.hasExecutable(baseFee);
      // On the clock: one block per slot. Ahead of it only when transactions wait. Mining on demand (dev): only then.
      if ((clock <= head.slot || this.opts.slotTimer === false) && !waiting) return;
      const wait = this.lastBusyEnd + this.opts.batchMs - Date.now();
      if (waiting && clock <= head.slot && wait > 0) await new Promise((r) => setTimeout(r, wait));
      const slot = clock > head.slot ? clock : head.slot + 1n;
      const produced = await this.produceAt(slot);
      if (!produced) return;
      if (this.opts.produceOnTx && this.pool.hasExecutable(this.chain.nextBaseFee())) this.again = true;
    } while (this.again && !this.stopped);
  }

  /** The local key for a duty: the scheduled proposer's, else (dev mode) the fallback proposer's. */
  private sealer(scheduled: Duty): { duty: Duty; key: Uint8Array | undefined } {
    const key = this.opts.signerKeys.get(scheduled.proposer.signer.toLowerCase());
    const fallback = this.opts.fallbackProposer;
    if (key || !fallback) return { duty: scheduled, key };
    return { duty: { ...scheduled, proposer: fallback }, key: this.opts.signerKeys.get(fallback.signer.toLowerCase()) };
  }

  /** Dev mode (hardhat_mine): `count` empty blocks at once, each at `timestamp(parent)`, after any build in progress. */
  async mineEmpty(count: number, timestamp: (parent: BlockRecord) => bigint): Promise<NewHead | undefined> {
    await this.idle();
    const run = this.chain.produceEmpty({
      count,
      timestamp,
      slot: (parent) => (this.clockSlot() > parent.slot ? this.clockSlot() : parent.slot + 1n),
      proposer: (d) => {
        const { duty, key } = this.sealer(d);
        if (!key) throw new LuxError("INVALID_BLOCK", `slot ${d.slot}: proposer ${d.proposer.address} is not a local key; cannot mine`);
        return { duty, key };
      },
    });
    this.building = run.then(() => undefined, () => undefined).finally(() => {
      this.building = undefined;
      if (this.again && this.opts.produceOnTx) this.trigger();
    });
    return run;
  }

  private async produceAt(slot: bigint, rethrow = false): Promise<NewHead | undefined> {
    if (this.opts.ready && !this.opts.ready()) return undefined;
    try {
      const { duty, key } = this.sealer(await this.chain.engine.duty(this.chain.parentInfo(), slot));
      if (!key) {
        if (slot !== this.lastMissedSlot) this.opts.log.warn(`slot ${slot}: proposer ${duty.proposer.address} (signer ${duty.proposer.signer}) is not a local key; waiting`);
        this.lastMissedSlot = slot;
        return undefined;
      }
      const baseFee = this.chain.nextBaseFee();
      const head = await this.chain.produce(duty, key, this.pool.source(baseFee));
      if (head.record.block.transactions.length > 0) this.lastBusyEnd = Date.now();
      return head;
    } catch (err) {
      this.opts.log.error(`block production at slot ${slot} failed: ${errorMessage(err)}`);
      if (rethrow) throw err;
      return undefined;
    }
  }
}
