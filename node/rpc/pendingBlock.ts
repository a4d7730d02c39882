import type { Block } from "@ethereumjs/block";
import { bytesToHex, createZeroAddress } from "@ethereumjs/util";
import { Bloom, encodeReceipt, runTx, type VM } from "@ethereumjs/vm";
import type { Chain } from "../chain/chain";
import type { BlockRecord } from "../chain/types";
import { LuxError, errorMessage } from "../errors";
import { BuildSlices, TX_BASE_GAS, assembleBlock, envBlock } from "../execution/executor";
import { orderedTrieRoot } from "../execution/orderedTrieRoot";
import { isolateWrites } from "../execution/overlayTrieDb";
import type { BlockEnv } from "../execution/types";
import type { TxPool } from "../txpool/pool";
import type { PoolTx } from "../txpool/types";

/** The pending block's checkpoint depth: its transactions sit in one open checkpoint, never flushed. */
const PENDING_DEPTH = 1;

/** A VM on the pending state, lent to one simulation at a time. */
/** The pending block as `eth_getBlockByNumber("pending")` shows it. */
export interface PendingView {
  /** The head's child: the applied transactions, their roots and bloom, the pending state's root. */
  block: Block;
  /** The senders of its transactions. */
  senders: Uint8Array[];
  /** The slot it is built for. */
  slot: bigint;
}

export interface PendingVm {
  vm: VM;
  env: BlockEnv;
  /** Hands the VM back; the simulation must have closed every checkpoint it opened. */
  release(): void;
}

interface Built {
  /** Head hash, head state root (dev edits move it) and the block's timestamp it was built for. */
  key: string;
  vm: VM;
  env: BlockEnv;
  slot: bigint;
  /** What each transaction sees of its block. */
  block: Block;
  /** Per sender, the nonce after its last applied transaction. */
  next: Map<string, bigint>;
  /** The applied transactions by hash, in block order. */
  applied: Map<string, PoolTx>;
  /** Their receipts, encoded as in the receipts trie, and the logs' bloom. */
  receipts: Uint8Array[];
  bloom: Bloom;
  gasUsed: bigint;
  /** The pool's revision the block reflects. */
  added: number;
  removed: number;
}

/**
 * The "pending" block of the RPC, as geth and Hardhat have it: the head's state with the pool's
 * executable transactions applied in the order the builder would take them (up to the block gas limit),
 * in the next block's environment. A script can then estimate a transaction that depends on one it just
 * sent, before it is mined (interval mining, or automine's short gap).
 *
 * Built when first asked for, and kept while the head, its state and the timestamp stay: transactions
 * the pool gained since are applied on top (a client estimating every transaction it sends costs one
 * execution per transaction, not one pending block each). A removal from the pool rebuilds it only
 * when it took out a transaction the block applied (a replacement, an eviction or a drop of another one
 * leaves it valid). The transactions sit in one open state checkpoint that is never committed, so
 * nothing of them reaches the trie database. One simulation at a time uses the shared VM; `fresh` gives
 * a private one (state overrides, tracing).
 */
export class PendingBlock {
  /** Builds from the head, and transactions applied in all (tests and diagnostics). */
  readonly stats = { builds: 0, applied: 0 };
  private built?: Built;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly chain: Chain,
    private readonly pool: TxPool,
    /** Timestamp of the next block as simulations see it (the dev clock on a devnet). */
    private readonly timestamp: (head: BlockRecord) => bigint,
  ) {}

  /** True when the pending block differs from the head: some pooled transaction is executable. */
  hasTransactions(): boolean {
    return this.pool.hasExecutable(this.chain.nextBaseFee());
  }

  /** The shared VM on the pending state, exclusively until `release`. */
  async acquire(): Promise<PendingVm> {
    const unlock = await this.lock();
    try {
      const b = await this.current();
      let released = false;
      return {
        vm: b.vm,
        env: b.env,
        release: () => {
          if (released) return;
          released = true;
          // A simulation that left a checkpoint open (or closed ours) leaves a state nobody can trust.
          if (checkpointDepth(b.vm) !== PENDING_DEPTH && this.built === b) this.built = undefined;
          unlock();
        },
      };
    } catch (err) {
      unlock();
      throw err;
    }
  }

  /**
   * The pending block itself: the head's child with the transactions applied so far, its header complete
   * (the state root is the pending state's, with the zero address as coinbase: the fee tips of the mined
   * block go to its proposer instead). Flushing the state into the trie inside the open checkpoint keeps
   * it in memory, like the rest of the pending state.
   */
  async view(): Promise<PendingView> {
    const unlock = await this.lock();
    try {
      return await assemble(await this.current());
    } finally {
      unlock();
    }
  }

  /** A private VM on the pending state (its own build), for state overrides and tracing hooks. */
  async fresh(): Promise<{ vm: VM; env: BlockEnv }> {
    const b = await this.build(...this.target());
    return { vm: b.vm, env: b.env };
  }

  /**
   * A private VM on the pending state together with the pending block it holds (one build, so the block's
   * state root is the VM's state): eth_simulateV1 at "pending" builds its blocks on top of it, as geth's.
   */
  async freshView(): Promise<{ vm: VM; view: PendingView }> {
    const b = await this.build(...this.target());
    return { vm: b.vm, view: await assemble(b) };
  }

  /** Waits for the shared VM; the returned function hands it on. */
  private async lock(): Promise<() => void> {
    let unlock!: () => void;
    const turn = this.queue;
    this.queue = new Promise<void>((resolve) => (unlock = resolve));
    await turn;
    return unlock;
  }

  private target(): [BlockRecord, Uint8Array, bigint] {
    const head = this.chain.head;
    return [head, this.chain.headStateRoot(), this.timestamp(head)];
  }

  private async current(): Promise<Built> {
    const [head, root, ts] = this.target();
    const rev = this.pool.revision;
    const b = this.built;
    if (b && b.key === keyOf(head, root, ts) && (b.removed === rev.removed || this.stillHeld(b))) {
      b.removed = rev.removed;
      if (b.added !== rev.added) await this.apply(b);
      return b;
    }
    this.built = await this.build(head, root, ts);
    return this.built;
  }

  /** True when every transaction applied in `b` is still in the pool (removals were of others). */
  private stillHeld(b: Built): boolean {
    for (const [hash, t] of b.applied) if (this.pool.get(hash) !== t) return false;
    return true;
  }

  private async build(head: BlockRecord, root: Uint8Array, ts: bigint): Promise<Built> {
    this.stats.builds++;
    const rev = this.pool.revision;
    // stateAt(head) reads the head's root as of now (dev edits move it), the one `root` names. Its trie
    // writes (view() flushes; storage tries hold no checkpoint) stay in memory, out of the chain's database.
    const sm = await this.chain.stateAt(head);
    isolateWrites(sm);
    const vm = await this.chain.createVm(sm);
    // The coinbase of simulations (zero): the proposer of the next slot is not known to every node.
    const env: BlockEnv = { ...this.chain.childEnv(head, head.slot + 1n, createZeroAddress(), ts), baseFeePerGas: this.chain.nextBaseFee(head) };
    await vm.stateManager.checkpoint();
    const b: Built = {
      key: keyOf(head, root, ts), vm, env, slot: head.slot + 1n, block: envBlock(vm.common, env), next: new Map(), applied: new Map(),
      receipts: [], bloom: new Bloom(undefined, vm.common), gasUsed: 0n, added: rev.added, removed: rev.removed,
    };
    await this.apply(b);
    return b;
  }

  /** Applies the pool's executable transactions not in `b` yet, in block order, up to the gas limit. */
  private async apply(b: Built): Promise<void> {
    const rev = this.pool.revision;
    const source = this.pool.peekSource(b.env.baseFeePerGas, (from) => b.next.get(from));
    const slices = new BuildSlices();
    for (let item = source.next(); item !== undefined; item = source.next()) {
      if (b.env.gasLimit - b.gasUsed < TX_BASE_GAS) break;
      if (slices.due()) await slices.yield();
      if (item.tx.gasLimit > b.env.gasLimit - b.gasUsed) {
        source.reject(item, new LuxError("GAS_LIMIT_EXCEEDED", "gas limit reached"));
        continue;
      }
      try {
        const res = await runTx(b.vm, { tx: item.tx, block: b.block, blockGasUsed: b.gasUsed, skipHardForkValidation: true });
        b.gasUsed += res.totalGasSpent;
        b.receipts.push(encodeReceipt(res.receipt, item.tx.type));
        b.bloom.or(res.bloom);
        b.next.set(item.from, item.nonce + 1n);
        b.applied.set(item.hash, item);
        this.stats.applied++;
      } catch (err) {
        // Not executable on this state (yet): the sender sits out, as in the builder.
        source.reject(item, err instanceof Error ? err : new Error(errorMessage(err)));
      }
    }
    b.added = rev.added;
  }
}

/** The block `b` holds, its header complete (see `view`). */
async function assemble(b: Built): Promise<PendingView> {
  const txs = [...b.applied.values()];
  const block = assembleBlock(b.vm.common, b.env, {
    txs,
    stateRoot: await b.vm.stateManager.getStateRoot(),
    transactionsTrie: orderedTrieRoot(txs.map((t) => t.raw ?? t.tx.serialize())),
    receiptTrie: orderedTrieRoot(b.receipts),
    logsBloom: b.bloom.bitvector,
    gasUsed: b.gasUsed,
  });
  return { block, senders: txs.map((t) => t.sender.bytes), slot: b.slot };
}

function keyOf(head: BlockRecord, root: Uint8Array, ts: bigint): string {
  return `${bytesToHex(head.hash)}:${bytesToHex(root)}:${ts}`;
}

// ethereumjs keeps the depth private; the simulation pool reads it the same way.
function checkpointDepth(vm: VM): number | undefined {
  return (vm.stateManager as unknown as { _checkpointCount?: number })._checkpointCount;
}
