/** The reward leaf hash, shared by the tree builder, the loader and proof checks. */
import { solidityPackedKeccak256 } from "ethers";
import { REWARD_LEAF_ENCODING } from "./types";

/** keccak256(abi.encodePacked(uint256 index, address account, uint256 amount)): what RewardDistributor verifies. */
export function rewardLeafHash(index: number | bigint, account: string, amount: bigint): string {
  return solidityPackedKeccak256([...REWARD_LEAF_ENCODING], [index, account, amount]);
}
