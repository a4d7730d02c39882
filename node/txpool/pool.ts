import { EventEmitter } from "node:events";
import type { Common } from "@ethereumjs/common";
import { bytesToHex, type Address } from "@ethereumjs/util";
import { LuxError, errorMessage } from "../errors";
import type { SenderTx, TxSource } from "../execution/types";
import type { Logger } from "../chain/types";
import { TxJournalFile } from "./journal";
import { classifyRejection } from "./rejection";
import { createBlockSource, effectiveTip } from "./source";
import { SenderRecovery } from "./senderRecovery";
import { decodeRawTx, feesOf, pinSender } from "./validate";
import type { PoolChainView, PoolContent, PoolDropReason, PoolRevision, PoolTx, SenderQueue, TxPoolOptions } from "./types";

/** Default pool limits. */
export const DEFAULT_TXPOOL_OPTIONS: TxPoolOptions = {
  maxPerSender: 16_384,
  maxTotal: 65_536,
  maxTxBytes: 128 * 1024,
  priceBumpPercent: 10n,
};

const PERCENT = 100n;

/**
 * Transaction pool: validates once at entry (recovering the sender once and carrying it), keeps each
 * sender's transactions by nonce, holds back gaps, replaces on a ≥10% fee bump, checks that a sender's
 * held transactions together fit its balance, evicts the cheapest when full, journals what it holds,
 * and hands the builder executable transactions ordered by tip across senders and by nonce within one.
 * Events: "tx" (PoolTx accepted), "drop" (PoolTx, PoolDropReason).
 */
export class TxPool extends EventEmitter {
  private readonly senders = new Map<string, SenderQueue>();
  private readonly byHash = new Map<string, PoolTx>();
  private readonly journal?: TxJournalFile;
  private replaying = false;
  private seq = 0;
  private removals = 0;

  constructor(
    private readonly common: Common,
    private readonly chain: PoolChainView,
    private readonly opts: TxPoolOptions,
    private readonly log: Logger,
    journalFile?: string,
    /** Sender recovery (by default in place; the node passes one with a worker thread). */
    private readonly recovery: SenderRecovery = new SenderRecovery({ useWorker: false }),
  ) {
    super();
    if (journalFile) this.journal = new TxJournalFile(journalFile, log);
  }

  /** Number of held transactions. */
  get size(): number {
    return this.byHash.size;
  }

  /**
   * Counts of transactions ever added and removed (a lowered sender nonce counts as a removal): a view
   * built on the pool (the pending block) can be extended while only `added` moved, and is stale once
   * `removed` moved.
   */
  get revision(): PoolRevision {
    return { added: this.seq, removed: this.removals };
  }

  /** A held transaction by 0x-hash. */
  get(hash: string): PoolTx | undefined {
    return this.byHash.get(hash.toLowerCase());
  }

  /** All held transactions. */
  all(): PoolTx[] {
    return [...this.byHash.values()];
  }

  /** Held transactions split into pending (no nonce gap before them) and queued (behind a gap). */
  content(): PoolContent {
    const out: PoolContent = { pending: [], queued: [] };
    for (const q of this.senders.values()) {
      const run = this.runEnd(q);
      for (const t of [...q.txs.values()].sort((a, b) => (a.nonce < b.nonce ? -1 : 1))) (t.nonce < run ? out.pending : out.queued).push(t);
    }
    return out;
  }

  /** Next nonce for a sender counting its contiguous pooled transactions ("pending" nonce). */
  pendingNonce(from: string, stateNonce: bigint): bigint {
    const q = this.senders.get(from.toLowerCase());
    if (!q) return stateNonce;
    return this.runEnd(q, stateNonce);
  }

  // First nonce after the contiguous run starting at the state nonce.
  private runEnd(q: SenderQueue, stateNonce = 0n): bigint {
    let n = q.stateNonce > stateNonce ? q.stateNonce : stateNonce;
    while (q.txs.has(n)) n++;
    return n;
  }

  /**
   * Validates and adds a raw transaction; throws a LuxError with the standard message on rejection.
   * `impersonated` (dev mode only: hardhat_impersonateAccount) is the sender of a transaction that
   * carries a placeholder signature instead of recovering one.
   */
  async add(raw: Uint8Array, impersonated?: Address): Promise<PoolTx> {
    if (raw.length > this.opts.maxTxBytes) {
      throw new LuxError("OVERSIZED", `oversized data: transaction size ${raw.length}, limit ${this.opts.maxTxBytes}`);
    }
    const tx = decodeRawTx(raw, this.common, this.chain.chainId);
    const sender = pinSender(tx, impersonated ?? (await this.recovery.recover(tx)));
    const hash = bytesToHex(tx.hash());
    if (this.byHash.has(hash)) throw new LuxError("ALREADY_KNOWN", "already known");
    if (tx.gasLimit > this.chain.gasLimit()) throw new LuxError("GAS_LIMIT_EXCEEDED", "exceeds block gas limit");
    const minGas = tx.getIntrinsicGas();
    if (tx.gasLimit < minGas) throw new LuxError("INTRINSIC_GAS_TOO_LOW", `intrinsic gas too low: have ${tx.gasLimit}, want ${minGas}`);
    const { maxFee, tip } = feesOf(tx);
    if (tip > maxFee) throw new LuxError("TIP_ABOVE_FEE_CAP", "max priority fee per gas higher than max fee per gas");
    // A fee cap below the next base fee is held (queued), not refused: the base fee falls on quiet blocks.
    const from = sender.toString().toLowerCase();
    const account = await this.chain.account(sender);
    const q = this.queueOf(from, account.nonce);
    if (tx.nonce < q.stateNonce) throw new LuxError("NONCE_TOO_LOW", `nonce too low: next nonce ${q.stateNonce}, tx nonce ${tx.nonce}`);
    const cost = tx.gasLimit * maxFee + tx.value;
    const balance = account.balance;
    if (balance < cost) {
      throw new LuxError("INSUFFICIENT_FUNDS", `insufficient funds for gas * price + value: balance ${balance}, tx cost ${cost}, overshot ${cost - balance}`);
    }
    const existing = q.txs.get(tx.nonce);
    const entry: PoolTx = { tx, sender, raw, hash, from, nonce: tx.nonce, maxFee, tip, cost, size: raw.length, seq: this.seq };
    if (existing) {
      const bump = PERCENT + this.opts.priceBumpPercent;
      if (maxFee * PERCENT < existing.maxFee * bump || tip * PERCENT < existing.tip * bump) {
        throw new LuxError("REPLACEMENT_UNDERPRICED", "replacement transaction underpriced");
      }
      // Same wording as geth: the sender's held transactions together must fit its balance.
      const bumped = cost - existing.cost;
      if (balance < q.cost + bumped) {
        throw new LuxError("INSUFFICIENT_FUNDS", `insufficient funds for gas * price + value: balance ${balance}, queued cost ${q.cost}, tx bumped ${bumped}, overshot ${q.cost + bumped - balance}`);
      }
    } else {
      if (balance < q.cost + cost) {
        throw new LuxError("INSUFFICIENT_FUNDS", `insufficient funds for gas * price + value: balance ${balance}, queued cost ${q.cost}, tx cost ${cost}, overshot ${q.cost + cost - balance}`);
      }
      if (q.txs.size >= this.opts.maxPerSender) {
        throw new LuxError("SENDER_LIMIT", `account limit exceeded: ${q.txs.size} transactions held for ${from}`);
      }
      if (this.byHash.size >= this.opts.maxTotal) this.evictFor(entry, q);
    }
    this.seq++;
    // Journaled before it counts as accepted: an acknowledged transaction survives kill -9.
    if (!this.replaying) this.journal?.add(raw);
    if (existing) this.remove(existing, "replaced");
    q.txs.set(tx.nonce, entry);
    q.cost += cost;
    this.byHash.set(hash, entry);
    this.emit("tx", entry);
    return entry;
  }

  /**
   * Makes room for `incoming` by evicting the cheapest evictable transaction, or refuses it. Only a
   * sender's highest nonce can go (never a lower nonce before its higher ones), never one of the
   * incoming sender's own, and transactions behind a nonce gap rank below executable ones, so neither a
   * flood of cheap transactions nor far-future nonces can push out better-paying executable ones.
   */
  private evictFor(incoming: PoolTx, own: SenderQueue): void {
    const baseFee = this.chain.nextBaseFee();
    const rank = (t: PoolTx, q: SenderQueue): [number, bigint] => [t.nonce < this.runEnd(q) ? 1 : 0, effectiveTip(t, baseFee)];
    const below = (a: [number, bigint], b: [number, bigint]): boolean => (a[0] === b[0] ? a[1] < b[1] : a[0] < b[0]);
    let victim: PoolTx | undefined;
    let victimRank: [number, bigint] | undefined;
    for (const q of this.senders.values()) {
      if (q === own || q.txs.size === 0) continue;
      let tail: PoolTx | undefined;
      for (const t of q.txs.values()) if (!tail || t.nonce > tail.nonce) tail = t;
      const r = rank(tail as PoolTx, q);
      if (!victimRank || below(r, victimRank)) {
        victim = tail;
        victimRank = r;
      }
    }
    const mine: [number, bigint] = [incoming.nonce <= this.runEnd(own) ? 1 : 0, effectiveTip(incoming, baseFee)];
    if (!victim || !victimRank || !below(victimRank, mine)) {
      throw new LuxError("TXPOOL_FULL", `txpool is full: transaction underpriced (it must pay more than the cheapest evictable one held, tip ${victimRank?.[1] ?? "n/a"} wei per gas)`);
    }
    this.remove(victim, "evicted");
    this.log.warn(`txpool: evicted ${victim.hash} (nonce ${victim.nonce} of ${victim.from}) for ${incoming.hash}`);
  }

  /** Replays the journal: every journaled transaction is revalidated against the current head. */
  async restore(): Promise<{ restored: number; dropped: number }> {
    if (!this.journal) return { restored: 0, dropped: 0 };
    const raws = this.journal.load();
    // Lower nonces first, so each sender's run rebuilds in order and the balance check adds up as before.
    const decoded = raws.map((raw) => {
      try {
        return { raw, nonce: decodeRawTx(raw, this.common, this.chain.chainId).nonce };
      } catch {
        return { raw, nonce: -1n };
      }
    });
    decoded.sort((a, b) => (a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : 0));
    let restored = 0;
    let dropped = 0;
    this.replaying = true;
    try {
      for (const { raw } of decoded) {
        try {
          await this.add(raw);
          restored++;
        } catch (err) {
          dropped++;
          if (!(err instanceof LuxError && err.code === "NONCE_TOO_LOW")) this.log.warn(`txpool journal: dropped a transaction on replay: ${errorMessage(err)}`);
        }
      }
    } finally {
      this.replaying = false;
    }
    // The file now says exactly what the pool holds.
    this.journal.rewrite(this.all().map((t) => t.raw as Uint8Array));
    return { restored, dropped };
  }

  /** Writes out the journal (on shutdown). */
  close(): void {
    this.journal?.close();
  }

  private queueOf(from: string, stateNonce: bigint): SenderQueue {
    let q = this.senders.get(from);
    if (!q) {
      q = { stateNonce, txs: new Map(), cost: 0n };
      this.senders.set(from, q);
    } else if (stateNonce > q.stateNonce) {
      this.advance(q, stateNonce);
    }
    return q;
  }

  // The sender's nonce moved to `stateNonce`: everything below it was included (or replaced on chain).
  private advance(q: SenderQueue, stateNonce: bigint): void {
    q.stateNonce = stateNonce;
    for (const [n, t] of q.txs) if (n < stateNonce) this.remove(t, undefined);
  }

  // Takes a transaction out of every index and the journal; emits "drop" unless it was included.
  private remove(t: PoolTx, reason: PoolDropReason | undefined): void {
    this.removals++;
    const q = this.senders.get(t.from);
    if (q?.txs.get(t.nonce) === t) {
      q.txs.delete(t.nonce);
      q.cost -= t.cost;
      if (q.txs.size === 0 && reason !== "replaced") this.senders.delete(t.from);
    }
    if (this.byHash.get(t.hash) === t) this.byHash.delete(t.hash);
    if (!this.replaying) this.journal?.remove(t.hash, t.size);
    if (reason) this.emit("drop", t, reason);
  }

  /** Dev mode (evm_revert, hardhat_setNonce): forgets every transaction and cached sender nonce. */
  clear(): void {
    for (const t of [...this.byHash.values()]) this.remove(t, undefined);
    this.senders.clear();
    this.removals++;
  }

  /** True when some sender has an executable transaction. */
  hasExecutable(baseFee: bigint): boolean {
    for (const q of this.senders.values()) {
      const t = q.txs.get(q.stateNonce);
      if (t && t.maxFee >= baseFee) return true;
    }
    return false;
  }

  /** Drops included transactions after a new head (their senders' nonces moved on). */
  onBlockIncluded(txs: SenderTx[]): void {
    const next = new Map<string, bigint>();
    for (const { tx, sender } of txs) {
      const from = sender.toString().toLowerCase();
      const n = tx.nonce + 1n;
      if ((next.get(from) ?? -1n) < n) next.set(from, n);
    }
    for (const [from, n] of next) {
      const q = this.senders.get(from);
      if (!q) continue;
      if (n > q.stateNonce) this.advance(q, n);
      if (q.txs.size === 0) this.senders.delete(from);
    }
    if (this.journal?.wantsRewrite()) this.journal.rewrite(this.all().map((t) => t.raw as Uint8Array));
  }

  /** Removes one transaction that can never run; the sender's later nonces stay (behind a gap). */
  drop(hash: string, reason: string): void {
    const t = this.byHash.get(hash);
    if (!t) return;
    this.remove(t, "invalid");
    this.log.warn(`txpool: dropped ${hash}: ${reason}`);
  }

  /**
   * Executable transactions for a block with `baseFee`. A transaction the builder rejects for a reason
   * that can pass (block gas, balance, base fee) stays and its sender sits out the rest of the block;
   * only a permanent failure drops it, and then only it.
   */
  /**
   * The executable transactions in the order `source` offers them, read-only: a rejected transaction
   * only makes its sender sit out, nothing is dropped. `firstNonce` names where a sender's run starts
   * when it is not its state nonce (a pending block extended with what arrived since).
   */
  peekSource(baseFee: bigint, firstNonce?: (from: string) => bigint | undefined): TxSource<PoolTx> {
    return createBlockSource(this.senders, baseFee, () => undefined, firstNonce);
  }

  source(baseFee: bigint): TxSource {
    return createBlockSource(this.senders, baseFee, (t, reason) => {
      const verdict = classifyRejection(reason);
      const q = this.senders.get(t.from);
      switch (verdict.kind) {
        case "skip":
          return;
        case "stale":
          if (q && verdict.accountNonce > q.stateNonce) this.advance(q, verdict.accountNonce);
          if (this.byHash.get(t.hash) === t) this.remove(t, "stale");
          return;
        case "ahead":
          // The chain expects a lower nonce than the pool thought (e.g. after a reorg): wait for it.
          if (q) q.stateNonce = verdict.accountNonce;
          this.removals++;
          return;
        case "drop":
          this.drop(t.hash, errorMessage(reason));
      }
    });
  }
}
