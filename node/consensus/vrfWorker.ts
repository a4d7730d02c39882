import { parentPort } from "node:worker_threads";
import { randaoMessage } from "./messages";
import { vrfProveBatch } from "./vrf";

/**
 * The VRF worker thread (started by vrfPrecompute.ts). It runs the producer's own `vrfProve`, so its
 * proofs are exactly the ones the producer would compute.
 */

/** A job for the worker. */
export interface WorkerJob {
  /** RANDAO proofs of consecutive slots, written to shared memory (see ProofRun). */
  type: "run";
  sk: Uint8Array;
  chainId: bigint;
  firstSlot: bigint;
  count: number;
  /** Int32[1]: the next unclaimed index. */
  next: SharedArrayBuffer;
  /** Int32[count]: 1 once the proof of an index is written. */
  done: SharedArrayBuffer;
  /** count × 130 bytes of proofs. */
  proofs: SharedArrayBuffer;
}

/** Indices the worker claims at once: their hashes to the curve share one field inversion. */
const CHUNK = 8;

function runProofs(job: WorkerJob): void {
  const next = new Int32Array(job.next);
  const done = new Int32Array(job.done);
  const proofs = new Uint8Array(job.proofs);
  for (;;) {
    const first = Atomics.add(next, 0, CHUNK);
    if (first >= job.count) return;
    const end = Math.min(first + CHUNK, job.count);
    const alphas: Uint8Array[] = [];
    for (let i = first; i < end; i++) alphas.push(randaoMessage(job.chainId, job.firstSlot + BigInt(i)));
    const made = vrfProveBatch(job.sk, alphas);
    for (let i = first; i < end; i++) {
      const proof = made[i - first];
      proofs.set(proof, i * proof.length);
      Atomics.store(done, i, 1);
      Atomics.notify(done, i);
    }
  }
}

if (parentPort) {
  parentPort.on("message", (job: WorkerJob) => {
    try {
      runProofs(job);
    } catch {
      // The producer proves whatever is left in place.
    }
  });
}
