import { LuxError } from "../../errors";
import { parseLogCriteria, queryLogs } from "../logs";
import { object, optional, str } from "../params";
import { method, type MethodSpec } from "../types";

const SUB_KINDS = new Set(["newHeads", "logs", "newPendingTransactions"]);

/** Polling filters and WebSocket subscriptions. */
export const filterMethods: Record<string, MethodSpec> = {
  eth_newFilter: method([object("filter")], (ctx, [f]) => ctx.filters.install("logs", parseLogCriteria(f, ctx.limits))),
  eth_newBlockFilter: method([], (ctx) => ctx.filters.install("block")),
  eth_newPendingTransactionFilter: method([], (ctx) => ctx.filters.install("pendingTx")),
  eth_getFilterChanges: method([str("filterId")], (ctx, [id]) => ctx.filters.changes(id)),
  eth_getFilterLogs: method([str("filterId")], async (ctx, [id], _conn, scope) => queryLogs(ctx, ctx.filters.criteria(id), scope)),
  eth_uninstallFilter: method([str("filterId")], (ctx, [id]) => ctx.filters.uninstall(id)),
  eth_subscribe: method([str("kind"), optional(object("filter"))], (ctx, [kind, f], conn) => {
    if (!conn) throw new LuxError("METHOD_NOT_FOUND", "notifications not supported over HTTP: use a WebSocket");
    if (!SUB_KINDS.has(kind)) throw new LuxError("INVALID_PARAMS", `invalid argument kind: unsupported subscription ${kind}`);
    const criteria = kind === "logs" ? parseLogCriteria(f ?? {}, ctx.limits) : undefined;
    if (conn.subscriptions >= ctx.limits.wsMaxSubscriptions) {
      throw new LuxError("LIMIT_EXCEEDED", `too many subscriptions on this connection: limit ${ctx.limits.wsMaxSubscriptions} (--ws-max-subscriptions)`);
    }
    return ctx.filters.subscribe(conn, kind as "logs", criteria);
  }),
  eth_unsubscribe: method([str("subscriptionId")], (ctx, [id], conn) => {
    if (!conn) throw new LuxError("METHOD_NOT_FOUND", "notifications not supported over HTTP: use a WebSocket");
    return ctx.filters.unsubscribe(conn, id);
  }),
};
