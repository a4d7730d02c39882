/**
 * The whole contract suite (every file of test/contracts: loadFixture snapshots, time helpers, `mine`,
 * impersonation) run by Hardhat against a spawned devnet node through the `devnet` network entry —
 * what a user does with `npx hardhat test --network devnet`. It must pass exactly the tests the
 * in-process Hardhat network passes: the count comes from a mocha dry run of the same files.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ROOT, runNpx, startNode, type SpawnedNode } from "./helpers";

/** The whole suite on a loaded 2-core machine: governance mines three 50,400-block voting periods. */
const RUN_TIMEOUT_MS = 3_600_000;
/** Per-test mocha time-out of the nested run (256-validator fixtures are slow over RPC). */
const NESTED_MOCHA_TIMEOUT_MS = "1800000";
/**
 * eth_estimateGas/eth_call time-out of the node: a registration among 256 validators runs the EVM for
 * seconds when four test runs share two cores; geth's 5 s default would fail it there.
 */
const EVM_TIMEOUT_MS = "120000";

function contractTestFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".test.ts")) out.push(path.relative(ROOT, p));
    }
  };
  walk(path.join(ROOT, "test/contracts"));
  return out.sort();
}

/** mocha's summary counts ("N passing", "N failing", "N pending"); 0 when absent. */
function summary(out: string): { passing: number; failing: number; pending: number } {
  const count = (word: string): number => Number(new RegExp(`^\\s*(\\d+) ${word}\\b`, "m").exec(out)?.[1] ?? 0);
  return { passing: count("passing"), failing: count("failing"), pending: count("pending") };
}

describe("node: the whole contract suite on a spawned devnet (npx hardhat test --network devnet)", function () {
  this.timeout(RUN_TIMEOUT_MS + 180_000);
  let node: SpawnedNode | undefined;
  const files = contractTestFiles();

  after(async () => {
    await node?.stop();
  });

  it(`passes every test of the ${files.length} files in test/contracts, as many as on the in-process network`, async () => {
    expect(files.length).to.be.gte(19);
    const dry = await runNpx(["hardhat", "test", "--no-compile", ...files], { MOCHA_DRY_RUN: "1" }, 180_000);
    const expected = summary(dry.out);
    expect(dry.code, dry.out).to.equal(0);
    expect(expected.passing).to.be.greaterThan(0);
    expect(expected.pending).to.equal(0);

    node = await startNode({ args: ["--quiet", "--dev", "--rpc-evm-timeout", EVM_TIMEOUT_MS] });
    const env = { DEVNET_RPC_URL: node.url, DEVNET_CHAIN_ID: "8898", MOCHA_TIMEOUT: NESTED_MOCHA_TIMEOUT_MS };
    const { code, out } = await runNpx(["hardhat", "test", "--no-compile", "--network", "devnet", ...files], env, RUN_TIMEOUT_MS);
    const got = summary(out);
    const tail = out.slice(-20_000);
    expect(got.failing, tail).to.equal(0);
    expect(got.pending, tail).to.equal(0);
    expect(got.passing, tail).to.equal(expected.passing);
    expect(code, tail).to.equal(0);
  });
});
