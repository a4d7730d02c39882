/**
 * Issue 9's acceptance: the WHOLE contract suite (every file in test/contracts, with loadFixture, time
 * helpers, mine, setBalance) runs green with `npx hardhat test --network devnet` against a spawned
 * `node --dev`: the same tests pass there as in-process on Hardhat Network.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { Suite } from "mocha";
import { ROOT, runNpx, startNode, type SpawnedNode } from "./helpers";

const CONTRACTS_DIR = path.join(ROOT, "test/contracts");
/** Generous: the suite sends a few thousand transactions and mines 150,000+ blocks, on 2 shared cores. */
const RUN_TIMEOUT_MS = 40 * 60_000;
const PER_TEST_TIMEOUT_MS = "600000";

function specFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return specFiles(p);
    return e.name.endsWith(".test.ts") ? [path.relative(ROOT, p)] : [];
  });
}

function countTests(suite: Suite, under: string): number {
  const own = suite.tests.filter((t) => !t.pending && t.file !== undefined && path.resolve(t.file).startsWith(under)).length;
  return own + suite.suites.reduce((n, s) => n + countTests(s, under), 0);
}

function summary(out: string): { passing: number; failing: number; pending: number } {
  const n = (re: RegExp): number => Number(re.exec(out)?.[1] ?? 0);
  return { passing: n(/^\s*(\d+) passing/m), failing: n(/^\s*(\d+) failing/m), pending: n(/^\s*(\d+) pending/m) };
}

describe("node --dev: the whole contract suite through `hardhat test --network devnet`", function () {
  this.timeout(RUN_TIMEOUT_MS * 2 + 120_000);
  let node: SpawnedNode;
  let expected: number;

  before(async function () {
    // In `npm test` mocha already loaded test/contracts: count its tests from the root suite; run alone, ask Hardhat Network.
    let root: Suite = this.test?.parent as Suite;
    while (root.parent) root = root.parent;
    expected = countTests(root, CONTRACTS_DIR);
    if (expected === 0) {
      const { code, out } = await runNpx(["hardhat", "test", "--no-compile", ...specFiles(CONTRACTS_DIR)], {}, RUN_TIMEOUT_MS);
      expect(code, out.slice(-4000)).to.equal(0);
      expected = summary(out).passing;
    }
    node = await startNode({ args: ["--quiet", "--dev"] });
  });

  after(async () => {
    await node?.stop();
  });

  it("passes every test of test/contracts, as many as in-process, none failing", async () => {
    const files = specFiles(CONTRACTS_DIR);
    expect(files.length).to.be.greaterThan(10);
    const env = { DEVNET_RPC_URL: node.url, DEVNET_CHAIN_ID: "8898", MOCHA_TIMEOUT: PER_TEST_TIMEOUT_MS };
    const { code, out } = await runNpx(["hardhat", "test", "--no-compile", "--network", "devnet", ...files], env, RUN_TIMEOUT_MS);
    const s = summary(out);
    expect(s.failing, out.slice(-6000)).to.equal(0);
    expect(code, out.slice(-6000)).to.equal(0);
    expect(expected).to.be.greaterThan(100);
    expect(s.passing, out.slice(-3000)).to.equal(expected);
  });
});
