import { LuxError } from "../errors";

/**
 * Limits how many simulations run at once. JavaScript runs one at a time anyway, so more concurrency
 * buys no throughput, only memory (each holds a VM, a state copy and up to ~5 MB of EVM memory):
 * a batch of 1,000 calls queues here instead of allocating for all of them at once.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  /** Runs `fn` when a slot is free; gives up (with the signal's reason) if the signal fires first. */
  async run<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener("abort", onAbort);
        this.active++;
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(abortReason(signal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}

/** The LuxError an aborted signal carries (the dispatcher aborts with one), or a generic cancellation. */
export function abortReason(signal: AbortSignal | undefined): LuxError {
  const r = signal?.reason as unknown;
  return r instanceof LuxError ? r : new LuxError("CANCELLED", "request cancelled: the client went away");
}
