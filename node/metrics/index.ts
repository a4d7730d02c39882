/**
 * Metrics: one `createMetrics(registry)` returning the node's typed Prometheus metrics (prefix
 * `luxtensor_`). Each part receives the object (or null) and updates its own; the RPC server serves
 * the registry at /metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { NodeMetrics } from "./types";

export type { NodeMetrics } from "./types";

/** Window over which tx/s is computed. */
const TPS_WINDOW_MS = 10_000;

/** Creates the metrics in `registry` (default process metrics included). */
export function createMetrics(registry: Registry = new Registry()): NodeMetrics {
  collectDefaultMetrics({ register: registry, prefix: "luxtensor_" });
  const recent: { at: number; txs: number }[] = [];
  const prune = (now: number): void => {
    while (recent.length > 0 && recent[0].at < now - TPS_WINDOW_MS) recent.shift();
  };
  const txPerSecond = new Gauge({
    name: "luxtensor_tx_per_second", help: "Transactions per second included over the last 10 s", registers: [registry],
    collect() {
      prune(Date.now());
      this.set(recent.reduce((s, r) => s + r.txs, 0) / (TPS_WINDOW_MS / 1000));
    },
  });
  const m: NodeMetrics = {
    registry,
    headNumber: new Gauge({ name: "luxtensor_head_number", help: "Head block number", registers: [registry] }),
    txpoolSize: new Gauge({ name: "luxtensor_txpool_size", help: "Transactions held by the pool", registers: [registry] }),
    blockBuildSeconds: new Histogram({
      name: "luxtensor_block_build_seconds", help: "Time to build or import and commit a block", registers: [registry],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    }),
    txsTotal: new Counter({ name: "luxtensor_transactions_total", help: "Transactions included in blocks", registers: [registry] }),
    blocksTotal: new Counter({ name: "luxtensor_blocks_total", help: "Blocks committed", registers: [registry] }),
    txPerSecond,
    rpcRequests: new Counter({ name: "luxtensor_rpc_requests_total", help: "JSON-RPC requests", labelNames: ["method"], registers: [registry] }),
    observeBlock(txCount, seconds) {
      m.txsTotal.inc(txCount);
      m.blocksTotal.inc();
      m.blockBuildSeconds.observe(seconds);
      const now = Date.now();
      prune(now);
      recent.push({ at: now, txs: txCount });
    },
  };
  return m;
}
