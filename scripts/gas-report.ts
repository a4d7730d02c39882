/**
 * Gas report of the contract suite's hot paths, measured on the in-process hardhat network.
 *
 *   npx hardhat run scripts/gas-report.ts      (or: npm run gas)
 *
 * Printed, not asserted. `distribute` stores only a Merkle root, so its cost does not depend on the
 * number of recipients: the report shows it for a 2-leaf and a 10,000-leaf tree side by side.
 */
import { ethers, network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { parseEther, type ContractTransactionResponse } from "ethers";
import { defaultSuiteConfig } from "./lib/config";
import { deploySuite, type Suite } from "./lib/deploySuite";

const RECIPIENTS = 10_000;
const WEIGHT_VECTOR = 64;

interface Row {
  operation: string;
  gas: bigint;
  note: string;
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("transaction failed");
  return receipt.gasUsed;
}

async function mineToNextEpoch(suite: Suite): Promise<bigint> {
  const latest = BigInt(await ethers.provider.getBlockNumber());
  const next = (await suite.clock.currentEpoch()) + 1n;
  const start = await suite.clock.epochStartBlock(next);
  if (start > latest + 1n) await network.provider.send("hardhat_mine", [ethers.toQuantity(start - latest - 1n)]);
  return next;
}

async function main(): Promise<void> {
  if (network.name !== "hardhat") throw new Error("run the gas report on the in-process hardhat network");
  const signers = await ethers.getSigners();
  const [deployer, v1, v2, delegator, miner] = signers;
  const config = defaultSuiteConfig(deployer.address);
  config.keepDeployerRoles = true;
  config.genesisAllocations = signers.map((s) => ({ account: s.address, amount: parseEther("10000") }));
  const suite = await deploySuite(deployer, config);
  const { token, staking, registry, distributor, controller } = suite;
  const rows: Row[] = [];

  // Staking.
  await (await token.connect(v1).approve(staking, ethers.MaxUint256)).wait();
  await (await token.connect(v2).approve(staking, ethers.MaxUint256)).wait();
  await (await token.connect(delegator).approve(staking, ethers.MaxUint256)).wait();
  rows.push({ operation: "StakingManager.registerValidator", gas: await gasOf(staking.connect(v1).registerValidator(v1.address, parseEther("100"))), note: "first validator" });
  rows.push({ operation: "StakingManager.registerValidator", gas: await gasOf(staking.connect(v2).registerValidator(v2.address, parseEther("100"))), note: "second validator" });
  rows.push({ operation: "StakingManager.stake", gas: await gasOf(staking.connect(v1).stake(parseEther("10"))), note: "top-up" });
  rows.push({ operation: "StakingManager.delegate", gas: await gasOf(staking.connect(delegator).delegate(v1.address, parseEther("50"))), note: "first delegation" });
  await mineToNextEpoch(suite);
  rows.push({ operation: "StakingManager.delegate", gas: await gasOf(staking.connect(delegator).delegate(v1.address, parseEther("5"))), note: "first change of an epoch (records the active set)" });
  rows.push({ operation: "StakingManager.setCommission", gas: await gasOf(staking.connect(v1).setCommission(parseEther("0.1"))), note: "applies from epoch + 2" });
  rows.push({ operation: "StakingManager.rotateSigner", gas: await gasOf(staking.connect(v2).rotateSigner(ethers.Wallet.createRandom().address)), note: "from the next epoch" });
  // A validator whose delegator unbonds a little in each of 7 epochs after an offence, then is slashed.
  const v3 = signers[5];
  await (await token.connect(v3).approve(staking, ethers.MaxUint256)).wait();
  await (await staking.connect(v3).registerValidator(v3.address, parseEther("100"))).wait();
  await (await staking.connect(delegator).delegate(v3.address, parseEther("70"))).wait();
  const offence = await suite.clock.currentEpoch();
  for (let k = 0; k < 7; k++) {
    const g = await gasOf(staking.connect(delegator).undelegate(v3.address, parseEther("1")));
    if (k === 0) rows.push({ operation: "StakingManager.undelegate", gas: g, note: "opens an unbonding pool" });
    await mineToNextEpoch(suite);
  }
  const slashTx = staking.slash(v3.address, parseEther("0.1"), offence, ethers.encodeBytes32String("double-sign"));
  rows.push({ operation: "StakingManager.slash", gas: await gasOf(slashTx), note: "bonded pool + 7 unbonding pools" });

  // Miners: one paying the fee, then 63 more for free to build a 64-entry weight vector.
  await (await token.connect(miner).approve(registry, ethers.MaxUint256)).wait();
  rows.push({ operation: "SubnetRegistry.registerMiner", gas: await gasOf(registry.connect(miner).registerMiner()), note: "1 MDT fee: burn + recycle" });
  await (await registry.setRegistrationFee(0n)).wait();
  const miners = [miner.address];
  for (let i = 1; i < WEIGHT_VECTOR; i++) {
    const w = ethers.Wallet.createRandom().connect(ethers.provider);
    await network.provider.send("hardhat_setBalance", [w.address, ethers.toQuantity(parseEther("1"))]);
    await (await registry.connect(w).registerMiner()).wait();
    miners.push(w.address);
  }
  miners.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const weights = miners.map((_, i) => BigInt(i + 1));

  // Three reported epochs: a warm-up distribution, then a 2-leaf and a 10,000-leaf tree under equal conditions.
  const reported: bigint[] = [];
  for (let k = 0; k < 3; k++) {
    const epoch = await mineToNextEpoch(suite);
    const g = await gasOf(registry.connect(v1).submitWeights(miners, weights));
    if (k === 0) rows.push({ operation: "SubnetRegistry.submitWeights", gas: g, note: `${WEIGHT_VECTOR} miners, first submission` });
    if (k === 0) rows.push({ operation: "SubnetRegistry.submitWeights", gas: await gasOf(registry.connect(v1).submitWeights(miners, weights)), note: `${WEIGHT_VECTOR} miners, resubmission` });
    const r = await gasOf(registry.connect(v1).submitTaskReport(8000n, parseEther("0.7")));
    if (k === 0) rows.push({ operation: "SubnetRegistry.submitTaskReport", gas: r, note: "" });
    await (await registry.connect(v2).submitWeights(miners, weights)).wait();
    reported.push(epoch);
  }
  await mineToNextEpoch(suite);

  async function distributeWith(epoch: bigint, leaves: [string, bigint][]): Promise<{ gas: bigint; tree: StandardMerkleTree<[string, bigint]> }> {
    const utility = await distributor.expectedUtility(epoch);
    const [, , emission] = await controller.fundingFor(epoch, utility);
    const [m, v, d] = await controller.splitOf(emission);
    const total = m + v;
    const each = total / BigInt(leaves.length);
    const entries: [string, bigint][] = leaves.map(([a], i) => [a, i === leaves.length - 1 ? total - each * BigInt(leaves.length - 1) : each]);
    const tree = StandardMerkleTree.of(entries, ["address", "uint256"]);
    const gas = await gasOf(distributor.distribute(epoch, utility, m, v, d, tree.root));
    return { gas, tree };
  }

  const warm = await distributeWith(reported[0], [[v1.address, 0n], [v2.address, 0n]]);
  rows.push({ operation: "RewardDistributor.distribute", gas: warm.gas, note: "first epoch ever (cold storage, pool release)" });
  const small = await distributeWith(reported[1], [[v1.address, 0n], [v2.address, 0n]]);
  rows.push({ operation: "RewardDistributor.distribute", gas: small.gas, note: "2 recipients (root only)" });
  const many: [string, bigint][] = Array.from({ length: RECIPIENTS }, (_, i) => [
    i < signers.length ? signers[i].address : ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(0x1000 + i), 20)),
    0n,
  ]);
  const big = await distributeWith(reported[2], many);
  rows.push({ operation: "RewardDistributor.distribute", gas: big.gas, note: `${RECIPIENTS.toLocaleString("en-US")} recipients (root only)` });

  // Claims against the 10,000-leaf tree.
  const claimOf = (account: string) => {
    for (const [i, [a, amount]] of big.tree.entries()) if (a === account) return { epoch: reported[2], account, amount, proof: big.tree.getProof(i) };
    throw new Error(`${account} not in tree`);
  };
  const first = claimOf(signers[1].address);
  rows.push({ operation: "RewardDistributor.claim", gas: await gasOf(distributor.claim(first.epoch, first.account, first.amount, first.proof)), note: `proof depth ${first.proof.length}` });
  const batch = signers.slice(2, 12).map((s) => claimOf(s.address));
  const batchGas = await gasOf(distributor.claimMany(batch));
  rows.push({ operation: "RewardDistributor.claimMany", gas: batchGas, note: `${batch.length} claims, ${batchGas / BigInt(batch.length)} per claim` });

  console.log(`\nModernTensor gas report (hardhat network, solc optimizer 200 runs)\n`);
  const width = Math.max(...rows.map((r) => r.operation.length));
  console.log(`${"operation".padEnd(width)}  ${"gasUsed".padStart(9)}  note`);
  console.log(`${"-".repeat(width)}  ${"-".repeat(9)}  ${"-".repeat(40)}`);
  for (const r of rows) console.log(`${r.operation.padEnd(width)}  ${r.gas.toString().padStart(9)}  ${r.note}`);
  console.log();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
