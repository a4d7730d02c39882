import { parseEther } from "ethers";

/** 1.0 in the contracts' 18-decimal fixed point. */
export const WAD = 10n ** 18n;

/** Emission policy as the EmissionController stores it (fractions in WAD). */
export interface PolicyConfig {
  baseReward: bigint;
  halvingInterval: bigint;
  maxTasks: bigint;
  taskWeight: bigint;
  difficultyWeight: bigint;
  participationWeight: bigint;
  minerShare: bigint;
  validatorShare: bigint;
  daoShare: bigint;
}

/** One genesis allocation. */
export interface GenesisAllocation {
  /** The beneficiary. */
  account: string;
  /** MDT wei. */
  amount: bigint;
  /** Optional linear vesting: minted into an MDTVestingWallet (OpenZeppelin VestingWallet) for `account`. */
  vesting?: { startTimestamp: bigint; durationSeconds: bigint };
}

/** Everything the deploy script can be told; every field has a documented default. */
export interface SuiteConfig {
  /** Blocks per tokenomics epoch. */
  epochLength: bigint;
  policy: PolicyConfig;
  /** Most the one-time genesis allocation may mint. */
  genesisAllocationLimit: bigint;
  /** Minted once at deployment (validator stake, test balances); with `vesting`, into a vesting wallet. */
  genesisAllocations: GenesisAllocation[];
  staking: {
    minSelfStake: bigint;
    unbondingEpochs: bigint;
    maxActiveValidators: bigint;
    jailEpochs: bigint;
    slashBurnShare: bigint;
    /** Epochs without operator action after which a validator below the minimum own stake can be pruned. */
    inactivityEpochs: bigint;
  };
  /**
   * Miner registration and reports: `taskCap` is the most tasks one report counts (keep it equal to
   * `policy.maxTasks` so a validator's share of stake bounds its pull on utility); `immunityEpochs` is
   * how long a new miner cannot be replaced when slots are full.
   */
  registry: { registrationFee: bigint; feeBurnShare: bigint; maxMiners: bigint; taskCap: bigint; immunityEpochs: bigint };
  /** Epochs during which an epoch's rewards can be claimed. */
  claimWindow: bigint;
  governance: { timelockDelaySeconds: bigint; votingDelayBlocks: bigint; votingPeriodBlocks: bigint; quorumPercent: bigint };
  /**
   * Test/devnet only: keep GOVERNOR_ROLE and SLASHER_ROLE (and the admin role of the contracts that
   * cannot mint) with the deployer besides the treasury. The deployer never keeps an admin role from
   * which minting could be granted (MDTToken, EmissionController, RecyclingPool).
   * Off by default: in production the DAO treasury holds every governance role and nothing else does.
   */
  keepDeployerRoles: boolean;
  /**
   * Unit-test fixtures only (never the deploy script): with keepDeployerRoles, also keep the admin role
   * of MDTToken, EmissionController and RecyclingPool, so a test can grant itself MINTER_ROLE & co.
   */
  unsafeKeepMintAdmin?: boolean;
}

/**
 * The default policy: 1000 MDT per epoch, halving every 10,500 epochs, weights 0.5/0.3/0.2, shares 40/40/20.
 * The halving series converges to the cap — baseReward × 2 × halvingInterval = 1000 × 2 × 10,500 = 21M MDT —
 * so at full utility every halving happens before the cap binds, and the cap is approached, never hit.
 * (The seed's 210,000-epoch interval summed to 420M MDT: the cap bound after ~21,000 epochs and no halving
 * ever happened; it stays reachable as SEED_POLICY or through governance's setPolicy.)
 */
export const DEFAULT_POLICY: PolicyConfig = {
  baseReward: parseEther("1000"),
  halvingInterval: 10_500n,
  maxTasks: 10_000n,
  taskWeight: parseEther("0.5"),
  difficultyWeight: parseEther("0.3"),
  participationWeight: parseEther("0.2"),
  minerShare: parseEther("0.4"),
  validatorShare: parseEther("0.4"),
  daoShare: parseEther("0.2"),
};

/** The seed's figures: 1000 MDT per epoch, halving every 210,000 epochs (the cap binds first). */
export const SEED_POLICY: PolicyConfig = { ...DEFAULT_POLICY, halvingInterval: 210_000n };

/** Defaults for everything but the accounts, which depend on the network. */
export function defaultSuiteConfig(deployer: string): SuiteConfig {
  return {
    epochLength: 32n,
    policy: DEFAULT_POLICY,
    genesisAllocationLimit: parseEther("2100000"),
    genesisAllocations: [],
    staking: {
      minSelfStake: parseEther("32"),
      unbondingEpochs: 7n,
      maxActiveValidators: 64n,
      jailEpochs: 4n,
      slashBurnShare: parseEther("0.5"),
      inactivityEpochs: 7n,
    },
    registry: { registrationFee: parseEther("1"), feeBurnShare: parseEther("0.5"), maxMiners: 4096n, taskCap: 10_000n, immunityEpochs: 8n },
    claimWindow: 1000n,
    governance: { timelockDelaySeconds: 2n * 24n * 3600n, votingDelayBlocks: 1n, votingPeriodBlocks: 50_400n, quorumPercent: 4n },
    keepDeployerRoles: false,
  };
}

/** The deployer's nonce at which the StakingManager is created; the node's chain config relies on it. */
export const STAKING_MANAGER_DEPLOY_NONCE = 4;
