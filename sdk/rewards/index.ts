/**
 * Per-epoch reward trees. The runner builds the tree from the epoch's pools (`splitEmission`), the
 * miners' scores (`scoreMiners`) and the active validators' stakes, submits its root with `distribute`,
 * and stores the JSON (`serializeRewardTree`) so that recipients can later claim with a proof
 * (`loadRewardTree` + `getRewardProof`). Leaves are OpenZeppelin `StandardMerkleTree` leaves
 * `[address account, uint256 amount]`, verified on-chain with OpenZeppelin `MerkleProof`.
 * Pools without recipients, and rewards not claimed within the claim window, are swept into the
 * recycling pool.
 */
export * from "./types";
export { buildRewardTree } from "./build";
export { serializeRewardTree, loadRewardTree } from "./serialize";
export { getRewardProof, verifyRewardClaim, rewardLeafHash } from "./proof";
