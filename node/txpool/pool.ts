import { EventEmitter } from "node:events";
import type { Common } from "@ethereumjs/common";
import { bytesToHex, type Address } from "@ethereumjs/util";
import { LuxError, errorMessage } from "../errors";
import type { SenderTx, TxSource } from "../execution/types";
import type { Logger } from "../chain/types";
import { decodeRawTx, feesOf, pinSender } from "./validate";
import type { PoolChainView, PoolTx, TxPoolOptions } from "./types";

/** Default pool limits. */
export const DEFAULT_TXPOOL_OPTIONS: TxPoolOptions = {
  maxPerSender: 16_384,
  maxTotal: 65_536,
  maxTxBytes: 128 * 1024,
  priceBumpPercent: 10n,
};

interface SenderQueue {
  /** Next nonce the chain expects from this sender. */
  stateNonce: bigint;
  /** Held transactions by nonce (gaps allowed; only the contiguous run from stateNonce is executable). */
  txs: Map<bigint, PoolTx>;
}

const PERCENT = 100n;

/**
 * Transaction pool: validates once at entry (recovering the sender once and carrying it), keeps each
 * sender's transactions by nonce, holds back gaps, replaces on a ≥10% fee bump, and hands the builder
 * executable transactions ordered by tip across senders and by nonce within one.
 */
export class TxPool extends EventEmitter {
  private readonly senders = new Map<string, SenderQueue>();
  private readonly byHash = new Map<string, PoolTx>();
  private seq = 0;

  constructor(
    private readonly common: Common,
    private readonly chain: PoolChainView,
    private readonly opts: TxPoolOptions,
    private readonly log: Logger,
  ) {
    super();
  }

  /** Number of held transactions. */
  get size(): number {
    return this.byHash.size;
  }

  /** A held transaction by 0x-hash. */
  get(hash: string): PoolTx | undefined {
    return this.byHash.get(hash.toLowerCase());
  }

  /** All held transactions. */
  all(): PoolTx[] {
    return [...this.byHash.values()];
  }

  /** Next nonce for a sender counting its contiguous pooled transactions ("pending" nonce). */
  pendingNonce(from: string, stateNonce: bigint): bigint {
    const q = this.senders.get(from.toLowerCase());
    let n = q && q.stateNonce > stateNonce ? q.stateNonce : stateNonce;
    while (q?.txs.has(n)) n++;
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
    let sender;
    try {
      sender = pinSender(tx, impersonated);
    } catch (err) {
      throw new LuxError("INVALID_SIGNATURE", "invalid sender", { cause: err });
    }
    const hash = bytesToHex(tx.hash());
    if (this.byHash.has(hash)) throw new LuxError("ALREADY_KNOWN", "already known");
    if (tx.gasLimit > this.chain.gasLimit()) throw new LuxError("GAS_LIMIT_EXCEEDED", "exceeds block gas limit");
    const minGas = tx.getIntrinsicGas();
    if (tx.gasLimit < minGas) throw new LuxError("INTRINSIC_GAS_TOO_LOW", `intrinsic gas too low: have ${tx.gasLimit}, want ${minGas}`);
    const { maxFee, tip } = feesOf(tx);
    if (tip > maxFee) throw new LuxError("TIP_ABOVE_FEE_CAP", "max priority fee per gas higher than max fee per gas");
    const baseFee = this.chain.nextBaseFee();
    if (maxFee < baseFee) {
      throw new LuxError("FEE_CAP_BELOW_BASE_FEE", `max fee per gas less than block base fee: maxFeePerGas: ${maxFee}, baseFee: ${baseFee}`);
    }
    const from = sender.toString().toLowerCase();
    const account = await this.chain.account(sender);
    const q = this.queueOf(from, account.nonce);
    if (tx.nonce < q.stateNonce) throw new LuxError("NONCE_TOO_LOW", `nonce too low: next nonce ${q.stateNonce}, tx nonce ${tx.nonce}`);
    const cost = tx.gasLimit * maxFee + tx.value;
    if (account.balance < cost) {
      throw new LuxError("INSUFFICIENT_FUNDS", `insufficient funds for gas * price + value: balance ${account.balance}, tx cost ${cost}, overshot ${cost - account.balance}`);
    }
    const existing = q.txs.get(tx.nonce);
    if (existing) {
      const bump = PERCENT + this.opts.priceBumpPercent;
      if (maxFee * PERCENT < existing.maxFee * bump || tip * PERCENT < existing.tip * bump) {
        throw new LuxError("REPLACEMENT_UNDERPRICED", "replacement transaction underpriced");
      }
    } else {
      if (q.txs.size >= this.opts.maxPerSender) {
        throw new LuxError("SENDER_LIMIT", `account limit exceeded: ${q.txs.size} transactions held for ${from}`);
      }
      if (this.byHash.size >= this.opts.maxTotal) throw new LuxError("TXPOOL_FULL", "txpool is full");
    }
    const entry: PoolTx = { tx, sender, raw, hash, from, nonce: tx.nonce, maxFee, tip, size: raw.length, seq: this.seq++ };
    if (existing) this.byHash.delete(existing.hash);
    q.txs.set(tx.nonce, entry);
    this.byHash.set(hash, entry);
    this.emit("tx", entry);
    return entry;
  }

  private queueOf(from: string, stateNonce: bigint): SenderQueue {
    let q = this.senders.get(from);
    if (!q) {
      q = { stateNonce, txs: new Map() };
      this.senders.set(from, q);
    } else if (stateNonce > q.stateNonce) {
      this.advance(q, stateNonce);
    }
    return q;
  }

  private advance(q: SenderQueue, stateNonce: bigint): void {
    q.stateNonce = stateNonce;
    for (const [n, t] of q.txs) {
      if (n < stateNonce) {
        q.txs.delete(n);
        this.byHash.delete(t.hash);
      }
    }
  }

  /** Dev mode (evm_revert, hardhat_setNonce): forgets every transaction and cached sender nonce. */
  clear(): void {
    this.senders.clear();
    this.byHash.clear();
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
  }

  /** Removes one transaction (it failed in a block) and, since it leaves a gap, nothing else. */
  drop(hash: string, reason: string): void {
    const t = this.byHash.get(hash);
    if (!t) return;
    this.byHash.delete(hash);
    this.senders.get(t.from)?.txs.delete(t.nonce);
    this.log.warn(`txpool: dropped ${hash}: ${reason}`);
  }

  /**
   * Executable transactions for a block with `baseFee`: repeatedly the highest-tip head among senders
   * (ties to the earliest arrival), walking each sender's nonces in order.
   */
  source(baseFee: bigint): TxSource {
    const heads: PoolTx[] = [];
    const cursor = new Map<string, bigint>();
    for (const [from, q] of this.senders) {
      const t = q.txs.get(q.stateNonce);
      if (t && t.maxFee >= baseFee) {
        heads.push(t);
        cursor.set(from, q.stateNonce);
      }
    }
    const tipOf = (t: PoolTx): bigint => (t.tip < t.maxFee - baseFee ? t.tip : t.maxFee - baseFee);
    const better = (a: PoolTx, b: PoolTx): boolean => {
      const ta = tipOf(a);
      const tb = tipOf(b);
      return ta === tb ? a.seq < b.seq : ta > tb;
    };
    const heap = new BinaryHeap<PoolTx>(better, heads);
    return {
      next: () => {
        const top = heap.pop();
        if (!top) return undefined;
        const q = this.senders.get(top.from);
        const nextNonce = top.nonce + 1n;
        const following = q?.txs.get(nextNonce);
        if (following && following.maxFee >= baseFee) heap.push(following);
        cursor.set(top.from, nextNonce);
        return top;
      },
      reject: (item, reason) => {
        // The sender's later nonces cannot run in this block: they are simply not pushed again.
        const t = item as PoolTx;
        if (reason instanceof LuxError && reason.code === "GAS_LIMIT_EXCEEDED") return;
        this.drop(t.hash, errorMessage(reason));
      },
    };
  }
}

/** Minimal binary heap; `better(a, b)` is true when a should come out first. */
class BinaryHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly better: (a: T, b: T) => boolean, initial: T[]) {
    for (const i of initial) this.push(i);
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.better(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop() as T;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.better(a[l], a[m])) m = l;
        if (r < a.length && this.better(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
