/** `mtcli epoch run [--watch]` and `mtcli epoch show <N>`. */
import type { Command } from "commander";
import { getEpochReward } from "../../client/actions/read/getEpochReward";
import { requireSigner } from "../../client/call";
import { createJsonLineLogger, silentLogger } from "../../epoch/logger";
import { createMetrics, serveMetrics } from "../../epoch/metrics";
import { runEpochs } from "../../epoch/runner";
import { DEFAULT_WATCH_INTERVAL_MS, watchEpochs } from "../../epoch/watch";
import type { RunEpochsResult } from "../../epoch/types";
import { withClient } from "../context";
import { mdt, printResult, progress, type GlobalOptions } from "../output";
import { parseUintArg } from "../parse";

interface RunOptions {
  watch?: boolean;
  from?: string;
  interval?: string;
  metricsPort?: string;
}

function summarise(result: RunEpochsResult): string[] {
  const lines = result.epochs
    .filter((r) => r.outcome !== "skipped")
    .map((r) => `epoch ${r.epoch}: ${r.outcome}${r.outcome === "distributed" || r.outcome === "attested" ? ` ${mdt(r.emission)}` : ""} root ${r.root}`);
  return [...lines, `current epoch ${result.currentEpoch}; first epoch not yet accepted here ${result.nextEpoch}`];
}

/** Registers the epoch commands. */
export function registerEpoch(program: Command): void {
  const epoch = program.command("epoch").description("epoch settlement: attest reward trees, show epochs");
  epoch
    .command("run")
    .option("--watch", "keep running: attest each epoch as it finishes, until Ctrl-C")
    .option("--from <n>", "first epoch to consider (default: where the last run stopped)")
    .option("--interval <ms>", `poll interval in watch mode (default ${DEFAULT_WATCH_INTERVAL_MS})`)
    .option("--metrics-port <port>", "serve Prometheus metrics on 127.0.0.1:<port>/metrics")
    .description(
      "validators: reveal last epoch's committed weights, then compute every finished epoch's reward tree from chain data and attest its root; an epoch is funded once validators with > 2/3 of its stake attested the same root (needs the validator's key)",
    )
    .action(async (local: RunOptions, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const fromEpoch = local.from === undefined ? undefined : parseUintArg("from", local.from);
      const intervalMs = local.interval === undefined ? undefined : Number(parseUintArg("interval", local.interval));
      const port = local.metricsPort === undefined ? undefined : Number(parseUintArg("metrics-port", local.metricsPort));
      await withClient(opts, async (client) => {
        requireSigner(client, "epoch run");
        const metrics = port === undefined ? null : createMetrics();
        const server = metrics === null || port === undefined ? null : await serveMetrics(metrics.registry, port);
        if (server !== null) progress(opts, `metrics on http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`);
        const logger = opts.quiet ? silentLogger : createJsonLineLogger(process.stderr);
        try {
          if (local.watch) {
            const controller = new AbortController();
            const stop = (): void => controller.abort();
            process.once("SIGINT", stop);
            process.once("SIGTERM", stop);
            await watchEpochs(client, { signal: controller.signal, logger, metrics, ...(intervalMs === undefined ? {} : { intervalMs }), onRun: (r) => printResult(opts, summarise(r), r) });
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
          } else {
            const result = await runEpochs(client, { logger, metrics, ...(fromEpoch === undefined ? {} : { fromEpoch }) });
            printResult(opts, summarise(result), result);
          }
        } finally {
          server?.close();
        }
      });
    });

  epoch
    .command("show")
    .argument("<n>", "epoch number")
    .description("show an epoch's distribution record and on-chain metrics")
    .action(async (n: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const epochNumber = parseUintArg("epoch", n);
      await withClient(opts, async (client) => {
        const r = await getEpochReward(client, { epoch: epochNumber });
        const pct = (wad: bigint): string => `${(Number(wad / 10n ** 12n) / 1e4).toFixed(2)}%`;
        printResult(opts, [
          `epoch ${r.epoch}: ${r.ended ? "ended" : "in progress"}, ${r.distributed ? "distributed (accepted by > 2/3 of its stake)" : `not distributed; validators attest it after epoch ${r.finalAfter}`}${r.commitReveal ? ", weights by commit–reveal" : ""}`,
          `tasks ${r.metrics.tasks}, difficulty ${pct(r.metrics.difficulty)}, participation ${pct(r.metrics.participation)} → utility ${pct(r.expectedUtility)}`,
          ...(r.distributed ? [`root ${r.root}`, `funded ${mdt(r.funded)}, claimed ${mdt(r.claimed)}, claims until epoch ${r.claimDeadline}${r.swept ? ", swept" : ""}`] : []),
        ], r);
      });
    });
}
