import { LuxError, errorMessage } from "../errors";
import { RpcCode, toRpcError } from "./errors";
import type { Json } from "./format";
import { abortReason } from "./semaphore";
import type { Connection, MethodSpec, RequestScope, RpcContext, RpcHandler } from "./types";

type RpcId = string | number | null;

function errorResponse(id: RpcId, code: number, message: string, data?: unknown): Json {
  const error: Record<string, Json> = { code, message };
  if (data !== undefined) error.data = data as Json;
  return { jsonrpc: "2.0", id, error };
}

/** A promise that rejects when the signal fires (never resolves); already handled, so never "unhandled". */
function rejectOnAbort(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort = (): void => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortReason(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener("abort", onAbort) };
}

/**
 * Validates JSON-RPC envelopes, enforces the batch limit and the request time-out, parses each
 * method's declared params and maps every failure to a JSON-RPC error: no input reaches a handler
 * unvalidated, and no input can crash the node. Notifications (no `id`) run but get no answer.
 */
export class RpcDispatcher implements RpcHandler {
  constructor(
    private readonly ctx: RpcContext,
    private readonly methods: Map<string, MethodSpec>,
  ) {}

  async handle(body: unknown, conn: Connection | undefined, outer: AbortSignal): Promise<Json | undefined> {
    const limit = this.ctx.limits.requestTimeoutMs;
    // One controller for both causes (time-out, client gone): AbortSignal.any cost ~20 µs a request.
    const request = new AbortController();
    const timed = !(Array.isArray(body) ? body : [body]).some((r) => this.isUntimed(r));
    const timer = timed ? setTimeout(() => request.abort(new LuxError("TIMEOUT", `request timed out after ${limit} ms (limit: --rpc-timeout)`)), limit) : undefined;
    const onOuter = (): void => request.abort(outer.reason);
    if (outer.aborted) onOuter();
    else outer.addEventListener("abort", onOuter, { once: true });
    const signal = request.signal;
    const aborted = rejectOnAbort(signal);
    const scope: RequestScope = { signal };
    try {
      if (Array.isArray(body)) {
        if (body.length === 0) return errorResponse(null, RpcCode.INVALID_REQUEST, "empty batch");
        if (body.length > this.ctx.limits.maxBatch) {
          return errorResponse(null, RpcCode.LIMIT_EXCEEDED, `batch too large: ${body.length} requests, limit ${this.ctx.limits.maxBatch} (--rpc-batch-limit)`);
        }
        const out = await Promise.all(body.map((r) => this.one(r, conn, scope, aborted.promise)));
        const responses = out.filter((r): r is Json => r !== undefined);
        return responses.length > 0 ? responses : undefined;
      }
      return await this.one(body, conn, scope, aborted.promise);
    } finally {
      clearTimeout(timer);
      outer.removeEventListener("abort", onOuter);
      aborted.dispose();
    }
  }

  /** True for a request naming an untimed method (a long dev method such as hardhat_mine). */
  private isUntimed(req: unknown): boolean {
    if (req === null || typeof req !== "object") return false;
    const name = (req as Record<string, unknown>).method;
    return typeof name === "string" && this.methods.get(name)?.untimed === true;
  }

  private async one(req: unknown, conn: Connection | undefined, scope: RequestScope, aborted: Promise<never>): Promise<Json | undefined> {
    if (req === null || typeof req !== "object" || Array.isArray(req)) {
      return errorResponse(null, RpcCode.INVALID_REQUEST, "invalid request");
    }
    const r = req as Record<string, unknown>;
    const hasId = "id" in r;
    const id = r.id;
    if (hasId && id !== null && typeof id !== "string" && typeof id !== "number") {
      return errorResponse(null, RpcCode.INVALID_REQUEST, "invalid request id");
    }
    const rid = (hasId ? id : null) as RpcId;
    if (r.jsonrpc !== "2.0") return errorResponse(rid, RpcCode.INVALID_REQUEST, "invalid request: jsonrpc must be \"2.0\"");
    if (typeof r.method !== "string") return errorResponse(rid, RpcCode.INVALID_REQUEST, "invalid request: method must be a string");
    const byObject = r.params !== null && typeof r.params === "object" && !Array.isArray(r.params) && this.methods.get(r.method)?.objectParams === true;
    if (r.params !== undefined && !Array.isArray(r.params) && !byObject) {
      return hasId ? errorResponse(rid, RpcCode.INVALID_PARAMS, "invalid params: expected an array") : undefined;
    }
    const params = byObject ? [r.params] : ((r.params as unknown[] | undefined) ?? []);
    const result = await this.invoke(r.method, params, conn, scope, aborted);
    // A notification gets no answer, not even an error (JSON-RPC 2.0 §4.1).
    if (!hasId) return undefined;
    return "error" in result ? { jsonrpc: "2.0", id: rid, error: result.error } : { jsonrpc: "2.0", id: rid, result: result.result };
  }

  private async invoke(
    name: string, raw: unknown[], conn: Connection | undefined, scope: RequestScope, aborted: Promise<never>,
  ): Promise<{ result: Json } | { error: Json }> {
    const spec = this.methods.get(name);
    if (!spec) return { error: { code: RpcCode.METHOD_NOT_FOUND, message: `the method ${name.slice(0, 100)} does not exist/is not available` } };
    this.ctx.metrics?.rpcRequests.inc({ method: name });
    try {
      if (raw.length > spec.params.length) {
        throw new LuxError("INVALID_PARAMS", `too many arguments, want at most ${spec.params.length}`);
      }
      const args = spec.params.map((p, i) => {
        const v = raw[i];
        if (v === undefined || v === null) {
          if (p.optional) return undefined;
          throw new LuxError("INVALID_PARAMS", `missing value for required argument ${i} (${p.name})`);
        }
        return p.parse(v);
      });
      // The race answers a timed-out or abandoned request at once even if its handler cannot stop.
      const result = await Promise.race([Promise.resolve().then(() => spec.handler(this.ctx, args, conn, scope)), aborted]);
      return { result };
    } catch (err) {
      if (!(err instanceof LuxError)) this.ctx.log.error(`rpc ${name} failed: ${errorMessage(err)}`);
      return { error: toRpcError(err) as unknown as Json };
    }
  }
}
