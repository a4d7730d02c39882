import { parentPort } from "node:worker_threads";
import { recoverAddress } from "../execution/crypto";

/** One request: message hash, r, s (a word each) and the recovery id (1 byte). */
export const WORD = 32;
export const REQUEST_BYTES = 3 * WORD + 1;
/** One result: flag (1 = recovered) and the address (20). */
const ADDRESS_BYTES = 20;
export const RESULT_BYTES = 1 + ADDRESS_BYTES;

/** A batch of requests posted to the worker. */
export interface RecoveryJob {
  id: number;
  requests: Uint8Array;
}
/** Posted after the last job: the worker answers what it holds, then exits by itself. */
export const STOP = "stop";
/** The worker's answer to a batch, in request order. */
export interface RecoveryResult {
  id: number;
  results: Uint8Array;
}

/**
 * Sender recovery on a worker thread: each request is msgHash‖r‖s‖recid (see senderRecovery.ts); each
 * result a flag (1 = recovered) and the 20-byte address.
 */
function recoverAll(requests: Uint8Array): Uint8Array {
  const n = requests.length / REQUEST_BYTES;
  const out = new Uint8Array(n * RESULT_BYTES);
  for (let i = 0; i < n; i++) {
    const at = i * REQUEST_BYTES;
    try {
      const address = recoverAddress(
        requests.subarray(at, at + WORD),
        requests.subarray(at + WORD, at + 2 * WORD),
        requests.subarray(at + 2 * WORD, at + 3 * WORD),
        requests[at + 3 * WORD],
      );
      out[i * RESULT_BYTES] = 1;
      out.set(address, i * RESULT_BYTES + 1);
    } catch {
      // Flag stays 0: no key made this signature.
    }
  }
  return out;
}

if (parentPort) {
  const port = parentPort;
  port.on("message", (job: RecoveryJob | typeof STOP) => {
    // Closing the port empties the worker's event loop: it ends between native calls, never inside one
    // (a terminate() mid-call can make the native add-on abort the whole process).
    if (job === STOP) {
      port.close();
      return;
    }
    const results = recoverAll(job.requests);
    const reply: RecoveryResult = { id: job.id, results };
    port.postMessage(reply, [results.buffer as ArrayBuffer]);
  });
  // Loading the native bindings is the slow part of starting: done before saying ready.
  recoverAll(new Uint8Array(0));
  port.postMessage("ready");
}
