/** Watch mode distributes epochs as they finish and stops on abort; metrics are served on 127.0.0.1. */
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { clampInterval, createMetrics, serveMetrics, silentLogger, watchEpochs, MAX_WATCH_INTERVAL_MS } from "../../../sdk/epoch";
import { registerValidator } from "../../../sdk/client";
import { clientFor, deployTestSuite, mineToNextEpoch } from "../helpers/suite";

const WATCH_INTERVAL_MS = 100;
const WAIT_TIMEOUT_MS = 10_000;

describe("epoch runner: watch mode and metrics", function () {
  it("bounds the poll interval", function () {
    expect(clampInterval(0)).to.be.greaterThan(0);
    expect(clampInterval(10 * MAX_WATCH_INTERVAL_MS)).to.equal(MAX_WATCH_INTERVAL_MS);
  });

  it("distributes each finished epoch while watching, serves metrics, and stops on abort", async function () {
    const t = await deployTestSuite(4n);
    const runner = await clientFor(t, t.signers[0]);
    await registerValidator(runner, { selfStake: 32n * 10n ** 18n }); // the only validator: it completes epochs alone
    const metrics = createMetrics();
    const server = await serveMetrics(metrics.registry, 0);
    const controller = new AbortController();
    const watching = watchEpochs(runner, { signal: controller.signal, intervalMs: WATCH_INTERVAL_MS, logger: silentLogger, metrics });
    try {
      await mineToNextEpoch(t); // the registration epoch has no active set yet
      const target = (await mineToNextEpoch(t)) - 1n;
      await mineToNextEpoch(t);
      const deadline = Date.now() + WAIT_TIMEOUT_MS;
      while (!(await t.suite.distributor.epochReward(target)).distributed) {
        if (Date.now() > deadline) expect.fail(`epoch ${target} was not distributed while watching`);
        await new Promise((r) => setTimeout(r, WATCH_INTERVAL_MS));
      }
      const { port } = server.address() as AddressInfo;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
      expect(text).to.include("moderntensor_last_distributed_epoch");
      expect(text).to.include("moderntensor_runner_errors_total");
    } finally {
      controller.abort();
      await watching;
      server.close();
    }
  });
});
