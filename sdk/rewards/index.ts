/**
 * Per-epoch reward trees. Every validator's runner builds the tree from the epoch's pools
 * (`splitEmission`), the miners' scores (`scoreMiners`) and the active validators' stakes and
 * commissions, attests its root on-chain, and stores the JSON (`serializeRewardTree`) so that
 * recipients can later claim with a proof (`loadRewardTree` + `getRewardProof`). Leaves are
 * keccak256(abi.encodePacked(uint256 index, address account, uint256 amount)) in an OpenZeppelin
 * `SimpleMerkleTree`, verified on-chain with OpenZeppelin `MerkleProof`; `index` is the leaf's bit
 * in the contract's claimed-bitmap (Uniswap MerkleDistributor).
 * Pools without recipients, and rewards not claimed within the claim window, are swept into the
 * recycling pool.
 */
export * from "./types";
export { buildRewardTree } from "./build";
export { serializeRewardTree, loadRewardTree } from "./serialize";
export { getRewardProof, verifyRewardClaim, rewardLeafHash } from "./proof";
