/** Reward trees to and from JSON, so claims still work long after the runner built the tree. */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, isAddress, ZeroHash } from "ethers";
import { ModernTensorError } from "../errors";
import { assembleRewardTree } from "./build";
import {
  REWARD_LEAF_ENCODING,
  REWARD_TREE_FORMAT,
  type RewardLeaf,
  type RewardLeafValue,
  type RewardTree,
  type RewardTreeJson,
} from "./types";

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
    tree: rewardTree.tree === null ? null : rewardTree.tree.dump(),
  };
}

/** Loads the tree OpenZeppelin dumped and checks its hashes and leaf encoding. */
function loadMerkleTree(json: RewardTreeJson): StandardMerkleTree<RewardLeafValue> | null {
  if (json.tree === null) {
    if (json.root !== ZeroHash) throw invalidTree(`a reward tree without leaves must have the zero root, got ${json.root}`);
    return null;
  }
  const encoding = json.tree.leafEncoding;
  if (
    !Array.isArray(encoding) ||
    encoding.length !== REWARD_LEAF_ENCODING.length ||
    encoding.some((type, i) => type !== REWARD_LEAF_ENCODING[i])
  ) {
    throw invalidTree(`leafEncoding must be ["address","uint256"], got ${JSON.stringify(encoding)}`);
  }
  let tree: StandardMerkleTree<RewardLeafValue>;
  try {
    tree = StandardMerkleTree.load(json.tree);
    tree.validate(); // recomputes every leaf and node hash
  } catch (error) {
    throw invalidTree(`the Merkle tree does not load or validate: ${(error as Error).message}`, error);
  }
  if (tree.root !== json.root) throw invalidTree(`root ${json.root} does not match the tree's root ${tree.root}`);
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
  const tree = loadMerkleTree(json);

  const leaves: RewardLeaf[] = [];
  const seen = new Set<string>();
  for (const [, [account, amount]] of tree === null ? [] : tree.entries()) {
    if (!isAddress(account)) throw invalidTree(`leaf account ${JSON.stringify(account)} is not an address`);
    if (seen.has(account.toLowerCase())) throw invalidTree(`account ${account} has more than one leaf`);
    seen.add(account.toLowerCase());
    leaves.push({ account: getAddress(account), amount: parseAmount(`amount of ${account}`, amount) });
  }
  const rewardTree = assembleRewardTree(epoch, minersTotal, validatorsTotal, unallocated, leaves, tree);
  if (rewardTree.allocated.toString() !== json.allocated) {
    throw invalidTree(`allocated is ${json.allocated} but the leaves sum to ${rewardTree.allocated}`);
  }
  return rewardTree;
}
