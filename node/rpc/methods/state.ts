import { KECCAK256_NULL_S, KECCAK256_RLP_S, bytesToHex, setLengthLeft, bigIntToBytes, type Account } from "@ethereumjs/util";
import { call, createAccessList, estimateGas, type CallRequest } from "../../execution/call";
import { applyStateOverrides, type AccountOverride } from "../../execution/overrides";
import { ExecutionGuard } from "../../execution/guard";
import { LuxError } from "../../errors";
import { hexQ, type Json } from "../format";
import { address, blockRef, data, isPending, member, object, optional, quantity, type BlockRef } from "../params";
import type { VM } from "@ethereumjs/vm";
import type { StateManagerInterface } from "@ethereumjs/common";
import type { BlockRecord } from "../../chain/types";
import type { BlockEnv } from "../../execution/types";
import { pendingOn, pooledSimulationVm, requireBlock, simulationVm, stateAt } from "../resolve";
import { callBlockOverrides, stateOverrides, withBlockOverrides } from "./overrideParams";
import type { SimBlockOverrides } from "../../execution/simulateBlocks";
import { method, type MethodSpec, type RequestScope, type RpcContext } from "../types";

const STORAGE_SLOT_BYTES = 32;

type StateReader = Pick<StateManagerInterface, "getAccount" | "getCode" | "getStorage">;

const ADDRESS_HEX = /^0x[0-9a-fA-F]{40}$/;
const WORD_HEX = /^0x[0-9a-fA-F]{64}$/;

/** An EIP-2930 access list as sent in a call object, checked item by item. */
function accessListOf(v: unknown): CallRequest["accessList"] {
  if (v === undefined || v === null) return undefined;
  const bad = (why: string): never => {
    throw new LuxError("INVALID_PARAMS", `invalid argument accessList: ${why}`);
  };
  if (!Array.isArray(v)) return bad("expected an array");
  return v.map((item: unknown, i) => {
    const e = item as { address?: unknown; storageKeys?: unknown } | null;
    if (e === null || typeof e !== "object" || typeof e.address !== "string" || !ADDRESS_HEX.test(e.address)) return bad(`item ${i}: expected { address: 20-byte hex, storageKeys: [32-byte hex] }`);
    const keys = e.storageKeys ?? [];
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string" && WORD_HEX.test(k))) return bad(`item ${i}: storageKeys must be an array of 32-byte hex slots`);
    return { address: e.address as `0x${string}`, storageKeys: keys as `0x${string}`[] };
  });
}

export function callRequest(o: Record<string, unknown>): CallRequest {
  const input = member(o, "input", data) ?? member(o, "data", data);
  const accessList = accessListOf(o.accessList);
  return {
    from: member(o, "from", address),
    to: member(o, "to", address),
    gas: member(o, "gas", quantity),
    value: member(o, "value", quantity),
    data: input,
    accessList,
  };
}

/** A time-out and cancellation guard for one simulation, started when its slot is granted. */
function guardFor(ctx: RpcContext, scope: RequestScope): ExecutionGuard {
  return new ExecutionGuard({ timeoutMs: ctx.limits.evmTimeoutMs, signal: scope.signal });
}

/**
 * A simulation VM at `rec`. With state overrides: a fresh one, the overrides applied to its own copy of
 * the state. Without: one lent by the pool (warm caches of earlier requests on the same state). Either
 * way `release` must be called when the request is done.
 */
async function overriddenVm(ctx: RpcContext, rec: BlockRecord, pending: boolean, overrides: AccountOverride[] | undefined): Promise<{ vm: VM; env: BlockEnv; release(): void }> {
  if (!overrides) return pooledSimulationVm(ctx, rec, pending);
  const sim = await simulationVm(ctx, rec, pending);
  await applyStateOverrides(sim.vm.stateManager, overrides);
  return { ...sim, release: () => undefined };
}

/** Runs `fn` on a simulation VM at `rec` (see overriddenVm) and releases it. */
async function withSimulationVm<T>(ctx: RpcContext, rec: BlockRecord, pending: boolean, overrides: AccountOverride[] | undefined, fn: (vm: VM, env: BlockEnv) => Promise<T>, block?: SimBlockOverrides): Promise<T> {
  const sim = await overriddenVm(ctx, rec, pending, overrides);
  try {
    return await fn(sim.vm, withBlockOverrides(sim.env, block));
  } finally {
    sim.release();
  }
}

function trieAccountJson(a: Account | undefined): Json {
  return {
    balance: hexQ(a?.balance ?? 0n),
    nonce: hexQ(a?.nonce ?? 0n),
    codeHash: a ? bytesToHex(a.codeHash) : KECCAK256_NULL_S,
    storageRoot: a ? bytesToHex(a.storageRoot) : KECCAK256_RLP_S,
  };
}

/**
 * The state a read names; at "pending", the pending block's (head + executable pool transactions).
 * `storageRoots`: the pending writes are flushed first (in memory), so accounts carry their storage roots.
 */
async function readState<T>(ctx: RpcContext, ref: BlockRef | undefined, read: (sm: StateReader) => Promise<T>, storageRoots = false): Promise<T> {
  const rec = await requireBlock(ctx, ref);
  const pb = pendingOn(ctx, rec, isPending(ref));
  if (!pb) return read(await stateAt(ctx, rec));
  const lent = await pb.acquire();
  try {
    if (storageRoots) await lent.vm.stateManager.getStateRoot();
    return await read(lent.vm.stateManager);
  } finally {
    lent.release();
  }
}

/**
 * eth_estimateGas: the gas `req` needs at `ref`. Without a block, for the next block (Hardhat's
 * default): a transaction sent now lands there, after the pool's (the pending block).
 */
export async function estimate(ctx: RpcContext, req: CallRequest, ref: BlockRef | undefined, overrides: AccountOverride[] | undefined, scope: RequestScope, block?: SimBlockOverrides): Promise<bigint> {
  const rec = await requireBlock(ctx, ref);
  return ctx.simulations.run(scope.signal, () =>
    withSimulationVm(ctx, rec, ref === undefined || isPending(ref), overrides, (vm, env) => estimateGas(vm, env, req, ctx.limits.gasCap, guardFor(ctx, scope)), block));
}

/** Account and contract state reads, eth_call and eth_estimateGas. */
export const stateMethods: Record<string, MethodSpec> = {
  eth_getBalance: method(
    [address("address"), optional(blockRef("block"))],
    (ctx, [addr, ref]) => readState(ctx, ref, async (sm) => hexQ((await sm.getAccount(addr))?.balance ?? 0n)),
  ),
  eth_getTransactionCount: method(
    [address("address"), optional(blockRef("block"))],
    async (ctx, [addr, ref]) => {
      const sm = await stateAt(ctx, await requireBlock(ctx, ref));
      const nonce = (await sm.getAccount(addr))?.nonce ?? 0n;
      if (isPending(ref)) return hexQ(ctx.pool.pendingNonce(addr.toString(), nonce));
      return hexQ(nonce);
    },
  ),
  // The account as the state trie holds it (reth, anvil); an absent one reads as empty.
  eth_getAccount: method([address("address"), optional(blockRef("block"))], (ctx, [addr, ref]) =>
    readState(ctx, ref, async (sm) => trieAccountJson(await sm.getAccount(addr)), true)),
  // anvil's: balance, nonce and code in one request.
  eth_getAccountInfo: method([address("address"), optional(blockRef("block"))], (ctx, [addr, ref]) =>
    readState(ctx, ref, async (sm) => {
      const a = await sm.getAccount(addr);
      return { balance: hexQ(a?.balance ?? 0n), nonce: hexQ(a?.nonce ?? 0n), code: bytesToHex(await sm.getCode(addr)) };
    })),
  eth_getCode: method([address("address"), optional(blockRef("block"))], (ctx, [addr, ref]) =>
    readState(ctx, ref, async (sm) => bytesToHex(await sm.getCode(addr)))),
  eth_getStorageAt: method([address("address"), quantity("slot"), optional(blockRef("block"))], (ctx, [addr, slot, ref]) =>
    readState(ctx, ref, async (sm) => {
      const key = setLengthLeft(bigIntToBytes(slot), STORAGE_SLOT_BYTES);
      const account = await sm.getAccount(addr);
      const value = account ? await sm.getStorage(addr, key) : new Uint8Array(0);
      return bytesToHex(setLengthLeft(value, STORAGE_SLOT_BYTES));
    })),
  eth_call: method(
    [object("transaction"), optional(blockRef("block")), optional(stateOverrides("stateOverrides")), optional(callBlockOverrides("blockOverrides"))],
    async (ctx, [tx, ref, overrides, block], _conn, scope) => {
      const req = callRequest(tx);
      const rec = await requireBlock(ctx, ref);
      return ctx.simulations.run(scope.signal, async () => {
        return withSimulationVm(ctx, rec, isPending(ref), overrides, async (vm, env) => bytesToHex(await call(vm, env, req, ctx.limits.gasCap, guardFor(ctx, scope))), block);
      });
    },
  ),
  eth_estimateGas: method(
    [object("transaction"), optional(blockRef("block")), optional(stateOverrides("stateOverrides")), optional(callBlockOverrides("blockOverrides"))],
    async (ctx, [tx, ref, overrides, block], _conn, scope) => hexQ(await estimate(ctx, callRequest(tx), ref, overrides, scope, block)),
  ),
  eth_createAccessList: method([object("transaction"), optional(blockRef("block")), optional(stateOverrides("stateOverrides"))], async (ctx, [tx, ref, overrides], _conn, scope) => {
    const req = callRequest(tx);
    const rec = await requireBlock(ctx, ref);
    return ctx.simulations.run(scope.signal, async () => {
      // geth's default block is "pending" here: the list is for a transaction about to be sent.
      const res = await withSimulationVm(ctx, rec, ref === undefined || isPending(ref), overrides, (vm, env) => createAccessList(vm, env, req, ctx.limits.gasCap, guardFor(ctx, scope)));
      const out: Record<string, Json> = { accessList: res.accessList.map((e) => ({ address: e.address, storageKeys: e.storageKeys })), gasUsed: hexQ(res.gasUsed) };
      if (res.error !== undefined) out.error = res.error;
      return out;
    });
  }),
};
