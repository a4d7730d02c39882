import { errorMessage } from "../errors";
import { RpcCode } from "./errors";
import type { Json } from "./format";

function idOf(msg: Json): Json {
  return msg !== null && typeof msg === "object" && !Array.isArray(msg) && "id" in msg ? (msg.id ?? null) : null;
}

function tooLarge(id: Json, why: string): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error: { code: RpcCode.RESPONSE_TOO_LARGE, message: why } });
}

/** One message as JSON, or the error that replaces it when it cannot be serialised within `maxBytes`. */
function encodeOne(msg: Json, maxBytes: number): string {
  let text: string;
  try {
    text = JSON.stringify(msg);
  } catch (err) {
    // V8 throws RangeError ("Invalid string length") past ~512 MB: answer, do not crash.
    return tooLarge(idOf(msg), `response too large to serialise (${errorMessage(err)}); limit ${maxBytes} bytes (--rpc-max-response)`);
  }
  if (Buffer.byteLength(text) > maxBytes) return tooLarge(idOf(msg), `response too large: limit ${maxBytes} bytes (--rpc-max-response)`);
  return text;
}

/**
 * Serialises a response or batch response within the size limit, like geth's batch-response limit:
 * an answer that does not fit becomes a -32003 error carrying its id, and once a batch has used the
 * budget every later answer does too. Never throws.
 */
export function encodeResponse(out: Json, maxBytes: number): string {
  if (!Array.isArray(out)) return encodeOne(out, maxBytes);
  const parts: string[] = [];
  let used = 2;
  for (const msg of out) {
    const text = used < maxBytes ? encodeOne(msg, maxBytes - used) : tooLarge(idOf(msg), `batch response too large: limit ${maxBytes} bytes (--rpc-max-response)`);
    used += Buffer.byteLength(text) + 1;
    parts.push(text);
  }
  return `[${parts.join(",")}]`;
}
