// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Votes of bonded MDT (StakingManager), checkpointed by block number like MDTToken.
interface IStakedVotes {
    /// @notice Votes `account` had from bonded MDT at the end of block `timepoint`.
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256);
}
