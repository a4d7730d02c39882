// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ISubnetRegistry} from "../interfaces/ISubnetRegistry.sol";
import {IEpochClock} from "../interfaces/IEpochClock.sol";
import {IStakingManager} from "../interfaces/IStakingManager.sol";
import {IBurnPool, IRecyclingPool, PoolSource} from "../interfaces/IPools.sol";
import {TokenomicsMath} from "../libraries/TokenomicsMath.sol";
import {PoolRouting} from "../libraries/PoolRouting.sol";

/**
 * @title SubnetRegistry
 * @notice Miners register here for a fee (part burned, part recycled). Each epoch, active validators
 * submit weights over miners (the SDK scores miners from the WeightsSubmitted events) and report the
 * task volume and difficulty they observed, which the reward distributor turns into utility.
 */
contract SubnetRegistry is AccessControl, ISubnetRegistry {
    using SafeERC20 for IERC20;

    /// @notice May change the registration fee, its burned share and the miner limit.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice Entries in one weight vector at most.
    uint256 public constant MAX_WEIGHTS = 1024;
    /// @notice Tasks one report may claim at most (keeps the aggregates far from overflow).
    uint256 public constant MAX_TASKS_PER_REPORT = 1e12;
    /// @notice Upper bound for the miner limit.
    uint256 public constant MAX_MINERS_LIMIT = 65_536;

    struct EpochReports {
        uint256 taskSum;
        uint256 weightedDifficultySum;
        uint256 reporters;
        uint256 weightSubmitters;
    }

    /// @notice The MDT token.
    IERC20 public immutable token;
    /// @notice The epoch clock.
    IEpochClock public immutable clock;
    /// @notice The validator set.
    IStakingManager public immutable staking;
    /// @notice Receives the burned part of registration fees.
    IBurnPool public immutable burnPool;
    /// @notice Receives the recycled part of registration fees.
    IRecyclingPool public immutable recyclingPool;

    /// @notice MDT wei a miner pays to register.
    uint256 public registrationFee;
    /// @notice Fraction (WAD) of the fee that is burned; the rest is recycled.
    uint256 public feeBurnShare;
    /// @notice Registered miners at most.
    uint256 public maxMiners;

    mapping(address miner => bool) private _isMiner;
    address[] private _miners;
    mapping(uint256 epoch => EpochReports) private _reports;
    mapping(uint256 epoch => mapping(address validator => bool)) private _submittedWeights;
    mapping(uint256 epoch => mapping(address validator => bool)) private _submittedReport;

    /// @notice Construction parameters.
    struct Config {
        uint256 registrationFee;
        uint256 feeBurnShare;
        uint256 maxMiners;
    }

    constructor(
        IERC20 token_,
        IEpochClock clock_,
        IStakingManager staking_,
        IBurnPool burnPool_,
        IRecyclingPool recyclingPool_,
        address admin,
        Config memory config
    ) {
        token = token_;
        clock = clock_;
        staking = staking_;
        burnPool = burnPool_;
        recyclingPool = recyclingPool_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        _setRegistrationFee(config.registrationFee);
        _setFeeBurnShare(config.feeBurnShare);
        _setMaxMiners(config.maxMiners);
    }

    /// @notice True when `account` is a registered miner.
    function isMiner(address account) external view returns (bool) {
        return _isMiner[account];
    }

    /// @notice Every registered miner, in registration order.
    function miners() external view returns (address[] memory) {
        return _miners;
    }

    /// @notice Number of registered miners.
    function minerCount() external view returns (uint256) {
        return _miners.length;
    }

    /// @notice True when `validator` submitted weights for `epoch`.
    function hasSubmittedWeights(uint256 epoch, address validator) external view returns (bool) {
        return _submittedWeights[epoch][validator];
    }

    /// @notice True when `validator` reported tasks for `epoch`.
    function hasReportedTasks(uint256 epoch, address validator) external view returns (bool) {
        return _submittedReport[epoch][validator];
    }

    /// @notice The raw sums behind epochMetrics.
    function epochReports(uint256 epoch) external view returns (EpochReports memory) {
        return _reports[epoch];
    }

    /// @inheritdoc ISubnetRegistry
    function epochMetrics(uint256 epoch)
        external
        view
        returns (uint256 tasks, uint256 difficulty, uint256 participation)
    {
        EpochReports storage r = _reports[epoch];
        if (r.reporters != 0) tasks = r.taskSum / r.reporters;
        if (r.taskSum != 0) difficulty = r.weightedDifficultySum / r.taskSum;
        uint256 active = staking.activeCountAt(epoch);
        if (active != 0) participation = (r.weightSubmitters * TokenomicsMath.WAD) / active;
    }

    /// @notice Registers the caller as a miner, pulling the registration fee (needs an allowance).
    function registerMiner() external {
        if (_isMiner[msg.sender]) revert MinerAlreadyRegistered(msg.sender);
        if (_miners.length >= maxMiners) revert TooManyMiners(maxMiners);
        uint256 fee = registrationFee;
        uint256 burned = TokenomicsMath.mulWad(fee, feeBurnShare);
        uint256 recycled = fee - burned;
        _isMiner[msg.sender] = true;
        _miners.push(msg.sender);
        emit MinerRegistered(msg.sender, fee, burned, recycled);
        if (fee == 0) return;
        token.safeTransferFrom(msg.sender, address(this), fee);
        PoolRouting.burnAndRecycle(token, burnPool, recyclingPool, burned, recycled, PoolSource.RegistrationFee);
    }

    /**
     * @notice Sets the caller's weights over miners for the current epoch; a later call in the same
     * epoch replaces the earlier one. Only active validators.
     * @param minerList registered miners in strictly ascending address order
     * @param weights relative weights (any scale; the SDK normalises), not all zero
     */
    function submitWeights(address[] calldata minerList, uint256[] calldata weights) external {
        uint256 epoch = _requireActiveValidator();
        uint256 n = minerList.length;
        if (n != weights.length) revert LengthMismatch(n, weights.length);
        if (n == 0 || n > MAX_WEIGHTS) revert InvalidWeightsLength(n, MAX_WEIGHTS);
        bool anyWeight;
        for (uint256 i = 0; i < n; ++i) {
            if (i > 0 && minerList[i] <= minerList[i - 1]) revert MinersNotSorted(i);
            if (!_isMiner[minerList[i]]) revert MinerNotRegistered(minerList[i]);
            if (weights[i] != 0) anyWeight = true;
        }
        if (!anyWeight) revert ZeroWeights();
        if (!_submittedWeights[epoch][msg.sender]) {
            _submittedWeights[epoch][msg.sender] = true;
            _reports[epoch].weightSubmitters += 1;
        }
        emit WeightsSubmitted(epoch, msg.sender, minerList, weights);
    }

    /**
     * @notice Reports the task volume and average difficulty (WAD) the caller observed this epoch.
     * Once per validator and epoch; only active validators.
     */
    function submitTaskReport(uint256 taskCount, uint256 difficulty) external {
        uint256 epoch = _requireActiveValidator();
        if (difficulty > TokenomicsMath.WAD) revert InvalidDifficulty(difficulty);
        if (taskCount > MAX_TASKS_PER_REPORT) revert TooManyTasks(taskCount, MAX_TASKS_PER_REPORT);
        if (_submittedReport[epoch][msg.sender]) revert TaskReportAlreadySubmitted(msg.sender, epoch);
        _submittedReport[epoch][msg.sender] = true;
        EpochReports storage r = _reports[epoch];
        r.taskSum += taskCount;
        r.weightedDifficultySum += taskCount * difficulty;
        r.reporters += 1;
        emit TaskReportSubmitted(epoch, msg.sender, taskCount, difficulty);
    }

    /// @notice Sets the miner registration fee (MDT wei).
    function setRegistrationFee(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setRegistrationFee(value);
    }

    /// @notice Sets the burned fraction (WAD, 0..1e18) of the registration fee.
    function setFeeBurnShare(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setFeeBurnShare(value);
    }

    /// @notice Sets the miner limit (at least the current count, at most MAX_MINERS_LIMIT).
    function setMaxMiners(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setMaxMiners(value);
    }

    function _requireActiveValidator() private returns (uint256 epoch) {
        epoch = clock.currentEpoch();
        staking.checkpoint();
        if (!staking.isActiveAt(msg.sender, epoch)) revert NotActiveValidator(msg.sender, epoch);
    }

    function _setRegistrationFee(uint256 value) private {
        emit ParameterChanged("registrationFee", registrationFee, value);
        registrationFee = value;
    }

    function _setFeeBurnShare(uint256 value) private {
        if (value > TokenomicsMath.WAD) revert InvalidParameter("feeBurnShare", value, 0, TokenomicsMath.WAD);
        emit ParameterChanged("feeBurnShare", feeBurnShare, value);
        feeBurnShare = value;
    }

    function _setMaxMiners(uint256 value) private {
        if (value < _miners.length || value == 0 || value > MAX_MINERS_LIMIT) {
            revert InvalidParameter("maxMiners", value, _miners.length == 0 ? 1 : _miners.length, MAX_MINERS_LIMIT);
        }
        emit ParameterChanged("maxMiners", maxMiners, value);
        maxMiners = value;
    }
}
