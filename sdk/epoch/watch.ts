/** `--watch`: runs the runner whenever an epoch finishes, until the signal aborts. */
import { read } from "../client/call";
import type { Client } from "../client/types";
import { createJsonLineLogger } from "./logger";
import { runEpochs } from "./runner";
import type { RunEpochsOptions, RunEpochsResult } from "./types";

/** Polling bounds: never hammer the node, never sleep through more than a minute. */
export const MIN_WATCH_INTERVAL_MS = 100;
export const MAX_WATCH_INTERVAL_MS = 60_000;
/** Default poll interval. */
export const DEFAULT_WATCH_INTERVAL_MS = 2_000;

/** Options of {@link watchEpochs}. */
export interface WatchEpochsOptions extends Omit<RunEpochsOptions, "fromEpoch" | "maxEpochs"> {
  /** Poll interval, clamped to [MIN_WATCH_INTERVAL_MS, MAX_WATCH_INTERVAL_MS]. */
  intervalMs?: number;
  /** Stops the watch (e.g. on SIGINT). */
  signal: AbortSignal;
  /** Called after each run that did something. */
  onRun?: (result: RunEpochsResult) => void;
}

/** Clamps a poll interval to the allowed bounds. */
export function clampInterval(ms: number): number {
  return Math.min(MAX_WATCH_INTERVAL_MS, Math.max(MIN_WATCH_INTERVAL_MS, ms));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

/**
 * Runs every newly finished epoch as it appears. A failed run is logged and retried on the next poll
 * (the runner is idempotent); resolves once `signal` aborts.
 */
export async function watchEpochs(client: Client, options: WatchEpochsOptions): Promise<void> {
  const log = options.logger ?? createJsonLineLogger();
  const interval = clampInterval(options.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS);
  let lastRunFor: bigint | null = null;
  log({ level: "info", msg: `watch: polling every ${interval} ms`, step: "watch" });
  while (!options.signal.aborted) {
    try {
      const current = await read(client, "EpochClock.currentEpoch", () => client.contracts.clock.currentEpoch());
      if (lastRunFor === null || current > lastRunFor) {
        const result = await runEpochs(client, { ...options, logger: log });
        lastRunFor = current;
        options.onRun?.(result);
      }
    } catch (error) {
      // Already logged by the runner (or a transient RPC failure): try again on the next poll.
      log({ level: "warn", msg: `watch: run failed, retrying in ${interval} ms: ${error instanceof Error ? error.message : String(error)}`, step: "watch" });
    }
    await sleep(interval, options.signal);
  }
  log({ level: "info", msg: "watch: stopped", step: "watch" });
}
