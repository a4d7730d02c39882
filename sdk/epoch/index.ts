/**
 * The epoch runner (DESIGN.md §2): for every finished, undistributed epoch it collects the on-chain
 * reports and weights, scores miners, computes utility/emission/split with `sdk/tokenomics` (checked
 * against the contract's views), builds the reward tree (`sdk/rewards`), persists it, submits
 * `distribute`, verifies the result on-chain and marks the epoch done. Idempotent and resumable.
 * Logs are JSON lines; metrics are Prometheus (prom-client, `moderntensor_` prefix).
 */
export { runEpochs } from "./runner";
export { watchEpochs, clampInterval, DEFAULT_WATCH_INTERVAL_MS, MIN_WATCH_INTERVAL_MS, MAX_WATCH_INTERVAL_MS, type WatchEpochsOptions } from "./watch";
export { collectEpochInputs, type EpochInputs } from "./collect";
export { computeEpoch, readPolicy, type EpochComputation } from "./compute";
export { createMetrics, serveMetrics, METRIC_PREFIX, type RunnerMetrics } from "./metrics";
export { createJsonLineLogger, silentLogger, bigintReplacer, type Logger, type LogEntry } from "./logger";
export { readCursor, writeCursor } from "./store";
export * from "./types";
