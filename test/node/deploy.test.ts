import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { ROOT, devKeys, rpc, runNpx, startNode, tempDataDir, waitFor, type SpawnedNode } from "./helpers";
import { defaultStakingContract } from "../../node/config/devAccounts";
import { claimAll, createClient, registerMiner, submitTaskReport, submitWeights, type Client } from "../../sdk/client";
import { runEpochs, silentLogger } from "../../sdk/epoch";

const DEPLOY_SCRIPT = path.join(ROOT, "scripts/deploy.ts");
const DEPLOY_TIMEOUT_MS = 150_000;

interface Validators {
  source: string;
  validators: { address: string; signer: string; stake: string }[];
}

function runDeploy(url: string, deploymentsDir: string): Promise<{ code: number; out: string }> {
  const env = { DEVNET_RPC_URL: url, DEVNET_CHAIN_ID: "8898", DEPLOYMENTS_DIR: deploymentsDir, DEPLOY_DEV_MODE: "1" };
  return runNpx(["hardhat", "run", "scripts/deploy.ts", "--network", "devnet"], env, DEPLOY_TIMEOUT_MS);
}

describe("node: the Hardhat deploy script deploys the suite on a spawned node", function () {
  this.timeout(DEPLOY_TIMEOUT_MS + 60_000);
  let node: SpawnedNode;
  let deploymentsDir: string | undefined;

  before(async function () {
    if (!fs.existsSync(DEPLOY_SCRIPT)) this.skip();
    // Short slots so the next epoch boundary (32 slots) comes quickly.
    node = await startNode({ args: ["--quiet", "--slot-time", "100"] });
  });

  after(async () => {
    await node?.stop();
  });

  it("writes deployments/<chainId>.json with live contracts, and the node adopts the staking contract's active set", async () => {
    const dir = tempDataDir("deployments");
    const { code, out } = await runDeploy(node.url, dir);
    expect(code, out).to.equal(0);
    const file = JSON.parse(fs.readFileSync(path.join(dir, "8898.json"), "utf8")) as { chainId: number; contracts: Record<string, string> };
    expect(file.chainId).to.equal(8898);
    expect(file.contracts.StakingManager).to.equal(defaultStakingContract());
    for (const addr of Object.values(file.contracts)) expect((await rpc<string>(node.url, "eth_getCode", [addr, "latest"])).length).to.be.greaterThan(2);
    // A representative part of the suite through ethers against the node: token reads and the staking view.
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const token = new Contract(file.contracts.MDTToken, ["function symbol() view returns (string)", "function balanceOf(address) view returns (uint256)", "function transfer(address,uint256) returns (bool)"], new Wallet(devKeys(3)[2], provider));
    expect(await token.symbol()).to.equal("MDT");
    const holder = new Wallet(devKeys(3)[2]).address;
    const held = (await token.balanceOf(holder)) as bigint;
    expect(held > 0n).to.equal(true);
    await (await token.transfer(new Wallet(devKeys(5)[4]).address, 5n)).wait(1, 30_000);
    expect(await token.balanceOf(holder)).to.equal(held - 5n);
    // From the next epoch boundary on, proposers come from getActiveValidators() of the deployed contract.
    const set = await waitFor(async () => {
      const v = await rpc<Validators>(node.url, "lux_getValidators");
      return v.source === "contract" ? v : undefined;
    }, 30_000, "the contract's active set");
    expect(set.validators.length).to.be.greaterThan(0);
    expect(set.validators[0].address).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    // The same view through eth_call agrees with what the node adopted. The node reads the set of the
    // next block (block number head+1): the contract's EpochClock counts blocks, and at "latest" (head's
    // number) a stake made in the clock's epoch just ending is not active yet, so read at "pending".
    const staking = new Contract(file.contracts.StakingManager, ["function getActiveValidators() view returns (address[] validators, address[] signers, uint256[] stakes)"], provider);
    const [validators, signers, stakes] = (await staking.getActiveValidators({ blockTag: "pending" })) as [string[], string[], bigint[]];
    expect(validators).to.deep.equal(["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"]);
    expect(signers).to.deep.equal(validators);
    expect(stakes[0]).to.equal(10n ** 21n);
    expect(set.validators.map((v) => v.address)).to.deep.equal(validators);
    expect(set.validators.map((v) => BigInt(v.stake))).to.deep.equal(stakes);
    provider.destroy();
    const before = Number(await rpc<string>(node.url, "eth_blockNumber"));
    await waitFor(async () => Number(await rpc<string>(node.url, "eth_blockNumber")) > before + 3, 20_000, "blocks after the switch");
    deploymentsDir = dir;
  });

  // The tokenomics contracts doing their job on this chain: the SDK, over JSON-RPC, runs one whole
  // epoch — miner registration, weights, task reports, the runner's distribute, a Merkle claim.
  it("runs an epoch of the reward economy end to end: weights, reports, distribute, claim", async () => {
    if (deploymentsDir === undefined) throw new Error("the deployment test above did not finish");
    const dataDir = tempDataDir("sdk");
    const connect = (key: string): Promise<Client> =>
      createClient({ rpcUrl: node.url, privateKey: key, deploymentsDir, dataDir, pollIntervalMs: 50 });
    const [validator, miner] = await Promise.all(devKeys(2).map(connect));
    await registerMiner(miner);
    // Start at a fresh epoch so both submissions land in the same one (an epoch is ~3 s of 100 ms slots).
    const { clock, registry } = validator.contracts;
    const previous = await clock.currentEpoch();
    const epoch = await waitFor(async () => {
      const current = await clock.currentEpoch();
      return current > previous ? current : undefined;
    }, 60_000, "a fresh epoch");
    await submitWeights(validator, { weights: [{ miner: miner.account as string, weight: 1n }] });
    await submitTaskReport(validator, { taskCount: 8_000n, difficulty: 7n * 10n ** 17n });
    expect(await registry.hasSubmittedWeights(epoch, validator.account as string)).to.equal(true);
    expect(await registry.hasReportedTasks(epoch, validator.account as string)).to.equal(true);
    await waitFor(async () => (await validator.contracts.clock.currentEpoch()) > epoch || undefined, 60_000, `the end of epoch ${epoch}`);

    const run = await runEpochs(validator, { fromEpoch: epoch, maxEpochs: 1, logger: silentLogger });
    expect(run.epochs.map((e) => e.outcome)).to.deep.equal(["distributed"]);
    const record = await validator.contracts.distributor.epochReward(epoch);
    expect(record.distributed).to.equal(true);
    // One validator reported 8000 tasks at 0.7 and weighted the only miner: U = 0.5·0.8 + 0.3·0.7 + 0.2·1 = 0.81.
    expect(await validator.contracts.distributor.expectedUtility(epoch)).to.equal(81n * 10n ** 16n);
    expect(record.funded).to.equal((810n * 10n ** 18n * 8n) / 10n); // miners 40% + validators 40% of 810 MDT

    const balance = await miner.contracts.token.balanceOf(miner.account as string);
    const claimed = await claimAll(miner);
    expect(claimed.total).to.equal(324n * 10n ** 18n); // the whole miners' pool: 40% of 810 MDT
    expect(await miner.contracts.token.balanceOf(miner.account as string)).to.equal(balance + claimed.total);
  });
});
