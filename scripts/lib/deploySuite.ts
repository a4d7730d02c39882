import { getCreateAddress, type ContractTransactionResponse, type Signer } from "ethers";
import {
  BurnPool__factory,
  DAOTreasury__factory,
  EmissionController__factory,
  EpochClock__factory,
  MDTGovernor__factory,
  MDTToken__factory,
  MDTVestingWallet__factory,
  RecyclingPool__factory,
  RewardDistributor__factory,
  StakingManager__factory,
  SubnetRegistry__factory,
} from "../../typechain-types";
import type {
  BurnPool,
  DAOTreasury,
  EmissionController,
  EpochClock,
  MDTGovernor,
  MDTToken,
  RecyclingPool,
  RewardDistributor,
  StakingManager,
  SubnetRegistry,
} from "../../typechain-types";
import { STAKING_MANAGER_DEPLOY_NONCE, type SuiteConfig } from "./config";

/** The deployed, wired contract suite. */
export interface Suite {
  token: MDTToken;
  clock: EpochClock;
  burnPool: BurnPool;
  recyclingPool: RecyclingPool;
  staking: StakingManager;
  treasury: DAOTreasury;
  governor: MDTGovernor;
  controller: EmissionController;
  registry: SubnetRegistry;
  distributor: RewardDistributor;
  /** Vesting wallets created for genesis allocations with vesting, in allocation order. */
  vestingWallets: { beneficiary: string; wallet: string }[];
}

/** Contract names as written to the deployments file. */
export type ContractName =
  | "MDTToken"
  | "EpochClock"
  | "BurnPool"
  | "RecyclingPool"
  | "StakingManager"
  | "DAOTreasury"
  | "MDTGovernor"
  | "EmissionController"
  | "SubnetRegistry"
  | "RewardDistributor";

/** What `deployments/<chainId>.json` holds. */
export interface DeploymentRecord {
  chainId: number;
  deployer: string;
  /** Block of the first deployment transaction: where event scans start. */
  deployBlock: number;
  epochLength: number;
  contracts: Record<ContractName, string>;
}

/**
 * The chain's system address (node/config DEFAULT_SYSTEM_ADDRESS, EIP-4788's): the node's end-of-block
 * system call slashes and jails from it when a block includes evidence of equivocation. Nobody holds its key.
 */
export const CHAIN_SYSTEM_ADDRESS = "0xfffffffffffffffffffffffffffffffffffffffe";

async function waitFor(tx: Promise<ContractTransactionResponse>): Promise<void> {
  const receipt = await (await tx).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("deployment transaction failed");
}

/**
 * Deploys and wires the whole suite from `deployer`, whose nonce must be 0 when the node's chain
 * config predicts the StakingManager address (see STAKING_MANAGER_DEPLOY_NONCE).
 * Roles: MINTER_ROLE → EmissionController; RELEASER_ROLE → EmissionController; the controller's
 * DISTRIBUTOR_ROLE → RewardDistributor (which funds an epoch only on a > 2/3 stake attestation);
 * every GOVERNOR_ROLE, the SLASHER_ROLE and every DEFAULT_ADMIN_ROLE → the DAO treasury (SLASHER_ROLE
 * also → the chain's system address, for slashing from evidence); the treasury's
 * proposer and canceller roles → the governor. Genesis allocations with vesting are minted into an
 * MDTVestingWallet each (deployed after the StakingManager, so its predicted address holds). The deployer
 * renounces everything at the end (with keepDeployerRoles, all but the admin roles of MDTToken,
 * EmissionController and RecyclingPool, from which minting or releasing could be granted).
 */
export async function deploySuite(deployer: Signer, config: SuiteConfig): Promise<Suite> {
  const admin = await deployer.getAddress();
  const startNonce = await deployer.getNonce();
  const predictedStaking = getCreateAddress({ from: admin, nonce: startNonce + STAKING_MANAGER_DEPLOY_NONCE });

  // Order matters: the StakingManager must be the 5th creation (nonce + 4).
  const token = await new MDTToken__factory(deployer).deploy(admin);
  const clock = await new EpochClock__factory(deployer).deploy(admin, config.epochLength);
  const burnPool = await new BurnPool__factory(deployer).deploy(token);
  const recyclingPool = await new RecyclingPool__factory(deployer).deploy(token, admin);
  const staking = await new StakingManager__factory(deployer).deploy(
    token,
    clock,
    burnPool,
    recyclingPool,
    admin,
    config.staking,
  );
  if ((await staking.getAddress()) !== predictedStaking) {
    throw new Error(`StakingManager landed at ${await staking.getAddress()}, expected ${predictedStaking}`);
  }
  const treasury = await new DAOTreasury__factory(deployer).deploy(
    config.governance.timelockDelaySeconds,
    [],
    ["0x0000000000000000000000000000000000000000"],
    admin,
  );
  // The governor's constructor reads token.clock() (quorum history): the token must be mined, not just
  // sent, or the estimate of a node whose "pending" state is its head (interval mining) reverts.
  await token.waitForDeployment();
  const governor = await new MDTGovernor__factory(deployer).deploy(
    token,
    staking,
    treasury,
    config.governance.votingDelayBlocks,
    config.governance.votingPeriodBlocks,
    config.governance.quorumPercent,
  );
  const controller = await new EmissionController__factory(deployer).deploy(
    token,
    clock,
    recyclingPool,
    admin,
    config.policy,
    config.genesisAllocationLimit,
  );
  const registry = await new SubnetRegistry__factory(deployer).deploy(
    token,
    clock,
    staking,
    burnPool,
    recyclingPool,
    admin,
    config.registry,
  );
  // The distributor's constructor reads registry.staking(): the registry must exist before its gas is estimated.
  await registry.waitForDeployment();
  const distributor = await new RewardDistributor__factory(deployer).deploy(
    token,
    clock,
    controller,
    registry,
    recyclingPool,
    treasury,
    admin,
    config.claimWindow,
  );
  await distributor.waitForDeployment();

  await waitFor(token.grantRole(await token.MINTER_ROLE(), controller));
  await waitFor(recyclingPool.grantRole(await recyclingPool.RELEASER_ROLE(), controller));
  await waitFor(controller.grantRole(await controller.DISTRIBUTOR_ROLE(), distributor));
  await waitFor(treasury.grantRole(await treasury.PROPOSER_ROLE(), governor));
  await waitFor(treasury.grantRole(await treasury.CANCELLER_ROLE(), governor));
  const vestingWallets: Suite["vestingWallets"] = [];
  const recipients: string[] = [];
  for (const a of config.genesisAllocations) {
    if (a.vesting === undefined) {
      recipients.push(a.account);
      continue;
    }
    const wallet = await new MDTVestingWallet__factory(deployer).deploy(a.account, a.vesting.startTimestamp, a.vesting.durationSeconds);
    await wallet.waitForDeployment();
    vestingWallets.push({ beneficiary: a.account, wallet: await wallet.getAddress() });
    recipients.push(await wallet.getAddress());
  }
  if (config.genesisAllocations.length > 0) {
    await waitFor(controller.allocateGenesis(recipients, config.genesisAllocations.map((a) => a.amount)));
  }
  await waitFor(staking.grantRole(await staking.SLASHER_ROLE(), treasury));
  await waitFor(staking.grantRole(await staking.SLASHER_ROLE(), CHAIN_SYSTEM_ADDRESS));

  // Hand governance to the treasury, then drop the deployer's powers.
  const governed = [clock, staking, controller, registry, distributor] as const;
  for (const c of governed) {
    const governorRole = await c.GOVERNOR_ROLE();
    await waitFor(c.grantRole(governorRole, treasury));
    if (!config.keepDeployerRoles) await waitFor(c.renounceRole(governorRole, admin));
  }
  if (config.keepDeployerRoles) await waitFor(staking.grantRole(await staking.SLASHER_ROLE(), admin));
  const adminRole = await token.DEFAULT_ADMIN_ROLE();
  // Admin of these could grant MINTER_ROLE, the controller's DISTRIBUTOR_ROLE or RELEASER_ROLE: never kept.
  const mintAdjacent = new Set<unknown>(config.unsafeKeepMintAdmin === true ? [] : [token, controller, recyclingPool]);
  for (const c of [token, recyclingPool, ...governed, treasury] as const) {
    if (c !== treasury) await waitFor(c.grantRole(adminRole, treasury));
    if (!config.keepDeployerRoles || mintAdjacent.has(c)) await waitFor(c.renounceRole(adminRole, admin));
  }

  return { token, clock, burnPool, recyclingPool, staking, treasury, governor, controller, registry, distributor, vestingWallets };
}

/** The addresses of a suite, keyed by the names used in the deployments file. */
export async function suiteAddresses(suite: Suite): Promise<Record<ContractName, string>> {
  return {
    MDTToken: await suite.token.getAddress(),
    EpochClock: await suite.clock.getAddress(),
    BurnPool: await suite.burnPool.getAddress(),
    RecyclingPool: await suite.recyclingPool.getAddress(),
    StakingManager: await suite.staking.getAddress(),
    DAOTreasury: await suite.treasury.getAddress(),
    MDTGovernor: await suite.governor.getAddress(),
    EmissionController: await suite.controller.getAddress(),
    SubnetRegistry: await suite.registry.getAddress(),
    RewardDistributor: await suite.distributor.getAddress(),
  };
}
