import { utf8ToBytes, bytesToUtf8 } from "@ethereumjs/util";
import type { Chain } from "../chain/chain";
import type { Logger } from "../chain/types";
import type { TxPool } from "../txpool/pool";
import type { PoolTx } from "../txpool/types";
import { LuxError, errorMessage } from "../errors";
import { formatTx, type Json } from "./format";
import { removedLogs, type LogCriteria, type RemovedBlock } from "./logs";
import { SubscriptionHub, newId, type SubscriptionOptions } from "./subscriptions";
import type { Connection } from "./types";

/** Filters idle this long are removed (as in geth). */
export const FILTER_TIMEOUT_MS = 5 * 60_000;
/** Pending transactions a filter keeps between polls; older ones are dropped. */
const FILTER_QUEUE_LIMIT = 10_000;
/** Polling filters installed at once (each is a few hundred bytes of persisted state). */
export const MAX_FILTERS = 10_000;
/** Filter state is written to the store at most this often (and on close). */
const PERSIST_DELAY_MS = 1_000;
const META_KEY = "rpcFilters";

type FilterKind = "block" | "pendingTx" | "logs";

/** What a poll of a filter covers: new pending hashes, or the block range since the last poll. */
export type FilterPoll =
  | { kind: "pendingTx"; txs: Json[] }
  | { kind: "block"; from: bigint; to: bigint }
  | { kind: "logs"; from: bigint; to: bigint; criteria: LogCriteria; removed: Json[] };

interface Filter {
  kind: FilterKind;
  /** The filter object as the client sent it (persisted; parsed again after a restart). */
  raw?: Record<string, unknown>;
  criteria?: LogCriteria;
  /** Last block number whose changes were delivered. */
  cursor: bigint;
  /** Logs of blocks a reorg removed since the last poll (not persisted). */
  queue: Json[];
  /** Pool arrivals since the last poll (pending-transaction filters; not persisted). */
  arrivals: PoolTx[];
  /** Pending-transaction filters: polls answer whole transactions, not hashes (geth's `true`). */
  fullTx?: boolean;
  lastPoll: number;
}

interface PersistedFilter {
  id: string;
  kind: FilterKind;
  raw?: Record<string, unknown>;
  cursor: string;
  fullTx?: boolean;
}

/**
 * Polling filters (eth_newFilter & co.) and push subscriptions. A block or log filter is a cursor — the
 * last block number it reported — so a poll reads blocks (cursor, head] (logs through the log index),
 * and the filter table is persisted in the store: filters survive a restart and report what was
 * produced meanwhile. Pending-transaction filters survive too, reporting arrivals after the restart.
 * Reorgs below a cursor are not reported as removed logs.
 */
export class FilterManager {
  private readonly filters = new Map<string, Filter>();
  private readonly hub: SubscriptionHub;
  private readonly sweeper: NodeJS.Timeout;
  private persistTimer?: NodeJS.Timeout;
  private persisting: Promise<void> = Promise.resolve();

  private constructor(
    private readonly chain: Chain,
    private readonly pool: TxPool,
    private readonly parse: (raw: Record<string, unknown>) => LogCriteria,
    private readonly log: Logger,
  ) {
    this.hub = new SubscriptionHub(chain, pool);
    pool.on("tx", this.onTx);
    this.sweeper = setInterval(() => this.sweep(), FILTER_TIMEOUT_MS / 5);
    this.sweeper.unref();
  }

  /** Creates the manager and reloads the filters persisted before the last stop. */
  static async open(chain: Chain, pool: TxPool, parse: (raw: Record<string, unknown>) => LogCriteria, log: Logger): Promise<FilterManager> {
    const m = new FilterManager(chain, pool, parse, log);
    await m.load();
    return m;
  }

  private async load(): Promise<void> {
    const stored = await this.chain.store.getMeta(META_KEY);
    if (!stored) return;
    let list: PersistedFilter[];
    try {
      list = JSON.parse(bytesToUtf8(stored)) as PersistedFilter[];
    } catch (err) {
      this.log.warn(`rpc filters: stored filter table unreadable, starting empty: ${errorMessage(err)}`);
      return;
    }
    // A restart is not the client's idleness: every reloaded filter gets a full time-out again.
    const now = Date.now();
    for (const p of list) {
      try {
        const criteria = p.kind === "logs" && p.raw ? this.parse(p.raw) : undefined;
        this.filters.set(p.id, { kind: p.kind, raw: p.raw, criteria, cursor: BigInt(p.cursor), queue: [], arrivals: [], fullTx: p.fullTx, lastPoll: now });
      } catch (err) {
        this.log.warn(`rpc filters: dropped stored filter ${p.id}: ${errorMessage(err)}`);
      }
    }
  }

  /** Writes pending filter state now and stops. */
  async close(): Promise<void> {
    this.hub.close();
    this.pool.off("tx", this.onTx);
    clearInterval(this.sweeper);
    if (this.persistTimer) {
      clearTimeout(this.persistTimer);
      this.persistTimer = undefined;
      await this.persistNow();
    }
    await this.persisting;
  }

  private schedulePersist(): void {
    if (this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      void this.persistNow();
    }, PERSIST_DELAY_MS);
  }

  private persistNow(): Promise<void> {
    const list: PersistedFilter[] = [...this.filters].map(([id, f]) => ({ id, kind: f.kind, raw: f.raw, cursor: f.cursor.toString(), fullTx: f.fullTx }));
    const write = this.persisting.then(() => this.chain.store.putMeta(META_KEY, utf8ToBytes(JSON.stringify(list))));
    this.persisting = write.catch((err) => this.log.warn(`rpc filters: could not persist: ${errorMessage(err)}`));
    return this.persisting;
  }

  private readonly onTx = (t: PoolTx): void => {
    for (const f of this.filters.values()) {
      if (f.kind !== "pendingTx") continue;
      f.arrivals.push(t);
      if (f.arrivals.length > FILTER_QUEUE_LIMIT) f.arrivals.splice(0, f.arrivals.length - FILTER_QUEUE_LIMIT);
    }
  };

  private sweep(): void {
    const cutoff = Date.now() - FILTER_TIMEOUT_MS;
    let removed = false;
    for (const [id, f] of this.filters) {
      if (f.lastPoll < cutoff) removed = this.filters.delete(id) || removed;
    }
    if (removed) this.schedulePersist();
  }

  /**
   * Installs a polling filter; log filters keep the client's filter object for the persisted table, and
   * a pending-transaction filter with `fullTx` answers whole transactions.
   */
  install(kind: FilterKind, raw?: Record<string, unknown>, fullTx?: boolean): string {
    if (this.filters.size >= MAX_FILTERS) {
      throw new LuxError("LIMIT_EXCEEDED", `too many filters installed: limit ${MAX_FILTERS}; uninstall some (eth_uninstallFilter) or let idle ones expire`);
    }
    const criteria = kind === "logs" && raw ? this.parse(raw) : undefined;
    const id = newId();
    this.filters.set(id, { kind, raw, criteria, cursor: this.chain.head.block.header.number, queue: [], arrivals: [], fullTx, lastPoll: Date.now() });
    this.schedulePersist();
    return id;
  }

  private get(id: string): Filter {
    const f = this.filters.get(id);
    if (!f) throw new LuxError("RESOURCE_NOT_FOUND", "filter not found");
    f.lastPoll = Date.now();
    return f;
  }

  /** The filter's criteria (log filters). */
  criteria(id: string): LogCriteria {
    const f = this.get(id);
    if (f.kind !== "logs" || !f.criteria) throw new LuxError("RESOURCE_NOT_FOUND", "filter not found");
    return f.criteria;
  }

  /** What changed since the last poll; moves the filter's cursor to the head. */
  poll(id: string): FilterPoll {
    const f = this.get(id);
    if (f.kind === "pendingTx") {
      const arrivals = f.arrivals.splice(0, f.arrivals.length);
      return { kind: "pendingTx", txs: arrivals.map((t) => (f.fullTx ? formatTx(t.tx, t.from) : t.hash)) };
    }
    const head = this.chain.head.block.header.number;
    const from = f.cursor + 1n;
    if (head > f.cursor) {
      f.cursor = head;
      this.schedulePersist();
    }
    if (f.kind === "logs" && f.criteria) return { kind: "logs", from, to: head, criteria: f.criteria, removed: f.queue.splice(0, f.queue.length) };
    return { kind: "block", from, to: head };
  }

  uninstall(id: string): boolean {
    const removed = this.filters.delete(id);
    if (removed) this.schedulePersist();
    return removed;
  }

  /**
   * Reports blocks a reorg took off the canonical chain: their matching logs go out once with
   * `removed: true` (next poll of each log filter, and to logs subscribers), and every block or log
   * filter whose cursor was above the fork point rewinds to it, so the new branch is reported.
   */
  onRemoved(blocks: RemovedBlock[]): void {
    if (blocks.length === 0) return;
    let fork = blocks[0].number - 1n;
    for (const b of blocks) if (b.number - 1n < fork) fork = b.number - 1n;
    for (const f of this.filters.values()) {
      if (f.kind === "pendingTx") continue;
      if (f.kind === "logs" && f.criteria) {
        for (const b of blocks) if (b.number <= f.cursor) f.queue.push(...removedLogs(b, f.criteria));
      }
      if (f.cursor > fork) f.cursor = fork;
    }
    this.hub.onRemoved(blocks);
    this.schedulePersist();
  }

  /** Starts a push subscription on a connection; removed when it closes. */
  subscribe(conn: Connection, kind: "newHeads" | "logs" | "newPendingTransactions", options?: SubscriptionOptions): string {
    return this.hub.subscribe(conn, kind, options);
  }

  /** Ends a subscription of that connection. */
  unsubscribe(conn: Connection, id: string): boolean {
    return this.hub.unsubscribe(conn, id);
  }
}
