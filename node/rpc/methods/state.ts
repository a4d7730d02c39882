import { bytesToHex, setLengthLeft, bigIntToBytes } from "@ethereumjs/util";
import { call, estimateGas, type CallRequest } from "../../execution/call";
import { ExecutionGuard } from "../../execution/guard";
import { LuxError } from "../../errors";
import { hexQ } from "../format";
import { address, blockRef, data, member, object, optional, quantity, type BlockRef } from "../params";
import { requireBlock, simulationVm, stateAt } from "../resolve";
import { method, type MethodSpec, type RequestScope, type RpcContext } from "../types";

const STORAGE_SLOT_BYTES = 32;

/** A "pending" reference: simulations then run in the next block's environment. */
function isPending(ref: BlockRef | undefined): boolean {
  return ref?.kind === "tag" && ref.tag === "pending";
}

export function callRequest(o: Record<string, unknown>): CallRequest {
  const input = member(o, "input", data) ?? member(o, "data", data);
  const accessList = o.accessList as CallRequest["accessList"] | undefined;
  if (accessList !== undefined && !Array.isArray(accessList)) throw new LuxError("INVALID_PARAMS", "invalid argument accessList: expected an array");
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

/** Account and contract state reads, eth_call and eth_estimateGas. */
export const stateMethods: Record<string, MethodSpec> = {
  eth_getBalance: method(
    [address("address"), optional(blockRef("block"))],
    async (ctx, [addr, ref]) => {
      const sm = await stateAt(ctx, await requireBlock(ctx, ref));
      return hexQ((await sm.getAccount(addr))?.balance ?? 0n);
    },
  ),
  eth_getTransactionCount: method(
    [address("address"), optional(blockRef("block"))],
    async (ctx, [addr, ref]) => {
      const sm = await stateAt(ctx, await requireBlock(ctx, ref));
      const nonce = (await sm.getAccount(addr))?.nonce ?? 0n;
      if (ref?.kind === "tag" && ref.tag === "pending") return hexQ(ctx.pool.pendingNonce(addr.toString(), nonce));
      return hexQ(nonce);
    },
  ),
  eth_getCode: method([address("address"), optional(blockRef("block"))], async (ctx, [addr, ref]) => {
    const sm = await stateAt(ctx, await requireBlock(ctx, ref));
    return bytesToHex(await sm.getCode(addr));
  }),
  eth_getStorageAt: method([address("address"), quantity("slot"), optional(blockRef("block"))], async (ctx, [addr, slot, ref]) => {
    const sm = await stateAt(ctx, await requireBlock(ctx, ref));
    const key = setLengthLeft(bigIntToBytes(slot), STORAGE_SLOT_BYTES);
    const account = await sm.getAccount(addr);
    const value = account ? await sm.getStorage(addr, key) : new Uint8Array(0);
    return bytesToHex(setLengthLeft(value, STORAGE_SLOT_BYTES));
  }),
  eth_call: method([object("transaction"), optional(blockRef("block"))], async (ctx, [tx, ref], _conn, scope) => {
    const req = callRequest(tx);
    const rec = await requireBlock(ctx, ref);
    return ctx.simulations.run(scope.signal, async () => {
      const { vm, env } = await simulationVm(ctx, rec, isPending(ref));
      return bytesToHex(await call(vm, env, req, ctx.limits.gasCap, guardFor(ctx, scope)));
    });
  }),
  eth_estimateGas: method([object("transaction"), optional(blockRef("block"))], async (ctx, [tx, ref], _conn, scope) => {
    const req = callRequest(tx);
    const rec = await requireBlock(ctx, ref);
    return ctx.simulations.run(scope.signal, async () => {
      // Without a block, estimate for the next block (Hardhat's default): a transaction sent now lands there.
      const { vm, env } = await simulationVm(ctx, rec, ref === undefined || isPending(ref));
      return hexQ(await estimateGas(vm, env, req, ctx.limits.gasCap, guardFor(ctx, scope)));
    });
  }),
};
