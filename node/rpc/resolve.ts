import type { VM } from "@ethereumjs/vm";
import { createZeroAddress } from "@ethereumjs/util";
import type { BlockRecord } from "../chain/types";
import { LuxError } from "../errors";
import type { LuxStateManager } from "../execution/stateManager";
import type { BlockEnv } from "../execution/types";
import type { BlockRef } from "./params";
import { PendingBlock } from "./pendingBlock";
import { SimulationPool } from "./simPool";
import type { RpcContext } from "./types";

/** The block a reference names; "finalized" is the last final block, "safe" the highest justified one. */
export async function resolveBlock(ctx: RpcContext, ref: BlockRef | undefined): Promise<BlockRecord | undefined> {
  const r = ref ?? { kind: "tag", tag: "latest" };
  if (r.kind === "hash") return ctx.chain.getBlockByHash(r.hash);
  if (r.kind === "number") return ctx.chain.getBlockByNumber(r.number);
  if (r.tag === "earliest") return ctx.chain.getBlockByNumber(0n);
  if (r.tag === "finalized") return ctx.chain.getBlockByNumber(ctx.chain.finalized.number);
  if (r.tag === "safe") return ctx.chain.getBlockByNumber(ctx.chain.justified.number > ctx.chain.head.block.header.number ? ctx.chain.head.block.header.number : ctx.chain.justified.number);
  return ctx.chain.head;
}

/** Like resolveBlock but a missing block is an error (state queries need one). */
export async function requireBlock(ctx: RpcContext, ref: BlockRef | undefined): Promise<BlockRecord> {
  const rec = await resolveBlock(ctx, ref);
  if (!rec) throw new LuxError("RESOURCE_NOT_FOUND", "header not found");
  return rec;
}

/** Read-only state at a block; the head's copy is shared until the head moves (hot path of wallets). */
export async function stateAt(ctx: RpcContext, rec: BlockRecord): Promise<LuxStateManager> {
  return rec === ctx.chain.head ? ctx.chain.headState() : ctx.chain.stateAt(rec);
}

/**
 * A fresh VM on a block's post-state for simulations (eth_call, eth_estimateGas). Like geth, a call at a
 * block runs in that block's own environment (NUMBER, TIMESTAMP, BASEFEE are the block's: a contract's
 * `clock()` at "latest" is the latest number); at "pending" it runs in the environment of the next block,
 * on the pending block's state when the pool has executable transactions (see PendingBlock).
 */
export async function simulationVm(ctx: RpcContext, rec: BlockRecord, pending = false): Promise<{ vm: VM; env: BlockEnv }> {
  const pb = pendingOn(ctx, rec, pending);
  if (pb) return pb.fresh();
  const sm = await ctx.chain.stateAt(rec);
  const vm = await ctx.chain.createVm(sm);
  return { vm, env: simulationEnv(ctx, rec, pending) };
}

const pools = new WeakMap<object, SimulationPool>();

/**
 * Like simulationVm, but the VM may be one a previous request used on the same state (warm caches, no
 * setup); the caller must `release` it when done and must not give it state overrides or tracing hooks.
 */
export async function pooledSimulationVm(ctx: RpcContext, rec: BlockRecord, pending = false): Promise<{ vm: VM; env: BlockEnv; release(): void }> {
  const pb = pendingOn(ctx, rec, pending);
  if (pb) return pb.acquire();
  let pool = pools.get(ctx.chain);
  if (!pool) pools.set(ctx.chain, (pool = new SimulationPool()));
  // The root chain.stateAt builds on (the head's includes dev-mode edits), read in the same tick.
  const root = rec === ctx.chain.head ? ctx.chain.headStateRoot() : rec.block.header.stateRoot;
  const lent = await pool.acquire(root, async () => ctx.chain.createVm(await ctx.chain.stateAt(rec)));
  return { vm: lent.vm, env: simulationEnv(ctx, rec, pending), release: lent.release };
}

const pendingBlocks = new WeakMap<object, PendingBlock>();

/** The node's pending block (head + executable pool transactions, see PendingBlock). */
export function pendingBlock(ctx: RpcContext): PendingBlock {
  let pb = pendingBlocks.get(ctx.chain);
  if (!pb) pendingBlocks.set(ctx.chain, (pb = new PendingBlock(ctx.chain, ctx.pool, (head) => nextTimestamp(ctx, head))));
  return pb;
}

/** The pending block when a request at `rec` asks for it and it differs from the head's state. */
export function pendingOn(ctx: RpcContext, rec: BlockRecord, pending: boolean): PendingBlock | undefined {
  if (!pending || rec !== ctx.chain.head) return undefined;
  const pb = pendingBlock(ctx);
  return pb.hasTransactions() ? pb : undefined;
}

/**
 * Timestamp of the next block as simulations see it: now, after the parent's; on a devnet the dev
 * clock's (evm_increaseTime, and evm_setNextBlockTimestamp's value once set, as Hardhat's pending block).
 */
function nextTimestamp(ctx: RpcContext, parent: BlockRecord): bigint {
  if (ctx.dev) return ctx.dev.clock.timestamp(parent, Date.now());
  const now = BigInt(Math.floor(Date.now() / 1000));
  return now > parent.block.header.timestamp ? now : parent.block.header.timestamp + 1n;
}

function simulationEnv(ctx: RpcContext, rec: BlockRecord, pending: boolean): BlockEnv {
  if (!pending) {
    const h = rec.block.header;
    return {
      parentHash: h.parentHash, number: h.number, timestamp: h.timestamp, coinbase: h.coinbase, baseFeePerGas: h.baseFeePerGas ?? 0n,
      gasLimit: h.gasLimit, prevRandao: h.mixHash, extraData: h.extraData,
    };
  }
  return ctx.chain.childEnv(rec, rec.slot + 1n, createZeroAddress(), nextTimestamp(ctx, rec));
}
