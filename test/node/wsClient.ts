import WebSocket from "ws";

/** A raw WebSocket JSON-RPC client for tests: sends anything, collects every message it receives. */
export class WsClient {
  readonly received: unknown[] = [];
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (m) => {
      try {
        this.received.push(JSON.parse(m.toString()));
      } catch {
        this.received.push(m.toString());
      }
    });
    ws.on("close", (code) => (this.closeCode = code));
    ws.on("error", () => undefined);
  }

  static async open(url: string, timeoutMs = 10_000): Promise<WsClient> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("websocket did not open")), timeoutMs);
      ws.once("open", () => {
        clearTimeout(t);
        resolve();
      });
      ws.once("error", (e) => {
        clearTimeout(t);
        reject(e);
      });
    });
    return new WsClient(ws);
  }

  send(body: unknown): void {
    this.ws.send(typeof body === "string" ? body : JSON.stringify(body));
  }

  /** The response with this id (waits for it). */
  async reply(id: number | string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const found = await this.waitFor((m) => (m as { id?: unknown }).id === id, timeoutMs, `reply ${id}`);
    return found as Record<string, unknown>;
  }

  /** Sends a request and waits for its answer. */
  async call(id: number, method: string, params: unknown[] = [], timeoutMs = 30_000): Promise<Record<string, unknown>> {
    this.send({ jsonrpc: "2.0", id, method, params });
    return this.reply(id, timeoutMs);
  }

  /** Waits until a received message matches. */
  async waitFor(pred: (m: unknown) => boolean, timeoutMs: number, what: string): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.find(pred);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`websocket: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits until the server closes the connection; resolves with the close code. */
  async closed(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === undefined) {
      if (Date.now() > deadline) throw new Error("websocket: not closed by the server");
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.closeCode;
  }

  close(): void {
    this.ws.terminate();
  }
}
