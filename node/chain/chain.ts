import { EventEmitter } from "node:events";
import { Block, createBlockHeaderFromRLP } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { createVM, type VM } from "@ethereumjs/vm";
import type { EVMMockBlockchainInterface } from "@ethereumjs/evm";
import {
  Address, bytesToHex, concatBytes, createAddressFromString, createZeroAddress, equalsBytes, hexToBytes,
} from "@ethereumjs/util";
import { createChainCommon } from "../config";
import type { ChainConfig } from "../config/types";
import { GET_ACTIVE_VALIDATORS_SELECTOR, decodeActiveSet } from "../consensus/activeSet";
import { decodeEnvelope, encodeEnvelope } from "../consensus/envelope";
import { PosEngine } from "../consensus/pos";
import type { ConsensusEngine, Duty, Envelope, ParentInfo, Validator } from "../consensus/types";
import { LuxError, errorMessage } from "../errors";
import { keccak } from "../execution/crypto";
import { assembleBlock, envBlock, executeBlock, strictSource } from "../execution/executor";
import { createStateManager, type LuxStateManager } from "../execution/stateManager";
import type { BlockEnv, ExecutionResult, SenderTx, TxSource } from "../execution/types";
import type { ChainStore, StoredReceipt, TxLocation } from "../storage/types";
import { EXTRA_DATA, buildGenesis } from "./genesis";
import { LruMap } from "./lru";
import type { BlockRecord, ChainOptions, Logger, NewHead } from "./types";

/** Decoded blocks kept in memory (a full block holds ~1,400 transfer objects: keep this small). */
const BLOCK_CACHE = 64;
const RECEIPT_CACHE = 128;
/** Gas given to the deterministic read of the active validator set. */
const ACTIVE_SET_CALL_GAS = 30_000_000n;

/**
 * The canonical chain: head, head state, block production and import. Every head change runs under
 * one lock, executes against the head state, and commits block + state + head pointer atomically.
 */
export class Chain extends EventEmitter {
  readonly common: Common;
  readonly engine: ConsensusEngine;
  head!: BlockRecord;
  genesisHash!: Uint8Array;
  /** Base fees burned up to the head (wei). */
  totalBurned = 0n;
  private vm!: VM;
  private sm!: LuxStateManager;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly blocks = new LruMap<string, BlockRecord>(BLOCK_CACHE);
  private readonly receipts = new LruMap<string, StoredReceipt[]>(RECEIPT_CACHE);

  private constructor(
    readonly config: ChainConfig,
    readonly store: ChainStore,
    private readonly log: Logger,
  ) {
    super();
    this.common = createChainCommon(config);
    this.engine = new PosEngine({
      config,
      genesisHash: new Uint8Array(32),
      storedBoundary: (epoch) => this.store.getEpochBoundary(epoch),
      readActiveSet: (hash) => this.readActiveSet(hash),
    });
  }

  /** Opens the chain on a store: creates genesis on an empty one, else resumes from the head pointer. */
  static async open(opts: ChainOptions): Promise<Chain> {
    const chain = new Chain(opts.config, opts.store, opts.log);
    await chain.init();
    return chain;
  }

  private async init(): Promise<void> {
    const trieDb = this.store.trieDb();
    const scratch = createStateManager(this.common, trieDb);
    const genesis = await buildGenesis(this.config, this.common, scratch);
    this.genesisHash = genesis.hash();
    (this.engine as PosEngine)["deps"].genesisHash = this.genesisHash;
    const headHash = await this.store.getHead();
    if (!headHash) {
      await this.store.commitBlock({
        hash: this.genesisHash, number: 0n, envelope: encodeEnvelope({ block: genesis, slot: 0n, signature: new Uint8Array(0) }),
        header: genesis.header.serialize(), senders: [], receipts: [], totalBurned: 0n,
      });
      this.head = { block: genesis, hash: this.genesisHash, slot: 0n, signature: new Uint8Array(0), senders: [] };
    } else {
      const stored = await this.store.getCanonicalHash(0n);
      if (!stored || !equalsBytes(stored, this.genesisHash)) {
        throw new LuxError("STORAGE_CORRUPT", `data dir holds another chain (genesis ${stored ? bytesToHex(stored) : "missing"}, expected ${bytesToHex(this.genesisHash)})`);
      }
      // The genesis writes above are content-addressed trie nodes already on disk: dropping them is safe.
      trieDb.drain().release();
      const head = await this.getBlockByHash(headHash);
      if (!head) throw new LuxError("STORAGE_CORRUPT", `head block ${bytesToHex(headHash)} missing`);
      this.head = head;
      this.totalBurned = await this.store.getTotalBurned();
    }
    this.sm = createStateManager(this.common, trieDb, this.head.block.header.stateRoot);
    this.vm = await this.createVm(this.sm);
  }

  /** A VM over a state manager, whose BLOCKHASH reads the canonical chain. */
  async createVm(sm: LuxStateManager): Promise<VM> {
    const blockchain: EVMMockBlockchainInterface = {
      getBlock: async (n: number) => {
        const hash = await this.store.getCanonicalHash(BigInt(n));
        return { hash: () => hash ?? new Uint8Array(32) };
      },
      putBlock: async () => {},
      shallowCopy: () => blockchain,
    };
    return createVM({ common: this.common, stateManager: sm, blockchain });
  }

  /** Resolves when no head change is running. */
  async importBlockIdle(): Promise<void> {
    await this.queue;
  }

  /** Runs head changes one at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Consensus view of the head. */
  parentInfo(head: BlockRecord = this.head): ParentInfo {
    return { hash: head.hash, number: head.block.header.number, slot: head.slot, timestamp: head.block.header.timestamp };
  }

  /** PREVRANDAO of a child block: derived from the parent hash and slot (deterministic, not biasable by txs). */
  private prevRandao(parent: BlockRecord, slot: bigint): Uint8Array {
    const s = new Uint8Array(8);
    new DataView(s.buffer).setBigUint64(0, slot);
    return keccak(concatBytes(parent.hash, s));
  }

  /** The block environment of a child of `parent`. */
  childEnv(parent: BlockRecord, slot: bigint, coinbase: Address, timestamp: bigint): BlockEnv {
    const ph = parent.block.header;
    return {
      parentHash: parent.hash,
      number: ph.number + 1n,
      timestamp,
      coinbase,
      baseFeePerGas: ph.calcNextBaseFee(),
      gasLimit: this.config.gasLimit,
      prevRandao: this.prevRandao(parent, slot),
      extraData: EXTRA_DATA,
    };
  }

  /** Builds, seals and commits a block for `slot` with transactions from `source`. */
  produce(duty: Duty, signerKey: Uint8Array, source: TxSource, nowMs = Date.now()): Promise<NewHead> {
    return this.exclusive(async () => {
      const started = performance.now();
      const parent = this.head;
      const nowSec = BigInt(Math.floor(nowMs / 1000));
      const ts = nowSec > parent.block.header.timestamp ? nowSec : parent.block.header.timestamp;
      const env = this.childEnv(parent, duty.slot, createAddressFromString(duty.proposer.address), ts);
      const res = await this.execute(env, source);
      const block = assembleBlock(this.common, env, res);
      const envelope = this.engine.seal(block, duty.slot, signerKey);
      return this.commit(envelope, res, duty, started, "produced");
    });
  }

  /** Verifies and imports a serialized envelope on top of the head; throws a LuxError with the reason. */
  importBlock(data: Uint8Array | Envelope): Promise<NewHead> {
    return this.exclusive(async () => {
      const started = performance.now();
      const envelope = data instanceof Uint8Array ? decodeEnvelope(data, this.common) : data;
      const parent = this.head;
      const duty = await this.engine.verify(envelope, this.parentInfo(parent), Date.now());
      const h = envelope.block.header;
      const env = this.childEnv(parent, envelope.slot, h.coinbase, h.timestamp);
      if (h.baseFeePerGas !== env.baseFeePerGas) throw new LuxError("INVALID_BLOCK", `base fee ${h.baseFeePerGas} != expected ${env.baseFeePerGas}`);
      if (h.gasLimit !== env.gasLimit) throw new LuxError("INVALID_BLOCK", `gas limit ${h.gasLimit} != ${env.gasLimit}`);
      if (!equalsBytes(h.mixHash, env.prevRandao)) throw new LuxError("INVALID_BLOCK", "prevRandao mismatch");
      if (!equalsBytes(h.extraData, env.extraData)) throw new LuxError("INVALID_BLOCK", "unexpected extraData");
      let txs: SenderTx[];
      try {
        txs = envelope.block.transactions.map((tx) => ({ tx, sender: tx.getSenderAddress() }));
      } catch (err) {
        throw new LuxError("INVALID_BLOCK", `invalid transaction signature: ${errorMessage(err)}`, { cause: err });
      }
      const res = await this.execute(env, strictSource(txs));
      const mismatch = this.compareRoots(envelope.block, res);
      if (mismatch) {
        await this.resetState();
        throw new LuxError("INVALID_BLOCK", `block ${h.number} ${mismatch}`);
      }
      return this.commit(envelope, res, duty, started, "imported");
    });
  }

  private async execute(env: BlockEnv, source: TxSource): Promise<ExecutionResult> {
    try {
      return await executeBlock(this.vm, env, source);
    } catch (err) {
      await this.resetState();
      throw err;
    }
  }

  private compareRoots(block: Block, res: ExecutionResult): string | undefined {
    const h = block.header;
    if (h.gasUsed !== res.gasUsed) return `gasUsed ${h.gasUsed} != executed ${res.gasUsed}`;
    if (!equalsBytes(h.stateRoot, res.stateRoot)) return `state root ${bytesToHex(h.stateRoot)} != executed ${bytesToHex(res.stateRoot)}`;
    if (!equalsBytes(h.receiptTrie, res.receiptTrie)) return "receipts root mismatch";
    if (!equalsBytes(h.transactionsTrie, res.transactionsTrie)) return "transactions root mismatch";
    if (!equalsBytes(h.logsBloom, res.logsBloom)) return "logs bloom mismatch";
    return undefined;
  }

  /** Puts the head state back to the head block's root (after a failed build or a rejected import). */
  private async resetState(): Promise<void> {
    await this.sm.setStateRoot(this.head.block.header.stateRoot, true);
  }

  private async commit(envelope: Envelope, res: ExecutionResult, duty: Duty, started: number, origin: NewHead["origin"]): Promise<NewHead> {
    const block = envelope.block;
    const hash = block.hash();
    const senders = res.txs.map((t) => t.sender.bytes);
    const totalBurned = this.totalBurned + (block.header.baseFeePerGas ?? 0n) * res.gasUsed;
    try {
      await this.store.commitBlock({
        hash, number: block.header.number, envelope: encodeEnvelope(envelope), header: block.header.serialize(),
        senders, receipts: res.receipts, totalBurned,
        epochBoundary: duty.opensEpoch ? { epoch: duty.epoch.epoch, hash: duty.epoch.boundaryHash } : undefined,
      });
    } catch (err) {
      await this.resetState();
      throw new LuxError("STORAGE_CORRUPT", `commit of block ${block.header.number} failed: ${errorMessage(err)}`, { cause: err });
    }
    const record: BlockRecord = { block, hash, slot: envelope.slot, signature: envelope.signature, senders };
    this.head = record;
    this.totalBurned = totalBurned;
    this.blocks.set(bytesToHex(hash), record);
    this.receipts.set(bytesToHex(hash), res.receipts);
    const out: NewHead = { record, receipts: res.receipts, proposer: duty.proposer, elapsedMs: performance.now() - started, origin };
    this.emit("head", out);
    return out;
  }

  /** A block by hash (cached). */
  async getBlockByHash(hash: Uint8Array): Promise<BlockRecord | undefined> {
    const k = bytesToHex(hash);
    const hit = this.blocks.get(k);
    if (hit) return hit;
    const data = await this.store.getEnvelope(hash);
    if (!data) return undefined;
    const env = decodeEnvelope(data, this.common);
    const senders = (await this.store.getSenders(hash)) ?? [];
    const rec: BlockRecord = { block: env.block, hash, slot: env.slot, signature: env.signature, senders };
    // A block being committed is on disk a moment before it is head: readers must not see it yet.
    if (this.head && env.block.header.number > this.head.block.header.number) return undefined;
    this.blocks.set(k, rec);
    return rec;
  }

  /** Where a transaction was mined, if that block is already the head or below it. */
  async locateTx(txHash: Uint8Array): Promise<TxLocation | undefined> {
    const loc = await this.store.getTxLocation(txHash);
    return loc && loc.blockNumber <= this.head.block.header.number ? loc : undefined;
  }

  /** A canonical block by number. */
  async getBlockByNumber(n: bigint): Promise<BlockRecord | undefined> {
    if (n > this.head.block.header.number || n < 0n) return undefined;
    const hash = await this.store.getCanonicalHash(n);
    return hash ? this.getBlockByHash(hash) : undefined;
  }

  /** The serialized envelope of a canonical block (for export and re-import). */
  async getEnvelopeByNumber(n: bigint): Promise<Uint8Array | undefined> {
    const hash = await this.store.getCanonicalHash(n);
    return hash ? this.store.getEnvelope(hash) : undefined;
  }

  /** A header by hash, without decoding the body. */
  async getHeader(hash: Uint8Array): Promise<ReturnType<typeof createBlockHeaderFromRLP> | undefined> {
    const cached = this.blocks.get(bytesToHex(hash));
    if (cached) return cached.block.header;
    const data = await this.store.getHeader(hash);
    return data ? createBlockHeaderFromRLP(data, { common: this.common }) : undefined;
  }

  /** Receipts of a block (cached). */
  async getReceipts(hash: Uint8Array): Promise<StoredReceipt[] | undefined> {
    const k = bytesToHex(hash);
    const hit = this.receipts.get(k);
    if (hit) return hit;
    const r = await this.store.getReceipts(hash);
    if (r) this.receipts.set(k, r);
    return r;
  }

  private headStateCache?: { hash: Uint8Array; sm: Promise<LuxStateManager> };

  /** Read-only state at the head, shared until the head moves (hot path of wallets and the pool). */
  headState(): Promise<LuxStateManager> {
    const head = this.head;
    if (this.headStateCache?.hash !== head.hash) this.headStateCache = { hash: head.hash, sm: this.stateAt(head) };
    return this.headStateCache.sm;
  }

  /** A read-only state at a block's post-state. */
  async stateAt(record: BlockRecord): Promise<LuxStateManager> {
    const copy = this.sm.shallowCopy();
    await copy.setStateRoot(record.block.header.stateRoot, true);
    return copy;
  }

  /** Reads the StakingManager's active set in the state of a block. */
  private async readActiveSet(blockHash: Uint8Array): Promise<Validator[] | undefined> {
    const rec = await this.getBlockByHash(blockHash);
    if (!rec) return undefined;
    const sm = await this.stateAt(rec);
    const to = createAddressFromString(this.config.stakingContract);
    const code = await sm.getCode(to);
    if (code.length === 0) return undefined;
    const vm = await this.createVm(sm);
    const env = this.childEnv(rec, rec.slot + 1n, createZeroAddress(), rec.block.header.timestamp);
    try {
      const res = await vm.evm.runCall({
        to, caller: createZeroAddress(), data: hexToBytes(GET_ACTIVE_VALIDATORS_SELECTOR), gasLimit: ACTIVE_SET_CALL_GAS,
        block: envBlock(this.common, { ...env, baseFeePerGas: 0n }),
      });
      if (res.execResult.exceptionError) {
        this.log.warn(`staking contract getActiveValidators reverted at block ${rec.block.header.number}; using genesis validators`);
        return undefined;
      }
      return decodeActiveSet(res.execResult.returnValue);
    } catch (err) {
      this.log.warn(`reading the active set failed: ${errorMessage(err)}`);
      return undefined;
    }
  }
}
