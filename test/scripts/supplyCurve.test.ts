/** The default emission policy's supply curve: the halving series converges to the cap; the seed's hits it. */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { DEFAULT_POLICY, SEED_POLICY } from "../../scripts/lib/config";
import { plannedSupply } from "../../scripts/supply-curve";
import { DEFAULT_EMISSION_POLICY, SEED_HALVING_INTERVAL } from "../../sdk/tokenomics";
import { tempDir } from "../tempDir";

const run = promisify(execFile);
const CAP = DEFAULT_EMISSION_POLICY.supplyCap;

describe("emission defaults and npm run supply-curve", function () {
  it("makes the halving series converge to the cap, in the deploy config and the SDK alike", function () {
    expect(DEFAULT_POLICY.baseReward * 2n * DEFAULT_POLICY.halvingInterval).to.equal(CAP);
    expect(DEFAULT_POLICY.halvingInterval).to.equal(DEFAULT_EMISSION_POLICY.halvingInterval);
    expect(DEFAULT_POLICY.baseReward).to.equal(DEFAULT_EMISSION_POLICY.baseReward);
    expect(SEED_POLICY.halvingInterval).to.equal(SEED_HALVING_INTERVAL);
  });

  it("plans half the cap by the first halving, 99% within seven, and never the cap itself", function () {
    const h = DEFAULT_EMISSION_POLICY.halvingInterval;
    expect(plannedSupply(DEFAULT_EMISSION_POLICY, h)).to.equal(CAP / 2n);
    expect(plannedSupply(DEFAULT_EMISSION_POLICY, 7n * h) * 100n).to.be.gte(CAP * 99n);
    expect(plannedSupply(DEFAULT_EMISSION_POLICY, 1000n * h)).to.be.lessThan(CAP);
  });

  it("shows the seed's figures hitting the cap after 21,000 epochs, before any halving", function () {
    const seed = { ...DEFAULT_EMISSION_POLICY, halvingInterval: SEED_HALVING_INTERVAL };
    expect(plannedSupply(seed, 20_999n)).to.be.lessThan(CAP);
    expect(plannedSupply(seed, 21_000n)).to.equal(CAP);
  });

  it("writes the SVG chart", async function () {
    this.timeout(120_000);
    const out = path.join(tempDir("mt-curve-"), "curve.svg");
    const root = path.resolve(__dirname, "..", "..");
    const { stdout } = await run("node", ["-r", "ts-node/register/transpile-only", "scripts/supply-curve.ts", out], { cwd: root, timeout: 100_000 });
    expect(stdout).to.contain("99% at epoch");
    const svg = fs.readFileSync(out, "utf8");
    expect(svg).to.match(/^<svg /);
    expect(svg.match(/<polyline /g)).to.have.length(2);
  });
});
