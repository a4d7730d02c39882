/** Types of the per-epoch reward tree. Amounts are `bigint` in memory and decimal strings in JSON. */
import type { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import type { ShareHolder } from "../tokenomics/delegation";

/** OpenZeppelin's `dump()` format of a reward tree over leaf hashes. */
export type RewardMerkleTreeData = ReturnType<SimpleMerkleTree["dump"]>;

/**
 * The packed leaf encoding the RewardDistributor verifies (Uniswap MerkleDistributor style):
 * keccak256(abi.encodePacked(uint256 index, address account, uint256 amount)). 84 bytes of preimage,
 * so a leaf can never pass for a 64-byte inner node; `index` addresses the contract's claimed-bitmap.
 */
export const REWARD_LEAF_ENCODING: readonly ["uint256", "address", "uint256"] = ["uint256", "address", "uint256"];

/** A miner's score, the weight of its share of the miners' pool. */
export interface MinerScoreEntry {
  /** Miner address. */
  miner: string;
  /** Score (> 0 to receive anything). */
  score: bigint;
}

/** A validator of the epoch's active set and its stake, the weight of its share of the validators' pool. */
export interface ValidatorStakeEntry {
  /** Validator address. */
  validator: string;
  /** Stake in wei. */
  stake: bigint;
  /**
   * Holders of the validator's pool shares at the start of the epoch (operator included). When given,
   * the validator's reward is shared with them after the operator's take; when absent the operator
   * receives it all.
   */
  holders?: readonly ShareHolder[];
  /**
   * The operator's commission (WAD) for the epoch, as StakingManager.commissionAt stores it; when
   * absent, the tree's `validatorTake` applies.
   */
  commission?: bigint;
}

/** Input of `buildRewardTree`. */
export interface RewardTreeInput {
  /** The epoch the rewards are for. */
  epoch: bigint;
  /** The miners' pool of the epoch (`splitEmission(...).miners`). */
  minersTotal: bigint;
  /** The validators' pool of the epoch (`splitEmission(...).validators`). */
  validatorsTotal: bigint;
  /** Miners' scores (`scoreMiners(...).scores`). */
  miners: readonly MinerScoreEntry[];
  /** Stakes of the epoch's active validator set. */
  validators: readonly ValidatorStakeEntry[];
  /** Operators' take (WAD) before sharing with delegators; default DEFAULT_VALIDATOR_TAKE (0.18). */
  validatorTake?: bigint;
}

/** One recipient of the epoch: one leaf, even if the address is both miner and validator. */
export interface RewardLeaf {
  /** Position in the leaves (ascending address order): the bit the contract flips on claim. */
  index: number;
  /** Checksummed address. */
  account: string;
  /** Total amount claimable, in wei (> 0). */
  amount: bigint;
}

/** Pool amounts with no recipient (no miner scored / no validator has stake). */
export interface UnallocatedRewards {
  /** The whole miners' pool when no miner has a positive score, else 0. */
  miners: bigint;
  /** The whole validators' pool when no validator has stake, else 0. */
  validators: bigint;
}

/** A built (or loaded) reward tree of one epoch. */
export interface RewardTree {
  /** The epoch. */
  epoch: bigint;
  /** Merkle root to submit with `distribute`; the zero hash when there is no leaf. */
  root: string;
  /** The miners' pool. */
  minersTotal: bigint;
  /** The validators' pool. */
  validatorsTotal: bigint;
  /**
   * Parts of the pools that no leaf can claim. The contract still receives the full pools; these funds
   * (like any unclaimed reward) are swept into the recycling pool once the claim window expires.
   */
  unallocated: UnallocatedRewards;
  /** Σ leaf amounts = minersTotal + validatorsTotal − unallocated.miners − unallocated.validators. */
  allocated: bigint;
  /** Leaves, ascending by lowercase address; `leaves[i].index === i` and it is value `i` of `tree`. */
  leaves: readonly RewardLeaf[];
  /** The OpenZeppelin tree over the leaf hashes, or null when there is no leaf. */
  tree: SimpleMerkleTree | null;
  /** Lowercase address → index into `leaves`. */
  leafIndex: ReadonlyMap<string, number>;
}

/** A claim: what `RewardDistributor.claim` needs for one account. */
export interface RewardClaim {
  /** The epoch. */
  epoch: bigint;
  /** Leaf index. */
  index: bigint;
  /** Checksummed account. */
  account: string;
  /** Amount in wei. */
  amount: bigint;
  /** Merkle proof (sibling hashes, leaf to root). */
  proof: string[];
}

/** Format tag of {@link RewardTreeJson}. */
export const REWARD_TREE_FORMAT = "moderntensor-reward-tree-v2";

/** A reward tree as JSON: `leaves` in index order, `tree` OpenZeppelin's `dump()`, amounts decimal strings. */
export interface RewardTreeJson {
  /** Always {@link REWARD_TREE_FORMAT}. */
  format: typeof REWARD_TREE_FORMAT;
  epoch: string;
  root: string;
  minersTotal: string;
  validatorsTotal: string;
  unallocated: { miners: string; validators: string };
  allocated: string;
  leaves: { account: string; amount: string }[];
  tree: RewardMerkleTreeData | null;
}
