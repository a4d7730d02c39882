// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStakingManager} from "./IStakingManager.sol";

/// @notice Miners of the subnet, and what validators report about them each epoch.
interface ISubnetRegistry {
    /// @notice `miner` registered, paying `fee`: `burned` to the burn pool, `recycled` to the recycling pool.
    event MinerRegistered(address indexed miner, uint256 fee, uint256 burned, uint256 recycled);
    /// @notice `miner` lost its slot to `replacedBy` (slots were full and it had no recent weight).
    event MinerReplaced(address indexed miner, address indexed replacedBy, uint256 lastWeightedEpoch);
    /// @notice `validator`'s weights for `epoch` (the latest submission or the reveal of an epoch counts).
    event WeightsSubmitted(uint256 indexed epoch, address indexed validator, address[] miners, uint256[] weights);
    /// @notice `validator` committed to its weights for `epoch` (commit–reveal mode).
    event WeightsCommitted(uint256 indexed epoch, address indexed validator, bytes32 commitment);
    /**
     * @notice `validator` (active-set stake `stake`) reported `taskCount` tasks of average `difficulty`
     * (WAD) for `epoch`; `countedTasks` = min(taskCount, taskCap) is what enters the epoch's volume.
     */
    event TaskReportSubmitted(
        uint256 indexed epoch,
        address indexed validator,
        uint256 taskCount,
        uint256 difficulty,
        uint256 countedTasks,
        uint256 stake
    );
    /// @notice Commit–reveal of weights is `enabled` for epochs from `fromEpoch` on.
    event CommitRevealChanged(uint256 fromEpoch, bool enabled);
    /// @notice Governance changed parameter `name` from `previous` to `current`.
    event ParameterChanged(bytes32 indexed name, uint256 previous, uint256 current);

    /// @notice `miner` is already registered.
    error MinerAlreadyRegistered(address miner);
    /// @notice `miner` is not registered.
    error MinerNotRegistered(address miner);
    /// @notice No more than `max` miners can register; when full, use registerMinerReplacing.
    error TooManyMiners(uint256 max);
    /// @notice Slots are free (`count` of `max` used): register without replacing anyone.
    error SlotsAvailable(uint256 count, uint256 max);
    /// @notice `miner` cannot be replaced: immune until epoch `immuneUntil`, or weighted in epoch `lastWeighted`.
    error MinerNotReplaceable(address miner, uint256 immuneUntil, uint256 lastWeighted);
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
    /// @notice Weights of `epoch` go through commit–reveal: use commitWeights / revealWeights.
    error CommitRevealActive(uint256 epoch);
    /// @notice Commit–reveal is off for `epoch`: use submitWeights.
    error CommitRevealInactive(uint256 epoch);
    /// @notice Weights of `epoch` are revealed only during epoch `epoch + 1`; the current epoch is `current`.
    error RevealWindowClosed(uint256 epoch, uint256 current);
    /// @notice `validator` committed nothing for `epoch`.
    error NoCommitment(address validator, uint256 epoch);
    /// @notice The revealed weights and salt of `validator` do not hash to its commitment `commitment` for `epoch`.
    error CommitmentMismatch(address validator, uint256 epoch, bytes32 commitment, bytes32 revealed);
    /// @notice `validator` already revealed its weights for `epoch`.
    error AlreadyRevealed(address validator, uint256 epoch);
    /// @notice The commitment is zero.
    error ZeroCommitment();
    /// @notice Parameter `name` cannot be `value` (allowed: `min`..`max`).
    error InvalidParameter(bytes32 name, uint256 value, uint256 min, uint256 max);

    /// @notice What validators reported for `epoch`, as the emission policy consumes it.
    /// @return tasks stake-weighted mean of the counted task reports over the active stake
    /// @return difficulty stake-weighted mean of the reported difficulties over the active stake (WAD)
    /// @return participation stake of the validators whose weights count / active stake (WAD)
    function epochMetrics(uint256 epoch) external view returns (uint256 tasks, uint256 difficulty, uint256 participation);

    /// @notice The staking contract whose active sets weight the reports.
    function staking() external view returns (IStakingManager);

    /// @notice The last epoch during which the inputs of `epoch` can still change (`epoch`, or `epoch + 1`
    /// when its weights go through commit–reveal): rewards of `epoch` are attested after it.
    function inputsFinalAfter(uint256 epoch) external view returns (uint256);
}
