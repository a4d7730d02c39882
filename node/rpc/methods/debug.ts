import { bytesToHex } from "@ethereumjs/util";
import { runTx } from "@ethereumjs/vm";
import { cappedGas, simulate } from "../../execution/call";
import { envBlock } from "../../execution/executor";
import { ExecutionGuard } from "../../execution/guard";
import { replayBlock, vmBefore } from "../../execution/replay";
import { parseTraceOptions, traceRun } from "../../execution/trace";
import { LuxError } from "../../errors";
import type { BlockRecord } from "../../chain/types";
import type { Json } from "../format";
import { blockRef, hash, isPending, object, optional } from "../params";
import { requireBlock, simulationVm } from "../resolve";
import type { TraceOptions } from "../../execution/trace";
import { applyStateOverrides } from "../../execution/overrides";
import { callBlockOverrides, stateOverrides, withBlockOverrides } from "./overrideParams";
import { placeOf } from "./parityTrace";
import { callRequest } from "./state";
import { method, type MethodSpec, type RpcContext } from "../types";

/** geth's debug_traceBlock* answer: one `{ txHash, result }` per transaction, in block order. */
async function traceBlock(ctx: RpcContext, rec: BlockRecord, opts: TraceOptions): Promise<Json> {
  // Genesis has no pre-state to replay on (geth refuses it the same way).
  if (rec.block.header.number === 0n) throw new LuxError("INVALID_PARAMS", "genesis is not traceable");
  const coinbase = rec.block.header.coinbase;
  const traces = await replayBlock(ctx.chain, rec, async (vm, tx, run, i) => ({ txHash: bytesToHex(tx.hash()), result: await traceRun(vm, opts, run, tx, coinbase, placeOf(rec, tx, i)) }));
  return traces as Json;
}

/**
 * geth's tracing methods on dev nodes: a mined transaction is replayed on its block's pre-state (after
 * the transactions before it), a whole block transaction by transaction, a call is run like eth_call;
 * all with struct logs or one of geth's native tracers (see traceRun).
 */
export const debugMethods: Record<string, MethodSpec> = {
  debug_traceTransaction: method([hash("txHash"), optional(object("options"))], async (ctx, [h, o]) => {
    const opts = parseTraceOptions(o);
    const loc = await ctx.chain.locateTx(h);
    const rec = loc ? await ctx.chain.getBlockByHash(loc.blockHash) : undefined;
    if (!loc || !rec) throw new LuxError("RESOURCE_NOT_FOUND", "transaction not found (or not mined yet)");
    const { vm, env, tx, gasUsed } = await vmBefore(ctx.chain, rec, loc.index);
    const block = envBlock(vm.common, env);
    return (await traceRun(vm, opts, () => runTx(vm, { tx, block, blockGasUsed: gasUsed, skipHardForkValidation: true }), tx, env.coinbase, placeOf(rec, tx, loc.index))) as Json;
  }),
  debug_traceBlockByNumber: method([blockRef("block"), optional(object("options"))], async (ctx, [ref, o]) => {
    const opts = parseTraceOptions(o);
    if (isPending(ref)) throw new LuxError("INVALID_PARAMS", "the pending block is not mined: trace a mined block, or its transactions with debug_traceCall");
    return traceBlock(ctx, await requireBlock(ctx, ref), opts);
  }),
  debug_traceBlockByHash: method([hash("blockHash"), optional(object("options"))], async (ctx, [h, o]) => {
    const opts = parseTraceOptions(o);
    const rec = await ctx.chain.getBlockByHash(h);
    if (!rec) throw new LuxError("RESOURCE_NOT_FOUND", `block ${bytesToHex(h)} not found`);
    return traceBlock(ctx, rec, opts);
  }),
  debug_traceCall: method([object("transaction"), optional(blockRef("block")), optional(object("options"))], async (ctx, [t, ref, o], _conn, scope) => {
    const opts = parseTraceOptions(o);
    // geth's TraceCallConfig: the trace options plus the state and block overrides of eth_call.
    const overrides = o?.stateOverrides === undefined || o.stateOverrides === null ? undefined : stateOverrides("stateOverrides").parse(o.stateOverrides);
    const block = o?.blockOverrides === undefined || o.blockOverrides === null ? undefined : callBlockOverrides("blockOverrides").parse(o.blockOverrides);
    const req = callRequest(t);
    const rec = await requireBlock(ctx, ref);
    return ctx.simulations.run(scope.signal, async () => {
      const sim = await simulationVm(ctx, rec, isPending(ref));
      const { vm } = sim;
      const env = withBlockOverrides(sim.env, block);
      if (overrides) await applyStateOverrides(vm.stateManager, overrides);
      const guard = new ExecutionGuard({ timeoutMs: ctx.limits.evmTimeoutMs, signal: scope.signal });
      return (await traceRun(vm, opts, () => simulate(vm, env, req, cappedGas(req, ctx.limits.gasCap), guard), undefined, env.coinbase)) as Json;
    });
  }),
};
