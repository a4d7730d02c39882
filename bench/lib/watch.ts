import WebSocket from "ws";

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
  private onAll?: () => void;

  async open(wsUrl: string): Promise<void> {
    const ws = new WebSocket(wsUrl);
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    ws.on("message", (m) => this.onMessage(m.toString()));
    await this.request("eth_subscribe", ["newHeads"]);
  }

  /** Resolves once every hash in `hashes` was seen in a block, or rejects after `timeoutMs`. */
  waitAll(hashes: string[], timeoutMs: number): Promise<void> {
    this.wanted = new Set(hashes.filter((h) => !this.seen.has(h)));
    if (this.wanted.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.wanted.size} transactions not seen in a block after ${timeoutMs} ms`)), timeoutMs);
      this.onAll = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  close(): void {
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
    void this.request("eth_getBlockByNumber", [number, false]).then((block) => {
      const now = performance.now();
      const txs = (block as { transactions?: string[] } | null)?.transactions ?? [];
      for (const h of txs) {
        const k = h.toLowerCase();
        if (!this.seen.has(k)) this.seen.set(k, now);
        if (this.wanted.delete(k) && this.wanted.size === 0) this.onAll?.();
      }
    });
  }
}
