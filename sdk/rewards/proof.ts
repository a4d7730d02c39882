/** Claims against a reward tree: proofs for an account, and the leaf hash the contract checks. */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, getAddress, isAddress, keccak256 } from "ethers";
import { ModernTensorError } from "../errors";
import { REWARD_LEAF_ENCODING, type RewardClaim, type RewardTree } from "./types";

/** The leaf hash RewardDistributor verifies: keccak256(bytes.concat(keccak256(abi.encode(account, amount)))). */
export function rewardLeafHash(account: string, amount: bigint): string {
  // Double hashing keeps a 64-byte leaf preimage from ever being mistaken for an inner node.
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode([...REWARD_LEAF_ENCODING], [account, amount])));
}

/** The claim (amount and proof) of `account` in the epoch's tree; throws ACCOUNT_NOT_IN_TREE if none. */
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
  return { epoch: rewardTree.epoch, account: leaf.account, amount: leaf.amount, proof: rewardTree.tree.getProof(index) };
}

/** True when `claim` proves its account's amount under `root` (what the contract checks). */
export function verifyRewardClaim(root: string, claim: RewardClaim): boolean {
  return StandardMerkleTree.verify(
    root,
    [...REWARD_LEAF_ENCODING],
    [getAddress(claim.account), claim.amount.toString()],
    claim.proof,
  );
}
