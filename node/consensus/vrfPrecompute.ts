import { Worker } from "node:worker_threads";
import { bytesToHex } from "@ethereumjs/util";

/**
 * Hashing to the curve (RFC 9380 SSWU in @noble/curves, pure JS) is the one expensive step of a VRF
 * proof (~1.7 ms of field arithmetic, more than the rest of a small block). Its input — the proposer's
 * key and the slot — is known before the slot comes, so a dev node that builds block after block asks a
 * worker thread to hash the next slot's input while it works on the current block. The result is a pure
 * function of the input (the worker runs the same library), so a hit changes nothing but the time; a
 * miss (no worker, or not ready yet) is computed in place.
 */

/** Entries kept; a proposer asks for one or two slots ahead. */
const CACHE_LIMIT = 64;

const ready = new Map<string, Uint8Array>();
const inFlight = new Set<string>();
let worker: Worker | null | undefined;

// Plain JavaScript (no ts-node in the worker): hash each input, answer with the compressed point.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { hashToCurve } = require(workerData.noble);
parentPort.on("message", (m) => {
  let out = null;
  try { out = hashToCurve(m.input, { DST: m.dst }).toRawBytes(true); } catch { out = null; }
  parentPort.postMessage({ key: m.key, out });
});
`;

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { noble: require.resolve("@noble/curves/secp256k1") } });
    // Never keeps the process alive, and a failing worker only means computing in place.
    worker.unref();
    worker.on("message", (m: { key: string; out: Uint8Array | null }) => {
      inFlight.delete(m.key);
      if (!m.out) return;
      if (ready.size >= CACHE_LIMIT) ready.delete(ready.keys().next().value as string);
      ready.set(m.key, m.out);
    });
    worker.on("error", () => {
      worker = null;
      inFlight.clear();
    });
  } catch {
    worker = null;
  }
  return worker;
}

/** Asks the worker to hash `input` to the curve under `dst` ahead of time. */
export function precomputeHashToCurve(input: Uint8Array, dst: string): void {
  const key = `${dst}|${bytesToHex(input)}`;
  if (ready.has(key) || inFlight.has(key)) return;
  const w = getWorker();
  if (!w) return;
  inFlight.add(key);
  w.postMessage({ key, input, dst });
}

/** The compressed point the worker computed for `input`, taken out of the cache; undefined on a miss. */
export function takePrecomputed(input: Uint8Array, dst: string): Uint8Array | undefined {
  const key = `${dst}|${bytesToHex(input)}`;
  const hit = ready.get(key);
  if (hit) ready.delete(key);
  return hit;
}

/** Whether the worker's point for `input` is waiting in the cache (tests and diagnostics). */
export function isPrecomputed(input: Uint8Array, dst: string): boolean {
  return ready.has(`${dst}|${bytesToHex(input)}`);
}
