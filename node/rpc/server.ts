import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { Registry } from "prom-client";
import { errorMessage } from "../errors";
import type { Logger } from "../chain/types";
import { RpcCode } from "./errors";
import type { Json } from "./format";
import type { Connection, RpcHandler, RpcLimits, RpcServerOptions } from "./types";

const CORS_HEADERS = "Content-Type, Authorization";
const JSON_TYPE = "application/json";

function parseError(message: string): Json {
  return { jsonrpc: "2.0", id: null, error: { code: RpcCode.PARSE_ERROR, message } };
}

/**
 * HTTP and WebSocket on one port: POST bodies and WS messages go to the handler, GET /metrics serves
 * Prometheus, OPTIONS answers CORS preflight. Oversized bodies and malformed JSON get JSON-RPC errors.
 */
export class RpcServer {
  private readonly http: http.Server;
  private readonly wss: WebSocketServer;
  private nextConnId = 1;

  constructor(
    private readonly handler: RpcHandler,
    private readonly opts: RpcServerOptions,
    private readonly limits: RpcLimits,
    private readonly registry: Registry | null,
    private readonly log: Logger,
  ) {
    this.http = http.createServer((req, res) => {
      this.onRequest(req, res).catch((err) => {
        this.log.error(`http handler failed: ${errorMessage(err)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.http.keepAliveTimeout = 60_000;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxBodyBytes });
    this.http.on("upgrade", (req, socket, head) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
  }

  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(this.opts.port, this.opts.host, () => resolve((this.http.address() as AddressInfo).port));
    });
  }

  /** Stops accepting and closes every connection. */
  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private cors(res: http.ServerResponse): void {
    res.setHeader("Access-Control-Allow-Origin", this.opts.corsOrigin);
    res.setHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", CORS_HEADERS);
  }

  private send(res: http.ServerResponse, status: number, body: Json | undefined): void {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, { "Content-Type": JSON_TYPE, "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.cors(res);
    if (req.method === "OPTIONS") {
      res.writeHead(204);
      res.end();
      return;
    }
    if (req.method === "GET") {
      if (this.opts.route?.(req, res)) return;
      if (req.url === "/metrics" && this.registry) {
        res.writeHead(200, { "Content-Type": this.registry.contentType });
        res.end(await this.registry.metrics());
        return;
      }
      if (req.url === "/health" || req.url === "/") {
        this.send(res, 200, { status: "ok" });
        return;
      }
      res.writeHead(404);
      res.end();
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405);
      res.end();
      return;
    }
    const body = await this.readBody(req);
    if (body === undefined) {
      this.send(res, 413, { jsonrpc: "2.0", id: null, error: { code: RpcCode.LIMIT_EXCEEDED, message: `request body too large, limit ${this.limits.maxBodyBytes} bytes` } });
      req.resume();
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      this.send(res, 200, parseError("parse error"));
      return;
    }
    const out = await this.handler.handle(parsed, undefined);
    this.send(res, 200, out ?? []);
  }

  /** Reads the body up to the limit; undefined when it is larger. */
  private readBody(req: http.IncomingMessage): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      const declared = Number(req.headers["content-length"] ?? 0);
      if (declared > this.limits.maxBodyBytes) {
        resolve(undefined);
        return;
      }
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > this.limits.maxBodyBytes) over = true;
        else chunks.push(c);
      });
      req.on("end", () => resolve(over ? undefined : Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  }

  private onSocket(ws: WebSocket): void {
    const closers: (() => void)[] = [];
    const conn: Connection = {
      id: this.nextConnId++,
      send: (msg) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
      },
      onClose: (fn) => closers.push(fn),
    };
    ws.on("message", (raw) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString());
      } catch {
        conn.send(parseError("parse error"));
        return;
      }
      this.handler.handle(parsed, conn).then(
        (out) => {
          if (out !== undefined) conn.send(out);
        },
        (err) => this.log.error(`ws handler failed: ${errorMessage(err)}`),
      );
    });
    ws.on("close", () => closers.forEach((fn) => fn()));
    ws.on("error", () => ws.terminate());
  }
}
