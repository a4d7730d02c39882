/**
 * The epoch runner (DESIGN.md §2, §2a), run by each validator: for every finished epoch whose inputs
 * are final it collects the on-chain reports and (revealed) weights, scores miners, computes
 * utility/emission/split with `sdk/tokenomics` (checked against the contract's views), builds the reward
 * tree (`sdk/rewards`), persists it and attests its root; the contract funds the epoch once > 2/3 of
 * its active stake attested the same root, and the runner verifies and marks it. It also reveals the
 * weights its validator committed in the previous epoch. Idempotent and resumable. Logs are JSON
 * lines; metrics are Prometheus (prom-client, `moderntensor_` prefix).
 */
export { runEpochs } from "./runner";
export { watchEpochs, clampInterval, DEFAULT_WATCH_INTERVAL_MS, MIN_WATCH_INTERVAL_MS, MAX_WATCH_INTERVAL_MS, type WatchEpochsOptions } from "./watch";
export { collectEpochInputs, type EpochInputs } from "./collect";
export { computeEpoch, readPolicy, type EpochComputation, type AcceptedTotals } from "./compute";
export { attestEpoch, adoptAccepted, attestationDigest, type SettleContext } from "./settle";
export { revealPending } from "./reveal";
export { createMetrics, serveMetrics, METRIC_PREFIX, type RunnerMetrics } from "./metrics";
export { createJsonLineLogger, silentLogger, bigintReplacer, type Logger, type LogEntry } from "./logger";
export { readCursor, writeCursor, runnerStateDir } from "./store";
export * from "./types";
