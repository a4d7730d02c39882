import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { Registry } from "prom-client";
import { LuxError, errorMessage } from "../errors";
import type { Logger } from "../chain/types";
import { RpcCode } from "./errors";
import { encodeResponse } from "./encode";
import type { Json } from "./format";
import type { Connection, RpcHandler, RpcLimits, RpcServerOptions } from "./types";

const CORS_HEADERS = "Content-Type, Authorization";
const JSON_TYPE = "application/json";

function parseError(message: string): Json {
  return { jsonrpc: "2.0", id: null, error: { code: RpcCode.PARSE_ERROR, message } };
}

/** The id of a parsed request, for answering it with an error before dispatching it. */
function requestId(parsed: unknown): Json {
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return null;
  const id = (parsed as Record<string, unknown>).id;
  return typeof id === "string" || typeof id === "number" ? id : null;
}

const disconnected = (): LuxError => new LuxError("CANCELLED", "request cancelled: the client disconnected");

/**
 * HTTP and WebSocket on one port: POST bodies and WS messages go to the handler, GET /metrics serves
 * Prometheus, OPTIONS answers CORS preflight. Oversized bodies and malformed JSON get JSON-RPC errors;
 * responses are serialised within the size limit; a client that disconnects cancels its requests; a
 * WebSocket connection is limited in message size, requests in flight, subscriptions and unread bytes.
 * Nothing a client sends can throw out of here.
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
    this.wss = new WebSocketServer({ noServer: true, maxPayload: limits.wsMaxMessageBytes });
    this.http.on("upgrade", (req, socket, head) => {
      try {
        this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
      } catch (err) {
        this.log.warn(`websocket upgrade failed: ${errorMessage(err)}`);
        socket.destroy();
      }
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
    const text = body === undefined ? "" : encodeResponse(body, this.limits.maxResponseBytes);
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
    const abort = new AbortController();
    // "close" before the answer is written means the client went away: stop its work.
    res.once("close", () => {
      if (!res.writableFinished) abort.abort(disconnected());
    });
    const out = await this.handler.handle(parsed, undefined, abort.signal);
    if (res.destroyed) return;
    // Only notifications: nothing to answer (JSON-RPC 2.0), so an empty body.
    this.send(res, 200, out);
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
    const inFlight = new Set<AbortController>();
    const conn: Connection = {
      id: this.nextConnId++,
      subscriptions: 0,
      send: (msg) => {
        if (ws.readyState !== ws.OPEN) return;
        // A client that reads nothing while subscriptions stream would grow this buffer forever.
        if (ws.bufferedAmount > this.limits.wsMaxBufferedBytes) {
          this.log.warn(`websocket client ${conn.id} disconnected: more than ${this.limits.wsMaxBufferedBytes} bytes unread (--ws-max-buffered)`);
          ws.terminate();
          return;
        }
        ws.send(encodeResponse(msg, this.limits.maxResponseBytes));
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
      if (inFlight.size >= this.limits.wsMaxPending) {
        conn.send({
          jsonrpc: "2.0", id: requestId(parsed),
          error: { code: RpcCode.LIMIT_EXCEEDED, message: `too many requests in flight on this connection: limit ${this.limits.wsMaxPending} (--ws-max-pending)` },
        });
        return;
      }
      const abort = new AbortController();
      inFlight.add(abort);
      this.handler.handle(parsed, conn, abort.signal).then(
        (out) => {
          if (out !== undefined) conn.send(out);
        },
        (err) => this.log.error(`ws handler failed: ${errorMessage(err)}`),
      ).catch((err) => this.log.error(`ws send failed: ${errorMessage(err)}`)).finally(() => inFlight.delete(abort));
    });
    ws.on("close", () => {
      for (const a of inFlight) a.abort(disconnected());
      inFlight.clear();
      for (const fn of closers) {
        try {
          fn();
        } catch (err) {
          this.log.error(`websocket cleanup failed: ${errorMessage(err)}`);
        }
      }
    });
    ws.on("error", () => ws.terminate());
  }
}
