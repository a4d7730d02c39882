import type { Chain } from "./chain";
import type { BlockRecord, Logger, NewHead } from "./types";
import type { TxPool } from "../txpool/pool";
import { LuxError, errorMessage } from "../errors";
import { clockSlot, slotStartMs } from "../consensus/time";
import { DevTime } from "./devTime";
import type { Duty, Evidence, ProposalRun, Validator, Vote } from "../consensus/types";

/**
 * Dev mode: slots whose RANDAO proofs one worker run makes ahead (consensus/vrfPrecompute.ts). A dev
 * chain under load takes slot after slot, so the block's thread only proves the first slot of each run;
 * one message to the worker per run instead of one per block.
 */
const DEV_PROOF_RUN = 64;

/** Options of the block producer. */
export interface ProducerOptions {
  /** Slot duration in ms. */
  slotTimeMs: number;
  /** Dev mode only: build as soon as transactions wait, taking the next slot (ignored on a network). */
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
  /** Extra consensus fields for a proposal (votes, evidence), asked right before each build. */
  extras?: (duty: Duty) => Promise<{ votes: Vote[]; evidence: Evidence[] }>;
  /** False while the node knows it is behind its peers (syncing): building then would fork the chain. */
  ready?: () => boolean;
  /** Produce a block every slot (default true); dev mode's on-demand mining (`node --dev`, evm_setIntervalMining) turns it off. */
  slotTimer?: boolean;
  /**
   * Dev mode only: who seals a slot whose scheduled proposer's key this node lacks (a test registered
   * validators with random keys). A validator of a real network waits instead.
   */
  fallbackProposer?: Validator;
}

/**
 * Produces blocks for the slots whose proposer key this node holds.
 * - Network mode: at the start of each slot, if the schedule names a local key, one block for that slot
 *   (timestamp = slot start). Nothing is ever built ahead of the clock.
 * - Dev mode (single trusted validator): additionally builds at once when transactions wait, taking the
 *   next slot (the slot counter may then run ahead of the clock by one per block); and on every slot
 *   tick, if no block came during the last slot, an empty one — so the chain advances every slot
 *   forever, including right after a burst. Timestamps strictly increase (`DevTime`).
 */
export class Producer {
  /** Dev-mode clock control (evm_increaseTime / evm_setNextBlockTimestamp). */
  readonly devTime = new DevTime();
  private timer?: NodeJS.Timeout;
  private building?: Promise<void>;
  private again = false;
  private stopped = true;
  private lastMissedSlot = -1n;
  /** Dev mode: the proof run serving the next slots. */
  private proofs?: ProposalRun;
  /** When the last block holding transactions was committed. */
  private lastBusyEnd = 0;
  /** When the last block was committed (any origin). */
  private lastBlockAt = Date.now();
  /** Dev mode (hardhat_mine intervals): the next block's exact timestamp. */
  private nextTimestamp?: bigint;

  constructor(
    private readonly chain: Chain,
    private readonly pool: TxPool,
    private readonly opts: ProducerOptions,
  ) {
    chain.on("head", () => {
      this.lastBlockAt = Date.now();
    });
  }

  private get devMode(): boolean {
    return this.chain.config.devMode;
  }

  /** The slot the wall clock is in. */
  clockSlot(nowMs = Date.now()): bigint {
    return clockSlot(this.chain.config, nowMs);
  }

  start(): void {
    this.stopped = false;
    if (this.opts.produceOnTx && this.devMode) this.pool.on("tx", this.onTx);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.pool.off("tx", this.onTx);
    await this.building;
    this.proofs?.close();
    this.proofs = undefined;
  }

  private readonly onTx = (): void => {
    this.trigger();
  };

  private schedule(): void {
    if (this.stopped || this.opts.slotTimer === false) return;
    const next = Number(slotStartMs(this.chain.config, this.clockSlot() + 1n));
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

  /** Dev mode (evm_mine): one block now, serialized with automine builds. */
  async mine(): Promise<NewHead> {
    await this.idle();
    const run = this.mineNow();
    this.building = run.then(() => undefined, () => undefined).finally(() => {
      this.building = undefined;
      if (this.again && this.opts.produceOnTx) this.trigger();
    });
    return run;
  }

  /**
   * Dev mode (hardhat_mine): `count` more empty blocks, each at `timestamp(parent)`, in consecutive
   * slots from the next free one; committed in batches by the chain, serialized with automine builds.
   */
  async mineEmpty(count: number, timestamp: (parent: BlockRecord) => bigint): Promise<NewHead | undefined> {
    if (!this.devMode) throw new LuxError("INVALID_PARAMS", "mining on demand needs dev mode: a network follows the clock");
    await this.idle();
    const run = this.chain.produceEmpty(count, async (parent) => {
      const clock = this.clockSlot();
      const slot = clock > parent.slot ? clock : parent.slot + 1n;
      const planned = await this.proposerFor(parent, slot);
      if (!planned) throw new LuxError("WRONG_PROPOSER", `no local key may propose slot ${slot}`);
      return { ...planned, timestamp: timestamp(parent) };
    });
    this.building = run.then(() => undefined, () => undefined).finally(() => {
      this.building = undefined;
      if (this.again && this.opts.produceOnTx) this.trigger();
    });
    return run;
  }

  /** The duty of `slot` on `parent` and the local key that seals it (dev mode: the fallback proposer's when the scheduled one is not local). */
  private async proposerFor(parent: BlockRecord, slot: bigint): Promise<{ duty: Duty; key: Uint8Array } | undefined> {
    const scheduled = await this.chain.engine.duty(this.chain.parentInfo(parent), slot);
    const key = this.opts.signerKeys.get(scheduled.proposer.signer.toLowerCase());
    if (key) return { duty: scheduled, key };
    const fallback = this.opts.fallbackProposer;
    const fallbackKey = fallback && this.opts.signerKeys.get(fallback.signer.toLowerCase());
    return fallback && fallbackKey ? { duty: { ...scheduled, proposer: fallback }, key: fallbackKey } : undefined;
  }

  /** Dev mode (evm_mine): builds one block now with whatever is executable; resolves with it. */
  async mineNow(): Promise<NewHead> {
    if (!this.devMode) throw new LuxError("INVALID_PARAMS", "mining on demand needs dev mode: a network follows the clock");
    await this.building;
    const head = this.chain.head;
    const clock = this.clockSlot();
    const made = await this.produceAt(clock > head.slot ? clock : head.slot + 1n, true);
    if (!made) throw new LuxError("WRONG_PROPOSER", "no local key may propose the next slot");
    return made;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      const head = this.chain.head;
      const clock = this.clockSlot();
      if (!this.devMode) {
        if (clock > head.slot) await this.produceAt(clock, false);
        return;
      }
      const waiting = this.opts.produceOnTx && this.pool.hasExecutable(this.chain.nextBaseFee());
      const idleDue = this.opts.slotTimer !== false && (this.slotWithoutBlock(clock, head.slot) || this.slotTimePassed());
      if (!waiting && !idleDue) return;
      const wait = this.lastBusyEnd + this.opts.batchMs - Date.now();
      if (waiting && wait > 0) await new Promise((r) => setTimeout(r, wait));
      const produced = await this.produceAt(clock > head.slot ? clock : head.slot + 1n, true);
      if (!produced) return;
      if (this.opts.produceOnTx && this.pool.hasExecutable(this.chain.nextBaseFee())) this.again = true;
    } while (this.again && !this.stopped);
  }

  /**
   * Interval mining (no automine): the clock entered a slot that has no block yet. Measured by slot, not
   * by the time since the last commit: a block that took most of its slot to build would otherwise make
   * the next tick look early and skip it, halving the block rate under load.
   */
  private slotWithoutBlock(clock: bigint, headSlot: bigint): boolean {
    return !this.opts.produceOnTx && clock > headSlot;
  }

  /**
   * A slot's time passed since the last block. Automine takes slots ahead of the clock, so time, not the
   * slot number, says when the chain has been idle for a slot; 10 ms of slack so a block made right at
   * the previous tick still counts.
   */
  private slotTimePassed(): boolean {
    return Date.now() - this.lastBlockAt >= this.opts.slotTimeMs - 10;
  }

  /** The dev proof run covering `slot` with `key`: the current one, or a new one starting at `slot`. */
  private devProofs(key: Uint8Array, slot: bigint): ProposalRun {
    if (this.proofs?.covers(key, slot)) return this.proofs;
    this.proofs?.close();
    this.proofs = this.chain.engine.proposeRun(key, slot, DEV_PROOF_RUN);
    return this.proofs;
  }

  private async produceAt(slot: bigint, dev: boolean): Promise<NewHead | undefined> {
    if (this.opts.ready && !this.opts.ready()) return undefined;
    try {
      const parent = this.chain.head;
      const scheduled = await this.chain.engine.duty(this.chain.parentInfo(parent), slot);
      let duty = scheduled;
      let key = this.opts.signerKeys.get(scheduled.proposer.signer.toLowerCase());
      const fallback = this.opts.fallbackProposer;
      if (!key && fallback) {
        duty = { ...scheduled, proposer: fallback };
        key = this.opts.signerKeys.get(fallback.signer.toLowerCase());
      }
      if (!key) {
        // In a network other validators own most slots: only a node that owns none of them says so.
        const ownsSome = duty.epoch.validators.some((v) => this.opts.signerKeys.has(v.signer.toLowerCase()));
        if (slot !== this.lastMissedSlot && !ownsSome && dev) this.opts.log.warn(`slot ${slot}: proposer ${duty.proposer.address} (signer ${duty.proposer.signer}) is not a local key; waiting`);
        this.lastMissedSlot = slot;
        return undefined;
      }
      const baseFee = this.chain.nextBaseFee();
      const extras = this.opts.extras ? await this.opts.extras(duty) : { votes: [], evidence: [] };
      // The dev RPC's clock (chain.devHooks) decides when attached; a pinned hardhat_mine step first.
      const pinned = this.nextTimestamp;
      this.nextTimestamp = undefined;
      const timestamp = pinned ?? (dev && !this.chain.devHooks ? this.devTime.next(parent.block.header.timestamp, Date.now()) : undefined);
      const proposals = dev ? this.devProofs(key, slot) : undefined;
      const head = await this.chain.produce(duty, key, this.pool.source(baseFee), { ...extras, timestamp, proposals });
      if (head.record.block.transactions.length > 0) this.lastBusyEnd = Date.now();
      return head;
    } catch (err) {
      this.opts.log.error(`block production at slot ${slot} failed: ${errorMessage(err)}`);
      return undefined;
    }
  }
}
