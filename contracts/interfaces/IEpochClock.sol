// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The tokenomics epoch: a fixed number of blocks, changeable only from the next epoch on.
interface IEpochClock {
    /// @notice From `fromEpoch` on (starting at block `startBlock`) an epoch lasts `length` blocks.
    event EpochLengthChanged(uint256 fromEpoch, uint256 startBlock, uint256 length);

    /// @notice The epoch length must be between 1 and the maximum.
    error InvalidEpochLength(uint256 length, uint256 max);
    /// @notice Epoch starts are kept from `firstKnownEpoch` (the one before the latest length change) on.
    error UnknownEpochStart(uint256 epoch, uint256 firstKnownEpoch);

    /// @notice The epoch that the current block belongs to.
    function currentEpoch() external view returns (uint256);

    /// @notice True once every block of `epoch` has been produced.
    function hasEnded(uint256 epoch) external view returns (bool);

    /// @notice Blocks per epoch from the next epoch boundary on.
    function epochLength() external view returns (uint256);

    /// @notice First block of `epoch` (known for the current epoch, later ones, and back to the latest length change).
    function epochStartBlock(uint256 epoch) external view returns (uint256);
}
