import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { Contract, JsonRpcProvider, ethers } from "ethers";
import { createNode, type LuxNode } from "../../node/node";
import { devAccounts, devChainConfig } from "../../node/config";
import { encodeEvidence } from "../../node/consensus/messages";
import { signDigest, signingRoot } from "../../node/consensus/signing";
import { systemReceiptHash } from "../../node/chain/system";
import { orderedTrieRoot } from "../../node/execution/orderedTrieRoot";
import type { BlockRecord, NewHead } from "../../node/chain/types";
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
/**
 * The first block carrying evidence among the heads from now on. Polling the head could miss it: the
 * next slot's block follows 100 ms later, and a loaded machine polls less often than that.
 */
function headWithEvidence(node: LuxNode, timeoutMs: number, what: string): Promise<BlockRecord> {
  return new Promise((resolve, reject) => {
    const onHead = (h: NewHead): void => {
      if (h.record.evidence.length === 0) return;
      clearTimeout(timer);
      node.chain.off("head", onHead);
      resolve(h.record);
    };
    const timer = setTimeout(() => {
      node.chain.off("head", onHead);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    node.chain.on("head", onHead);
  });
}

/** The same, started before the action that leads to it; a failure before it is awaited stays handled. */
function expectHeadWithEvidence(node: LuxNode, timeoutMs: number, what: string): Promise<BlockRecord> {
  const p = headWithEvidence(node, timeoutMs, what);
  p.catch(() => undefined);
  return p;
}

describe("node: a double-signing validator is slashed and jailed by the chain itself", function () {
  this.timeout(DEPLOY_TIMEOUT_MS + 120_000);
  let node: LuxNode;
  let provider: JsonRpcProvider;
  let deployments: string;
  let snapshot = "";
  let firstSystemHash = "";
  let firstStake = 0n;

  before(async function () {
    const dataDir = tempDataDir("slash");
    node = await createNode({
      dataDir, chain: devChainConfig({ slotTimeMs: 100 }), port: 0, log: silent, logBlocks: false,
      signerKeys: devAccounts().map((a) => a.privateKey),
      // The development methods (evm_snapshot/evm_revert), blocks every slot as the devnet makes them.
      dev: { accounts: [], automine: false, slotBlocks: true },
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

    snapshot = await rpc<string>(node.rpcUrl, "evm_snapshot");
    // Two different blocks signed for one slot by the validator's key: self-contained evidence.
    const key = ethers.getBytes(offender.privateKey);
    const slot = node.chain.head.slot;
    const [h1, h2] = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const evidence = {
      kind: "double-proposal" as const, slot,
      a: { blockHash: h1, signature: signDigest(signingRoot(8898n, h1, slot), key) },
      b: { blockHash: h2, signature: signDigest(signingRoot(8898n, h2, slot), key) },
    };
    firstSystemHash = "";
    const included = expectHeadWithEvidence(node, 30_000, "a block with the evidence");
    const outcome = await node.network.importEvidence(encodeEvidence(evidence));
    expect(outcome.status, outcome.reason).to.equal("imported");
    const including = await included;
    expect(including.evidence[0].kind).to.equal("double-proposal");

    const after = (await staking.validatorInfo(offender.address)) as { totalStake: bigint; jailed: boolean };
    const slashed = (stake * 5n) / 100n;
    expect(after.totalStake).to.equal(stake - slashed);
    expect(after.jailed).to.equal(true);
    const burned = ((await burn.totalBurned()) as bigint) - burnedBefore;
    const recycled = ((await token.balanceOf(contracts.RecyclingPool)) as bigint) - recycledBefore;
    expect(burned + recycled).to.equal(slashed);
    expect(burned > 0n).to.equal(true);

    // The system call's events: one system receipt after the block's transactions, served like any other.
    const n = including.block.header.number;
    const [slashEvent] = await staking.queryFilter(staking.filters.Slashed(offender.address), n, n);
    expect(slashEvent, "a Slashed event in the including block").to.not.equal(undefined);
    const ev = slashEvent as unknown as { args: { fraction: bigint; burned: bigint; recycled: bigint; reason: string }; transactionHash: string; transactionIndex: number };
    expect(ev.args.fraction).to.equal(5n * 10n ** 16n);
    expect(ev.args.burned).to.equal(burned);
    expect(ev.args.recycled).to.equal(recycled);
    expect(ethers.decodeBytes32String(ev.args.reason)).to.equal("double-sign");
    expect(await staking.queryFilter(staking.filters.ValidatorJailed(offender.address), n, n)).to.have.length(1);
    const systemHash = ethers.hexlify(systemReceiptHash(including.hash));
    firstSystemHash = systemHash;
    firstStake = stake;
    expect(ev.transactionHash).to.equal(systemHash);
    expect(ev.transactionIndex).to.equal(including.block.transactions.length);
    const receipt = await rpc<{ from: string; to: string; gasUsed: string; status: string; logs: unknown[] }>(node.rpcUrl, "eth_getTransactionReceipt", [systemHash]);
    expect(receipt.from.toLowerCase()).to.equal(node.chain.config.systemAddress.toLowerCase());
    expect(receipt.to.toLowerCase()).to.equal(contracts.StakingManager.toLowerCase());
    expect([receipt.status, receipt.gasUsed]).to.deep.equal(["0x1", "0x0"]);
    const blockReceipts = await rpc<{ transactionHash: string }[]>(node.rpcUrl, "eth_getBlockReceipts", [ethers.toQuantity(n)]);
    expect(blockReceipts.map((r) => r.transactionHash).at(-1)).to.equal(systemHash);
    // It is a receipt, not a transaction: no transaction has its hash, and the header's roots are untouched.
    expect(await rpc(node.rpcUrl, "eth_getTransactionByHash", [systemHash])).to.equal(null);
    expect(blockReceipts).to.have.length(including.block.transactions.length + 1);
    // The consensus receipts are the transactions' only: they rebuild the header's receipts root.
    const raw = await rpc<string[]>(node.rpcUrl, "debug_getRawReceipts", [ethers.toQuantity(n)]);
    expect(raw).to.have.length(including.block.transactions.length);
    expect(ethers.hexlify(orderedTrieRoot(raw.map((r) => ethers.getBytes(r))))).to.equal(ethers.hexlify(including.block.header.receiptTrie));

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

  it("evm_revert to before the including block forgets the evidence: it is included and slashed again on the chain that remains", async () => {
    expect(snapshot, "the first test took a snapshot").to.not.equal("");
    const { contracts } = JSON.parse(fs.readFileSync(path.join(deployments, "8898.json"), "utf8")) as { contracts: Record<string, string> };
    const staking = new Contract(contracts.StakingManager, abi("staking/StakingManager.sol/StakingManager.json") as never, provider);
    const offender = devAccounts(1)[0];
    const reverted = node.chain.head.block.header.number;
    const includedAgain = expectHeadWithEvidence(node, 30_000, "a block including the evidence again");
    expect(await rpc<boolean>(node.rpcUrl, "evm_revert", [snapshot])).to.equal(true);
    expect(node.chain.head.block.header.number < reverted).to.equal(true);
    // The dropped block's system receipt is gone with it.
    expect(await rpc(node.rpcUrl, "eth_getTransactionReceipt", [firstSystemHash])).to.equal(null);
    // The evidence went back to the pool: the next blocks include it again, and the offender is slashed on this branch.
    const including = await includedAgain;
    const info = (await staking.validatorInfo(offender.address, { blockTag: Number(including.block.header.number) })) as { totalStake: bigint; jailed: boolean };
    expect(info.totalStake).to.equal(firstStake - (firstStake * 5n) / 100n);
    expect(info.jailed).to.equal(true);
    const n = including.block.header.number;
    const events = await staking.queryFilter(staking.filters.Slashed(offender.address), 0, n);
    expect(events.map((e) => e.transactionHash)).to.deep.equal([ethers.hexlify(systemReceiptHash(including.hash))]);
  });
});
