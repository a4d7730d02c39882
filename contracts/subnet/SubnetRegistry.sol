// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IEpochClock} from "../interfaces/IEpochClock.sol";
import {IStakingManager} from "../interfaces/IStakingManager.sol";
import {IBurnPool, IRecyclingPool, PoolSource} from "../interfaces/IPools.sol";
import {TokenomicsMath} from "../libraries/TokenomicsMath.sol";
import {PoolRouting} from "../libraries/PoolRouting.sol";
import {ISubnetRegistry} from "../interfaces/ISubnetRegistry.sol";
import {CommitRevealWeights} from "./CommitRevealWeights.sol";

/**
 * @title SubnetRegistry
 * @notice Miners register here for a fee (part burned, part recycled). Each epoch, active validators
 * submit weights over miners (directly, or by commit–reveal when governance switched it on) and report
 * the task volume and difficulty they observed.
 *
 * Utility follows stake: every report is weighted by the reporter's stake in the epoch's active set
 * and divided by the whole active stake, task counts are capped at `taskCap` (the policy's maxTasks),
 * and participation is the stake share of the validators whose weights count. A validator holding a
 * share s of the active stake therefore moves each metric, and so the utility, by at most s.
 *
 * Slots cannot be locked: when all `maxMiners` slots are taken, a newcomer replaces a miner that is
 * past its immunity period and received no weight for the previous or the current epoch (a score of
 * zero, the lowest there is — Bittensor prunes the same way). Throwaway registrations that nobody
 * weights are therefore replaceable as soon as their immunity ends.
 */
contract SubnetRegistry is AccessControl, CommitRevealWeights {
    using SafeERC20 for IERC20;

    /// @notice May change the fee, its burned share, the miner limit, the task cap, immunity and commit–reveal.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice Entries in one weight vector at most.
    uint256 public constant MAX_WEIGHTS = 1024;
    /// @notice Tasks one report may claim at most (keeps the aggregates far from overflow).
    uint256 public constant MAX_TASKS_PER_REPORT = 1e12;
    /// @notice Upper bound for the miner limit.
    uint256 public constant MAX_MINERS_LIMIT = 65_536;
    /// @notice Upper bound for the immunity period, in epochs.
    uint256 public constant MAX_IMMUNITY_EPOCHS = 100_000;

    /// @notice Per-epoch sums behind epochMetrics.
    struct EpochReports {
        /// Σ stake · min(taskCount, taskCap) over the reports.
        uint256 taskStakeSum;
        /// Σ stake · difficulty over the reports.
        uint256 difficultyStakeSum;
        /// Number of reports.
        uint256 reporters;
        /// Σ stake of the validators whose weights count for the epoch.
        uint256 weightStake;
        /// Number of those validators.
        uint256 weightSubmitters;
    }

    /// @notice A registered miner's slot.
    struct Miner {
        bool registered;
        uint32 index;
        uint64 registeredAt;
        uint64 lastWeighted;
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
    /// @notice A report counts at most this many tasks (keep it equal to the emission policy's maxTasks).
    uint256 public taskCap;
    /// @notice Epochs after its registration during which a miner cannot be replaced.
    uint256 public immunityEpochs;

    mapping(address miner => Miner) private _minerInfo;
    address[] private _miners;
    mapping(uint256 epoch => EpochReports) private _reports;
    mapping(uint256 epoch => mapping(address validator => bool)) private _submittedWeights;
    mapping(uint256 epoch => mapping(address validator => bool)) private _submittedReport;

    /// @notice Construction parameters.
    struct Config {
        uint256 registrationFee;
        uint256 feeBurnShare;
        uint256 maxMiners;
        uint256 taskCap;
        uint256 immunityEpochs;
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
        _setTaskCap(config.taskCap);
        _setImmunityEpochs(config.immunityEpochs);
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @notice True when `account` is a registered miner.
    function isMiner(address account) external view returns (bool) {
        return _minerInfo[account].registered;
    }

    /// @notice A miner's slot: registration epoch, last epoch it was weighted in, position in `miners()`.
    function minerInfo(address miner) external view returns (Miner memory) {
        return _minerInfo[miner];
    }

    /// @notice Every registered miner (a replaced miner's slot goes to the last one, then it is popped).
    function miners() external view returns (address[] memory) {
        return _miners;
    }

    /// @notice Number of registered miners.
    function minerCount() external view returns (uint256) {
        return _miners.length;
    }

    /// @notice True when `miner` can be replaced now (see the contract doc).
    function isReplaceable(address miner) public view returns (bool) {
        Miner storage m = _minerInfo[miner];
        uint256 current = clock.currentEpoch();
        return m.registered && current >= m.registeredAt + immunityEpochs && current > uint256(m.lastWeighted) + 1;
    }

    /// @notice True when `validator`'s weights count for `epoch` (submitted, or revealed).
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
        (, uint256 activeStake) = staking.activeStakeAt(address(0), epoch);
        if (activeStake == 0) return (0, 0, 0);
        EpochReports storage r = _reports[epoch];
        tasks = r.taskStakeSum / activeStake;
        difficulty = r.difficultyStakeSum / activeStake;
        participation = (r.weightStake * TokenomicsMath.WAD) / activeStake;
    }

    /// @inheritdoc ISubnetRegistry
    function inputsFinalAfter(uint256 epoch) external view returns (uint256) {
        return commitRevealAt(epoch) ? epoch + 1 : epoch;
    }

    // ──────────────────────────── mutators ────────────────────────────

    /// @notice Registers the caller as a miner, pulling the registration fee (needs an allowance).
    function registerMiner() external {
        if (_miners.length >= maxMiners) revert TooManyMiners(maxMiners);
        _register(msg.sender);
    }

    /**
     * @notice When every slot is taken: registers the caller in place of `miner`, which must be past its
     * immunity period and unweighted for the previous and the current epoch (see isReplaceable).
     */
    function registerMinerReplacing(address miner) external {
        if (_miners.length < maxMiners) revert SlotsAvailable(_miners.length, maxMiners);
        Miner storage m = _minerInfo[miner];
        if (!m.registered) revert MinerNotRegistered(miner);
        if (!isReplaceable(miner)) revert MinerNotReplaceable(miner, m.registeredAt + immunityEpochs, m.lastWeighted);
        uint256 index = m.index;
        address last = _miners[_miners.length - 1];
        _miners[index] = last;
        _minerInfo[last].index = SafeCast.toUint32(index);
        _miners.pop();
        emit MinerReplaced(miner, msg.sender, m.lastWeighted);
        delete _minerInfo[miner];
        _register(msg.sender);
    }

    /**
     * @notice Sets the caller's weights over miners for the current epoch; a later call in the same
     * epoch replaces the earlier one. Only active validators, only while commit–reveal is off.
     * @param minerList registered miners in strictly ascending address order
     * @param weights relative weights (any scale; the SDK normalises), not all zero
     */
    function submitWeights(address[] calldata minerList, uint256[] calldata weights) external {
        uint256 epoch = clock.currentEpoch();
        if (commitRevealAt(epoch)) revert CommitRevealActive(epoch);
        uint256 stake = _requireActiveValidator(epoch);
        _recordWeights(epoch, stake, minerList, weights);
    }

    /**
     * @notice Commits to this epoch's weights: `commitment` = weightsCommitment(caller, epoch, miners,
     * weights, salt). A later commit in the same epoch replaces the earlier one. Reveal in the next epoch.
     */
    function commitWeights(bytes32 commitment) external {
        uint256 epoch = clock.currentEpoch();
        if (!commitRevealAt(epoch)) revert CommitRevealInactive(epoch);
        if (commitment == bytes32(0)) revert ZeroCommitment();
        _requireActiveValidator(epoch);
        _commit(epoch, msg.sender, commitment);
    }

    /**
     * @notice Reveals the weights committed for `epoch`, during epoch `epoch + 1`. Weights without a
     * matching commitment are rejected; revealed weights are what scoring and participation use.
     */
    function revealWeights(uint256 epoch, address[] calldata minerList, uint256[] calldata weights, bytes32 salt)
        external
    {
        uint256 current = clock.currentEpoch();
        if (current != epoch + 1) revert RevealWindowClosed(epoch, current);
        if (_submittedWeights[epoch][msg.sender]) revert AlreadyRevealed(msg.sender, epoch);
        _checkReveal(epoch, msg.sender, minerList, weights, salt);
        uint256 stake = _requireActiveValidator(epoch);
        _recordWeights(epoch, stake, minerList, weights);
    }

    /**
     * @notice Reports the task volume and average difficulty (WAD) the caller observed this epoch.
     * Once per validator and epoch; only active validators. At most `taskCap` tasks count.
     */
    function submitTaskReport(uint256 taskCount, uint256 difficulty) external {
        uint256 epoch = clock.currentEpoch();
        if (difficulty > TokenomicsMath.WAD) revert InvalidDifficulty(difficulty);
        if (taskCount > MAX_TASKS_PER_REPORT) revert TooManyTasks(taskCount, MAX_TASKS_PER_REPORT);
        if (_submittedReport[epoch][msg.sender]) revert TaskReportAlreadySubmitted(msg.sender, epoch);
        uint256 stake = _requireActiveValidator(epoch);
        uint256 counted = taskCount < taskCap ? taskCount : taskCap;
        _submittedReport[epoch][msg.sender] = true;
        EpochReports storage r = _reports[epoch];
        r.taskStakeSum += stake * counted;
        r.difficultyStakeSum += stake * difficulty;
        r.reporters += 1;
        emit TaskReportSubmitted(epoch, msg.sender, taskCount, difficulty, counted, stake);
    }

    /// @notice Switches commit–reveal of weights on or off, from the next epoch on.
    function setCommitReveal(bool enabled) external onlyRole(GOVERNOR_ROLE) {
        uint256 fromEpoch = clock.currentEpoch() + 1;
        _setCommitReveal(fromEpoch, enabled);
        emit CommitRevealChanged(fromEpoch, enabled);
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

    /// @notice Sets the most tasks one report counts (1..MAX_TASKS_PER_REPORT); applies to later reports.
    function setTaskCap(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setTaskCap(value);
    }

    /// @notice Sets the immunity period of new and existing miners (1..MAX_IMMUNITY_EPOCHS epochs).
    function setImmunityEpochs(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setImmunityEpochs(value);
    }

    // ──────────────────────────── internals ────────────────────────────

    function _register(address miner) private {
        if (_minerInfo[miner].registered) revert MinerAlreadyRegistered(miner);
        uint64 epoch = SafeCast.toUint64(clock.currentEpoch());
        _minerInfo[miner] = Miner(true, SafeCast.toUint32(_miners.length), epoch, epoch);
        _miners.push(miner);
        uint256 fee = registrationFee;
        uint256 burned = TokenomicsMath.mulWad(fee, feeBurnShare);
        uint256 recycled = fee - burned;
        emit MinerRegistered(miner, fee, burned, recycled);
        if (fee == 0) return;
        token.safeTransferFrom(miner, address(this), fee);
        PoolRouting.burnAndRecycle(token, burnPool, recyclingPool, burned, recycled, PoolSource.RegistrationFee);
    }

    // Validates the vector, stamps each weighted miner as weighted in `epoch` and counts the caller once.
    function _recordWeights(
        uint256 epoch,
        uint256 stake,
        address[] calldata minerList,
        uint256[] calldata weights
    ) private {
        uint256 n = minerList.length;
        if (n != weights.length) revert LengthMismatch(n, weights.length);
        if (n == 0 || n > MAX_WEIGHTS) revert InvalidWeightsLength(n, MAX_WEIGHTS);
        bool anyWeight;
        uint64 stamp = SafeCast.toUint64(epoch);
        for (uint256 i = 0; i < n; ++i) {
            if (i > 0 && minerList[i] <= minerList[i - 1]) revert MinersNotSorted(i);
            Miner storage m = _minerInfo[minerList[i]];
            if (!m.registered) revert MinerNotRegistered(minerList[i]);
            if (weights[i] != 0) {
                anyWeight = true;
                if (m.lastWeighted < stamp) m.lastWeighted = stamp;
            }
        }
        if (!anyWeight) revert ZeroWeights();
        if (!_submittedWeights[epoch][msg.sender]) {
            _submittedWeights[epoch][msg.sender] = true;
            EpochReports storage r = _reports[epoch];
            r.weightSubmitters += 1;
            r.weightStake += stake;
        }
        emit WeightsSubmitted(epoch, msg.sender, minerList, weights);
    }

    // The caller's stake in the active set of `epoch`; reverts when it is not in it.
    function _requireActiveValidator(uint256 epoch) private returns (uint256 stake) {
        staking.checkpoint();
        (stake, ) = staking.activeStakeAt(msg.sender, epoch);
        if (stake == 0) revert NotActiveValidator(msg.sender, epoch);
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

    function _setTaskCap(uint256 value) private {
        if (value == 0 || value > MAX_TASKS_PER_REPORT) revert InvalidParameter("taskCap", value, 1, MAX_TASKS_PER_REPORT);
        emit ParameterChanged("taskCap", taskCap, value);
        taskCap = value;
    }

    function _setImmunityEpochs(uint256 value) private {
        if (value == 0 || value > MAX_IMMUNITY_EPOCHS) {
            revert InvalidParameter("immunityEpochs", value, 1, MAX_IMMUNITY_EPOCHS);
        }
        emit ParameterChanged("immunityEpochs", immunityEpochs, value);
        immunityEpochs = value;
    }
}
