import WebSocket from "ws";
import { call } from "./rpc";

const POLL_MS = 500;
/** Block reads in flight at once: one request per block (anvil's automine makes one block per tx) would otherwise flood the server. */
const MAX_READS = 8;
/** Pause before reading a block again after a failed (or not yet answerable) read. */
const RETRY_MS = 50;
/** A server whose head has not moved for this long while transactions are still awaited has stalled. */
const STALL_MS = 30_000;

/**
 * Records when each transaction is first seen in a block: subscribes to newHeads over WebSocket and
 * reads each new block's transaction hashes. The time is when the client learns of the block, an upper
 * bound of the real inclusion time that every server pays alike.
 */
export class InclusionWatcher {
  /** Hash → ms (performance.now) when seen in a block. */
  readonly seen = new Map<string, number>();
  private ws?: WebSocket;
  private nextId = 1;
  private readonly waiting = new Map<number, (r: unknown) => void>();
  private wanted = new Set<string>();
  /** Highest block number already requested (notifications may skip blocks: anvil drops lagging ones). */
  private lastRequested = -1;
  private poll?: NodeJS.Timeout;
  private onAll?: () => void;
  /** Block numbers still to read, in order; `reading` of them are in flight. */
  private readonly queue: number[] = [];
  private reading = 0;
  private closed = false;
  /** When the head was last seen to move (performance.now). */
  private headMovedAt = 0;

  private httpUrl = "";

  /** Subscribes over `wsUrl`; blocks are read over HTTP (`httpUrl`), which no server drops under load. */
  async open(wsUrl: string, httpUrl: string): Promise<void> {
    this.httpUrl = httpUrl;
    const ws = new WebSocket(wsUrl);
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    ws.on("message", (m) => this.onMessage(m.toString()));
    const head = await this.request("eth_blockNumber", []);
    this.lastRequested = Number(BigInt(head as string));
    await this.request("eth_subscribe", ["newHeads"]);
    // A dropped last notification would leave blocks unread: look at the head now and then too.
    this.poll = setInterval(() => {
      void call<string>(this.httpUrl, "eth_blockNumber").then((h) => this.onHead(Number(BigInt(h))), () => undefined);
    }, POLL_MS);
  }

  /** Resolves once every hash in `hashes` was seen in a block; rejects after `timeoutMs`, or sooner when the head stops moving (`STALL_MS`). */
  waitAll(hashes: string[], timeoutMs: number): Promise<void> {
    this.wanted = new Set(hashes.filter((h) => !this.seen.has(h)));
    if (this.wanted.size === 0) return Promise.resolve();
    this.headMovedAt = performance.now();
    return new Promise((resolve, reject) => {
      const fail = (what: string): void => {
        clearTimeout(t);
        clearInterval(stall);
        void this.stallReport().then((why) => reject(new Error(`${this.wanted.size} transactions not seen in a block ${what}${why}`)));
      };
      const t = setTimeout(() => fail(`after ${timeoutMs} ms`), timeoutMs);
      const stall = setInterval(() => {
        if (performance.now() - this.headMovedAt > STALL_MS) fail(`and no new block for ${STALL_MS / 1000} s`);
      }, POLL_MS);
      this.onAll = () => {
        clearTimeout(t);
        clearInterval(stall);
        resolve();
      };
    });
  }

  /**
   * Why a wait timed out, as far as the server tells: its head and its pool. anvil 1.7.1's automine, for
   * one, stops mining under the 16-sender client pattern with thousands of transactions left pending.
   */
  private async stallReport(): Promise<string> {
    try {
      const head = Number(BigInt(await call<string>(this.httpUrl, "eth_blockNumber")));
      const pool = await call<{ pending?: string; queued?: string }>(this.httpUrl, "txpool_status").catch(() => undefined);
      const pending = pool?.pending === undefined ? "unknown" : String(Number(BigInt(pool.pending)));
      return ` (server head #${head}, ${pending} transactions pending in its pool)`;
    } catch {
      return " (server not answering)";
    }
  }

  close(): void {
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    this.ws?.close();
  }

  private request(method: string, params: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws?.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  private onMessage(text: string): void {
    const msg = JSON.parse(text) as { id?: number; result?: unknown; method?: string; params?: { result?: { number?: string } } };
    if (msg.id !== undefined) {
      const done = this.waiting.get(msg.id);
      this.waiting.delete(msg.id);
      done?.(msg.result);
      return;
    }
    const number = msg.method === "eth_subscription" ? msg.params?.result?.number : undefined;
    if (number === undefined) return;
    this.onHead(Number(BigInt(number)));
  }

  private onHead(n: number): void {
    for (let k = this.lastRequested + 1; k <= n; k++) this.queue.push(k);
    if (n > this.lastRequested) {
      this.lastRequested = n;
      this.headMovedAt = performance.now();
    }
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.reading < MAX_READS && this.queue.length > 0) this.fetchBlock(this.queue.shift() as number);
  }

  /** Reads block `n`; a failed read or a block not yet served (null) is queued again after a pause. */
  private fetchBlock(n: number): void {
    this.reading++;
    const retry = (): void => {
      setTimeout(() => {
        this.queue.unshift(n);
        this.pump();
      }, RETRY_MS);
    };
    void call<{ transactions?: string[] } | null>(this.httpUrl, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false]).then((block) => {
      const now = performance.now();
      if (!block) return retry();
      for (const h of block.transactions ?? []) {
        const k = h.toLowerCase();
        if (!this.seen.has(k)) this.seen.set(k, now);
        if (this.wanted.delete(k) && this.wanted.size === 0) this.onAll?.();
      }
    }, retry).finally(() => {
      this.reading--;
      this.pump();
    });
  }
}
