import { parentPort } from "node:worker_threads";
import { recoverAddress } from "../execution/crypto";
import { ADDRESS_BYTES, REQUEST_BYTES, RESULT_BYTES, type RecoveryJob, type RecoveryResult } from "./senderRecovery";

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
        requests.subarray(at, at + 32),
        requests.subarray(at + 32, at + 64),
        requests.subarray(at + 64, at + 96),
        requests[at + 96],
      );
      out[i * RESULT_BYTES] = 1;
      out.set(address.subarray(0, ADDRESS_BYTES), i * RESULT_BYTES + 1);
    } catch {
      // Flag stays 0: no key made this signature.
    }
  }
  return out;
}

if (parentPort) {
  const port = parentPort;
  port.on("message", (job: RecoveryJob) => {
    const results = recoverAll(job.requests);
    const reply: RecoveryResult = { id: job.id, results };
    port.postMessage(reply, [results.buffer as ArrayBuffer]);
  });
  // Loading the native bindings is the slow part of starting: done before saying ready.
  recoverAll(new Uint8Array(0));
  port.postMessage("ready");
}
