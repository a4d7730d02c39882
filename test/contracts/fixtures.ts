/**
 * Shared fixtures and helpers of the contract suite.
 *
 * Every fixture deploys through `deploySuite` (the same code the deploy script runs), so the tests pin
 * the production wiring. `suiteFixture` keeps the deployer's governance and slasher roles (devnet mode)
 * and funds every signer with a genesis allocation; `productionSuiteFixture` is the wiring of a real
 * deployment, where the deployer holds nothing.
 *
 * Epochs count blocks. With automining every transaction lands in its own block, so the helpers talk
 * about "the next transaction": `toEpoch(clock, 5)` mines until the next transaction runs in the first
 * block of epoch 5.
 */
import { ethers } from "hardhat";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { parseEther } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { defaultSuiteConfig, WAD, type SuiteConfig } from "../../scripts/lib/config";
import { deploySuite, type Suite } from "../../scripts/lib/deploySuite";
import type { EpochClock } from "../../typechain-types";

export { WAD };

/** `n` MDT in wei. */
export function mdt(n: number | string): bigint {
  return parseEther(String(n));
}

/** What every signer receives at genesis in the test fixtures. */
export const GENESIS_BALANCE = mdt(10_000);
/** The default minimum self-stake. */
export const MIN_SELF_STAKE = mdt(32);
/** The zero address. */
export const ZERO_ADDRESS = ethers.ZeroAddress;
/** The zero bytes32. */
export const ZERO_HASH = ethers.ZeroHash;

/** The deployed suite and the accounts the tests use. */
export interface SuiteFixture extends Suite {
  /** Deployed everything; devnet mode: still holds governance, slasher and admin roles. */
  deployer: HardhatEthersSigner;
  /** Every signer but the deployer (19 accounts), each funded with GENESIS_BALANCE. */
  accounts: HardhatEthersSigner[];
  config: SuiteConfig;
  /** Addresses, for `withArgs`. */
  addr: {
    token: string;
    staking: string;
    burnPool: string;
    recyclingPool: string;
    treasury: string;
    controller: string;
    registry: string;
    distributor: string;
  };
}

/** Deploys the suite with `edit` applied to the default test config (devnet mode, funded signers). */
export async function deployTestSuite(edit?: (config: SuiteConfig) => void): Promise<SuiteFixture> {
  const [deployer, ...accounts] = await ethers.getSigners();
  const config = defaultSuiteConfig(deployer.address);
  config.keepDeployerRoles = true;
  config.unsafeKeepMintAdmin = true;
  config.genesisAllocations = [deployer, ...accounts].map((s) => ({ account: s.address, amount: GENESIS_BALANCE }));
  edit?.(config);
  const suite = await deploySuite(deployer, config);
  return { ...suite, deployer, accounts, config, addr: await addressesOf(suite) };
}

async function addressesOf(suite: Suite): Promise<SuiteFixture["addr"]> {
  return {
    token: await suite.token.getAddress(),
    staking: await suite.staking.getAddress(),
    burnPool: await suite.burnPool.getAddress(),
    recyclingPool: await suite.recyclingPool.getAddress(),
    treasury: await suite.treasury.getAddress(),
    controller: await suite.controller.getAddress(),
    registry: await suite.registry.getAddress(),
    distributor: await suite.distributor.getAddress(),
  };
}

/** Devnet-mode suite with default parameters. */
export async function suiteFixture(): Promise<SuiteFixture> {
  return deployTestSuite();
}

/** Production wiring: the deployer keeps no role; the treasury governs; signers are still funded. */
export async function productionSuiteFixture(): Promise<SuiteFixture> {
  return deployTestSuite((c) => {
    c.keepDeployerRoles = false;
  });
}

// ───────────────────────────── epochs ─────────────────────────────

/** Mines so that the next transaction runs in block `block`. */
export async function toBlock(block: bigint): Promise<void> {
  const next = BigInt(await ethers.provider.getBlockNumber()) + 1n;
  if (block < next) throw new Error(`block ${block} is in the past (next ${next})`);
  if (block > next) await mine(block - next);
}

/** Mines so that the next transaction runs in the first block of `epoch`. */
export async function toEpoch(clock: EpochClock, epoch: bigint): Promise<void> {
  await toBlock(await clock.epochStartBlock(epoch));
}

/** Mines so that the next transaction runs in the last block of `epoch`. */
export async function toLastBlockOf(clock: EpochClock, epoch: bigint): Promise<void> {
  await toBlock((await clock.epochStartBlock(epoch + 1n)) - 1n);
}

/** Mines so that the next transaction runs at the start of the epoch after the current one. */
export async function toNextEpoch(clock: EpochClock): Promise<bigint> {
  const next = (await epochOfNextTx(clock)) + 1n;
  await toEpoch(clock, next);
  return next;
}

/** The epoch the next transaction will run in. */
export async function epochOfNextTx(clock: EpochClock): Promise<bigint> {
  const next = BigInt(await ethers.provider.getBlockNumber()) + 1n;
  const current = await clock.currentEpoch();
  // currentEpoch() is evaluated at the latest block; step over a boundary if the next block starts one.
  try {
    if ((await clock.epochStartBlock(current + 1n)) <= next) return current + 1n;
  } catch {
    // Unknown start (pending length change): the next block is in the current epoch or the anchor.
  }
  return current;
}

// ───────────────────────────── actors ─────────────────────────────

/** Approves and registers `validator` with `selfStake`, its own address as signer unless given. */
export async function registerValidator(
  suite: Suite,
  validator: HardhatEthersSigner,
  selfStake: bigint = MIN_SELF_STAKE,
  signer: string = validator.address,
): Promise<void> {
  await suite.token.connect(validator).approve(suite.staking, selfStake);
  await suite.staking.connect(validator).registerValidator(signer, selfStake);
}

/** Approves and delegates `amount` from `account` to `validator`. */
export async function delegate(
  suite: Suite,
  account: HardhatEthersSigner,
  validator: string,
  amount: bigint,
): Promise<void> {
  await suite.token.connect(account).approve(suite.staking, amount);
  await suite.staking.connect(account).delegate(validator, amount);
}

/** Approves and registers `miner`, paying the registration fee. */
export async function registerMiner(suite: Suite, miner: HardhatEthersSigner): Promise<void> {
  await suite.token.connect(miner).approve(suite.registry, await suite.registry.registrationFee());
  await suite.registry.connect(miner).registerMiner();
}

/** Addresses sorted ascending, as submitWeights wants them. */
export function sortAddresses(addresses: string[]): string[] {
  return [...addresses].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
}

// ───────────────────────────── rewards ─────────────────────────────

/** One leaf of a reward tree: keccak256(abi.encodePacked(uint256 index, address account, uint256 amount)). */
export interface RewardEntry {
  index: bigint;
  account: string;
  amount: bigint;
}

/** A reward tree as the SDK builds it: leaves in the given order, indexes 0..n-1. */
export interface RewardTree {
  root: string;
  entries: RewardEntry[];
  tree: SimpleMerkleTree;
}

/** The packed leaf hash RewardDistributor verifies. */
export function leafHash(index: bigint, account: string, amount: bigint): string {
  return ethers.solidityPackedKeccak256(["uint256", "address", "uint256"], [index, account, amount]);
}

/** Builds the reward tree of (account, amount) entries; entry i gets leaf index i. */
export function rewardTree(entries: [string, bigint][]): RewardTree {
  const leaves = entries.map(([account, amount], i) => ({ index: BigInt(i), account, amount }));
  const tree = SimpleMerkleTree.of(leaves.map((l) => leafHash(l.index, l.account, l.amount)));
  return { root: tree.root, entries: leaves, tree };
}

/** The proof of `account`'s leaf. */
export function proofOf(tree: RewardTree, account: string): string[] {
  const i = tree.entries.findIndex((e) => e.account === account);
  if (i < 0) throw new Error(`${account} is not in the tree`);
  return tree.tree.getProof(i);
}

/** The arguments of `claim` for `account`'s leaf: (epoch, index, account, amount, proof). */
export function claimArgs(tree: RewardTree, epoch: bigint, account: string): [bigint, bigint, string, bigint, string[]] {
  const entry = tree.entries.find((e) => e.account === account);
  if (entry === undefined) throw new Error(`${account} is not in the tree`);
  return [epoch, entry.index, entry.account, entry.amount, proofOf(tree, account)];
}

/** Splits `total` among `accounts` evenly; the last one takes the remainder. */
export function evenSplit(total: bigint, accounts: string[]): [string, bigint][] {
  const each = total / BigInt(accounts.length);
  return accounts.map((a, i) => [a, i === accounts.length - 1 ? total - each * BigInt(accounts.length - 1) : each]);
}

/** What an attestation of `epoch` must carry now. */
export interface ExpectedDistribution {
  utility: bigint;
  emission: bigint;
  fromPool: bigint;
  minted: bigint;
  miners: bigint;
  validators: bigint;
  dao: bigint;
}

/** Reads the utility, funding and split the contracts will accept for `epoch` right now. */
export async function expectedDistribution(suite: Suite, epoch: bigint): Promise<ExpectedDistribution> {
  const utility = await suite.distributor.expectedUtility(epoch);
  const [fromPool, minted, emission] = await suite.controller.fundingFor(epoch, utility);
  const [miners, validators, dao] = await suite.controller.splitOf(emission);
  return { utility, emission, fromPool, minted, miners, validators, dao };
}

/** The active validators of `epoch` as signers, ordered by stake (largest first). */
export async function activeSigners(suite: Suite, epoch: bigint): Promise<HardhatEthersSigner[]> {
  const [validators] = await suite.staking.activeValidatorsAt(epoch);
  return Promise.all(validators.map((v) => ethers.getSigner(v)));
}

/**
 * Attests `root` with the given totals for `epoch` by the epoch's active validators, largest stake
 * first, until the epoch is accepted (> 2/3 of the active stake). Returns the attesters used.
 */
export async function attestUntilAccepted(
  suite: Suite,
  epoch: bigint,
  totals: { miners: bigint; validators: bigint; dao: bigint },
  root: string,
): Promise<HardhatEthersSigner[]> {
  const used: HardhatEthersSigner[] = [];
  for (const signer of await activeSigners(suite, epoch)) {
    if ((await suite.distributor.epochReward(epoch)).distributed) break;
    await suite.distributor.connect(signer).attest(epoch, totals.miners, totals.validators, totals.dao, root);
    used.push(signer);
  }
  if (!(await suite.distributor.epochReward(epoch)).distributed) throw new Error(`epoch ${epoch} was not accepted`);
  return used;
}

/**
 * Distributes `epoch` through validator attestations with the amounts the contracts accept, paying
 * miners + validators evenly to `recipients`. An epoch without active validators is left alone
 * (nobody can attest it, and nothing is due): `accepted` is false then.
 */
export async function distributeEpoch(
  suite: Suite,
  epoch: bigint,
  recipients: string[],
): Promise<{ tree: RewardTree | null; expected: ExpectedDistribution; entries: [string, bigint][]; accepted: boolean }> {
  const expected = await expectedDistribution(suite, epoch);
  const total = expected.miners + expected.validators;
  const entries = total === 0n ? [] : evenSplit(total, recipients);
  const tree = entries.length === 0 ? null : rewardTree(entries);
  if ((await activeSigners(suite, epoch)).length === 0) return { tree, expected, entries, accepted: false };
  await attestUntilAccepted(suite, epoch, expected, tree === null ? ZERO_HASH : tree.root);
  return { tree, expected, entries, accepted: true };
}

// ───────────────────────────── worked example ─────────────────────────────

/** The worked example of DESIGN.md 2.4 staged on-chain. */
export interface WorkedExample extends SuiteFixture {
  /** The epoch the reports were made in (already ended). */
  epoch: bigint;
  validators: HardhatEthersSigner[];
  miners: HardhatEthersSigner[];
}

/**
 * Ten validators of equal stake (100 MDT) active in one epoch; all report 8000 tasks, five at
 * difficulty 0.6 and five at 0.8 (stake-weighted mean 0.7), nine of ten submit weights
 * (participation 0.9). Utility 0.79 → 790 MDT → 316 / 316 / 158. Seven of them (700 of 1000 MDT)
 * are the smallest group above 2/3 of the stake. The next transaction runs in the epoch after the reports.
 */
export async function workedExampleFixture(): Promise<WorkedExample> {
  const suite = await suiteFixture();
  const validators = suite.accounts.slice(0, 10);
  const miners = suite.accounts.slice(10, 13);
  for (const v of validators) await registerValidator(suite, v, mdt(100));
  for (const m of miners) await registerMiner(suite, m);
  const epoch = await toNextEpoch(suite.clock);
  const sorted = sortAddresses(miners.map((m) => m.address));
  for (const v of validators.slice(0, 9)) {
    await suite.registry.connect(v).submitWeights(sorted, sorted.map(() => 1n));
  }
  for (const [i, v] of validators.entries()) await suite.registry.connect(v).submitTaskReport(8000n, mdt(i < 5 ? "0.6" : "0.8"));
  await toEpoch(suite.clock, epoch + 1n);
  return { ...suite, epoch, validators, miners };
}
