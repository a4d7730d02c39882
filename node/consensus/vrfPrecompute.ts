import type { Worker } from "node:worker_threads";
import { equalsBytes } from "@ethereumjs/util";
import type { WorkerJob } from "./vrfWorker";
import { siblingModule, startModuleWorker } from "../workerThread";

/**
 * VRF proofs made ahead on a worker thread. A RANDAO proof depends only on the proposer's key, the chain
 * id and the slot, all known before the slot comes, so the block producer can leave the proving (the
 * most expensive step of an empty block) to a second core. A producer asks for a range of consecutive
 * slots at once (a hardhat_mine run; automine's next 64 slots): the worker and the producer share the
 * range, each index is claimed once through an atomic counter, so whoever is free proves the next
 * unclaimed slot, and the worker writes its proofs into shared memory.
 * The worker runs the very same `vrfProve` (vrfWorker.ts), so a proof taken from it is the proof the
 * producer would have computed (tests compare them byte for byte); a miss is computed in place.
 */

/** Proof layout: see vrf.ts. */
const PROOF_BYTES = 130;
/** How long a producer waits for a proof the worker is in the middle of before proving it itself. */
const CLAIMED_WAIT_MS = 50;

let worker: Worker | null | undefined;

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  if (process.env.LUX_VRF_WORKER === "0") return (worker = null);
  try {
    worker = startModuleWorker(siblingModule(__dirname, "vrfWorker", __filename));
    // A failing worker only means proving in place.
    worker.on("error", () => {
      worker = null;
    });
  } catch {
    worker = null;
  }
  return worker;
}

function post(job: WorkerJob): boolean {
  const w = getWorker();
  if (!w) return false;
  w.postMessage(job);
  return true;
}

/** Proofs of RANDAO reveals for `count` consecutive slots from `firstSlot`, shared with the worker. */
export class ProofRun {
  /** [0]: the next unclaimed index (the worker and the producer both claim through it). */
  private readonly next: Int32Array;
  /** Per index: 1 once the worker wrote the proof. */
  private readonly done: Int32Array;
  private readonly proofs: Uint8Array;
  /** Proofs taken from the worker / made in place (tests and diagnostics). */
  readonly stats = { fromWorker: 0, inPlace: 0 };

  private constructor(
    readonly sk: Uint8Array,
    readonly chainId: bigint,
    readonly firstSlot: bigint,
    readonly count: number,
    private readonly prove: (slot: bigint) => Uint8Array,
  ) {
    this.next = new Int32Array(new SharedArrayBuffer(4));
    this.done = new Int32Array(new SharedArrayBuffer(4 * count));
    this.proofs = new Uint8Array(new SharedArrayBuffer(PROOF_BYTES * count));
  }

  /**
   * Starts a run on the worker; `prove` computes a proof in place (for the slots the producer claims).
   * Without a worker the run still works: every proof is computed in place.
   */
  static start(sk: Uint8Array, chainId: bigint, firstSlot: bigint, count: number, prove: (slot: bigint) => Uint8Array): ProofRun {
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`a proof run needs a positive count, got ${count}`);
    const run = new ProofRun(Uint8Array.from(sk), chainId, firstSlot, count, prove);
    post({ type: "run", sk: run.sk, chainId, firstSlot, count, next: run.next.buffer as SharedArrayBuffer, done: run.done.buffer as SharedArrayBuffer, proofs: run.proofs.buffer as SharedArrayBuffer });
    return run;
  }

  /** Whether this run proves `slot` with `sk`. */
  covers(sk: Uint8Array, slot: bigint): boolean {
    return slot >= this.firstSlot && slot < this.firstSlot + BigInt(this.count) && equalsBytes(sk, this.sk);
  }

  /** The proof of `slot` (which `covers`): the worker's, or made here when the worker has not claimed it. */
  proof(slot: bigint): Uint8Array {
    const i = Number(slot - this.firstSlot);
    if (i < 0 || i >= this.count) throw new RangeError(`slot ${slot} is outside the run ${this.firstSlot}+${this.count}`);
    for (;;) {
      const claimed = Atomics.load(this.next, 0);
      if (claimed > i) break;
      // Unclaimed: claim it (and skip whatever lies below: the producer is past those slots).
      if (Atomics.compareExchange(this.next, 0, claimed, i + 1) === claimed) {
        this.stats.inPlace++;
        return this.prove(slot);
      }
    }
    // The worker claimed it: it is written, or being written (wait at most CLAIMED_WAIT_MS for it).
    if (Atomics.load(this.done, i) === 0) Atomics.wait(this.done, i, 0, CLAIMED_WAIT_MS);
    if (Atomics.load(this.done, i) === 0) {
      this.stats.inPlace++;
      return this.prove(slot);
    }
    this.stats.fromWorker++;
    return this.proofs.slice(i * PROOF_BYTES, (i + 1) * PROOF_BYTES);
  }

  /** Whether the worker has written the proof of `slot` (tests and diagnostics). */
  isReady(slot: bigint): boolean {
    const i = Number(slot - this.firstSlot);
    return i >= 0 && i < this.count && Atomics.load(this.done, i) === 1;
  }

  /** Stops the worker on this run (it finishes the proof in hand). */
  close(): void {
    Atomics.store(this.next, 0, this.count);
  }
}
