import { randomBytes } from "node:crypto";
import type { Chain } from "../chain/chain";
import type { NewHead } from "../chain/types";
import type { TxPool } from "../txpool/pool";
import type { PoolTx } from "../txpool/types";
import { formatHeader, formatTx, type Json } from "./format";
import { blockLogs, removedLogs, type LogCriteria, type RemovedBlock } from "./logs";
import type { Connection } from "./types";

type SubKind = "newHeads" | "logs" | "newPendingTransactions";
interface Subscription {
  kind: SubKind;
  conn: Connection;
  criteria?: LogCriteria;
  /** newPendingTransactions: whole transactions instead of hashes (geth's `true` option). */
  fullTx?: boolean;
}

/** What a subscription is for beyond its kind: log criteria, or full pending transactions. */
export interface SubscriptionOptions {
  criteria?: LogCriteria;
  fullTx?: boolean;
}

/** A random 16-byte hex id (filters and subscriptions). */
export function newId(): string {
  return `0x${randomBytes(16).toString("hex")}`;
}

/** Push subscriptions (eth_subscribe over WebSocket), fed by new heads and pool arrivals. */
export class SubscriptionHub {
  private readonly subs = new Map<string, Subscription>();

  constructor(
    private readonly chain: Chain,
    private readonly pool: TxPool,
  ) {
    chain.on("head", this.onHead);
    pool.on("tx", this.onTx);
  }

  close(): void {
    this.chain.off("head", this.onHead);
    this.pool.off("tx", this.onTx);
  }

  private readonly onHead = (h: NewHead): void => {
    const hash = h.record.hash;
    const number = h.record.block.header.number;
    let header: Json | undefined;
    for (const [id, s] of this.subs) {
      if (s.kind === "newHeads") {
        header ??= formatHeader(h.record);
        this.notify(id, s, header);
      } else if (s.kind === "logs" && s.criteria) {
        for (const l of blockLogs(h.receipts, hash, number, s.criteria)) this.notify(id, s, l);
      }
    }
  };

  /** Sends the logs of blocks a reorg removed, with `removed: true`, to logs subscribers. */
  onRemoved(blocks: RemovedBlock[]): void {
    for (const [id, s] of this.subs) {
      if (s.kind !== "logs" || !s.criteria) continue;
      for (const b of blocks) for (const l of removedLogs(b, s.criteria)) this.notify(id, s, l);
    }
  }

  private readonly onTx = (t: PoolTx): void => {
    let full: Json | undefined;
    for (const [id, s] of this.subs) {
      if (s.kind !== "newPendingTransactions") continue;
      if (s.fullTx) full ??= formatTx(t.tx, t.from);
      this.notify(id, s, s.fullTx ? (full as Json) : t.hash);
    }
  };

  private notify(id: string, s: Subscription, result: Json): void {
    s.conn.send({ jsonrpc: "2.0", method: "eth_subscription", params: { subscription: id, result } });
  }

  /** Starts a push subscription on a connection; removed when it closes. */
  subscribe(conn: Connection, kind: SubKind, options: SubscriptionOptions = {}): string {
    const id = newId();
    this.subs.set(id, { kind, conn, criteria: options.criteria, fullTx: options.fullTx });
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
