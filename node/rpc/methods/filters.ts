import { bytesToHex } from "@ethereumjs/util";
import { LuxError } from "../../errors";
import type { Json } from "../format";
import { WorkSlicer, parseLogCriteria, queryLogs } from "../logs";
import { bool, object, optional, str, type Param } from "../params";
import type { SubscriptionOptions } from "../subscriptions";
import { method, type MethodSpec, type RequestScope, type RpcContext } from "../types";

const SUB_KINDS = new Set(["newHeads", "logs", "newPendingTransactions"]);
/** Block hashes one poll of a block filter returns at most (the newest ones). */
const MAX_BLOCK_HASHES = 10_000n;

async function filterChanges(ctx: RpcContext, id: string, scope: RequestScope): Promise<Json> {
  const p = ctx.filters.poll(id);
  if (p.kind === "pendingTx") return p.txs;
  if (p.kind === "logs") {
    // New blocks only, within the filter's own numeric range when it has one.
    const c = p.criteria;
    const from = c.fromBlock?.kind === "number" && c.fromBlock.number > p.from ? c.fromBlock.number : p.from;
    const to = c.toBlock?.kind === "number" && c.toBlock.number < p.to ? c.toBlock.number : p.to;
    if (from > to) return p.removed;
    return [...p.removed, ...(await queryLogs(ctx, { ...c, fromBlock: { kind: "number", number: from }, toBlock: { kind: "number", number: to } }, scope))];
  }
  const from = p.to - p.from + 1n > MAX_BLOCK_HASHES ? p.to - MAX_BLOCK_HASHES + 1n : p.from;
  const slicer = new WorkSlicer(scope.signal);
  const out: Json[] = [];
  for (let n = from; n <= p.to; n++) {
    await slicer.step();
    const h = await ctx.chain.store.getCanonicalHash(n);
    if (h) out.push(bytesToHex(h));
  }
  return out;
}

/** eth_subscribe's second parameter: a log filter (logs) or geth's full-transactions flag (newPendingTransactions). */
const subscriptionOption: Param<Record<string, unknown> | boolean> = {
  name: "options",
  parse: (v) => (typeof v === "boolean" ? v : object("options").parse(v)),
};

function subscriptionOptions(ctx: RpcContext, kind: string, opt: Record<string, unknown> | boolean | undefined): SubscriptionOptions {
  if (kind === "logs") {
    if (typeof opt === "boolean") throw new LuxError("INVALID_PARAMS", "invalid argument options: a logs subscription takes a filter object");
    return { criteria: parseLogCriteria(opt ?? {}, ctx.limits) };
  }
  if (kind === "newPendingTransactions") {
    if (opt !== undefined && typeof opt !== "boolean") throw new LuxError("INVALID_PARAMS", "invalid argument options: newPendingTransactions takes true (whole transactions) or false (hashes)");
    return { fullTx: opt === true };
  }
  if (opt !== undefined) throw new LuxError("INVALID_PARAMS", `invalid argument options: ${kind} takes no options`);
  return {};
}

/** Polling filters and WebSocket subscriptions. */
export const filterMethods: Record<string, MethodSpec> = {
  eth_newFilter: method([object("filter")], (ctx, [f]) => ctx.filters.install("logs", f)),
  eth_newBlockFilter: method([], (ctx) => ctx.filters.install("block")),
  // geth's optional flag: true answers whole transactions (as the WebSocket subscription's `true`).
  eth_newPendingTransactionFilter: method([optional(bool("fullTx"))], (ctx, [fullTx]) => ctx.filters.install("pendingTx", undefined, fullTx === true)),
  eth_getFilterChanges: method([str("filterId")], (ctx, [id], _conn, scope) => filterChanges(ctx, id, scope)),
  eth_getFilterLogs: method([str("filterId")], async (ctx, [id], _conn, scope) => queryLogs(ctx, ctx.filters.criteria(id), scope)),
  eth_uninstallFilter: method([str("filterId")], (ctx, [id]) => ctx.filters.uninstall(id)),
  eth_subscribe: method([str("kind"), optional(subscriptionOption)], (ctx, [kind, opt], conn) => {
    if (!conn) throw new LuxError("METHOD_NOT_FOUND", "notifications not supported over HTTP: use a WebSocket");
    if (!SUB_KINDS.has(kind)) throw new LuxError("INVALID_PARAMS", `invalid argument kind: unsupported subscription ${kind}`);
    const options = subscriptionOptions(ctx, kind, opt);
    if (conn.subscriptions >= ctx.limits.wsMaxSubscriptions) {
      throw new LuxError("LIMIT_EXCEEDED", `too many subscriptions on this connection: limit ${ctx.limits.wsMaxSubscriptions} (--ws-max-subscriptions)`);
    }
    return ctx.filters.subscribe(conn, kind as "logs", options);
  }),
  eth_unsubscribe: method([str("subscriptionId")], (ctx, [id], conn) => {
    if (!conn) throw new LuxError("METHOD_NOT_FOUND", "notifications not supported over HTTP: use a WebSocket");
    return ctx.filters.unsubscribe(conn, id);
  }),
};
