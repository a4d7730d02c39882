// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The emission policy: how much MDT an epoch may emit for a given utility, and its funding.
interface IEmissionController {
    /// @notice The policy parameters, all fractions in WAD (1e18 = 1.0).
    struct Policy {
        /// MDT wei emitted per epoch at utility 1 before any halving.
        uint256 baseReward;
        /// Epochs between halvings.
        uint256 halvingInterval;
        /// Task volume at which the task term of utility saturates.
        uint256 maxTasks;
        /// Utility weights of task volume, difficulty and participation; they sum to 1e18.
        uint256 taskWeight;
        uint256 difficultyWeight;
        uint256 participationWeight;
        /// Emission shares of miners, validators and the DAO; they sum to 1e18.
        uint256 minerShare;
        uint256 validatorShare;
        uint256 daoShare;
    }

    /// @notice Governance set a new policy.
    event PolicyChanged(Policy policy);
    /// @notice `recipient` received `amount` MDT of the one-time genesis allocation.
    event GenesisAllocated(address indexed recipient, uint256 amount);
    /// @notice `epoch` was funded with `emission` MDT (`fromPool` recycled + `minted` new) at `utility`.
    event EpochFunded(uint256 indexed epoch, uint256 utility, uint256 emission, uint256 fromPool, uint256 minted);

    /// @notice The policy is invalid: `reason` names the failed check.
    error InvalidPolicy(bytes32 reason);
    /// @notice A utility input or result must be within [0, 1e18].
    error InvalidFraction(uint256 value);
    /// @notice `epoch` has not ended yet (current epoch `current`).
    error EpochNotEnded(uint256 epoch, uint256 current);
    /// @notice `epoch` was already funded.
    error EpochAlreadyFunded(uint256 epoch);
    /// @notice The one-time genesis allocation was already made.
    error GenesisAllocationClosed();
    /// @notice Genesis allocations would total `total`, above the limit `limit`.
    error GenesisAllocationTooLarge(uint256 total, uint256 limit);
    /// @notice Array lengths differ.
    error LengthMismatch(uint256 a, uint256 b);

    /// @notice The current policy.
    function policy() external view returns (Policy memory);

    /// @notice Utility (WAD) for a task count, average difficulty and participation (WAD each).
    function utilityOf(uint256 tasks, uint256 difficulty, uint256 participation) external view returns (uint256);

    /// @notice The emission the policy allows for `epoch` at `utility` (before the cap and the pool).
    function allowedEmission(uint256 epoch, uint256 utility) external view returns (uint256);

    /// @notice The quota of `epoch` at utility 1 (after halvings).
    function fullEmission(uint256 epoch) external view returns (uint256);

    /// @notice What funding `epoch` at `utility` would take now: from the pool, newly minted, and the sum.
    function fundingFor(uint256 epoch, uint256 utility)
        external
        view
        returns (uint256 fromPool, uint256 minted, uint256 emission);

    /// @notice Splits an emission into the miner, validator and DAO parts (the DAO takes the dust).
    function splitOf(uint256 emission) external view returns (uint256 miners, uint256 validators, uint256 dao);

    /// @notice True once `epoch` was funded.
    function isFunded(uint256 epoch) external view returns (bool);

    /// @notice Funds `epoch` at `utility`, paying `to`: recycled MDT first, then new MDT within the cap.
    /// @dev Only the reward distributor (DISTRIBUTOR_ROLE).
    function fundEpoch(uint256 epoch, uint256 utility, address to) external returns (uint256 emission);
}
