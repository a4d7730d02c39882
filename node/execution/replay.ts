import { createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { Address } from "@ethereumjs/util";
import { runTx, type RunTxResult, type VM } from "@ethereumjs/vm";
import type { Chain } from "../chain/chain";
import type { BlockRecord } from "../chain/types";
import { LuxError } from "../errors";
import { envBlock } from "./executor";
import { isolateWrites } from "./overlayTrieDb";
import type { BlockEnv } from "./types";

/** The environment a mined block's transactions ran in, read back from its header. */
export function blockEnvOf(rec: BlockRecord): BlockEnv {
  const h = rec.block.header;
  return {
    parentHash: h.parentHash, number: h.number, timestamp: h.timestamp, coinbase: h.coinbase, baseFeePerGas: h.baseFeePerGas ?? 0n,
    gasLimit: h.gasLimit, prevRandao: h.mixHash, extraData: h.extraData,
  };
}

// A block read back from the store holds frozen transactions that would recover their sender again
// (and an impersonated one's placeholder signature recovers to someone else): pin the stored sender.
function withSender(tx: TypedTransaction, sender: Uint8Array, vm: VM): TypedTransaction {
  const copy = createTxFromRLP(tx.serialize(), { common: vm.common, freeze: false });
  const from = new Address(sender);
  Object.defineProperty(copy, "getSenderAddress", { value: () => from, enumerable: false });
  return copy;
}

/**
 * A VM on a block's pre-state for re-execution. runTx flushes to the trie after each transaction at
 * checkpoint depth 0; those writes stay in memory instead of joining the chain's next database batch.
 */
async function replayVm(chain: Chain, rec: BlockRecord): Promise<VM> {
  const sm = await chain.stateBefore(rec);
  isolateWrites(sm);
  return chain.createVm(sm);
}

/** A VM positioned right before transaction `index` of a mined block: its pre-state plus the transactions before it. */
export async function vmBefore(chain: Chain, rec: BlockRecord, index: number): Promise<{ vm: VM; env: BlockEnv; tx: TypedTransaction; gasUsed: bigint }> {
  const txs = rec.block.transactions;
  if (index < 0 || index >= txs.length) throw new LuxError("RESOURCE_NOT_FOUND", `block ${rec.block.header.number} has no transaction ${index}`);
  const vm = await replayVm(chain, rec);
  const env = blockEnvOf(rec);
  const block = envBlock(vm.common, env);
  let gasUsed = 0n;
  for (let i = 0; i < index; i++) {
    const r = await runTx(vm, { tx: withSender(txs[i], rec.senders[i], vm), block, blockGasUsed: gasUsed, skipHardForkValidation: true });
    gasUsed += r.totalGasSpent;
  }
  return { vm, env, tx: withSender(txs[index], rec.senders[index], vm), gasUsed };
}

/**
 * Re-executes every transaction of a mined block on its pre-state, in order, handing each run to
 * `each` (a tracer wraps it) and collecting what it returns; the state carries from one to the next.
 */
export async function replayBlock<T>(chain: Chain, rec: BlockRecord, each: (vm: VM, tx: TypedTransaction, run: () => Promise<RunTxResult>, index: number) => Promise<T>): Promise<T[]> {
  const vm = await replayVm(chain, rec);
  const block = envBlock(vm.common, blockEnvOf(rec));
  const out: T[] = [];
  let gasUsed = 0n;
  for (let i = 0; i < rec.block.transactions.length; i++) {
    const tx = withSender(rec.block.transactions[i], rec.senders[i], vm);
    out.push(
      await each(vm, tx, async () => {
        const r = await runTx(vm, { tx, block, blockGasUsed: gasUsed, skipHardForkValidation: true });
        gasUsed += r.totalGasSpent;
        return r;
      }, i),
    );
  }
  return out;
}

/** Re-executes transaction `index` of a mined block exactly as it ran (for its revert data and for tracing). */
export async function replayTx(chain: Chain, rec: BlockRecord, index: number): Promise<RunTxResult> {
  const { vm, env, tx, gasUsed } = await vmBefore(chain, rec, index);
  return runTx(vm, { tx, block: envBlock(vm.common, env), blockGasUsed: gasUsed, skipHardForkValidation: true });
}
