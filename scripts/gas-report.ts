/**
 * Gas report of the contract suite's hot paths, measured on the in-process hardhat network.
 *
 *   npx hardhat run scripts/gas-report.ts      (or: npm run gas)
 *
 * Printed, not asserted. For 64 and for 256 validators (equal stake, 64-miner weight vectors,
 * commit–reveal on) it measures the first call of an epoch (a task report that records the epoch's
 * active set), a commit, a reveal, attestations (the first of an epoch, an ordinary one, and the one
 * that takes the root above 2/3 of the stake and funds the epoch), and claims against a 10,000-leaf
 * tree. Attestation gas is per validator; a claim stays O(log n) whatever the number of recipients.
 */
import { ethers, network } from "hardhat";
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { parseEther, type ContractTransactionResponse, type Wallet } from "ethers";
import { defaultSuiteConfig } from "./lib/config";
import { deploySuite, type Suite } from "./lib/deploySuite";
import { measureStaking } from "./lib/gasStaking";

const RECIPIENTS = 10_000;
const WEIGHT_VECTOR = 64;
const VALIDATOR_COUNTS = (process.env.GAS_VALIDATORS ?? "64,256").split(",").map(Number);

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

async function fundedWallet(suite: Suite, mdt: bigint): Promise<Wallet> {
  const w = ethers.Wallet.createRandom().connect(ethers.provider) as unknown as Wallet;
  await network.provider.send("hardhat_setBalance", [w.address, ethers.toQuantity(parseEther("10"))]);
  if (mdt > 0n) await (await suite.token.transfer(w.address, mdt)).wait();
  return w;
}

const leafHash = (index: number, account: string, amount: bigint): string =>
  ethers.solidityPackedKeccak256(["uint256", "address", "uint256"], [index, account, amount]);

/** Deploys a suite with `n` validators of 100 MDT and 64 miners, commit–reveal on; measures one epoch. */
async function measure(n: number, rows: Row[]): Promise<void> {
  const signers = await ethers.getSigners();
  const [deployer] = signers;
  const config = defaultSuiteConfig(deployer.address);
  config.keepDeployerRoles = true;
  config.staking.maxActiveValidators = BigInt(n);
  config.epochLength = 2048n; // every validator's commit (one block each) fits in one epoch
  config.genesisAllocations = signers.map((s, i) => ({ account: s.address, amount: i === 0 ? parseEther("100000") : parseEther("10000") }));
  const suite = await deploySuite(deployer, config);
  const { token, staking, registry, distributor } = suite;
  const label = `${n} validators`;

  const validators: Wallet[] = [];
  for (let i = 0; i < n; i++) {
    const v = await fundedWallet(suite, parseEther("100"));
    await (await token.connect(v).approve(staking, parseEther("100"))).wait();
    const gas = await gasOf(staking.connect(v).registerValidator(v.address, parseEther("100")));
    if (n === VALIDATOR_COUNTS[0] && i < 2) rows.push({ operation: "StakingManager.registerValidator", gas, note: i === 0 ? "first validator" : "second validator" });
    validators.push(v);
  }
  await (await registry.setRegistrationFee(0n)).wait();
  const miners: string[] = [];
  for (let i = 0; i < WEIGHT_VECTOR; i++) {
    const m = await fundedWallet(suite, 0n);
    await (await registry.connect(m).registerMiner()).wait();
    miners.push(m.address);
  }
  miners.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const weights = miners.map((_, i) => BigInt(i + 1));
  await (await registry.setCommitReveal(true)).wait();

  // Epoch e: the first call records the active set of n validators; then commits and reports.
  const epoch = await mineToNextEpoch(suite);
  rows.push({ operation: "SubnetRegistry.submitTaskReport", gas: await gasOf(registry.connect(validators[0]).submitTaskReport(8000n, parseEther("0.7"))), note: `${label}: first call of an epoch (records the active set)` });
  rows.push({ operation: "SubnetRegistry.submitTaskReport", gas: await gasOf(registry.connect(validators[1]).submitTaskReport(8000n, parseEther("0.7"))), note: `${label}: later in the epoch` });
  const salt = ethers.id("salt");
  for (const [i, v] of validators.entries()) {
    const commitment = await registry.weightsCommitment(v.address, epoch, miners, weights, salt);
    const gas = await gasOf(registry.connect(v).commitWeights(commitment));
    if (i === 0) rows.push({ operation: "SubnetRegistry.commitWeights", gas, note: `${label}` });
  }
  // Epoch e + 1: reveals (the first pays for the weighted miners' slot stamps).
  await mineToNextEpoch(suite);
  for (const [i, v] of validators.entries()) {
    const gas = await gasOf(registry.connect(v).revealWeights(epoch, miners, weights, salt));
    if (i === 0) rows.push({ operation: "SubnetRegistry.revealWeights", gas, note: `${label}: ${WEIGHT_VECTOR} miners, first reveal of the epoch` });
    if (i === 1) rows.push({ operation: "SubnetRegistry.revealWeights", gas, note: `${label}: ${WEIGHT_VECTOR} miners, later reveal` });
  }

  // Epoch e + 2: attestations of a 10,000-leaf tree until > 2/3 of the stake agrees.
  await mineToNextEpoch(suite);
  const [, , m, v, d] = await distributor.expectedTotals(epoch);
  const total = m + v;
  const accounts = Array.from({ length: RECIPIENTS }, (_, i) => (i < signers.length ? signers[i].address : ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(0x1000 + i), 20))));
  const each = total / BigInt(RECIPIENTS);
  const amounts = accounts.map((_, i) => (i === RECIPIENTS - 1 ? total - each * BigInt(RECIPIENTS - 1) : each));
  const tree = SimpleMerkleTree.of(accounts.map((a, i) => leafHash(i, a, amounts[i])));
  const quorum = Math.floor((2 * n) / 3) + 1;
  for (let i = 0; i < quorum; i++) {
    const gas = await gasOf(distributor.connect(validators[i]).attest(epoch, m, v, d, tree.root));
    if (i === 0) rows.push({ operation: "RewardDistributor.attest", gas, note: `${label}: first attestation of an epoch` });
    if (i === 1) rows.push({ operation: "RewardDistributor.attest", gas, note: `${label}: another validator, same root` });
    if (i === quorum - 1) rows.push({ operation: "RewardDistributor.attest", gas, note: `${label}: attestation ${quorum} of ${n}, above 2/3: funds the epoch` });
  }
  if (!(await distributor.epochReward(epoch)).distributed) throw new Error("epoch not accepted");

  const claimOf = (i: number) => ({ epoch, index: BigInt(i), account: accounts[i], amount: amounts[i], proof: tree.getProof(i) });
  // Leaf 300 is in word 1, left unprepared: the first claim there pays for the new storage slot.
  const unprepared = claimOf(300);
  rows.push({ operation: "RewardDistributor.claim", gas: await gasOf(distributor.claim(unprepared.epoch, unprepared.index, unprepared.account, unprepared.amount, unprepared.proof)), note: `${label}: ${RECIPIENTS.toLocaleString("en-US")} leaves, unprepared bitmap word, recipient holding no MDT yet` });
  const words = Math.ceil(RECIPIENTS / 255);
  const prepared = await gasOf(distributor.prepareClaims(epoch, 0, words));
  rows.push({ operation: "RewardDistributor.prepareClaims", gas: prepared, note: `${label}: all ${words} words of ${RECIPIENTS.toLocaleString("en-US")} leaves (the runner, once per epoch)` });
  const first = claimOf(1);
  rows.push({ operation: "RewardDistributor.claim", gas: await gasOf(distributor.claim(first.epoch, first.index, first.account, first.amount, first.proof)), note: `${label}: ${RECIPIENTS.toLocaleString("en-US")} leaves, proof depth ${first.proof.length}, first claim of a prepared word` });
  const second = claimOf(2);
  rows.push({ operation: "RewardDistributor.claim", gas: await gasOf(distributor.claim(second.epoch, second.index, second.account, second.amount, second.proof)), note: `${label}: a later claim in the same word` });
  const batch = Array.from({ length: 10 }, (_, k) => claimOf(3 + k));
  const batchGas = await gasOf(distributor.claimMany(batch));
  rows.push({ operation: "RewardDistributor.claimMany", gas: batchGas, note: `${label}: ${batch.length} claims, ${batchGas / BigInt(batch.length)} per claim` });
}

async function main(): Promise<void> {
  if (network.name !== "hardhat") throw new Error("run the gas report on the in-process hardhat network");
  const rows: Row[] = [];
  await measureStaking(rows);
  for (const n of VALIDATOR_COUNTS) {
    await network.provider.send("hardhat_reset", []);
    await measure(n, rows);
  }
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
