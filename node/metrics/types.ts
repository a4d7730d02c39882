import type { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The node's metrics. */
export interface NodeMetrics {
  /** The registry they live in. */
  registry: Registry;
  /** Head block number. */
  headNumber: Gauge;
  /** Transactions held by the pool. */
  txpoolSize: Gauge;
  /** Seconds to build (or import) and commit a block. */
  blockBuildSeconds: Histogram;
  /** Transactions included in blocks. */
  txsTotal: Counter;
  /** Blocks committed. */
  blocksTotal: Counter;
  /** Transactions per second over the last 10 s. */
  txPerSecond: Gauge;
  /** JSON-RPC requests by method. */
  rpcRequests: Counter<"method">;
  /** Records a committed block for tx/s. */
  observeBlock(txCount: number, seconds: number): void;
}

