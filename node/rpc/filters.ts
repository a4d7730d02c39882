import { randomBytes } from "node:crypto";
import type { Chain } from "../chain/chain";
import type { NewHead } from "../chain/types";
import type { TxPool } from "../txpool/pool";
import type { PoolTx } from "../txpool/types";
import { LuxError } from "../errors";
import { formatBlock, type Json } from "./format";
import { blockLogs, type LogCriteria } from "./logs";
import type { Connection } from "./types";

/** Filters idle this long are removed (as in geth). */
export const FILTER_TIMEOUT_MS = 5 * 60_000;
/** Entries a filter keeps between polls; older ones are dropped. */
const FILTER_QUEUE_LIMIT = 10_000;

type FilterKind = "block" | "pendingTx" | "logs";
interface Filter {
  kind: FilterKind;
  criteria?: LogCriteria;
  queue: Json[];
  lastPoll: number;
}
type SubKind = "newHeads" | "logs" | "newPendingTransactions";
interface Subscription {
  kind: SubKind;
  conn: Connection;
  criteria?: LogCriteria;
}

function newId(): string {
  return `0x${randomBytes(16).toString("hex")}`;
}

/**
 * Polling filters (eth_newFilter & co.) and push subscriptions (eth_subscribe over WebSocket), both fed
 * by new heads and pool arrivals.
 */
export class FilterManager {
  private readonly filters = new Map<string, Filter>();
  private readonly subs = new Map<string, Subscription>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly chain: Chain,
    private readonly pool: TxPool,
  ) {
    chain.on("head", this.onHead);
    pool.on("tx", this.onTx);
    this.sweeper = setInterval(() => this.sweep(), FILTER_TIMEOUT_MS / 5);
    this.sweeper.unref();
  }

  close(): void {
    this.chain.off("head", this.onHead);
    this.pool.off("tx", this.onTx);
    clearInterval(this.sweeper);
  }

  private push(f: Filter, items: Json[]): void {
    f.queue.push(...items);
    if (f.queue.length > FILTER_QUEUE_LIMIT) f.queue.splice(0, f.queue.length - FILTER_QUEUE_LIMIT);
  }

  private readonly onHead = (h: NewHead): void => {
    const hash = h.record.hash;
    const number = h.record.block.header.number;
    let header: Json | undefined;
    const hashHex = `0x${Buffer.from(hash).toString("hex")}`;
    for (const f of this.filters.values()) {
      if (f.kind === "block") this.push(f, [hashHex]);
      else if (f.kind === "logs" && f.criteria) this.push(f, blockLogs(h.receipts, hash, number, f.criteria));
    }
    for (const [id, s] of this.subs) {
      if (s.kind === "newHeads") {
        if (!header) {
          const full = formatBlock(h.record, false) as Record<string, Json>;
          delete full.transactions;
          delete full.uncles;
          delete full.withdrawals;
          header = full;
        }
        this.notify(id, s, header);
      } else if (s.kind === "logs" && s.criteria) {
        for (const l of blockLogs(h.receipts, hash, number, s.criteria)) this.notify(id, s, l);
      }
    }
  };

  private readonly onTx = (t: PoolTx): void => {
    for (const f of this.filters.values()) if (f.kind === "pendingTx") this.push(f, [t.hash]);
    for (const [id, s] of this.subs) if (s.kind === "newPendingTransactions") this.notify(id, s, t.hash);
  };

  private notify(id: string, s: Subscription, result: Json): void {
    s.conn.send({ jsonrpc: "2.0", method: "eth_subscription", params: { subscription: id, result } });
  }

  private sweep(): void {
    const cutoff = Date.now() - FILTER_TIMEOUT_MS;
    for (const [id, f] of this.filters) if (f.lastPoll < cutoff) this.filters.delete(id);
  }

  /** Installs a polling filter. */
  install(kind: FilterKind, criteria?: LogCriteria): string {
    const id = newId();
    this.filters.set(id, { kind, criteria, queue: [], lastPoll: Date.now() });
    return id;
  }

  /** The filter's criteria (log filters). */
  criteria(id: string): LogCriteria {
    const f = this.filters.get(id);
    if (!f || f.kind !== "logs" || !f.criteria) throw new LuxError("RESOURCE_NOT_FOUND", "filter not found");
    f.lastPoll = Date.now();
    return f.criteria;
  }

  /** Entries since the last poll. */
  changes(id: string): Json[] {
    const f = this.filters.get(id);
    if (!f) throw new LuxError("RESOURCE_NOT_FOUND", "filter not found");
    f.lastPoll = Date.now();
    return f.queue.splice(0, f.queue.length);
  }

  uninstall(id: string): boolean {
    return this.filters.delete(id);
  }

  /** Starts a push subscription on a connection; removed when it closes. */
  subscribe(conn: Connection, kind: SubKind, criteria?: LogCriteria): string {
    const id = newId();
    this.subs.set(id, { kind, conn, criteria });
    conn.subscriptions++;
    conn.onClose(() => this.subs.delete(id));
    return id;
  }

  /** Ends a subscription of that connection. */
  unsubscribe(conn: Connection, id: string): boolean {
    const s = this.subs.get(id);
    if (!s || s.conn.id !== conn.id) return false;
    conn.subscriptions--;
    return this.subs.delete(id);
  }
}
