import { EventEmitter } from "node:events";
import { Block, type BlockHeader } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { createVM, type VM } from "@ethereumjs/vm";
import type { EVMMockBlockchainInterface, Message } from "@ethereumjs/evm";
import {
  Address, KECCAK256_RLP, bytesToHex, createAddressFromString, type Account, createZeroAddress, equalsBytes, hexToBytes,
} from "@ethereumjs/util";
import { createChainCommon } from "../config";
import type { ChainConfig } from "../config/types";
import { GET_ACTIVE_VALIDATORS_SELECTOR, decodeActiveSet } from "../consensus/activeSet";
import { consensusCommitment, decodeEnvelope, encodeEnvelope } from "../consensus/envelope";
import { PosEngine } from "../consensus/pos";
import { slotTimestamp } from "../consensus/time";
import type { BlockMeta, Checkpoint, ConsensusEngine, Duty, Envelope, Evidence, ParentInfo, ProposalRun, Validator, Vote } from "../consensus/types";
import { evidenceId } from "../consensus/messages";
import { LuxError, errorMessage } from "../errors";
import { assembleBlock, envBlock, executeBlock, strictSource } from "../execution/executor";
import { orderedTrieRoot } from "../execution/orderedTrieRoot";
import { createStateManager, type LuxStateManager } from "../execution/stateManager";
import { installFastEipLookup } from "../execution/eipLookup";
import { installJumpAnalysisCache } from "../execution/jumpCache";
import type { BlockEnv, ExecutionResult, SenderTx, TxSource } from "../execution/types";
import type { BlockWrite, ChainStore, StoredLog, StoredReceipt, TxLocation } from "../storage/types";
import { EXTRA_DATA, buildGenesis } from "./genesis";
import { checkBlockAgainstExecution } from "./validate";
import { BlockTree } from "./forkChoice";
import { runSystemCalls, systemReceiptHash, withSystemReceipt, type Conviction } from "./system";
import { SystemBlockIndex } from "./systemBlocks";
import { livenessOffenders } from "../consensus/liveness";
import type { CountedVote } from "../consensus/finality";
import type { VoteService } from "./votes";
import { LruMap } from "./lru";
import { BlockCache, parentInfoOf } from "./blockCache";
import { branchesBetween, reorgIndexChanges } from "./reorg";
import type { BlockId, BlockRecord, ChainOptions, DevBlockHooks, HeadRewound, Logger, NewHead, ReorgEvent } from "./types";

const EDITED_BASES = 4096;
/** Gas given to the deterministic read of the active validator set. */
const ACTIVE_SET_CALL_GAS = 30_000_000n;
/** Empty blocks of a hardhat_mine run written per LevelDB batch (below BlockCache's consensus-view cache: walks back find them). */
const EMPTY_RUN_BATCH = 1000;
/** Slots of a hardhat_mine run whose RANDAO proofs are made ahead at once (130 bytes of shared memory each). */
const PROOF_RUN_MAX = 65_536;
/** Blocks of a hardhat_mine run built between two yields to the event loop (RPC reads stay served). */
const EMPTY_RUN_YIELD = 32;
/** At startup the fork-choice tree is rebuilt from at most this many canonical blocks below the head. */
const TREE_RELOAD = 1024n;

/** What `Chain.produceEmpty` asks for each block: the slot's duty, the key that seals it, a pinned timestamp. */
export type EmptyBlockPlan = (parent: BlockRecord) => Promise<{ duty: Duty; key: Uint8Array; timestamp?: bigint }>;

/** Options of `Chain.produce`. */
export interface ProduceOptions {
  /** Dev mode only: the header timestamp (must exceed the parent's); default max(now, parent + 1). */
  timestamp?: bigint;
  /** Votes to carry in the envelope. */
  votes?: Vote[];
  /** Evidence to include (slashed at the end of the block). */
  evidence?: Evidence[];
  /** RANDAO proofs made ahead (dev mode); slots or keys outside it are proved in place. */
  proposals?: ProposalRun;
}

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
  /** Parent of the side-branch block being executed (BLOCKHASH follows its branch). */
  private branchTip?: Uint8Array;
  private sm!: LuxStateManager;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly cache: BlockCache;
  private readonly systemBlocks: SystemBlockIndex;
  /** Dev mode only: timestamp rule and base-fee override of produced blocks. */
  devHooks?: DevBlockHooks;
  /** Dev mode only: the head's state after hardhat_set* edits (the header keeps the root it was sealed with). */
  private editedRoot?: Uint8Array;
  /** Dev mode only: blocks built on an edited state, by hash → the root they started from (replays need it). */
  private readonly editedBases = new LruMap<string, Uint8Array>(EDITED_BASES);
  /** Blocks above the last final block, for the fork choice. */
  readonly tree = new BlockTree();
  private justifiedCp!: Checkpoint;
  private finalizedCp!: Checkpoint;
  /** Votes, finality and evidence; attached by the node (blocks carrying votes need it). */
  votes?: VoteService;

  private constructor(
    readonly config: ChainConfig,
    readonly store: ChainStore,
    private readonly log: Logger,
  ) {
    super();
    this.common = createChainCommon(config);
    this.systemBlocks = new SystemBlockIndex(store);
    this.cache = new BlockCache(store, this.common);
    this.engine = new PosEngine({
      config,
      genesisHash: () => this.genesisHash,
      blockMeta: (hash) => this.blockMeta(hash),
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
    const headHash = await this.store.getHead();
    if (!headHash) {
      await this.store.commitBlock({
        hash: this.genesisHash, number: 0n, slot: 0n,
        envelope: encodeEnvelope({ block: genesis, slot: 0n, signature: new Uint8Array(0), reveal: new Uint8Array(0), votes: [], evidence: [] }),
        header: genesis.header.serialize(), senders: [], receipts: [], totalBurned: 0n,
      });
      this.head = { block: genesis, hash: this.genesisHash, slot: 0n, signature: new Uint8Array(0), reveal: new Uint8Array(0), votes: [], evidence: [], senders: [] };
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
    this.vm = await this.createVm(this.sm, () => this.branchTip);
    const genesisCp = { hash: this.genesisHash, number: 0n, slot: 0n };
    this.justifiedCp = genesisCp;
    this.finalizedCp = genesisCp;
    const headN = this.head.block.header.number;
    for (let n = headN > TREE_RELOAD ? headN - TREE_RELOAD : 0n; n <= headN; n++) {
      const hash = await this.store.getCanonicalHash(n);
      const m = hash ? await this.blockMeta(hash) : undefined;
      if (m) this.tree.add({ hash: bytesToHex(m.hash), parent: bytesToHex(m.parentHash), number: m.number });
    }
  }

  /** Records the highest justified and the last final block (from the vote service). */
  setFinality(justified: Checkpoint, finalized: Checkpoint): void {
    this.justifiedCp = justified;
    if (finalized.number > this.finalizedCp.number || this.finalizedCp.number === 0n) {
      this.finalizedCp = finalized;
      this.tree.prune(finalized);
    }
  }

  /** The last final block as a checkpoint. */
  get finalized(): Checkpoint {
    return this.finalizedCp;
  }

  /** The highest justified block as a checkpoint. */
  get justified(): Checkpoint {
    return this.justifiedCp;
  }

  /** True when `a` is `d` or an ancestor of it (walks `d`'s branch back). */
  async isAncestor(a: Checkpoint, d: Checkpoint): Promise<boolean> {
    if (a.number > d.number) return false;
    // The fork-choice tree holds every block above the last final one: walk it in memory first. A dev
    // chain's hardhat_mine puts tens of thousands of blocks between its checkpoints and the head, and
    // reading each one's meta from the store took seconds per question.
    let hash: string = bytesToHex(d.hash);
    for (let node = this.tree.get(hash); node; node = this.tree.get(hash)) {
      if (node.number <= a.number) return node.number === a.number && node.hash === bytesToHex(a.hash);
      hash = node.parent;
    }
    let cur: BlockMeta | undefined = await this.blockMeta(hexToBytes(hash as `0x${string}`));
    while (cur && cur.number > a.number) cur = await this.blockMeta(cur.parentHash);
    return cur !== undefined && equalsBytes(cur.hash, a.hash);
  }

  /** True when evidence with this id is in a canonical block. */
  async evidenceIncluded(id: Uint8Array): Promise<boolean> {
    return (await this.store.getMeta(`evidence:${bytesToHex(id)}`)) !== undefined;
  }

  /**
   * A VM over a state manager. BLOCKHASH reads the canonical chain, or — for a block of a side branch —
   * that branch, walked back from `tip` (the block's parent).
   */
  async createVm(sm: LuxStateManager, tip?: () => Uint8Array | undefined): Promise<VM> {
    const blockchain: EVMMockBlockchainInterface = {
      getBlock: async (n: number) => {
        const from = tip?.();
        if (from) {
          let cur = await this.blockMeta(from);
          while (cur && cur.number > BigInt(n)) cur = await this.blockMeta(cur.parentHash);
          return { hash: () => (cur && cur.number === BigInt(n) ? cur.hash : new Uint8Array(32)) };
        }
        const hash = await this.store.getCanonicalHash(BigInt(n));
        return { hash: () => hash ?? new Uint8Array(32) };
      },
      putBlock: async () => {},
      shallowCopy: () => blockchain,
    };
    installJumpAnalysisCache();
    installFastEipLookup();
    // Each EVM subscribes to its Common's "hardforkChanged" event: on the chain's shared Common, every VM
    // ever made (one per eth_call) stayed reachable from it, with its state copy and caches (the node's
    // heap grew without bound under a test suite). A copy per VM has its own emitter and dies with it.
    return createVM({ common: this.common.copy(), stateManager: sm, blockchain });
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

  /**
   * An account in the head state (undefined: none). Whenever the block builder's state stands exactly on
   * the head (same root, nothing unflushed: not in the middle of a build, edit or reorg) its warm cache
   * holds every account recent blocks touched — the senders whose next transactions the pool is about to
   * check — and answers synchronously; anything else is read from the shared head state.
   */
  async headAccount(address: Address): Promise<Account | undefined> {
    if (equalsBytes(this.sm.currentRoot(), this.headStateRoot())) {
      const cached = this.sm.cachedAccount(address);
      if (cached !== undefined) return cached ?? undefined;
    }
    return (await this.headState()).getAccount(address);
  }

  /** Consensus view of a block. */
  parentInfo(head: BlockRecord = this.head): ParentInfo {
    return parentInfoOf(head);
  }

  /** Consensus view of any stored block (any branch), for walking a branch back. */
  blockMeta(hash: Uint8Array): Promise<BlockMeta | undefined> {
    return this.cache.meta(hash);
  }

  /**
   * The block environment of a child of `parent`. PREVRANDAO and extraData are the proposal's RANDAO
   * mix and consensus commitment; simulations (eth_call) get the parent's mix and the plain extraData.
   */
  childEnv(parent: BlockRecord, slot: bigint, coinbase: Address, timestamp: bigint, fields?: { prevRandao: Uint8Array; extraData: Uint8Array }): BlockEnv {
    void slot;
    const ph = parent.block.header;
    return {
      parentHash: parent.hash,
      number: ph.number + 1n,
      timestamp,
      coinbase,
      baseFeePerGas: ph.calcNextBaseFee(),
      gasLimit: this.nextGasLimit(),
      prevRandao: fields?.prevRandao ?? ph.mixHash,
      extraData: fields?.extraData ?? EXTRA_DATA,
    };
  }

  /** Header timestamp of a block for `slot` on `parent`: the slot's start; in dev mode on demand. */
  timestampFor(parent: BlockRecord, slot: bigint, nowMs: number, requested?: bigint): bigint {
    const pts = parent.block.header.timestamp;
    if (!this.config.devMode) return slotTimestamp(this.config, slot);
    if (requested !== undefined) {
      if (requested <= pts) throw new LuxError("BAD_TIMESTAMP", `timestamp ${requested} must exceed the parent's ${pts}`);
      return requested;
    }
    const nowSec = BigInt(Math.floor(nowMs / 1000));
    return nowSec > pts ? nowSec : pts + 1n;
  }

  /** Builds, seals and commits a block for `duty.slot` with transactions from `source`. */
  produce(duty: Duty, signerKey: Uint8Array, source: TxSource, opts: ProduceOptions = {}, nowMs = Date.now()): Promise<NewHead> {
    return this.exclusive(async () => {
      const started = performance.now();
      const parent = this.head;
      const info = this.parentInfo(parent);
      const dev = this.devHooks;
      const ts = this.timestampFor(parent, duty.slot, nowMs, opts.timestamp ?? dev?.timestamp(parent, nowMs));
      const proposal = opts.proposals ? opts.proposals.propose(info, duty.slot, signerKey) : this.engine.propose(info, duty.slot, signerKey);
      // The votes were picked for the head when the producer asked; a fork-choice switch since then may have
      // made some of them target a block that is not on this block's branch, which a node syncing only the
      // canonical chain has never seen and could not verify (the block would be unsyncable).
      const parentCp = { hash: parent.hash, number: parent.block.header.number, slot: parent.slot };
      const votes: Vote[] = [];
      for (const v of opts.votes ?? []) if (await this.isAncestor(v.target, parentCp)) votes.push(v);
      const fields = { slot: duty.slot, reveal: proposal.reveal, votes, evidence: opts.evidence ?? [] };
      const env = this.childEnv(parent, duty.slot, createAddressFromString(duty.proposer.address), ts, { prevRandao: proposal.mixHash, extraData: consensusCommitment(fields) });
      const convicted = this.votes && fields.evidence.length > 0 ? (await this.votes.checkEnvelope({ ...fields, block: envBlock(this.common, env), signature: new Uint8Array(0) }, duty.epoch.validators)).convicted : [];
      env.baseFeePerGas = this.nextBaseFee(parent);
      const res = await this.execute(env, source, convicted, await this.livenessJails(parent, duty));
      const block = assembleBlock(this.common, env, res);
      const envelope = this.engine.seal(block, fields, signerKey);
      this.observeProposal(envelope, duty);
      const head = await this.commit(envelope, res, duty, started, "produced");
      dev?.produced(head.record);
      return head;
    });
  }

  // Dev mode is exempt: evm_revert makes the one dev validator build a slot again on purpose.
  private observeProposal(envelope: Envelope, duty: Duty): void {
    if (this.config.devMode || !this.votes) return;
    this.votes.observeProposal(envelope.slot, duty.proposer.signer, { blockHash: envelope.block.hash(), signature: envelope.signature });
  }

  /**
   * Dev mode (hardhat_mine of many blocks): `count` empty blocks on the head, each planned, executed (an
   * epoch's liveness jails included) and sealed exactly as `produce` does, but committed
   * EMPTY_RUN_BATCH blocks at a time in one atomic LevelDB batch, yielding to the event loop between
   * batches. The head moves (and "head" is announced) once per batch, for its last block: readers never
   * see a head whose blocks are not on disk, and newHeads subscribers see one step per batch.
   */
  produceEmpty(count: number, plan: EmptyBlockPlan): Promise<NewHead | undefined> {
    return this.exclusive(async () => {
      let last: NewHead | undefined;
      let parent = this.head;
      let writes: BlockWrite[] = [];
      let marked: { number: bigint; hash: Uint8Array }[] = [];
      const empty = strictSource([]);
      // The run's slots are consecutive and known ahead: their RANDAO proofs are made ahead, in parallel
      // (consensus/vrfPrecompute.ts); a slot or key outside the planned run is proved in place.
      let run: ProposalRun | undefined;
      try {
        for (let i = 0; i < count; i++) {
          const started = performance.now();
          const { duty, key, timestamp } = await plan(parent);
          if (!run?.covers(key, duty.slot)) {
            run?.close();
            run = this.engine.proposeRun(key, duty.slot, Math.min(count - i, PROOF_RUN_MAX));
          }
          const ts = this.timestampFor(parent, duty.slot, Date.now(), timestamp);
          const proposal = run.propose(this.parentInfo(parent), duty.slot, key);
          const fields = { slot: duty.slot, reveal: proposal.reveal, votes: [], evidence: [] };
          const env = this.childEnv(parent, duty.slot, createAddressFromString(duty.proposer.address), ts, { prevRandao: proposal.mixHash, extraData: consensusCommitment(fields) });
          env.baseFeePerGas = this.nextBaseFee(parent);
          const jails = await this.livenessJails(parent, duty);
          const res = jails.length > 0 ? await this.execute(env, empty, [], jails) : await this.noExecution();
          const envelope = this.engine.seal(assembleBlock(this.common, env, res), fields, key);
          const hash = envelope.block.hash();
          const receipts = this.storedReceipts(res, hash);
          if (receipts.length > 0) marked.push({ number: envelope.block.header.number, hash });
          writes.push({
            hash, number: envelope.block.header.number, slot: envelope.slot, envelope: encodeEnvelope(envelope), header: envelope.block.header.serialize(),
            senders: [], receipts, totalBurned: this.totalBurned,
            epochBoundary: duty.opensEpoch ? { epoch: duty.epoch.epoch, hash: duty.epoch.boundaryHash } : undefined,
          });
          const record: BlockRecord = { ...envelope, hash, senders: [] };
          if (i === 0 && this.editedRoot) this.editedBases.set(bytesToHex(hash), this.editedRoot);
          // The next block's schedule and liveness walk back through these before they are on disk.
          this.cache.add(record, receipts);
          this.cache.addMeta({ ...parentInfoOf(record), parentHash: parent.hash });
          this.tree.add({ hash: bytesToHex(hash), parent: bytesToHex(parent.hash), number: record.block.header.number });
          parent = record;
          last = { record, receipts, proposer: duty.proposer, elapsedMs: performance.now() - started, origin: "produced" };
          if (i % EMPTY_RUN_YIELD === EMPTY_RUN_YIELD - 1) await new Promise((r) => setImmediate(r));
          if (writes.length >= EMPTY_RUN_BATCH || i === count - 1) {
            try {
              await this.store.commitBlocks(writes);
            } catch (err) {
              await this.resetState();
              throw new LuxError("STORAGE_CORRUPT", `commit of blocks ${writes[0].number}..${record.block.header.number} failed: ${errorMessage(err)}`, { cause: err });
            }
            writes = [];
            for (const m of marked) await this.systemBlocks.mark(m.number, m.hash);
            marked = [];
            this.head = record;
            this.editedRoot = undefined;
            this.emit("head", last);
          }
        }
      } finally {
        run?.close();
      }
      return last;
    });
  }

  /**
   * The execution result of a block without transactions or system calls: nothing runs, the state stays
   * as it is. What `executeBlock` returns for such a block, without building a throw-away block and a
   * state checkpoint per block of a hardhat_mine run (importers still execute, and must agree).
   */
  private async noExecution(): Promise<ExecutionResult> {
    const none = orderedTrieRoot([]);
    return { txs: [], receipts: [], systemLogs: [], gasUsed: 0n, stateRoot: await this.sm.getStateRoot(), transactionsTrie: none, receiptTrie: none, logsBloom: new Uint8Array(256) };
  }

  /**
   * Verifies and imports an envelope on any known branch above the last final block; throws a LuxError
   * with the reason (nothing is written then). A block extending the head becomes head at once; a block
   * of another branch is stored by hash, and the fork choice decides (possibly a reorg). The envelope's
   * votes are counted once the block is stored.
   */
  async importBlock(data: Uint8Array | Envelope, nowMs?: number): Promise<NewHead> {
    const { out, votes } = await this.exclusive(() => this.importLocked(data, nowMs));
    if (this.votes) {
      for (const cv of votes) await this.votes.count(cv);
      await this.votes.releaseVotes(out.record.hash);
      await this.updateHead(this.justifiedCp, this.votes.tracker.latest.values());
    }
    return out;
  }

  private async importLocked(data: Uint8Array | Envelope, nowMs?: number): Promise<{ out: NewHead; votes: CountedVote[] }> {
    const started = performance.now();
    const envelope = data instanceof Uint8Array ? decodeEnvelope(data, this.common) : data;
    const h = envelope.block.header;
    const hash = envelope.block.hash();
    if (await this.hasBlock(hash)) throw new LuxError("ALREADY_IMPORTED", `block ${h.number} ${bytesToHex(hash)} is already known`);
    const parent = await this.loadBlock(h.parentHash);
    if (!parent) throw new LuxError("UNKNOWN_PARENT", `parent ${bytesToHex(h.parentHash)} of block ${h.number} is unknown`);
    const onHead = equalsBytes(parent.hash, this.head.hash);
    const duty = await this.engine.verify(envelope, this.parentInfo(parent), nowMs ?? Date.now());
    // The proposer signed this block for this slot: a second block it signed for the same slot is evidence,
    // even when that block is invalid or on a branch below the final block (checked after this).
    this.observeProposal(envelope, duty);
    const fin = this.finalizedCp;
    if (!onHead && (h.number <= fin.number || !(await this.isAncestor(fin, { hash: parent.hash, number: parent.block.header.number, slot: parent.slot })))) {
      throw new LuxError("FINALITY_CONFLICT", `block ${h.number} is on a branch that does not contain the final block #${fin.number}`);
    }
    if (!this.votes && (envelope.votes.length > 0 || envelope.evidence.length > 0)) {
      throw new LuxError("INVALID_BLOCK", "this chain has no vote service to check the envelope's votes and evidence");
    }
    const checked = this.votes ? await this.votes.checkEnvelope(envelope, duty.epoch.validators) : { votes: [], convicted: [] };
    const env = this.childEnv(parent, envelope.slot, h.coinbase, h.timestamp, { prevRandao: h.mixHash, extraData: h.extraData });
    if (h.baseFeePerGas !== env.baseFeePerGas) throw new LuxError("INVALID_BLOCK", `base fee ${h.baseFeePerGas} != expected ${env.baseFeePerGas}`);
    if (h.gasLimit !== env.gasLimit) throw new LuxError("INVALID_BLOCK", `gas limit ${h.gasLimit} != ${env.gasLimit}`);
    if (h.gasUsed > h.gasLimit) throw new LuxError("INVALID_BLOCK", `gas used ${h.gasUsed} exceeds the gas limit ${h.gasLimit}`);
    let txs: SenderTx[];
    try {
      txs = envelope.block.transactions.map((tx) => ({ tx, sender: tx.getSenderAddress() }));
    } catch (err) {
      throw new LuxError("INVALID_BLOCK", `invalid transaction signature: ${errorMessage(err)}`, { cause: err });
    }
    if (!onHead) {
      await this.sm.setStateRoot(parent.block.header.stateRoot, true);
      this.branchTip = parent.hash;
    }
    try {
      const res = await this.execute(env, strictSource(txs), checked.convicted, await this.livenessJails(parent, duty));
      const mismatch = checkBlockAgainstExecution(envelope.block, assembleBlock(this.common, env, res), res);
      if (mismatch) {
        await this.resetState();
        throw mismatch;
      }
      if (onHead) return { out: await this.commit(envelope, res, duty, started, "imported"), votes: checked.votes };
      return { out: await this.storeSide(envelope, res, duty, started), votes: checked.votes };
    } finally {
      this.branchTip = undefined;
    }
  }

  /** Stores a valid block of a side branch by hash (state by root) and puts the head state back. */
  private async storeSide(envelope: Envelope, res: ExecutionResult, duty: Duty, started: number): Promise<NewHead> {
    const block = envelope.block;
    const hash = block.hash();
    const senders = res.txs.map((t) => t.sender.bytes);
    const receipts = this.storedReceipts(res, hash);
    try {
      await this.store.storeSideBlock({
        hash, number: block.header.number, slot: envelope.slot, envelope: encodeEnvelope(envelope), header: block.header.serialize(),
        senders, receipts, totalBurned: 0n,
      });
    } finally {
      await this.resetState();
    }
    const record: BlockRecord = { ...envelope, hash, senders };
    this.cache.add(record, receipts);
    this.tree.add({ hash: bytesToHex(hash), parent: bytesToHex(block.header.parentHash), number: block.header.number });
    return { record, receipts, proposer: duty.proposer, elapsedMs: performance.now() - started, origin: "imported", sideBranch: true };
  }

  /** The receipts stored and served for an executed block: its transactions', then any system receipt. */
  private storedReceipts(res: ExecutionResult, hash: Uint8Array): StoredReceipt[] {
    return withSystemReceipt(res.receipts, res.systemLogs, hash, res.gasUsed, this.config);
  }

  /** Dev mode: observes every message the block-building EVM runs (contracts' console.log). */
  observeMessages(listener: (m: Message) => void): void {
    this.vm.evm.events?.on("beforeMessage", listener);
  }

  /** Base fee of the next block: EIP-1559 from the parent, unless dev mode overrides it once. */
  /**
   * Gas limit of the next blocks: the chain's, or on a dev node what evm_setBlockGasLimit set (another
   * node re-validating such blocks refuses them, as it refuses impersonated transactions).
   */
  nextGasLimit(): bigint {
    return this.devHooks?.gasLimit() ?? this.config.gasLimit;
  }

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
   * Dev mode (evm_revert): the head goes back to canonical block `hash` through the reorg machinery (the
   * canonical and tx indexes are rewritten, the state switches by root), optionally onto an edited
   * state of it. A dev chain has one trusted validator: the blocks above the target leave the fork
   * choice's tree, and finality restarts from the target when it was above.
   */
  rewindTo(hash: Uint8Array, stateRoot?: Uint8Array): Promise<HeadRewound> {
    return this.exclusive(async () => {
      const from = this.head;
      const target = await this.loadBlock(hash);
      const canonical = target ? await this.store.getCanonicalHash(target.block.header.number) : undefined;
      if (!target || !canonical || !equalsBytes(canonical, hash)) {
        throw new LuxError("RESOURCE_NOT_FOUND", `block ${bytesToHex(hash)} is not on the canonical chain`);
      }
      const cp = { hash: target.hash, number: target.block.header.number, slot: target.slot };
      if (this.finalizedCp.number > cp.number) this.finalizedCp = cp;
      if (this.justifiedCp.number > cp.number) this.justifiedCp = cp;
      if (!equalsBytes(from.hash, target.hash)) await this.rewindCanonical(target);
      this.tree.cut(bytesToHex(target.hash));
      this.editedRoot = stateRoot && !equalsBytes(stateRoot, target.block.header.stateRoot) ? stateRoot : undefined;
      await this.resetState();
      return { head: target, from: from.block.header.number };
    });
  }

  /** Runs the fork choice from `start` with the validators' latest votes; reorganizes when it moves. */
  updateHead(start: Checkpoint, latest: Iterable<{ target: Checkpoint; stake: bigint }>): Promise<void> {
    const votes = [...latest].map((v) => ({ target: bytesToHex(v.target.hash), stake: v.stake }));
    return this.exclusive(async () => {
      // A dev node with the evm_* methods is its chain's only producer: its head is what it built or
      // rewound to (evm_revert), never an abandoned branch its own earlier votes still point at.
      if (this.devHooks) return;
      const from = bytesToHex(start.hash);
      if (!this.tree.has(from)) return;
      const best = this.tree.head(from, votes);
      if (best === bytesToHex(this.head.hash)) return;
      const rec = await this.loadBlock(hexToBytes(best as `0x${string}`));
      if (!rec) return;
      const headCp = { hash: this.head.hash, number: this.head.block.header.number, slot: this.head.slot };
      // The head is never rolled back to one of its own ancestors: a leaf is only replaced by another leaf.
      if (await this.isAncestor({ hash: rec.hash, number: rec.block.header.number, slot: rec.slot }, headCp)) return;
      await this.reorgTo(rec);
    });
  }

  private async parentRecord(rec: BlockRecord): Promise<BlockRecord> {
    const p = await this.loadBlock(rec.block.header.parentHash);
    if (!p) throw new LuxError("STORAGE_CORRUPT", `parent of block ${rec.block.header.number} missing`);
    return p;
  }

  /**
   * The reorg of a rewind (evm_revert): `target` is a canonical ancestor of the head, nothing is adopted.
   * The blocks above it are read by header through the canonical index, and only those holding
   * transactions are loaded whole (their transactions and logs are what the "reorg" event's consumers
   * need): reverting over a 50,400-block hardhat_mine stays cheap.
   */
  private async rewindCanonical(target: BlockRecord): Promise<void> {
    const old = this.head;
    const newN = target.block.header.number;
    const oldN = old.block.header.number;
    const removed: BlockRecord[] = [];
    let burned = 0n;
    for (let n = oldN; n > newN; n--) {
      const hash = await this.store.getCanonicalHash(n);
      const header = hash ? await this.getHeader(hash) : undefined;
      if (!hash || !header) throw new LuxError("STORAGE_CORRUPT", `canonical block ${n} missing while rewinding to #${newN}`);
      burned += (header.baseFeePerGas ?? 0n) * header.gasUsed;
      if (equalsBytes(header.transactionsTrie, KECCAK256_RLP)) continue;
      const rec = await this.loadBlock(hash);
      if (!rec) throw new LuxError("STORAGE_CORRUPT", `block ${n} missing while rewinding to #${newN}`);
      removed.push(rec);
    }
    // Blocks with evidence or a system receipt, empty ones included (not loaded above).
    const systemBlocks: BlockRecord[] = [];
    for (const m of await this.systemBlocks.takeAbove(newN)) {
      const rec = equalsBytes((await this.store.getCanonicalHash(m.number)) ?? new Uint8Array(0), m.hash) ? await this.loadBlock(m.hash) : undefined;
      if (rec) systemBlocks.push(rec);
    }
    const removedReceipts = await Promise.all(removed.map(async (r) => ({ record: r, receipts: (await this.getReceipts(r.hash)) ?? [] })));
    const totalBurned = this.totalBurned - burned;
    await this.store.applyReorg({
      adopt: [],
      dropTxHashes: [...removed.flatMap((r) => r.block.transactions.map((t) => t.hash())), ...systemBlocks.map((r) => systemReceiptHash(r.hash))],
      clearAbove: oldN > newN ? { from: newN + 1n, to: oldN } : undefined,
      head: target.hash,
      totalBurned,
    });
    await this.sm.setStateRoot(target.block.header.stateRoot, true);
    this.head = target;
    this.totalBurned = totalBurned;
    this.emit("reorg", { removed: removedReceipts, adopted: [], rewind: true } satisfies ReorgEvent);
    // Evidence the dropped blocks included was not applied on the chain that remains: forget its ids and
    // pool it again (after the event: the vote service empties its pool on a rewind).
    for (const r of systemBlocks) await this.forgetEvidence(r.evidence);
  }

  /** Forgets evidence ids (their including block left the chain) and gives the evidence back to the pool. */
  private async forgetEvidence(evidence: Evidence[]): Promise<void> {
    for (const e of evidence) {
      await this.store.deleteMeta(`evidence:${bytesToHex(evidenceId(this.config.chainId, e))}`);
      this.votes?.restoreEvidence(e);
    }
  }

  /** Switches the canonical chain to the branch ending at `target` (one atomic batch), then announces it. */
  private async reorgTo(target: BlockRecord, rewind = false): Promise<void> {
    const old = this.head;
    const { ancestor: x, removed, adopted } = await branchesBetween(old, target, (r) => this.parentRecord(r));
    if (x.block.header.number < this.finalizedCp.number) {
      throw new LuxError("FINALITY_CONFLICT", `refusing a reorg below the final block #${this.finalizedCp.number}`);
    }
    const { dropTxHashes, totalBurned } = reorgIndexChanges({ removed, adopted }, this.totalBurned);
    const oldN = old.block.header.number;
    const newN = target.block.header.number;
    const adoptedReceipts = await Promise.all(adopted.map(async (r) => (await this.getReceipts(r.hash)) ?? []));
    await this.store.applyReorg({
      adopt: adopted.map((r, i) => ({ number: r.block.header.number, hash: r.hash, receipts: adoptedReceipts[i] })),
      dropTxHashes,
      clearAbove: oldN > newN ? { from: newN + 1n, to: oldN } : undefined,
      head: target.hash,
      totalBurned,
    });
    // Evidence included only by the dropped branch was not applied on the new one: forget its ids, so the
    // pool's copy (or a peer's) can be included again and the offender is still slashed.
    const evidenceKey = (e: Evidence): string => `evidence:${bytesToHex(evidenceId(this.config.chainId, e))}`;
    const adoptedEvidence = new Set(adopted.flatMap((r) => r.evidence.map(evidenceKey)));
    await this.forgetEvidence(removed.flatMap((r) => r.evidence).filter((e) => !adoptedEvidence.has(evidenceKey(e))));
    for (const k of adoptedEvidence) await this.store.putMeta(k, new Uint8Array([1]));
    await this.systemBlocks.takeAbove(x.block.header.number);
    for (const [i, r] of adopted.entries()) {
      if (r.evidence.length > 0 || adoptedReceipts[i].length > r.block.transactions.length) await this.systemBlocks.mark(r.block.header.number, r.hash);
    }
    await this.sm.setStateRoot(target.block.header.stateRoot, true);
    this.head = target;
    this.totalBurned = totalBurned;
    if (!rewind) this.log.warn(`reorg: ${removed.length} block(s) replaced by ${adopted.length} from #${x.block.header.number}; head #${newN} ${bytesToHex(target.hash).slice(0, 18)}…`);
    const removedReceipts = await Promise.all(removed.map(async (r) => ({ record: r, receipts: (await this.getReceipts(r.hash)) ?? [] })));
    const ev: ReorgEvent = { removed: removedReceipts, adopted, rewind };
    this.emit("reorg", ev);
    for (const r of adopted) {
      const receipts = (await this.getReceipts(r.hash)) ?? [];
      const proposer = { address: r.block.header.coinbase.toString(), signer: "", stake: 0n };
      this.emit("head", { record: r, receipts, proposer, elapsedMs: 0, origin: "imported" } satisfies NewHead);
    }
  }

  /**
   * The validators the liveness rule jails in the first block of an epoch: judged on the previous epoch
   * of this block's own branch (nothing when that epoch had no block). See `livenessOffenders`.
   */
  async livenessJails(parent: BlockRecord, duty: Duty): Promise<string[]> {
    if (!duty.opensEpoch || parent.block.header.number === 0n) return [];
    const spe = BigInt(this.config.slotsPerEpoch);
    const prev = duty.epoch.epoch - 1n;
    if (duty.epoch.epoch === 0n || parent.slot / spe !== prev) return [];
    const proposed: string[] = [];
    for (let cur: BlockRecord | undefined = parent; cur && cur.slot >= prev * spe && cur.block.header.number > 0n; cur = await this.loadBlock(cur.block.header.parentHash)) {
      proposed.push(cur.block.header.coinbase.toString().toLowerCase());
    }
    const assigned: string[] = [];
    const info = this.parentInfo(parent);
    for (let s = prev * spe; s < (prev + 1n) * spe; s++) assigned.push((await this.engine.duty(info, s)).proposer.address.toLowerCase());
    return livenessOffenders({ slotsPerEpoch: this.config.slotsPerEpoch, assigned, proposed });
  }

  private async execute(env: BlockEnv, source: TxSource, convicted: Conviction[] = [], jails: string[] = []): Promise<ExecutionResult> {
    try {
      const finish = convicted.length > 0 || jails.length > 0 ? async (vm: VM, block: Block): Promise<StoredLog[]> => (await runSystemCalls(vm, block, this.config, convicted, this.log, jails)).logs : undefined;
      return await executeBlock(this.vm, env, source, finish);
    } catch (err) {
      await this.resetState();
      throw err;
    }
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
    const receipts = this.storedReceipts(res, hash);
    try {
      await this.store.commitBlock({
        hash, number: block.header.number, slot: envelope.slot, envelope: encodeEnvelope(envelope), header: block.header.serialize(),
        senders, receipts, totalBurned,
        epochBoundary: duty.opensEpoch ? { epoch: duty.epoch.epoch, hash: duty.epoch.boundaryHash } : undefined,
      });
    } catch (err) {
      await this.resetState();
      throw new LuxError("STORAGE_CORRUPT", `commit of block ${block.header.number} failed: ${errorMessage(err)}`, { cause: err });
    }
    const record: BlockRecord = { ...envelope, hash, senders };
    this.head = record;
    if (this.editedRoot) this.editedBases.set(bytesToHex(hash), this.editedRoot);
    this.editedRoot = undefined;
    this.totalBurned = totalBurned;
    this.tree.add({ hash: bytesToHex(hash), parent: bytesToHex(block.header.parentHash), number: block.header.number });
    for (const e of envelope.evidence) await this.store.putMeta(`evidence:${bytesToHex(evidenceId(this.config.chainId, e))}`, new Uint8Array([1]));
    if (envelope.evidence.length > 0 || receipts.length > res.receipts.length) await this.systemBlocks.mark(block.header.number, hash);
    this.cache.add(record, receipts);
    const out: NewHead = { record, receipts, proposer: duty.proposer, elapsedMs: performance.now() - started, origin };
    this.emit("head", out);
    return out;
  }

  /** A block by hash (cached); hides a block being committed above the head. */
  async getBlockByHash(hash: Uint8Array): Promise<BlockRecord | undefined> {
    const rec = await this.loadBlock(hash);
    // A block being committed is on disk a moment before it is head: readers must not see it yet.
    if (rec && this.head && rec.block.header.number > this.head.block.header.number && !this.tree.has(bytesToHex(hash))) return undefined;
    return rec;
  }

  /** Puts a block into the cache (test support writing history straight to the store). */
  remember(rec: BlockRecord): void {
    this.cache.add(rec);
  }

  /** Any stored block by hash, canonical or not (cached). */
  loadBlock(hash: Uint8Array): Promise<BlockRecord | undefined> {
    return this.cache.block(hash);
  }

  /** True when a block with this hash is stored (any branch). */
  hasBlock(hash: Uint8Array): Promise<boolean> {
    return this.cache.has(hash);
  }

  /** The last final block. */
  finalizedId(): BlockId {
    return { number: this.finalizedCp.number, hash: bytesToHex(this.finalizedCp.hash), slot: this.finalizedCp.slot };
  }

  /** The highest justified block. */
  justifiedId(): BlockId {
    return { number: this.justifiedCp.number, hash: bytesToHex(this.justifiedCp.hash), slot: this.justifiedCp.slot };
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
  getHeader(hash: Uint8Array): Promise<BlockHeader | undefined> {
    return this.cache.header(hash);
  }

  /** Receipts of a block (cached). */
  getReceipts(hash: Uint8Array): Promise<StoredReceipt[] | undefined> {
    return this.cache.receiptsOf(hash);
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
    const rec = await this.loadBlock(blockHash);
    if (!rec) return undefined;
    const sm = await this.stateAt(rec);
    const to = createAddressFromString(this.config.stakingContract);
    const code = await sm.getCode(to);
    if (code.length === 0) return undefined;
    const vm = await this.createVm(sm);
    const env = this.childEnv(rec, rec.slot + 1n, createZeroAddress(), rec.block.header.timestamp + 1n);
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
