import { bytesToHex } from "@ethereumjs/util";
import type { VM } from "@ethereumjs/vm";
import type { BlockRecord } from "../../chain/types";
import { LuxError } from "../../errors";
import { ExecutionGuard } from "../../execution/guard";
import { isolateWrites } from "../../execution/overlayTrieDb";
import { simulateBlocks, type SimBase, type SimBlockResult } from "../../execution/simulateBlocks";
import type { SimCallResult } from "../../execution/simulateCall";
import { RpcCode } from "../errors";
import { formatBlock, formatLog, hexQ, type Json } from "../format";
import { blockRef, isPending, optional } from "../params";
import { pendingBlock, requireBlock } from "../resolve";
import { method, type MethodSpec, type RpcContext } from "../types";
import { simulatePayload, type SimulatePayload } from "./simulateParams";

const MS_PER_SECOND = 1000;

/** Seconds between simulated blocks whose time is not overridden: the spec's "network block time". */
function blockTime(ctx: RpcContext): bigint {
  const s = Math.ceil(ctx.config.slotTimeMs / MS_PER_SECOND);
  return BigInt(s > 1 ? s : 1);
}

/** geth's CallDefaults: a call naming another chain id is refused. */
function checkChainIds(ctx: RpcContext, p: SimulatePayload): void {
  for (const { where, chainId } of p.chainIds) {
    if (chainId !== ctx.config.chainId) {
      throw new LuxError("INVALID_PARAMS", `invalid argument ${where}: chainId does not match node's (have=${chainId}, want=${ctx.config.chainId})`);
    }
  }
}

/** A call's result in geth's shape; `nextLogIndex` numbers logs across the block. */
function callJson(c: SimCallResult, i: number, b: SimBlockResult, nextLogIndex: () => number): Json {
  const h = b.block.header;
  const txHash = c.tx.hash();
  const logs = c.logs.map((l) => ({
    ...(formatLog(l, { blockHash: b.hash, blockNumber: h.number, txHash, txIndex: i, logIndex: nextLogIndex() }) as Record<string, Json>),
    blockTimestamp: hexQ(h.timestamp),
  }));
  const out: Record<string, Json> = { returnData: bytesToHex(c.returnData), logs, gasUsed: hexQ(c.gasUsed), maxUsedGas: hexQ(c.maxUsedGas), status: hexQ(c.status) };
  if (c.error?.kind === "revert") out.error = { code: RpcCode.EXECUTION_REVERTED, message: c.error.message, data: bytesToHex(c.error.data ?? new Uint8Array(0)) };
  else if (c.error) out.error = { code: RpcCode.VM_ERROR, message: c.error.message };
  return out;
}

/** Where the simulated blocks start: a mined block, or the pending block (not in the chain). */
interface Base {
  vm: VM;
  sim: SimBase;
  slot: bigint;
}

/**
 * A private VM on the state of `rec`, isolated from the chain's database. At "pending" it is the pending
 * block's, and the simulated blocks follow it (geth's pending state and header): the pool's executable
 * transactions count, and the first simulated block is the one after the pending block.
 */
async function simulationBase(ctx: RpcContext, rec: BlockRecord, pending: boolean): Promise<Base> {
  if (pending && rec === ctx.chain.head) {
    const { vm, view } = await pendingBlock(ctx).freshView();
    return { vm, sim: { header: view.block.header, hash: view.block.hash() }, slot: view.slot };
  }
  const sm = await ctx.chain.stateAt(rec);
  isolateWrites(sm);
  return { vm: await ctx.chain.createVm(sm), sim: { header: rec.block.header, hash: rec.hash }, slot: rec.slot };
}

/** A simulated block as eth_getBlockByNumber shows a block (`slot` counted on from the base), plus `calls`. */
function blockJson(b: SimBlockResult, base: Base, fullTxs: boolean): Json {
  const rec: BlockRecord = {
    block: b.block, hash: b.hash, slot: base.slot + (b.block.header.number - base.sim.header.number),
    signature: new Uint8Array(0), reveal: new Uint8Array(0), votes: [], evidence: [], senders: b.calls.map((c) => c.from.bytes),
  };
  let logIndex = 0;
  return { ...(formatBlock(rec, fullTxs) as Record<string, Json>), calls: b.calls.map((c, i) => callJson(c, i, b, () => logIndex++)) };
}

/**
 * eth_simulateV1 (execution-apis; geth 1.14.9+): blocks of calls on top of a block, each block on the
 * previous one's state, with block and state overrides. It runs in a simulation slot on a private VM
 * whose state writes stay in memory (isolateWrites): the chain, its state and its database are never
 * touched. The node's gas cap bounds all calls together and its EVM time-out the whole request, as geth.
 */
export const simulateMethods: Record<string, MethodSpec> = {
  eth_simulateV1: method([simulatePayload("payload"), optional(blockRef("block"))], async (ctx, [payload, ref], _conn, scope) => {
    checkChainIds(ctx, payload);
    const rec = await requireBlock(ctx, ref);
    return ctx.simulations.run(scope.signal, async () => {
      const base = await simulationBase(ctx, rec, isPending(ref));
      const guard = new ExecutionGuard({ timeoutMs: ctx.limits.evmTimeoutMs, signal: scope.signal });
      const opts = { validation: payload.validation, traceTransfers: payload.traceTransfers, gasCap: ctx.limits.gasCap, blockTime: blockTime(ctx) };
      const blocks = await simulateBlocks(base.vm, base.sim, payload.blocks, opts, guard);
      return blocks.map((b) => blockJson(b, base, payload.returnFullTransactions));
    });
  }),
};
