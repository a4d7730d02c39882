/** Reward trees to and from JSON, so claims still work long after the runner built the tree. */
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, isAddress, ZeroHash } from "ethers";
import { ModernTensorError } from "../errors";
import { assembleRewardTree } from "./build";
import { rewardLeafHash } from "./leaf";
import { REWARD_TREE_FORMAT, type RewardLeaf, type RewardTree, type RewardTreeJson } from "./types";

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function invalidTree(message: string, cause?: unknown): ModernTensorError<"INVALID_REWARD_TREE"> {
  return new ModernTensorError("INVALID_REWARD_TREE", message, { cause });
}

function parseAmount(name: string, value: unknown): bigint {
  if (typeof value !== "string" || !DECIMAL.test(value)) {
    throw invalidTree(`${name} must be a non-negative decimal string, got ${JSON.stringify(value)}`);
  }
  return BigInt(value);
}

/** The tree as a JSON-ready object (amounts as decimal strings; `tree` is OpenZeppelin's dump). */
export function serializeRewardTree(rewardTree: RewardTree): RewardTreeJson {
  return {
    format: REWARD_TREE_FORMAT,
    epoch: rewardTree.epoch.toString(),
    root: rewardTree.root,
    minersTotal: rewardTree.minersTotal.toString(),
    validatorsTotal: rewardTree.validatorsTotal.toString(),
    unallocated: {
      miners: rewardTree.unallocated.miners.toString(),
      validators: rewardTree.unallocated.validators.toString(),
    },
    allocated: rewardTree.allocated.toString(),
    leaves: rewardTree.leaves.map((leaf) => ({ account: leaf.account, amount: leaf.amount.toString() })),
    tree: rewardTree.tree === null ? null : rewardTree.tree.dump(),
  };
}

/** Loads the tree OpenZeppelin dumped, checks every hash, and that its values are exactly the leaves' hashes. */
function loadMerkleTree(json: RewardTreeJson, leaves: readonly RewardLeaf[]): SimpleMerkleTree | null {
  if (json.tree === null || json.tree === undefined) {
    if (json.root !== ZeroHash) throw invalidTree(`a reward tree without leaves must have the zero root, got ${json.root}`);
    if (leaves.length !== 0) throw invalidTree(`a reward tree with ${leaves.length} leaves needs its Merkle tree`);
    return null;
  }
  let tree: SimpleMerkleTree;
  try {
    tree = SimpleMerkleTree.load(json.tree);
    tree.validate(); // recomputes every node hash
  } catch (error) {
    throw invalidTree(`the Merkle tree does not load or validate: ${(error as Error).message}`, error);
  }
  if (tree.root !== json.root) throw invalidTree(`root ${json.root} does not match the tree's root ${tree.root}`);
  if (tree.length !== leaves.length) throw invalidTree(`the tree has ${tree.length} values for ${leaves.length} leaves`);
  leaves.forEach((leaf, i) => {
    if (tree.at(i) !== rewardLeafHash(leaf.index, leaf.account, leaf.amount)) {
      throw invalidTree(`value ${i} of the tree is not the hash of leaf (${leaf.index}, ${leaf.account}, ${leaf.amount})`);
    }
  });
  return tree;
}

/** Rebuilds a reward tree from {@link serializeRewardTree}'s output, checking every invariant. */
export function loadRewardTree(json: RewardTreeJson): RewardTree {
  if (json === null || typeof json !== "object" || json.format !== REWARD_TREE_FORMAT) {
    throw invalidTree(`format must be "${REWARD_TREE_FORMAT}"`);
  }
  const epoch = parseAmount("epoch", json.epoch);
  const minersTotal = parseAmount("minersTotal", json.minersTotal);
  const validatorsTotal = parseAmount("validatorsTotal", json.validatorsTotal);
  const unallocated = {
    miners: parseAmount("unallocated.miners", json.unallocated?.miners),
    validators: parseAmount("unallocated.validators", json.unallocated?.validators),
  };
  if (!Array.isArray(json.leaves)) throw invalidTree("leaves must be an array");
  const leaves: RewardLeaf[] = [];
  const seen = new Set<string>();
  json.leaves.forEach((entry, index) => {
    const account = entry?.account;
    if (typeof account !== "string" || !isAddress(account)) throw invalidTree(`leaf ${index}: account ${JSON.stringify(account)} is not an address`);
    if (seen.has(account.toLowerCase())) throw invalidTree(`account ${account} has more than one leaf`);
    seen.add(account.toLowerCase());
    leaves.push({ index, account: getAddress(account), amount: parseAmount(`amount of ${account}`, entry.amount) });
  });
  const tree = loadMerkleTree(json, leaves);
  const rewardTree = assembleRewardTree(epoch, minersTotal, validatorsTotal, unallocated, leaves, tree);
  if (rewardTree.allocated.toString() !== json.allocated) {
    throw invalidTree(`allocated is ${json.allocated} but the leaves sum to ${rewardTree.allocated}`);
  }
  return rewardTree;
}
