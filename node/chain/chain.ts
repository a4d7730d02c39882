import { EventEmitter } from "node:events";
import { Block, createBlockHeaderFromRLP } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { createVM, type VM } from "@ethereumjs/vm";
import type { EVMMockBlockchainInterface, Message } from "@ethereumjs/evm";
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
import type { BlockWrite, ChainStore, StoredReceipt, TxLocation } from "../storage/types";
import { EXTRA_DATA, buildGenesis } from "./genesis";
import { LruMap } from "./lru";
import { rewindPlan } from "./rewind";
import type { BlockRecord, ChainOptions, DevBlockHooks, EmptyRun, HeadRewound, Logger, NewHead } from "./types";
import { epochOf } from "../consensus/schedule";
import { EMPTY_TRIE_ROOT } from "../execution/orderedTrieRoot";

/** Decoded blocks kept in memory (a full block holds ~1,400 transfer objects: keep this small). */
const BLOCK_CACHE = 64;
const RECEIPT_CACHE = 128;
/** Gas given to the deterministic read of the active validator set. */
const ACTIVE_SET_CALL_GAS = 30_000_000n;
/** Empty dev blocks written per LevelDB batch at most. */
const EMPTY_BATCH = 256;
const BOUNDARY_CACHE = 16;
const EDITED_BASES = 4096;
const BLOOM_BYTES = 256;

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
  /** Dev mode only: timestamp rule and base-fee override of produced blocks. */
  devHooks?: DevBlockHooks;
  /** Dev mode only: the head's state after hardhat_set* edits (the header keeps the root it was sealed with). */
  private editedRoot?: Uint8Array;
  /** Dev mode only: blocks built on an edited state, by hash → the root they started from (replays need it). */
  private readonly editedBases = new LruMap<string, Uint8Array>(EDITED_BASES);

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
      storedBoundary: (epoch) => this.storedBoundary(epoch),
      readActiveSet: (hash) => this.readActiveSet(hash),
    });
  }

  /** Epoch boundaries read from the store (a boundary never changes, except by a dev-mode rewind, which clears this). */
  private readonly boundaries = new LruMap<bigint, Uint8Array>(BOUNDARY_CACHE);

  private async storedBoundary(epoch: bigint): Promise<Uint8Array | undefined> {
    const hit = this.boundaries.get(epoch);
    if (hit) return hit;
    const stored = await this.store.getEpochBoundary(epoch);
    if (stored) this.boundaries.set(epoch, stored);
    return stored;
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
      const dev = this.devHooks;
      const ts = dev ? dev.timestamp(parent, nowMs) : nowSec > parent.block.header.timestamp ? nowSec : parent.block.header.timestamp;
      const env = this.childEnv(parent, duty.slot, createAddressFromString(duty.proposer.address), ts);
      env.baseFeePerGas = this.nextBaseFee(parent);
      const res = await this.execute(env, source);
      const block = assembleBlock(this.common, env, res);
      const envelope = this.engine.seal(block, duty.slot, signerKey);
      const head = await this.commit(envelope, res, duty, started, "produced");
      dev?.produced(head.record);
      return head;
    });
  }

  /**
   * Dev mode (hardhat_mine of many blocks): appends `run.count` empty blocks. An empty block runs
   * nothing and changes no state, so it is assembled without execution; the blocks reach disk in
   * batches, each flushed before a block opens a new epoch (whose schedule reads the boundary block
   * from the store). Every block is still sealed by its proposer and announced as a new head.
   */
  produceEmpty(run: EmptyRun): Promise<NewHead | undefined> {
    return this.exclusive(async () => {
      let pending: { write: BlockWrite; head: NewHead }[] = [];
      let last: NewHead | undefined;
      const flush = async (): Promise<void> => {
        if (pending.length === 0) return;
        await this.store.commitBlocks(pending.map((p) => p.write));
        for (const p of pending) {
          this.head = p.head.record;
          if (this.editedRoot) this.editedBases.set(bytesToHex(p.write.hash), this.editedRoot);
          this.editedRoot = undefined;
          this.blocks.set(bytesToHex(p.write.hash), p.head.record);
          this.receipts.set(bytesToHex(p.write.hash), []);
          this.emit("head", p.head);
        }
        pending = [];
      };
      let parent = this.head;
      const stateRoot = this.headStateRoot();
      for (let i = 0; i < run.count; i++) {
        const started = performance.now();
        const slot = run.slot(parent);
        if (epochOf(slot, this.config.slotsPerEpoch) > epochOf(parent.slot, this.config.slotsPerEpoch)) await flush();
        const { duty, key } = run.proposer(await this.engine.duty(this.parentInfo(parent), slot));
        const env = this.childEnv(parent, slot, createAddressFromString(duty.proposer.address), run.timestamp(parent));
        env.baseFeePerGas = parent.block.header.calcNextBaseFee();
        const empty: ExecutionResult = { txs: [], receipts: [], gasUsed: 0n, stateRoot, transactionsTrie: EMPTY_TRIE_ROOT, receiptTrie: EMPTY_TRIE_ROOT, logsBloom: new Uint8Array(BLOOM_BYTES) };
        const block = assembleBlock(this.common, env, empty);
        const envelope = this.engine.seal(block, slot, key);
        const hash = block.hash();
        const record: BlockRecord = { block, hash, slot, signature: envelope.signature, senders: [] };
        const write: BlockWrite = {
          hash, number: block.header.number, envelope: encodeEnvelope(envelope), header: block.header.serialize(), senders: [], receipts: [], totalBurned: this.totalBurned,
          epochBoundary: duty.opensEpoch ? { epoch: duty.epoch.epoch, hash: duty.epoch.boundaryHash } : undefined,
        };
        last = { record, receipts: [], proposer: duty.proposer, elapsedMs: performance.now() - started, origin: "produced" };
        pending.push({ write, head: last });
        // The next block's schedule reads this epoch's boundary from the store.
        if (duty.opensEpoch || pending.length >= EMPTY_BATCH) await flush();
        parent = record;
      }
      await flush();
      return last;
    });
  }

  /** Dev mode: observes every message the block-building EVM runs (contracts' console.log). */
  observeMessages(listener: (m: Message) => void): void {
    this.vm.evm.events?.on("beforeMessage", listener);
  }

  /** Base fee of the next block: EIP-1559 from the parent, unless dev mode overrides it once. */
  nextBaseFee(parent: BlockRecord = this.head): bigint {
    return (parent === this.head ? this.devHooks?.baseFee() : undefined) ?? parent.block.header.calcNextBaseFee();
  }

  /** State root the head's state is read at and the next block builds on. */
  headStateRoot(): Uint8Array {
    return this.editedRoot ?? this.head.block.header.stateRoot;
  }

  /**
   * Dev mode: edits the head state in place (hardhat_setBalance and friends). The new root is read by
   * every head query and built on by the next block; the trie nodes reach disk with that block.
   */
  editHeadState(edit: (sm: LuxStateManager) => Promise<void>): Promise<Uint8Array> {
    return this.exclusive(async () => {
      await this.sm.checkpoint();
      try {
        await edit(this.sm);
        await this.sm.commit();
      } catch (err) {
        await this.sm.revert();
        throw err;
      }
      this.editedRoot = await this.sm.getStateRoot();
      return this.editedRoot;
    });
  }

  /**
   * Dev mode: moves the head back to canonical block `hash` (evm_revert), optionally onto an edited
   * state root of it. The dropped blocks' canonical, tx-index and epoch entries are deleted in one batch;
   * their bodies stay addressable by hash like any side-chain block. State is addressed by root in the
   * unpruned trie, so switching is a setStateRoot.
   */
  rewindTo(hash: Uint8Array, stateRoot?: Uint8Array): Promise<HeadRewound> {
    return this.exclusive(async () => {
      const from = this.head;
      const target = await this.getBlockByHash(hash);
      const canonical = target ? await this.store.getCanonicalHash(target.block.header.number) : undefined;
      if (!target || !canonical || !equalsBytes(canonical, hash)) {
        throw new LuxError("RESOURCE_NOT_FOUND", `block ${bytesToHex(hash)} is not on the canonical chain`);
      }
      const plan = await rewindPlan(this, target, from);
      this.boundaries.clear();
      await this.store.rewindHead({ ...plan, hash, number: target.block.header.number, oldNumber: from.block.header.number });
      this.head = target;
      this.totalBurned = plan.totalBurned;
      this.editedRoot = stateRoot && !equalsBytes(stateRoot, target.block.header.stateRoot) ? stateRoot : undefined;
      await this.resetState();
      const out: HeadRewound = { head: target, from: from.block.header.number };
      this.emit("rewind", out);
      return out;
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
    await this.sm.setStateRoot(this.headStateRoot(), true);
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
    if (this.editedRoot) this.editedBases.set(bytesToHex(hash), this.editedRoot);
    this.editedRoot = undefined;
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

  private headStateCache?: { root: Uint8Array; sm: Promise<LuxStateManager> };

  /** Read-only state at the head, shared until the head (or its dev-edited state) moves (hot path of wallets and the pool). */
  headState(): Promise<LuxStateManager> {
    const root = this.headStateRoot();
    if (this.headStateCache?.root !== root) this.headStateCache = { root, sm: this.stateAt(this.head) };
    return this.headStateCache.sm;
  }

  /** A read-only state at the start of a block: its parent's post-state, or the dev-edited state it was built on. */
  async stateBefore(record: BlockRecord): Promise<LuxStateManager> {
    const copy = this.sm.shallowCopy();
    const edited = this.editedBases.get(bytesToHex(record.hash));
    const parent = edited ? undefined : await this.getBlockByHash(record.block.header.parentHash);
    if (!edited && !parent) throw new LuxError("RESOURCE_NOT_FOUND", `parent of block ${record.block.header.number} not found`);
    await copy.setStateRoot(edited ?? (parent as BlockRecord).block.header.stateRoot, true);
    return copy;
  }

  /** A read-only state at a block's post-state (the head's includes dev-mode edits). */
  async stateAt(record: BlockRecord): Promise<LuxStateManager> {
    const copy = this.sm.shallowCopy();
    await copy.setStateRoot(record === this.head ? this.headStateRoot() : record.block.header.stateRoot, true);
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
