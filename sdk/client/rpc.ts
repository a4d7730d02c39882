/**
 * Every RPC call of the SDK goes through here: a timeout on each attempt, and exponential backoff on
 * transient failures (network errors, timeouts, HTTP 429 and 5xx). Contract reverts and other
 * deterministic failures are never retried: the same call would fail the same way.
 */
import { clientError, isClientError } from "./errors";

/** Timeouts and retries of RPC calls. */
export interface RpcPolicy {
  /** Milliseconds one attempt may take before it counts as a (transient) timeout. */
  timeoutMs: number;
  /** Extra attempts after the first for a transient failure. */
  retries: number;
  /** Delay before the first retry; doubles on each further retry. */
  baseDelayMs: number;
  /** Upper bound of a retry delay. */
  maxDelayMs: number;
}

/** Defaults suited to a local or LAN node: 15 s per attempt, 4 retries, 200 ms → 3.2 s backoff. */
export const DEFAULT_RPC_POLICY: Readonly<RpcPolicy> = Object.freeze({
  timeoutMs: 15_000,
  retries: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
});

// Node socket errors and ethers error codes that say "the node did not answer", not "the call failed".
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "NETWORK_ERROR",
  "TIMEOUT",
  "SERVER_ERROR",
]);
/** JSON-RPC "limit exceeded" (rate limiting by providers). */
const RPC_LIMIT_EXCEEDED = -32005;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_SERVER_ERROR_MIN = 500;
const HTTP_SERVER_ERROR_MAX = 599;
/** How deep to follow `cause`/`error` chains when classifying an error. */
const MAX_ERROR_DEPTH = 6;

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
}

function isRetryableStatus(status: unknown): boolean {
  const n = typeof status === "number" ? status : typeof status === "string" ? parseInt(status, 10) : NaN;
  return n === HTTP_TOO_MANY_REQUESTS || (n >= HTTP_SERVER_ERROR_MIN && n <= HTTP_SERVER_ERROR_MAX);
}

/** True for failures worth retrying: timeouts, connection errors, rate limits and server errors. */
export function isTransientError(error: unknown, depth = 0): boolean {
  if (depth > MAX_ERROR_DEPTH) return false;
  if (isClientError(error, "RPC_TIMEOUT")) return true;
  if (isClientError(error)) return false;
  const e = asRecord(error);
  if (e === null) return false;
  // A revert is deterministic even when a node reports it as a server error.
  if (e.code === "CALL_EXCEPTION" || typeof e.data === "string") return false;
  if (typeof e.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
  if (e.code === RPC_LIMIT_EXCEEDED || isRetryableStatus(e.status) || isRetryableStatus(e.statusCode)) return true;
  const response = asRecord(e.response);
  if (response !== null && isRetryableStatus(response.statusCode ?? response.status)) return true;
  return [e.cause, e.error].some((inner) => inner !== undefined && isTransientError(inner, depth + 1));
}

/** Runs `fn`, failing with RPC_TIMEOUT if it takes longer than `timeoutMs`. */
export async function withTimeout<T>(label: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(clientError("RPC_TIMEOUT", `${label} did not answer within ${timeoutMs} ms; is the node reachable?`, { label, timeoutMs })),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([fn(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Milliseconds to wait before retry number `attempt` (1-based): base · 2^(attempt−1), capped. */
export function backoffDelay(policy: RpcPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `fn` with a timeout per attempt, retrying transient failures with exponential backoff.
 * A non-transient failure is rethrown at once; exhausted retries end in RPC_TIMEOUT or RPC_ERROR.
 */
export async function withRetry<T>(label: string, policy: RpcPolicy, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTimeout(label, policy.timeoutMs, fn);
    } catch (error) {
      if (!isTransientError(error)) throw error;
      if (attempt >= policy.retries) {
        if (isClientError(error, "RPC_TIMEOUT")) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw clientError("RPC_ERROR", `${label} failed after ${attempt + 1} attempts: ${reason}`, { label }, error);
      }
      await sleep(backoffDelay(policy, attempt + 1));
    }
  }
}
