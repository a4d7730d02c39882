/** Builds an epoch's reward tree from the pools, the miners' scores and the validators' stakes. */
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, ZeroHash } from "ethers";
import { ModernTensorError } from "../errors";
import { assertEpoch, assertNonNegative, compareAddresses } from "../tokenomics/assert";
import { DEFAULT_VALIDATOR_TAKE } from "../tokenomics/constants";
import { splitValidatorReward } from "../tokenomics/delegation";
import { proportionalSplit } from "../tokenomics/split";
import type { Allocation } from "../tokenomics/types";
import { rewardLeafHash } from "./leaf";
import {
  type RewardLeaf,
  type RewardTree,
  type RewardTreeInput,
  type UnallocatedRewards,
} from "./types";

/** Adds each positive allocation to the recipient's running total (keyed by lowercase address). */
function accumulate(into: Map<string, bigint>, allocations: readonly Allocation[]): bigint {
  let sum = 0n;
  for (const { account, amount } of allocations) {
    if (amount === 0n) continue;
    const key = account.toLowerCase();
    into.set(key, (into.get(key) ?? 0n) + amount);
    sum += amount;
  }
  return sum;
}

/**
 * Assembles a reward tree from its parts and checks its accounting. Shared by `buildRewardTree` and
 * `loadRewardTree` so a loaded tree obeys the same invariants as a built one.
 */
export function assembleRewardTree(
  epoch: bigint,
  minersTotal: bigint,
  validatorsTotal: bigint,
  unallocated: UnallocatedRewards,
  leaves: readonly RewardLeaf[],
  tree: SimpleMerkleTree | null,
): RewardTree {
  leaves.forEach((leaf, i) => {
    if (leaf.index !== i) throw new ModernTensorError("INVALID_REWARD_TREE", `leaf ${i} carries index ${leaf.index}`, { details: { epoch, index: i } });
  });
  const allocated = leaves.reduce((sum, leaf) => sum + leaf.amount, 0n);
  const expected = minersTotal + validatorsTotal - unallocated.miners - unallocated.validators;
  if (allocated !== expected) {
    throw new ModernTensorError(
      "INVALID_REWARD_TREE",
      `reward leaves sum to ${allocated} but the pools leave ${expected} to allocate`,
      { details: { epoch, allocated, expected, minersTotal, validatorsTotal, unallocated } },
    );
  }
  const leafIndex = new Map(leaves.map((leaf, i) => [leaf.account.toLowerCase(), i] as const));
  return {
    epoch,
    root: tree === null ? ZeroHash : tree.root,
    minersTotal,
    validatorsTotal,
    unallocated,
    allocated,
    leaves,
    tree,
    leafIndex,
  };
}

/**
 * Builds the epoch's reward tree: miners share `minersTotal` by score, validators share
 * `validatorsTotal` by stake (both with `proportionalSplit`, exact to the wei), each validator's part is
 * shared with its delegators after the operator's take (`splitValidatorReward`), and an address that
 * appears more than once gets one leaf with the sum. A pool with no recipient (no miner scored, or no validator has stake)
 * gets no leaf and is reported in `unallocated`; it stays in the distributor until the claim window
 * expires and is then swept into the recycling pool like any unclaimed reward.
 */
export function buildRewardTree(input: RewardTreeInput): RewardTree {
  const { epoch, minersTotal, validatorsTotal } = input;
  assertEpoch(epoch);
  assertNonNegative("minersTotal", minersTotal);
  assertNonNegative("validatorsTotal", validatorsTotal);

  const minerAllocations = proportionalSplit(
    minersTotal,
    input.miners.map((m) => ({ account: m.miner, weight: m.score })),
  );
  const take = input.validatorTake ?? DEFAULT_VALIDATOR_TAKE;
  const byValidator = new Map(input.validators.map((v) => [v.validator.toLowerCase(), v] as const));
  const validatorAllocations = proportionalSplit(
    validatorsTotal,
    input.validators.map((v) => ({ account: v.validator, weight: v.stake })),
  ).flatMap(({ account, amount }) => {
    const entry = byValidator.get(account.toLowerCase());
    const holders = entry?.holders;
    if (holders === undefined) return [{ account, amount }];
    return splitValidatorReward({ reward: amount, validator: account, holders, take: entry?.commission ?? take });
  });

  const amounts = new Map<string, bigint>();
  const minersPaid = accumulate(amounts, minerAllocations);
  const validatorsPaid = accumulate(amounts, validatorAllocations);
  // proportionalSplit pays out everything whenever some weight is positive, so a pool is either fully
  // allocated or (no positive weight) not at all.
  const unallocated: UnallocatedRewards = {
    miners: minersTotal - minersPaid,
    validators: validatorsTotal - validatorsPaid,
  };

  const leaves: RewardLeaf[] = [...amounts.entries()]
    .sort(([a], [b]) => compareAddresses(a, b))
    .map(([account, amount], index) => ({ index, account: getAddress(account), amount }));
  const tree = leaves.length === 0 ? null : SimpleMerkleTree.of(leaves.map((l) => rewardLeafHash(l.index, l.account, l.amount)));
  return assembleRewardTree(epoch, minersTotal, validatorsTotal, unallocated, leaves, tree);
}
