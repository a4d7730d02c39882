import { Block, createBlockHeader, type BlockHeader } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { Capability, type TypedTransaction } from "@ethereumjs/tx";
import { Bloom, encodeReceipt, runTx, type VM } from "@ethereumjs/vm";
import { LuxError, errorMessage } from "../errors";
import type { StoredLog, StoredReceipt } from "../storage/types";
import { orderedTrieRoot } from "./orderedTrieRoot";
import type { BlockEnv, ExecutionResult, SenderTx, TxSource } from "./types";

/** Smallest gas a transaction can use; below this remaining gas the block is full. */
export const TX_BASE_GAS = 21_000n;
/**
 * Longest stretch (ms) the builder runs before yielding to the event loop. Executing a transaction is
 * a chain of already-resolved promises (state reads are synchronous), so without a yield a large block
 * would hold every RPC request until it is done.
 */
export const BUILD_SLICE_MS = 4;
/**
 * Longest slice. After a yield the builder runs for as long as the event loop kept it waiting (within
 * [BUILD_SLICE_MS, MAX_BUILD_SLICE_MS]): under a stream of requests it gets about half the thread
 * instead of 4 ms per turn of however much RPC work piled up, so blocks keep up with admission.
 */
export const MAX_BUILD_SLICE_MS = 40;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The slices a long run of transactions is cut into: `due()` once the current slice has run out, then
 * `yield()` hands the event loop over and sizes the next slice by how long it was kept waiting.
 */
export class BuildSlices {
  private start = performance.now();
  private budget = BUILD_SLICE_MS;

  due(): boolean {
    return performance.now() - this.start > this.budget;
  }

  async yield(): Promise<void> {
    const away = performance.now();
    await yieldToEventLoop();
    this.start = performance.now();
    this.budget = Math.min(MAX_BUILD_SLICE_MS, Math.max(BUILD_SLICE_MS, this.start - away));
  }
}

/** Price per gas a transaction pays in a block with `baseFee`. */
export function effectiveGasPrice(tx: TypedTransaction, baseFee: bigint): bigint {
  if (tx.supports(Capability.EIP1559FeeMarket)) {
    const t = tx as TypedTransaction & { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
    const tip = t.maxPriorityFeePerGas < t.maxFeePerGas - baseFee ? t.maxPriorityFeePerGas : t.maxFeePerGas - baseFee;
    return baseFee + tip;
  }
  return (tx as TypedTransaction & { gasPrice: bigint }).gasPrice;
}

// The header fields a block's environment fixes before any transaction runs.
function envHeaderFields(env: BlockEnv) {
  return {
    parentHash: env.parentHash,
    number: env.number,
    timestamp: env.timestamp,
    coinbase: env.coinbase,
    baseFeePerGas: env.baseFeePerGas,
    gasLimit: env.gasLimit,
    mixHash: env.prevRandao,
    extraData: env.extraData,
  };
}

/** A header-only block: what each transaction sees of its block while the block is still being built. */
export function envBlock(common: Common, env: BlockEnv): Block {
  const header = createBlockHeader(envHeaderFields(env), { common });
  return new Block(header, [], [], [], { common });
}

/** Iterates a fixed list, failing on the first invalid transaction (block import). */
export function strictSource(txs: SenderTx[]): TxSource {
  let i = 0;
  return {
    next: () => txs[i++],
    reject: (tx, reason) => {
      throw new LuxError("INVALID_BLOCK", `invalid transaction ${i - 1} (${tx.tx.hash().length ? Buffer.from(tx.tx.hash()).toString("hex") : ""}): ${reason.message}`, { cause: reason });
    },
  };
}

/**
 * Runs transactions against a header-only block, tracking gas itself and computing the transaction and
 * receipt roots in one ordered pass at the end: linear in block size, unlike the stock builder which
 * re-creates the block for every added transaction. The whole block runs inside one state checkpoint,
 * so account changes reach the trie once, at the end, instead of once per transaction. `finish` runs
 * after the last transaction, inside the same checkpoint (the chain's end-of-block system calls).
 */
export async function executeBlock(vm: VM, env: BlockEnv, source: TxSource, finish?: (vm: VM, block: Block) => Promise<StoredLog[]>): Promise<ExecutionResult> {
  const block = envBlock(vm.common, env);
  const sm = vm.stateManager;
  const included: SenderTx[] = [];
  const receipts: StoredReceipt[] = [];
  const encodedTxs: Uint8Array[] = [];
  const encodedReceipts: Uint8Array[] = [];
  const bloom = new Bloom(undefined, vm.common);
  let gasUsed = 0n;
  let systemLogs: StoredLog[] = [];
  const slices = new BuildSlices();
  await sm.checkpoint();
  try {
    for (let item = source.next(); item !== undefined; item = source.next()) {
      if (slices.due()) await slices.yield();
      const { tx, sender } = item;
      if (env.gasLimit - gasUsed < TX_BASE_GAS) break;
      if (tx.gasLimit > env.gasLimit - gasUsed) {
        source.reject(item, new LuxError("GAS_LIMIT_EXCEEDED", "gas limit reached"));
        continue;
      }
      let result;
      try {
        result = await runTx(vm, { tx, block, blockGasUsed: gasUsed, skipHardForkValidation: true });
      } catch (err) {
        source.reject(item, err instanceof Error ? err : new Error(errorMessage(err)));
        continue;
      }
      gasUsed += result.totalGasSpent;
      bloom.or(result.bloom);
      const r = result.receipt;
      receipts.push({
        txHash: tx.hash(),
        type: tx.type,
        status: "status" in r ? Number(r.status) : 1,
        cumulativeGasUsed: r.cumulativeBlockGasUsed,
        gasUsed: result.totalGasSpent,
        effectiveGasPrice: effectiveGasPrice(tx, env.baseFeePerGas),
        from: sender.bytes,
        to: tx.to?.bytes,
        contractAddress: result.createdAddress?.bytes,
        logs: r.logs.map(([address, topics, data]) => ({ address, topics, data })),
      });
      included.push(item);
      encodedTxs.push(item.raw ?? tx.serialize());
      encodedReceipts.push(encodeReceipt(r, tx.type));
    }
    // End-of-block system calls (evidence → slashing): part of the state transition, outside gas and the
    // receipts root; their logs are returned apart (the chain serves them in a system receipt).
    if (finish) systemLogs = await finish(vm, block);
    await sm.commit();
  } catch (err) {
    await sm.revert();
    throw err;
  }
  const stateRoot = await sm.getStateRoot();
  return {
    txs: included,
    receipts,
    systemLogs,
    gasUsed,
    stateRoot,
    transactionsTrie: orderedTrieRoot(encodedTxs),
    receiptTrie: orderedTrieRoot(encodedReceipts),
    logsBloom: bloom.bitvector,
  };
}

/** What a sealed block is made of besides its environment. */
export type BlockContents = Pick<ExecutionResult, "txs" | "stateRoot" | "transactionsTrie" | "receiptTrie" | "logsBloom" | "gasUsed">;

/** The sealed execution block for an environment and its execution result. */
export function assembleBlock(common: Common, env: BlockEnv, res: BlockContents): Block {
  const header: BlockHeader = createBlockHeader(
    {
      ...envHeaderFields(env),
      stateRoot: res.stateRoot,
      transactionsTrie: res.transactionsTrie,
      receiptTrie: res.receiptTrie,
      logsBloom: res.logsBloom,
      gasUsed: res.gasUsed,
    },
    { common },
  );
  return new Block(header, res.txs.map((t) => t.tx), [], [], { common });
}
