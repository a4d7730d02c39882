/** Types shared by the tokenomics functions. Every amount, fraction and score is a `bigint`. */

/** Weights of the three utility components, WAD-scaled; they sum to exactly WAD. */
export interface UtilityWeights {
  /** Weight of the task-volume ratio. */
  task: bigint;
  /** Weight of the average task difficulty. */
  difficulty: bigint;
  /** Weight of validator participation. */
  participation: bigint;
}

/** How an epoch's emission is shared, WAD-scaled; the shares sum to exactly WAD. */
export interface EmissionShares {
  /** Part paid to miners (split by score). */
  miner: bigint;
  /** Part paid to validators (split by stake). */
  validator: bigint;
  /** Part paid to the DAO treasury; in practice the DAO takes `E - miners - validators` (dust rule). */
  dao: bigint;
}

/** The emission policy; mirrors the parameters held by the EmissionController contract. */
export interface EmissionPolicy {
  /** Emission per epoch at utility 1 before any halving, in wei. */
  baseReward: bigint;
  /** Epochs between halvings (> 0). */
  halvingInterval: bigint;
  /** Task volume at which the task component saturates (> 0). */
  maxTasks: bigint;
  /** Utility component weights. */
  weights: UtilityWeights;
  /** Emission shares. */
  shares: EmissionShares;
  /** Maximum total supply of MDT, in wei. */
  supplyCap: bigint;
}

/** The measured activity of one epoch, the input of the utility score. */
export interface EpochMetrics {
  /** Task volume: stake-weighted mean of the (capped) reported task counts over the active stake. */
  tasks: bigint;
  /** Task difficulty: stake-weighted mean over the active stake, WAD-scaled in [0, WAD]. */
  difficulty: bigint;
  /** Stake share of the active set whose weights count, WAD-scaled in [0, WAD]. */
  participation: bigint;
}

/** One validator's task report for an epoch. */
export interface TaskReport {
  /** Number of tasks the validator observed. */
  taskCount: bigint;
  /** Average difficulty of those tasks, WAD-scaled in [0, WAD]. */
  difficulty: bigint;
  /** The reporter's stake in the epoch's active set: the weight of its report. */
  stake: bigint;
}

/** Task volume and difficulty aggregated from the epoch's task reports. */
export interface TaskAggregate {
  /** Σ stake · min(taskCount, cap) / active stake (0 without active stake). */
  tasks: bigint;
  /** Σ stake · difficulty / active stake (0 without active stake). */
  difficulty: bigint;
}

/** Where an epoch's emission comes from. */
export interface EmissionFunding {
  /** Taken from the recycling pool (spent first). */
  fromPool: bigint;
  /** Newly minted, never past the supply cap. */
  minted: bigint;
  /** `fromPool + minted`; less than the allowed emission only when pool and cap both run dry. */
  emission: bigint;
}

/** An epoch's emission split between the three beneficiaries; the parts sum to the emission. */
export interface EmissionSplit {
  /** Miners' pool. */
  miners: bigint;
  /** Validators' pool. */
  validators: bigint;
  /** DAO treasury, including the rounding dust. */
  dao: bigint;
}

/** An account and its weight in a proportional split (a miner's score, a validator's stake). */
export interface WeightedEntry {
  /** 0x-prefixed EVM address. */
  account: string;
  /** Non-negative weight. */
  weight: bigint;
}

/** An account and the amount it receives. */
export interface Allocation {
  /** The account, as given in the input. */
  account: string;
  /** Amount in wei. */
  amount: bigint;
}

/** Result of a slash. */
export interface SlashResult {
  /** Stake taken from the validator. */
  slashed: bigint;
  /** Part of it sent to the burn pool. */
  burned: bigint;
  /** Part of it sent to the recycling pool (gets the rounding dust). */
  recycled: bigint;
}

/** Result of splitting a registration fee. */
export interface FeeSplit {
  /** Part sent to the burn pool. */
  burned: bigint;
  /** Part sent to the recycling pool (gets the rounding dust). */
  recycled: bigint;
}

/** A miner and the raw weight a validator gives it. */
export interface MinerWeight {
  /** Miner address. */
  miner: string;
  /** Raw weight, any non-negative scale (normalised per validator). */
  weight: bigint;
}

/** One validator's weight vector for an epoch, with the stake it is backed by. */
export interface ValidatorWeights {
  /** Validator address. */
  validator: string;
  /** Stake of the validator for the epoch, in wei. */
  stake: bigint;
  /** Raw weights; each miner at most once. */
  weights: readonly MinerWeight[];
}

/** A miner's final score (its stake-weighted, clipped rank). */
export interface MinerScore {
  /** Checksummed miner address. */
  miner: string;
  /** Score, WAD-scaled (> 0). */
  score: bigint;
}

/** A miner's consensus weight: the largest normalised weight backed by a κ-fraction of stake. */
export interface MinerConsensus {
  /** Checksummed miner address. */
  miner: string;
  /** Consensus weight, WAD-scaled. */
  consensus: bigint;
  /** Rank (= score, possibly 0). */
  rank: bigint;
}

/** Options of `scoreMiners`. */
export interface ScoreMinersOptions {
  /** κ in (0, WAD]; default `DEFAULT_KAPPA` (0.5). */
  kappa?: bigint;
}

/** Result of `scoreMiners`. */
export interface ScoringResult {
  /** Miners with a positive score, ascending by lowercase address. */
  scores: readonly MinerScore[];
  /** Every miner weighted by a kept validator, ascending by lowercase address. */
  consensus: readonly MinerConsensus[];
  /** Σ stake of the validators kept (those whose weights do not sum to 0). */
  totalStake: bigint;
}
