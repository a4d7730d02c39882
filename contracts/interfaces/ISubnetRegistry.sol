// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Miners of the subnet, and what validators report about them each epoch.
interface ISubnetRegistry {
    /// @notice `miner` registered, paying `fee`: `burned` to the burn pool, `recycled` to the recycling pool.
    event MinerRegistered(address indexed miner, uint256 fee, uint256 burned, uint256 recycled);
    /// @notice `validator` set its weights for `epoch` (the latest submission of an epoch counts).
    event WeightsSubmitted(uint256 indexed epoch, address indexed validator, address[] miners, uint256[] weights);
    /// @notice `validator` reported `taskCount` tasks of average `difficulty` (WAD) for `epoch`.
    event TaskReportSubmitted(uint256 indexed epoch, address indexed validator, uint256 taskCount, uint256 difficulty);
    /// @notice Governance changed parameter `name` from `previous` to `current`.
    event ParameterChanged(bytes32 indexed name, uint256 previous, uint256 current);

    /// @notice `miner` is already registered.
    error MinerAlreadyRegistered(address miner);
    /// @notice `miner` is not registered.
    error MinerNotRegistered(address miner);
    /// @notice No more than `max` miners can register.
    error TooManyMiners(uint256 max);
    /// @notice `account` is not in the active validator set of `epoch`.
    error NotActiveValidator(address account, uint256 epoch);
    /// @notice The miners and weights arrays differ in length.
    error LengthMismatch(uint256 miners, uint256 weights);
    /// @notice A weight vector needs 1..`max` entries; it had `length`.
    error InvalidWeightsLength(uint256 length, uint256 max);
    /// @notice Miners must be listed in strictly ascending address order (no duplicates); index `index` is not.
    error MinersNotSorted(uint256 index);
    /// @notice All weights are zero.
    error ZeroWeights();
    /// @notice `validator` already reported tasks for `epoch`.
    error TaskReportAlreadySubmitted(address validator, uint256 epoch);
    /// @notice Difficulty must be within [0, 1e18].
    error InvalidDifficulty(uint256 difficulty);
    /// @notice One report can claim at most `max` tasks.
    error TooManyTasks(uint256 taskCount, uint256 max);
    /// @notice Parameter `name` cannot be `value` (allowed: `min`..`max`).
    error InvalidParameter(bytes32 name, uint256 value, uint256 min, uint256 max);

    /// @notice What validators reported for `epoch`, as the emission policy consumes it.
    /// @return tasks average task count over the reports
    /// @return difficulty task-weighted average difficulty (WAD)
    /// @return participation validators that submitted weights / active set size (WAD)
    function epochMetrics(uint256 epoch) external view returns (uint256 tasks, uint256 difficulty, uint256 participation);
}
