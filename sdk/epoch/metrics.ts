/**
 * Prometheus metrics of the runner (prom-client), prefixed `moderntensor_`. Amounts are exported in
 * MDT as floats: metrics are for dashboards, the exact wei live in the reward trees and on-chain.
 */
import http from "node:http";
import { Counter, Gauge, Registry } from "prom-client";
import { WAD } from "../tokenomics/constants";

/** Prefix of every metric. */
export const METRIC_PREFIX = "moderntensor_";
/** The metrics server listens on loopback only: it is for a local scraper, not the internet. */
export const METRICS_HOST = "127.0.0.1";

/** The runner's metrics. */
export interface RunnerMetrics {
  registry: Registry;
  utility: Gauge;
  emission: Gauge;
  supply: Gauge;
  burned: Gauge;
  recycled: Gauge;
  distribution: Gauge<"pool">;
  distributedTotal: Counter<"pool">;
  lastDistributedEpoch: Gauge;
  epochsDistributed: Counter;
  errors: Counter<"code">;
}

/** Creates and registers the runner's metrics on `registry`. */
export function createMetrics(registry: Registry = new Registry()): RunnerMetrics {
  const registers = [registry];
  const p = METRIC_PREFIX;
  return {
    registry,
    utility: new Gauge({ name: `${p}epoch_utility`, help: "Utility (0..1) of the last distributed epoch", registers }),
    emission: new Gauge({ name: `${p}epoch_emission_mdt`, help: "Emission (MDT) of the last distributed epoch", registers }),
    supply: new Gauge({ name: `${p}supply_mdt`, help: "MDT total supply", registers }),
    burned: new Gauge({ name: `${p}burned_mdt`, help: "MDT burned through the burn pool", registers }),
    recycled: new Gauge({ name: `${p}recycled_mdt`, help: "MDT deposited into the recycling pool", registers }),
    distribution: new Gauge({ name: `${p}epoch_distribution_mdt`, help: "Last distributed epoch's pools (MDT)", labelNames: ["pool"], registers }),
    distributedTotal: new Counter({ name: `${p}distributed_mdt_total`, help: "MDT distributed by this runner, per pool", labelNames: ["pool"], registers }),
    lastDistributedEpoch: new Gauge({ name: `${p}last_distributed_epoch`, help: "Latest epoch distributed or marked", registers }),
    epochsDistributed: new Counter({ name: `${p}epochs_distributed_total`, help: "Epochs distributed by this runner", registers }),
    errors: new Counter({ name: `${p}runner_errors_total`, help: "Runner failures, per error code", labelNames: ["code"], registers }),
  };
}

/** Wei (or WAD) to a float for a gauge. */
export function toFloat(value: bigint): number {
  return Number(value / 10n ** 9n) / 1e9; // two steps keep 9 decimals without overflowing a double early
}

/** WAD utility to a 0..1 float. */
export function utilityToFloat(utility: bigint): number {
  return toFloat((utility * 10n ** 18n) / WAD);
}

/** Serves `/metrics` on 127.0.0.1:`port` (0 = any free port); resolves once listening. */
export async function serveMetrics(registry: Registry, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end("not found; try /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, METRICS_HOST, () => resolve());
  });
  return server;
}
