// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IEmissionController} from "../interfaces/IEmissionController.sol";
import {IEpochClock} from "../interfaces/IEpochClock.sol";
import {IRecyclingPool} from "../interfaces/IPools.sol";
import {TokenomicsMath} from "../libraries/TokenomicsMath.sol";
import {MDTToken} from "../token/MDTToken.sol";

/**
 * @title EmissionController
 * @notice Owns the emission policy (base reward, halving, utility weights, shares) and is the only
 * minter of MDT. An epoch is funded at most once, only after it ended, and only through the reward
 * distributor: the recycling pool pays first, new MDT covers the rest, and the supply cap always holds.
 */
contract EmissionController is AccessControl, IEmissionController {
    /// @notice May change the policy and make the one-time genesis allocation.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice May fund epochs (the RewardDistributor).
    bytes32 public constant DISTRIBUTOR_ROLE = keccak256("DISTRIBUTOR_ROLE");
    /// @notice A base reward above this (1% of the cap per epoch) is rejected as a misconfiguration.
    uint256 public constant MAX_BASE_REWARD = 210_000 ether;

    /// @notice The MDT token.
    MDTToken public immutable token;
    /// @notice The epoch clock.
    IEpochClock public immutable clock;
    /// @notice Spent before anything is minted.
    IRecyclingPool public immutable recyclingPool;
    /// @notice The most the one-time genesis allocation may mint.
    uint256 public immutable genesisAllocationLimit;

    Policy private _policy;
    mapping(uint256 epoch => bool) private _funded;
    bool private _genesisAllocated;

    constructor(
        MDTToken token_,
        IEpochClock clock_,
        IRecyclingPool recyclingPool_,
        address admin,
        Policy memory initialPolicy,
        uint256 genesisAllocationLimit_
    ) {
        token = token_;
        clock = clock_;
        recyclingPool = recyclingPool_;
        genesisAllocationLimit = genesisAllocationLimit_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        _setPolicy(initialPolicy);
    }

    /// @inheritdoc IEmissionController
    function policy() external view returns (Policy memory) {
        return _policy;
    }

    /// @inheritdoc IEmissionController
    function utilityOf(uint256 tasks, uint256 difficulty, uint256 participation) external view returns (uint256) {
        if (difficulty > TokenomicsMath.WAD) revert InvalidFraction(difficulty);
        if (participation > TokenomicsMath.WAD) revert InvalidFraction(participation);
        Policy storage p = _policy;
        return TokenomicsMath.utility(
            TokenomicsMath.taskRatio(tasks, p.maxTasks),
            difficulty,
            participation,
            p.taskWeight,
            p.difficultyWeight,
            p.participationWeight
        );
    }

    /// @inheritdoc IEmissionController
    function allowedEmission(uint256 epoch, uint256 utility) public view returns (uint256) {
        if (utility > TokenomicsMath.WAD) revert InvalidFraction(utility);
        return TokenomicsMath.allowedEmission(epoch, utility, _policy.baseReward, _policy.halvingInterval);
    }

    /// @inheritdoc IEmissionController
    function fullEmission(uint256 epoch) external view returns (uint256) {
        return TokenomicsMath.fullEmission(epoch, _policy.baseReward, _policy.halvingInterval);
    }

    /// @inheritdoc IEmissionController
    function fundingFor(uint256 epoch, uint256 utility)
        public
        view
        returns (uint256 fromPool, uint256 minted, uint256 emission)
    {
        (fromPool, minted) = TokenomicsMath.fund(
            allowedEmission(epoch, utility),
            recyclingPool.balance(),
            token.totalSupply(),
            token.cap()
        );
        emission = fromPool + minted;
    }

    /// @inheritdoc IEmissionController
    function splitOf(uint256 emission) external view returns (uint256 miners, uint256 validators, uint256 dao) {
        return TokenomicsMath.split(emission, _policy.minerShare, _policy.validatorShare);
    }

    /// @inheritdoc IEmissionController
    function isFunded(uint256 epoch) external view returns (bool) {
        return _funded[epoch];
    }

    /// @inheritdoc IEmissionController
    function fundEpoch(uint256 epoch, uint256 utility, address to)
        external
        onlyRole(DISTRIBUTOR_ROLE)
        returns (uint256 emission)
    {
        uint256 current = clock.currentEpoch();
        if (current <= epoch) revert EpochNotEnded(epoch, current);
        if (_funded[epoch]) revert EpochAlreadyFunded(epoch);
        (uint256 fromPool, uint256 minted, uint256 total) = fundingFor(epoch, utility);
        _funded[epoch] = true;
        emit EpochFunded(epoch, utility, total, fromPool, minted);
        if (fromPool != 0) recyclingPool.release(to, fromPool);
        if (minted != 0) token.mint(to, minted);
        return total;
    }

    /**
     * @notice Sets a new policy. Weights and shares must each sum to exactly 1e18; the base reward must
     * be positive and at most MAX_BASE_REWARD; halving interval and max tasks must be positive.
     */
    function setPolicy(Policy calldata newPolicy) external onlyRole(GOVERNOR_ROLE) {
        _setPolicy(newPolicy);
    }

    /**
     * @notice Mints the one-time genesis allocation (stake for the first validators, the treasury's
     * endowment), at most `genesisAllocationLimit` in total. Callable once.
     */
    function allocateGenesis(address[] calldata recipients, uint256[] calldata amounts)
        external
        onlyRole(GOVERNOR_ROLE)
    {
        if (_genesisAllocated) revert GenesisAllocationClosed();
        if (recipients.length != amounts.length) revert LengthMismatch(recipients.length, amounts.length);
        uint256 total;
        for (uint256 i = 0; i < amounts.length; ++i) total += amounts[i];
        if (total > genesisAllocationLimit) revert GenesisAllocationTooLarge(total, genesisAllocationLimit);
        _genesisAllocated = true;
        for (uint256 i = 0; i < recipients.length; ++i) {
            token.mint(recipients[i], amounts[i]);
            emit GenesisAllocated(recipients[i], amounts[i]);
        }
    }

    function _setPolicy(Policy memory p) private {
        if (p.baseReward == 0 || p.baseReward > MAX_BASE_REWARD) revert InvalidPolicy("baseReward");
        if (p.halvingInterval == 0) revert InvalidPolicy("halvingInterval");
        if (p.maxTasks == 0) revert InvalidPolicy("maxTasks");
        if (!_sumsToOne(p.taskWeight, p.difficultyWeight, p.participationWeight)) revert InvalidPolicy("weights");
        if (!_sumsToOne(p.minerShare, p.validatorShare, p.daoShare)) revert InvalidPolicy("shares");
        _policy = p;
        emit PolicyChanged(p);
    }

    // Checked term by term first so a huge term reports InvalidPolicy instead of an overflow panic.
    function _sumsToOne(uint256 a, uint256 b, uint256 c) private pure returns (bool) {
        uint256 one = TokenomicsMath.WAD;
        return a <= one && b <= one && c <= one && a + b + c == one;
    }
}
