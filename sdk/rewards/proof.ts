/** Claims against a reward tree: proofs for an account, and the check the contract makes. */
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, isAddress } from "ethers";
import { ModernTensorError } from "../errors";
import { rewardLeafHash } from "./leaf";
import type { RewardClaim, RewardTree } from "./types";

export { rewardLeafHash };

/** The claim (index, amount and proof) of `account` in the epoch's tree; throws ACCOUNT_NOT_IN_TREE if none. */
export function getRewardProof(rewardTree: RewardTree, account: string): RewardClaim {
  const index = isAddress(account) ? rewardTree.leafIndex.get(account.toLowerCase()) : undefined;
  if (index === undefined || rewardTree.tree === null) {
    throw new ModernTensorError(
      "ACCOUNT_NOT_IN_TREE",
      `account ${account} has no reward in epoch ${rewardTree.epoch}`,
      { details: { account, epoch: rewardTree.epoch } },
    );
  }
  const leaf = rewardTree.leaves[index];
  return {
    epoch: rewardTree.epoch,
    index: BigInt(leaf.index),
    account: leaf.account,
    amount: leaf.amount,
    proof: rewardTree.tree.getProof(index),
  };
}

/** True when `claim` proves its leaf (index, account, amount) under `root` (what the contract checks). */
export function verifyRewardClaim(root: string, claim: RewardClaim): boolean {
  return SimpleMerkleTree.verify(root, rewardLeafHash(claim.index, getAddress(claim.account), claim.amount), claim.proof);
}
