import { randomBytes } from "node:crypto";
import { createTxFromRLP } from "@ethereumjs/tx";
import { hexToBytes, privateToAddress, bytesToHex, type Address } from "@ethereumjs/util";
import type { Chain } from "../chain/chain";
import type { NewHead } from "../chain/types";
import { LuxError, errorMessage } from "../errors";
import type { Logger } from "../chain/types";
import type { TxPool } from "../txpool/pool";
import type { PoolTx } from "../txpool/types";
import { DevClock } from "./clock";
import { consoleLogger } from "./console";
import { devTransaction, sendTransaction, type SendDeps, type SendRequest } from "./send";
import type { DevOptions, DevProducer, Snapshot } from "./types";

/** One transaction of anvil_reorg's new blocks: raw bytes, or a request to fill and sign; `block` is its new block's index. */
export interface ReorgTx {
  raw?: Uint8Array;
  request?: SendRequest;
  block: number;
}

/** Largest hardhat_mine count accepted in one call (each block is real: sealed, stored, indexed). */
export const MAX_MINE_COUNT = 1_000_000n;
/** Smallest interval of evm_setIntervalMining, so a typo cannot spin the producer. */
const MIN_INTERVAL_MS = 10;
/** Bounds of evm_setBlockGasLimit: a block must hold a plain transfer; geth's largest gas limit. */
const MIN_BLOCK_GAS_LIMIT = 21_000n;
const MAX_BLOCK_GAS_LIMIT = 2n ** 63n - 1n;

const INSTANCE_ID_BYTES = 32;
const randomInstanceId = (): string => `0x${randomBytes(INSTANCE_ID_BYTES).toString("hex")}`;

/**
 * Development mode of a node (`--dev`, the devnet): the Hardhat/anvil methods' state — automine and
 * interval mining, the dev clock, snapshots, impersonation, unlocked dev accounts — built on the chain's
 * own machinery: blocks are mined by the producer, a revert is a rewind of the head, state edits change
 * the head's state root. A validator of a real network has none of this (its RPC has no such methods).
 */
export class DevMode {
  readonly clock = new DevClock();
  private readonly keys = new Map<string, Uint8Array>();
  private readonly impersonated = new Set<string>();
  /** anvil_autoImpersonateAccount: every account may send without its key. */
  private autoImpersonate = false;
  private readonly snapshots = new Map<number, Snapshot>();
  private nextSnapshot = 1;
  /** hardhat_setLoggingEnabled / anvil_setLoggingEnabled: the node's block lines and contracts' console.log. */
  loggingEnabled = true;
  /** hardhat_metadata's instanceId: new for every run of the node and every reset (tools cache by it). */
  instanceId = randomInstanceId();
  /** Where hardhat_reset goes back to: the chain as this run started (the devnet: once deployed). */
  private resetPoint: Snapshot;
  private interval?: NodeJS.Timeout;
  private intervalMs = 0;
  /** Whether blocks come every slot (the devnet's default) — off with interval mining. */
  private slotTimer: boolean;
  /** Automine on (evm_setAutomine). */
  automine: boolean;

  constructor(
    private readonly chain: Chain,
    private readonly pool: TxPool,
    private readonly producer: DevProducer,
    private readonly opts: DevOptions,
    private readonly log: Logger,
  ) {
    this.automine = opts.automine;
    for (const k of opts.accounts) {
      const bytes = hexToBytes(k as `0x${string}`);
      this.keys.set(bytesToHex(privateToAddress(bytes)).toLowerCase(), bytes);
    }
    chain.devHooks = this.clock;
    chain.observeMessages(consoleLogger(log, () => this.loggingEnabled));
    producer.setProduceOnTx(opts.automine);
    this.slotTimer = opts.slotBlocks;
    producer.setSlotTimer(opts.slotBlocks);
    this.resetPoint = { ...this.capture(), pool: [] };
  }

  /** Makes the current chain what hardhat_reset returns to (the devnet calls it once it has deployed). */
  markResetPoint(): void {
    this.resetPoint = { ...this.capture(), pool: [] };
  }

  /** Stops interval mining. */
  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
  }

  /** Addresses of the unlocked dev accounts (eth_accounts). */
  accounts(): string[] {
    return [...this.keys.keys()];
  }

  /** evm_setAutomine. */
  setAutomine(on: boolean): void {
    this.automine = on;
    this.producer.setProduceOnTx(on);
  }

  /** evm_setIntervalMining: a block every `ms` (0 = off; then only automine and evm_mine produce). */
  setIntervalMining(ms: number): void {
    if (ms !== 0 && ms < MIN_INTERVAL_MS) throw new LuxError("INVALID_PARAMS", `invalid argument interval: ${ms} ms is below the minimum of ${MIN_INTERVAL_MS} ms (0 turns interval mining off)`);
    this.stop();
    this.slotTimer = false;
    this.producer.setSlotTimer(false);
    this.intervalMs = ms;
    if (ms === 0) return;
    this.interval = setInterval(() => {
      this.producer.mine().catch((err: unknown) => this.log.error(`interval mining failed: ${errorMessage(err)}`));
    }, ms);
  }

  /** Interval of interval mining in ms (0 = off). */
  get miningInterval(): number {
    return this.intervalMs;
  }

  /** evm_mine / hardhat_mine: `count` blocks, the first with the pending transactions, the later ones `interval` seconds apart. */
  async mine(count: bigint, interval: bigint, timestamp?: bigint): Promise<NewHead | undefined> {
    if (count < 0n || count > MAX_MINE_COUNT) throw new LuxError("INVALID_PARAMS", `invalid argument blocks: ${count} is outside 0..${MAX_MINE_COUNT}`);
    if (interval < 0n) throw new LuxError("INVALID_PARAMS", "invalid argument interval: must not be negative");
    if (timestamp !== undefined) this.clock.setNext(timestamp, this.chain.head);
    if (count === 0n) return undefined;
    const first = await this.producer.mine();
    if (count === 1n) return first;
    // The pending transactions went into the first block; the rest are empty, `interval` seconds apart
    // (Hardhat allows 0; timestamps still strictly increase).
    const step = interval > 0n ? interval : 1n;
    const last = await this.producer.mineEmpty(Number(count - 1n), (parent) => parent.block.header.timestamp + step);
    if (last) this.clock.produced(last.record);
    return last;
  }

  /** evm_snapshot: an id (0x-quantity) evm_revert can go back to. */
  snapshot(): string {
    const id = this.nextSnapshot++;
    this.snapshots.set(id, this.capture());
    return `0x${id.toString(16)}`;
  }

  private capture(): Snapshot {
    return {
      head: this.chain.head.hash,
      stateRoot: this.chain.headStateRoot(),
      pool: this.pool.all().sort((a, b) => a.seq - b.seq).map((t) => ({ raw: t.raw ?? t.tx.serialize(), sender: t.sender })),
      time: this.clock.get(),
      nextBaseFee: this.clock.nextBaseFee,
      blockGasLimit: this.clock.blockGasLimit,
    };
  }

  /**
   * evm_revert: rewinds the head to the snapshot's block and state, restores the pool and the clock,
   * and forgets this snapshot and every later one (Hardhat's semantics). False for an unknown id.
   */
  async revert(id: bigint): Promise<boolean> {
    const snap = id <= BigInt(Number.MAX_SAFE_INTEGER) ? this.snapshots.get(Number(id)) : undefined;
    if (!snap) return false;
    for (const k of [...this.snapshots.keys()]) if (k >= Number(id)) this.snapshots.delete(k);
    await this.restore(snap, "evm_revert");
    return true;
  }

  /**
   * hardhat_reset / anvil_reset: back to the chain as this run of the node started (a fresh --dev node:
   * genesis; the devnet: right after its deployment, so its deployments file stays true), with an empty
   * pool, the wall clock, the chain's gas limit, no snapshots or impersonations, and automine and
   * interval mining as the node was started.
   */
  async reset(): Promise<void> {
    this.instanceId = randomInstanceId();
    this.snapshots.clear();
    this.impersonated.clear();
    this.autoImpersonate = false;
    this.stop();
    this.intervalMs = 0;
    this.automine = this.opts.automine;
    this.slotTimer = this.opts.slotBlocks;
    this.producer.setSlotTimer(this.opts.slotBlocks);
    await this.restore(this.resetPoint, "hardhat_reset");
  }

  /**
   * anvil_rollback: the head goes back `depth` blocks, to that block's state; the pool and the dev clock
   * stay (a pooled transaction the rewound state makes unexecutable waits, as in the pool). Snapshots
   * taken above the new head are forgotten: their blocks are gone. It stops at the block hardhat_reset
   * returns to (genesis on a fresh --dev node; the devnet's deployment), which must stay on the chain.
   */
  async rollback(depth: bigint): Promise<void> {
    const target = await this.ancestor(depth, "Rollback");
    await this.forgetSnapshotsAbove(target.number);
    await this.restore({ ...this.capture(), head: target.hash, stateRoot: target.stateRoot }, "anvil_rollback");
  }

  /** Rewinds the head to `snap`'s block and state and puts back its pool and dev clock. */
  private async restore(snap: Snapshot, by: string): Promise<void> {
    // Stop the producer from building on the head being dropped: wait for its build, keep it from starting one.
    this.producer.setProduceOnTx(false);
    try {
      await this.rewind(snap);
      await this.readd(snap.pool, by);
    } finally {
      this.producer.setProduceOnTx(this.automine);
    }
  }

  /** The head, state and clock of `snap`, with an empty pool; the producer must be held. */
  private async rewind(snap: Snapshot): Promise<void> {
    await this.producer.idle();
    this.pool.clear();
    await this.chain.rewindTo(snap.head, snap.stateRoot);
    this.clock.set(snap.time);
    this.clock.nextBaseFee = snap.nextBaseFee;
    this.clock.blockGasLimit = snap.blockGasLimit;
  }

  /** Puts pooled transactions back; one that no longer fits is logged and left out. */
  private async readd(pool: Snapshot["pool"], by: string): Promise<void> {
    for (const t of pool) {
      try {
        await this.pool.add(t.raw, t.sender);
      } catch (err) {
        this.log.warn(`${by}: pooled transaction not restored: ${errorMessage(err)}`);
      }
    }
  }

  /**
   * anvil_reorg: the last `depth` blocks are replaced by `depth` new ones holding the given
   * transactions (each in the new block its index names, a raw transaction or one to sign as
   * eth_sendTransaction does); the old blocks' transactions are gone, as in anvil. Through the chain's
   * reorg machinery: receipts and indexes follow, and filters and `logs` subscribers get the old
   * blocks' logs as removed. The pool waits aside and comes back afterwards. A transaction that is not
   * mined in its block (a nonce gap, too little balance) fails the request there, with the blocks
   * before it in place.
   */
  async reorg(depth: bigint, txs: ReorgTx[], estimate: SendDeps["estimate"]): Promise<void> {
    const target = await this.ancestor(depth, "Reorg");
    const blocks: ReorgTx[][] = Array.from({ length: Number(depth) }, () => []);
    for (const t of txs) {
      if (t.block >= blocks.length) throw new LuxError("INVALID_PARAMS", `Block number for reorg tx will exceed the reorged chain height. Block number ${t.block} must not exceed (depth-1) ${depth - 1n}`);
      blocks[t.block].push(t);
    }
    // What can be checked before the chain changes is: signed bytes that decode with a sender, and requests this node may sign.
    blocks.forEach((inBlock, i) => inBlock.forEach((t) => {
      if (t.raw) {
        try {
          createTxFromRLP(t.raw, { common: this.chain.common }).getSenderAddress();
        } catch (err) {
          throw new LuxError("INVALID_PARAMS", `invalid argument options: a transaction of new block ${i} is not a signed transaction: ${errorMessage(err)}`);
        }
      } else if (t.request) {
        const from = t.request.from.toString().toLowerCase();
        if (!this.keys.has(from) && !this.isImpersonated(from)) {
          throw new LuxError("INVALID_PARAMS", `unknown account ${t.request.from.toString()} in new block ${i}: not an unlocked dev account and not impersonated`);
        }
      }
    }));
    const snap = this.capture();
    await this.forgetSnapshotsAbove(target.number);
    // Only this request builds blocks meanwhile: each new block holds exactly what it was given.
    const interval = this.intervalMs;
    this.stop();
    this.producer.setSlotTimer(false);
    this.producer.setProduceOnTx(false);
    try {
      await this.rewind({ ...snap, head: target.hash, stateRoot: target.stateRoot, pool: [] });
      for (let i = 0; i < blocks.length; i++) {
        const sent: PoolTx[] = [];
        for (const t of blocks[i]) {
          if (t.raw) sent.push(await this.pool.add(t.raw));
          else if (t.request) sent.push(await sendTransaction({ chain: this.chain, pool: this.pool, estimate }, t.request, this.keys.get(t.request.from.toString().toLowerCase())));
        }
        const mined = await this.producer.mine();
        const included = new Set<string>(mined.receipts.map((r) => bytesToHex(r.txHash)));
        const missing = sent.find((t) => !included.has(t.hash));
        if (missing) throw new LuxError("INVALID_PARAMS", `reorg transaction ${missing.hash} could not be mined in new block ${i} (#${mined.record.block.header.number}): nonce gap or too little balance; the blocks before it stay`);
      }
    } finally {
      await this.readd(snap.pool, "anvil_reorg");
      this.producer.setProduceOnTx(this.automine);
      if (interval > 0) this.setIntervalMining(interval);
      else this.producer.setSlotTimer(this.slotTimer);
    }
  }

  /** Snapshots of blocks above `number` name blocks that are gone: evm_revert answers false for them. */
  private async forgetSnapshotsAbove(number: bigint): Promise<void> {
    for (const [id, snap] of [...this.snapshots]) {
      const at = await this.chain.blockMeta(snap.head);
      if (!at || at.number > number) this.snapshots.delete(id);
    }
  }

  /** The canonical block `depth` below the head, never below where this run started (`hardhat_reset`'s block). */
  private async ancestor(depth: bigint, what: string): Promise<{ hash: Uint8Array; number: bigint; stateRoot: Uint8Array }> {
    const height = this.chain.head.block.header.number;
    if (depth > height) {
      throw new LuxError("INVALID_PARAMS", `${what} depth must not exceed current chain height: current height ${height}, depth ${depth}`);
    }
    const number = height - depth;
    const floor = (await this.chain.blockMeta(this.resetPoint.head))?.number ?? 0n;
    if (number < floor) {
      throw new LuxError("INVALID_PARAMS", `invalid argument depth: ${depth} goes below block ${floor}, where this run of the node started (hardhat_reset returns there); at most ${height - floor}`);
    }
    const hash = await this.chain.store.getCanonicalHash(number);
    const rec = hash && (await this.chain.loadBlock(hash));
    if (!hash || !rec) throw new LuxError("RESOURCE_NOT_FOUND", `block ${number} is not stored`);
    return { hash, number, stateRoot: rec.block.header.stateRoot };
  }

  /** evm_setBlockGasLimit: the gas limit of every next block (and of what the pool admits). */
  setBlockGasLimit(limit: bigint): void {
    if (limit < MIN_BLOCK_GAS_LIMIT || limit > MAX_BLOCK_GAS_LIMIT) {
      throw new LuxError("INVALID_PARAMS", `invalid argument gasLimit: ${limit} is outside ${MIN_BLOCK_GAS_LIMIT}..${MAX_BLOCK_GAS_LIMIT}`);
    }
    this.clock.blockGasLimit = limit;
  }

  /** Edits the head state (hardhat_setBalance and friends); pending nonces are recomputed. */
  async edit(fn: Parameters<Chain["editHeadState"]>[0]): Promise<void> {
    await this.producer.idle();
    await this.chain.editHeadState(fn);
  }

  /** hardhat_impersonateAccount. */
  impersonate(addr: Address): void {
    this.impersonated.add(addr.toString().toLowerCase());
  }

  /** anvil_autoImpersonateAccount: with it on, eth_sendTransaction takes any sender, as if impersonated. */
  setAutoImpersonate(on: boolean): void {
    this.autoImpersonate = on;
  }

  private isImpersonated(from: string): boolean {
    return this.autoImpersonate || this.impersonated.has(from);
  }

  /** hardhat_stopImpersonatingAccount: true when the account was impersonated. */
  stopImpersonating(addr: Address): boolean {
    return this.impersonated.delete(addr.toString().toLowerCase());
  }

  /**
   * The unlocked dev key of `addr`, for the signing methods (eth_sign, personal_sign,
   * eth_signTypedData_v4, eth_signTransaction); an impersonated account has none.
   */
  signingKey(addr: Address): Uint8Array {
    const key = this.keys.get(addr.toString().toLowerCase());
    if (key) return key;
    const why = this.isImpersonated(addr.toString().toLowerCase()) ? "impersonated accounts can send (eth_sendTransaction) but not sign" : "not an unlocked dev account";
    throw new LuxError("INVALID_PARAMS", `unknown account ${addr.toString()}: ${why}`);
  }

  /** eth_signTransaction: the transaction eth_sendTransaction would send, signed, not sent (raw bytes). */
  async signTransaction(req: SendRequest, estimate: SendDeps["estimate"]): Promise<Uint8Array> {
    const key = this.signingKey(req.from);
    return (await devTransaction({ chain: this.chain, pool: this.pool, estimate }, req, key)).serialize();
  }

  /** eth_sendTransaction from an unlocked dev account or an impersonated one; `estimate` fills a missing gas limit. */
  async send(req: SendRequest, estimate: SendDeps["estimate"]): Promise<PoolTx> {
    const from = req.from.toString().toLowerCase();
    const key = this.keys.get(from);
    if (!key && !this.isImpersonated(from)) {
      throw new LuxError("INVALID_PARAMS", `unknown account ${req.from.toString()}: not an unlocked dev account and not impersonated (hardhat_impersonateAccount, or anvil_autoImpersonateAccount for every account)`);
    }
    return sendTransaction({ chain: this.chain, pool: this.pool, estimate }, req, key);
  }

  /** anvil's eth_sendUnsignedTransaction: from any address, unsigned, as if impersonated for this one transaction. */
  async sendUnsigned(req: SendRequest, estimate: SendDeps["estimate"]): Promise<PoolTx> {
    return sendTransaction({ chain: this.chain, pool: this.pool, estimate }, req, undefined);
  }
}
