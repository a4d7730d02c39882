import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { getCreateAddress } from "ethers";
import { STAKING_MANAGER_DEPLOY_NONCE } from "../../scripts/lib/config";
import type { DeploymentRecord } from "../../scripts/lib/deploySuite";
import { tempDir } from "../tempDir";

const run = promisify(execFile);
const REPO = path.resolve(__dirname, "..", "..");
const HARDHAT_CHAIN_ID = 31337;
const DEPLOY_TIMEOUT_MS = 120_000;
/** Account #0 of the test mnemonic: the deployer on the hardhat network. */
const DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

// Runs the real script the way a user does, in its own process, writing to a temp deployments dir.
async function deploy(env: Record<string, string>): Promise<{ stdout: string; record: DeploymentRecord }> {
  const dir = tempDir("mt-deploy-");
  const { stdout } = await run("npx", ["hardhat", "run", "scripts/deploy.ts", "--no-compile"], {
    cwd: REPO,
    env: { ...process.env, DEPLOYMENTS_DIR: dir, ...env },
    timeout: DEPLOY_TIMEOUT_MS,
  });
  const record = JSON.parse(fs.readFileSync(path.join(dir, `${HARDHAT_CHAIN_ID}.json`), "utf8")) as DeploymentRecord;
  fs.rmSync(dir, { recursive: true, force: true });
  return { stdout, record };
}

describe("scripts/deploy.ts", function () {
  this.timeout(DEPLOY_TIMEOUT_MS * 2);

  it("deploys the suite on the hardhat network and writes deployments/<chainId>.json", async function () {
    const { stdout, record } = await deploy({});
    expect(record.chainId).to.equal(HARDHAT_CHAIN_ID);
    expect(record.deployer).to.equal(DEPLOYER);
    expect(record.deployBlock).to.equal(1);
    expect(record.epochLength).to.equal(32);
    expect(Object.keys(record.contracts).sort()).to.deep.equal([
      "BurnPool",
      "DAOTreasury",
      "EmissionController",
      "EpochClock",
      "MDTGovernor",
      "MDTToken",
      "RecyclingPool",
      "RewardDistributor",
      "StakingManager",
      "SubnetRegistry",
    ]);
    expect(new Set(Object.values(record.contracts)).size).to.equal(10);
    // The node's chain config names the staking contract before it exists: nonce 4 of the deployer.
    expect(record.contracts.StakingManager).to.equal(
      getCreateAddress({ from: DEPLOYER, nonce: STAKING_MANAGER_DEPLOY_NONCE }),
    );
    expect(stdout).to.contain("Wrote");
  });

  it("honours DEPLOY_EPOCH_LENGTH", async function () {
    const { record } = await deploy({ DEPLOY_EPOCH_LENGTH: "8" });
    expect(record.epochLength).to.equal(8);
  });

  it("fails with a non-zero exit on an invalid setting", async function () {
    let failed = false;
    try {
      await deploy({ DEPLOY_EPOCH_LENGTH: "0" });
    } catch (error) {
      failed = true;
      expect(String((error as { stderr?: string }).stderr)).to.contain("InvalidEpochLength");
    }
    expect(failed, "the deploy script should have failed").to.equal(true);
  });
});
