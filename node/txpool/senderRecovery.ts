import type { Worker } from "node:worker_threads";
import { Capability, type TypedTransaction } from "@ethereumjs/tx";
import { Address, SECP256K1_ORDER_DIV_2, bigIntToBytes, setLengthLeft } from "@ethereumjs/util";
import { LuxError } from "../errors";
import { recoverAddress, recoveryId } from "../execution/crypto";
import { siblingModule, startModuleWorker } from "../workerThread";
import { REQUEST_BYTES, RESULT_BYTES, STOP, WORD, type RecoveryJob, type RecoveryResult } from "./senderWorker";

/** How long `close` waits for the worker to answer what it holds and exit before recovering it in place. */
const CLOSE_TIMEOUT_MS = 5_000;

/** What recovering a transaction's sender needs, taken from the transaction on the main thread. */
export interface SignatureParts {
  msgHash: Uint8Array;
  r: Uint8Array;
  s: Uint8Array;
  recid: number;
}

/**
 * The signature parts of a signed transaction, with ethereumjs' own checks (`getSenderPublicKey`):
 * s in the lower half of the curve order (EIP-2), a recovery id of 0/1 (typed) or 27/28 and EIP-155.
 */
export function signatureParts(tx: TypedTransaction): SignatureParts {
  const { v, r, s } = tx;
  if (v === undefined || r === undefined || s === undefined) throw new LuxError("INVALID_SIGNATURE", "invalid sender");
  if (s > SECP256K1_ORDER_DIV_2) throw new LuxError("INVALID_SIGNATURE", "invalid sender: s-value above secp256k1n/2");
  let recid: number;
  try {
    recid = recoveryId(v, tx.supports(Capability.EIP155ReplayProtection) ? tx.common.chainId() : undefined);
  } catch (err) {
    throw new LuxError("INVALID_SIGNATURE", "invalid sender", { cause: err });
  }
  return { msgHash: tx.getMessageToVerifySignature(), r: setLengthLeft(bigIntToBytes(r), WORD), s: setLengthLeft(bigIntToBytes(s), WORD), recid };
}

/** Recovers on this thread; throws INVALID_SIGNATURE when no key made the signature. */
export function recoverInPlace(parts: SignatureParts): Address {
  try {
    return new Address(recoverAddress(parts.msgHash, parts.r, parts.s, parts.recid));
  } catch (err) {
    throw new LuxError("INVALID_SIGNATURE", "invalid sender", { cause: err });
  }
}

interface Pending {
  parts: SignatureParts;
  resolve(sender: Address): void;
  reject(err: unknown): void;
}

function settleInPlace(p: Pending): void {
  try {
    p.resolve(recoverInPlace(p.parts));
  } catch (err) {
    p.reject(err);
  }
}

/**
 * Sender recovery (an ECDSA public-key recovery per transaction, the largest single cost of admitting
 * one) on a worker thread, so the thread that answers RPC and builds blocks does not pay it. Requests
 * made in one turn of the event loop go to the worker as one message; answers come back in order.
 * Until the worker is ready, and if it fails, recovery happens in place: the result is the same.
 */
export class SenderRecovery {
  private worker: Worker | null = null;
  private ready = false;
  private closing?: Promise<void>;
  private queue: Pending[] = [];
  private readonly inFlight = new Map<number, Pending[]>();
  private nextId = 1;
  private flushScheduled = false;
  private readyWaiters: Array<() => void> = [];
  /** Senders recovered by the worker / in place (tests and diagnostics). */
  readonly stats = { worker: 0, inPlace: 0 };

  private static process?: SenderRecovery;

  /**
   * The process's shared recovery, its worker started on first use: every node of a process (tests run
   * many) shares one worker thread, which keeps the process alive only while answers are awaited.
   */
  static shared(): SenderRecovery {
    SenderRecovery.process ??= new SenderRecovery();
    return SenderRecovery.process;
  }

  /** Stops the process's shared worker, if one started (a CLI before it exits: see `close`). */
  static async closeShared(): Promise<void> {
    await SenderRecovery.process?.close();
  }

  /** Starts a worker; `useWorker: false` (or LUX_SENDER_WORKER=0) recovers everything in place. */
  constructor(opts: { useWorker?: boolean } = {}) {
    if (opts.useWorker === false || process.env.LUX_SENDER_WORKER === "0") return;
    try {
      const w = startModuleWorker(siblingModule(__dirname, "senderWorker", __filename));
      w.on("message", (m: RecoveryResult | "ready") => this.onMessage(m));
      w.on("error", () => this.fail());
      w.on("exit", () => this.fail());
      this.worker = w;
      // A "message" listener refs the worker: held only while an answer is awaited (see `holdOpen`).
      this.holdOpen();
    } catch {
      this.worker = null;
    }
  }

  /** True once requests go to the worker. */
  get usingWorker(): boolean {
    return this.worker !== null && this.ready;
  }

  /** Resolves once the worker is ready, or at once when there is none (tests). */
  whenReady(): Promise<void> {
    if (this.ready || !this.worker) return Promise.resolve();
    return new Promise((resolve) => {
      this.readyWaiters.push(resolve);
      this.holdOpen();
    });
  }

  /** The sender of `tx`; rejects with INVALID_SIGNATURE when its signature recovers no key. */
  recover(tx: TypedTransaction): Promise<Address> {
    return new Promise<Address>((resolve, reject) => {
      const parts = signatureParts(tx);
      if (!this.usingWorker) {
        this.stats.inPlace++;
        resolve(recoverInPlace(parts));
        return;
      }
      this.queue.push({ parts, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Stops the worker. Requests not yet sent are recovered in place at once; the worker answers the
   * batches it holds and then exits by itself. It is never terminated: a worker cut off inside the
   * native secp256k1 call can abort the whole process. Should it not exit in time, whatever it still
   * held is recovered in place and it is left to exit unreferenced.
   */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.ready = false;
    for (const p of this.queue.splice(0)) {
      this.stats.inPlace++;
      settleInPlace(p);
    }
    const exited = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      w.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    w.postMessage(STOP);
    w.ref();
    await exited;
    w.unref();
    this.fail();
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    // fail() drains the queue, so a non-empty batch always has its worker.
    const worker = this.worker;
    if (batch.length === 0 || !worker) return;
    const requests = new Uint8Array(batch.length * REQUEST_BYTES);
    batch.forEach(({ parts }, i) => {
      const at = i * REQUEST_BYTES;
      requests.set(parts.msgHash, at);
      requests.set(parts.r, at + WORD);
      requests.set(parts.s, at + 2 * WORD);
      requests[at + 3 * WORD] = parts.recid;
    });
    const id = this.nextId++;
    this.inFlight.set(id, batch);
    const job: RecoveryJob = { id, requests };
    worker.postMessage(job, [requests.buffer]);
    this.holdOpen();
  }

  /**
   * The worker keeps the process alive exactly while an answer is awaited: a process with nothing else
   * to do neither exits before its senders come back nor stays up for an idle worker.
   */
  private holdOpen(): void {
    if (!this.worker || this.closing) return;
    if (this.inFlight.size > 0 || this.readyWaiters.length > 0) this.worker.ref();
    else this.worker.unref();
  }

  private onMessage(m: RecoveryResult | "ready"): void {
    if (m === "ready") {
      this.ready = this.closing === undefined;
      for (const resolve of this.readyWaiters.splice(0)) resolve();
      this.holdOpen();
      return;
    }
    const batch = this.inFlight.get(m.id);
    if (!batch) return;
    this.inFlight.delete(m.id);
    this.holdOpen();
    batch.forEach((p, i) => {
      const at = i * RESULT_BYTES;
      if (m.results[at] !== 1) {
        p.reject(new LuxError("INVALID_SIGNATURE", "invalid sender"));
        return;
      }
      this.stats.worker++;
      p.resolve(new Address(m.results.slice(at + 1, at + RESULT_BYTES)));
    });
  }

  /** The worker is gone (error, exit or close): everything queued or in flight is recovered here. */
  private fail(): void {
    if (!this.worker) return;
    this.worker = null;
    this.ready = false;
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    const stranded = [...this.inFlight.values()].flat().concat(this.queue);
    this.inFlight.clear();
    this.queue = [];
    for (const p of stranded) {
      this.stats.inPlace++;
      settleInPlace(p);
    }
  }
}
