import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { Contract, JsonRpcProvider, ethers } from "ethers";
import { createNode, type LuxNode } from "../../node/node";
import { devAccounts, devChainConfig } from "../../node/config";
import { encodeEvidence } from "../../node/consensus/messages";
import { signDigest, signingRoot } from "../../node/consensus/signing";
import { ROOT, rpc, runNpx, tempDataDir, waitFor } from "./helpers";
import { silent } from "./chainHarness";

const DEPLOY_TIMEOUT_MS = 240_000;
const abi = (p: string): unknown[] => (JSON.parse(fs.readFileSync(path.join(ROOT, "artifacts/contracts", p), "utf8")) as { abi: unknown[] }).abi;

/**
 * Slashing from evidence, end to end on a real node with the deployed suite: the genesis validator (dev
 * account #0, registered and staked by the deploy) signs two different blocks for one slot; the evidence
 * goes into the node's pool as a peer would gossip it, the next block includes it, and the end-of-block
 * system call (from the system address, which the deploy made a SLASHER) slashes 5% and jails.
 */
describe("node: a double-signing validator is slashed and jailed by the chain itself", function () {
  this.timeout(DEPLOY_TIMEOUT_MS + 120_000);
  let node: LuxNode;
  let provider: JsonRpcProvider;
  let deployments: string;

  before(async function () {
    const dataDir = tempDataDir("slash");
    node = await createNode({
      dataDir, chain: devChainConfig({ slotTimeMs: 100 }), port: 0, log: silent, logBlocks: false,
      signerKeys: devAccounts().map((a) => a.privateKey),
    });
    deployments = tempDataDir("slash-deployments");
    const env = { DEVNET_RPC_URL: node.rpcUrl, DEVNET_CHAIN_ID: "8898", DEPLOYMENTS_DIR: deployments, DEPLOY_DEV_MODE: "1" };
    const { code, out } = await runNpx(["hardhat", "run", "scripts/deploy.ts", "--network", "devnet"], env, DEPLOY_TIMEOUT_MS);
    expect(code, out).to.equal(0);
    provider = new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    await waitFor(async () => (await rpc<{ source: string }>(node.rpcUrl, "lux_getValidators")).source === "contract" || undefined, 60_000, "the contract's active set");
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  it("includes the evidence in a block, slashes 5% of the stake to the burn and recycling pools, jails, and drops it from the next epoch's set", async () => {
    const { contracts } = JSON.parse(fs.readFileSync(path.join(deployments, "8898.json"), "utf8")) as { contracts: Record<string, string> };
    const staking = new Contract(contracts.StakingManager, abi("staking/StakingManager.sol/StakingManager.json") as never, provider);
    const burn = new Contract(contracts.BurnPool, abi("pools/BurnPool.sol/BurnPool.json") as never, provider);
    const token = new Contract(contracts.MDTToken, ["function balanceOf(address) view returns (uint256)"], provider);
    const offender = devAccounts(1)[0];
    const before = (await staking.validatorInfo(offender.address)) as { totalStake: bigint; jailed: boolean };
    expect(before.jailed).to.equal(false);
    const stake = before.totalStake;
    expect(stake > 0n).to.equal(true);
    const burnedBefore = (await burn.totalBurned()) as bigint;
    const recycledBefore = (await token.balanceOf(contracts.RecyclingPool)) as bigint;

    // Two different blocks signed for one slot by the validator's key: self-contained evidence.
    const key = ethers.getBytes(offender.privateKey);
    const slot = node.chain.head.slot;
    const [h1, h2] = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const evidence = {
      kind: "double-proposal" as const, slot,
      a: { blockHash: h1, signature: signDigest(signingRoot(8898n, h1, slot), key) },
      b: { blockHash: h2, signature: signDigest(signingRoot(8898n, h2, slot), key) },
    };
    const outcome = await node.network.importEvidence(encodeEvidence(evidence));
    expect(outcome.status, outcome.reason).to.equal("imported");
    const including = await waitFor(async () => (node.chain.head.evidence.length > 0 ? node.chain.head : undefined), 30_000, "a block with the evidence");
    expect(including.evidence[0].kind).to.equal("double-proposal");

    const after = (await staking.validatorInfo(offender.address)) as { totalStake: bigint; jailed: boolean };
    const slashed = (stake * 5n) / 100n;
    expect(after.totalStake).to.equal(stake - slashed);
    expect(after.jailed).to.equal(true);
    const burned = ((await burn.totalBurned()) as bigint) - burnedBefore;
    const recycled = ((await token.balanceOf(contracts.RecyclingPool)) as bigint) - recycledBefore;
    expect(burned + recycled).to.equal(slashed);
    expect(burned > 0n).to.equal(true);
    // The same evidence is never applied twice.
    expect((await node.network.importEvidence(encodeEvidence(evidence))).status).to.equal("known");
    // From the next epoch on, the jailed validator is out of the contract's active set (the only
    // validator here, so the chain falls back to its genesis set).
    await waitFor(async () => (await rpc<{ source: string }>(node.rpcUrl, "lux_getValidators")).source === "genesis" || undefined, 30_000, "the validator to leave the active set");
    // The node switches at the epoch of its next slot; the contract's clock may still be one block
    // short of that epoch, so wait (bounded) for the contract's own view of the new epoch too.
    const validators = await waitFor(async () => {
      const [set] = (await staking.getActiveValidators()) as [string[]];
      return set.includes(offender.address) ? undefined : set;
    }, 30_000, "the contract's active set without the offender");
    expect(validators).to.not.include(offender.address);
  });
});
