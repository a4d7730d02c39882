// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {IStakingManager} from "../interfaces/IStakingManager.sol";
import {IEpochClock} from "../interfaces/IEpochClock.sol";
import {IBurnPool, IRecyclingPool, PoolSource} from "../interfaces/IPools.sol";
import {TokenomicsMath} from "../libraries/TokenomicsMath.sol";
import {PoolRouting} from "../libraries/PoolRouting.sol";

/**
 * @title StakingManager
 * @notice Validator registration, self-stake and delegation, unbonding, jailing and slashing, and the
 * active validator set that the Luxtensor node draws proposers from and the SDK pays validators by.
 *
 * Each validator is a pool of shares: self-stake and delegations buy shares at the pool's price, so a
 * slash lowers the value of every share alike. Every stake change takes effect in the active set from
 * the next epoch on: the first state change of an epoch first records the set that the previous
 * epoch's final state defines (a lazy snapshot, so no keeper is needed at epoch boundaries).
 */
contract StakingManager is AccessControl, IStakingManager {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    /// @notice May change the staking parameters.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice May slash and jail validators.
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");

    /// @notice Registered validators at most (bounds the active-set computation).
    uint256 public constant MAX_VALIDATORS = 256;
    /// @notice Pending unbonding entries per account at most (bounds withdraw).
    uint256 public constant MAX_UNBONDING_ENTRIES = 32;
    /// @notice Upper bound for the unbonding and jail periods, in epochs.
    uint256 public constant MAX_PERIOD_EPOCHS = 100_000;

    struct Validator {
        address signer;
        bool registered;
        bool jailed;
        uint64 jailedUntil;
        uint256 totalStake;
        uint256 totalShares;
    }

    struct Unbonding {
        uint128 amount;
        uint64 releaseEpoch;
    }

    struct ActiveSet {
        address[] validators;
        uint256[] stakes;
        mapping(address validator => uint256 stake) stakeOf;
        uint256 totalStake;
    }

    /// @notice The MDT token.
    IERC20 public immutable token;
    /// @notice The epoch clock.
    IEpochClock public immutable clock;
    /// @notice Receives the burned part of slashes.
    IBurnPool public immutable burnPool;
    /// @notice Receives the recycled part of slashes.
    IRecyclingPool public immutable recyclingPool;

    /// @notice Own stake a validator needs to be eligible (MDT wei).
    uint256 public minSelfStake;
    /// @notice Epochs between unbonding and withdrawal.
    uint256 public unbondingEpochs;
    /// @notice Size of the active set.
    uint256 public maxActiveValidators;
    /// @notice Epochs a jailed validator stays out before it may unjail.
    uint256 public jailEpochs;
    /// @notice Fraction (WAD) of slashed MDT that is burned; the rest is recycled.
    uint256 public slashBurnShare;

    mapping(address validator => Validator) private _validators;
    mapping(address validator => mapping(address account => uint256)) private _shares;
    mapping(address signer => address validator) private _validatorOfSigner;
    mapping(address account => Unbonding[]) private _unbonding;
    address[] private _validatorList;
    uint256 private _totalBonded;
    uint256 private _totalUnbonding;

    // Active-set snapshots: key epoch -> snapshot id + 1, valid from that epoch until the next key.
    Checkpoints.Trace208 private _snapshotIndex;
    mapping(uint256 id => ActiveSet) private _snapshots;
    uint256 private _snapshotCount;
    // A change since the latest snapshot, made during epoch _lastChangeEpoch.
    bool private _dirty;
    uint256 private _lastChangeEpoch;

    /// @notice Construction parameters.
    struct Config {
        uint256 minSelfStake;
        uint256 unbondingEpochs;
        uint256 maxActiveValidators;
        uint256 jailEpochs;
        uint256 slashBurnShare;
    }

    constructor(
        IERC20 token_,
        IEpochClock clock_,
        IBurnPool burnPool_,
        IRecyclingPool recyclingPool_,
        address admin,
        Config memory config
    ) {
        token = token_;
        clock = clock_;
        burnPool = burnPool_;
        recyclingPool = recyclingPool_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        _setMinSelfStake(config.minSelfStake);
        _setUnbondingEpochs(config.unbondingEpochs);
        _setMaxActiveValidators(config.maxActiveValidators);
        _setJailEpochs(config.jailEpochs);
        _setSlashBurnShare(config.slashBurnShare);
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @inheritdoc IStakingManager
    function getActiveValidators()
        external
        view
        returns (address[] memory validators, address[] memory signers, uint256[] memory stakes)
    {
        return activeValidatorsAt(clock.currentEpoch());
    }

    /// @inheritdoc IStakingManager
    function activeValidatorsAt(uint256 epoch)
        public
        view
        returns (address[] memory validators, address[] memory signers, uint256[] memory stakes)
    {
        (bool live, uint256 id) = _setFor(epoch);
        if (live) {
            (validators, stakes) = _computeActiveSet();
        } else if (id != 0) {
            validators = _snapshots[id - 1].validators;
            stakes = _snapshots[id - 1].stakes;
        }
        signers = new address[](validators.length);
        for (uint256 i = 0; i < validators.length; ++i) signers[i] = _validators[validators[i]].signer;
    }

    /// @inheritdoc IStakingManager
    function isActiveAt(address validator, uint256 epoch) external view returns (bool) {
        (bool live, uint256 id) = _setFor(epoch);
        if (!live) return id != 0 && _snapshots[id - 1].stakeOf[validator] != 0;
        (address[] memory validators, ) = _computeActiveSet();
        for (uint256 i = 0; i < validators.length; ++i) if (validators[i] == validator) return true;
        return false;
    }

    /// @inheritdoc IStakingManager
    function activeCountAt(uint256 epoch) external view returns (uint256) {
        (bool live, uint256 id) = _setFor(epoch);
        if (!live) return id == 0 ? 0 : _snapshots[id - 1].validators.length;
        (address[] memory validators, ) = _computeActiveSet();
        return validators.length;
    }

    /// @inheritdoc IStakingManager
    function activeStakeAt(address validator, uint256 epoch) external view returns (uint256 held, uint256 total) {
        (bool live, uint256 id) = _setFor(epoch);
        if (!live) {
            if (id == 0) return (0, 0);
            ActiveSet storage set = _snapshots[id - 1];
            return (set.stakeOf[validator], set.totalStake);
        }
        (address[] memory validators, uint256[] memory stakes) = _computeActiveSet();
        for (uint256 i = 0; i < validators.length; ++i) {
            total += stakes[i];
            if (validators[i] == validator) held = stakes[i];
        }
    }

    /// @notice A validator's registration, stake and jail state.
    function validatorInfo(address validator) external view returns (Validator memory) {
        return _validators[validator];
    }

    /// @notice Every registered validator, in registration order.
    function registeredValidators() external view returns (address[] memory) {
        return _validatorList;
    }

    /// @notice The validator whose block-signing key is `signer` (zero if none).
    function validatorOfSigner(address signer) external view returns (address) {
        return _validatorOfSigner[signer];
    }

    /// @notice MDT that `account` has bonded to `validator`, at the pool's current share price.
    function stakeOf(address validator, address account) public view returns (uint256) {
        Validator storage v = _validators[validator];
        return v.totalShares == 0 ? 0 : (_shares[validator][account] * v.totalStake) / v.totalShares;
    }

    /// @notice Shares of `validator`'s pool held by `account`.
    function sharesOf(address validator, address account) external view returns (uint256) {
        return _shares[validator][account];
    }

    /// @notice The pending unbonding entries of `account`.
    function unbondingOf(address account) external view returns (Unbonding[] memory) {
        return _unbonding[account];
    }

    /// @notice MDT of `account` that has finished unbonding and can be withdrawn now.
    function withdrawable(address account) external view returns (uint256 amount) {
        uint256 epoch = clock.currentEpoch();
        Unbonding[] storage entries = _unbonding[account];
        for (uint256 i = 0; i < entries.length; ++i) if (entries[i].releaseEpoch <= epoch) amount += entries[i].amount;
    }

    /// @notice Total MDT bonded to all validators.
    function totalBonded() external view returns (uint256) {
        return _totalBonded;
    }

    /// @notice Total MDT waiting in unbonding entries.
    function totalUnbonding() external view returns (uint256) {
        return _totalUnbonding;
    }

    // ──────────────────────────── mutators ────────────────────────────

    /// @inheritdoc IStakingManager
    function checkpoint() external {
        _checkpoint();
    }

    /**
     * @notice Registers the caller as a validator, bonding `selfStake` MDT (needs an allowance).
     * @param signer the key that signs the validator's blocks; unique across validators
     */
    function registerValidator(address signer, uint256 selfStake) external {
        if (_validators[msg.sender].registered) revert AlreadyRegistered(msg.sender);
        if (signer == address(0) || _validatorOfSigner[signer] != address(0)) {
            revert InvalidSigner(signer, _validatorOfSigner[signer]);
        }
        if (selfStake < minSelfStake) revert SelfStakeBelowMinimum(selfStake, minSelfStake);
        if (_validatorList.length >= MAX_VALIDATORS) revert TooManyValidators(MAX_VALIDATORS);
        _checkpoint();
        Validator storage v = _validators[msg.sender];
        v.registered = true;
        v.signer = signer;
        _validatorOfSigner[signer] = msg.sender;
        _validatorList.push(msg.sender);
        emit ValidatorRegistered(msg.sender, signer, selfStake);
        _bond(msg.sender, msg.sender, selfStake);
    }

    /// @notice Adds `amount` MDT to the caller's own validator stake.
    function stake(uint256 amount) external {
        _requireRegistered(msg.sender);
        _checkpoint();
        _bond(msg.sender, msg.sender, amount);
    }

    /// @notice Bonds `amount` MDT of the caller to `validator`.
    function delegate(address validator, uint256 amount) external {
        Validator storage v = _requireRegistered(validator);
        if (v.jailed) revert ValidatorJailedUntil(validator, v.jailedUntil);
        _checkpoint();
        _bond(validator, msg.sender, amount);
    }

    /// @notice Starts unbonding `amount` of the caller's own validator stake (zero or ≥ minimum must remain).
    function unstake(uint256 amount) external {
        _requireRegistered(msg.sender);
        _checkpoint();
        _unbond(msg.sender, msg.sender, amount);
        uint256 remaining = stakeOf(msg.sender, msg.sender);
        if (remaining != 0 && remaining < minSelfStake) revert SelfStakeBelowMinimum(remaining, minSelfStake);
    }

    /// @notice Starts unbonding `amount` MDT the caller delegated to `validator`.
    function undelegate(address validator, uint256 amount) external {
        _requireRegistered(validator);
        _checkpoint();
        _unbond(validator, msg.sender, amount);
        if (validator == msg.sender) {
            uint256 remaining = stakeOf(validator, validator);
            if (remaining != 0 && remaining < minSelfStake) revert SelfStakeBelowMinimum(remaining, minSelfStake);
        }
    }

    /// @notice Sends the caller every unbonding entry that has matured.
    function withdraw() external {
        uint256 epoch = clock.currentEpoch();
        Unbonding[] storage entries = _unbonding[msg.sender];
        uint256 amount;
        for (uint256 i = entries.length; i > 0; --i) {
            if (entries[i - 1].releaseEpoch <= epoch) {
                amount += entries[i - 1].amount;
                entries[i - 1] = entries[entries.length - 1];
                entries.pop();
            }
        }
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        _totalUnbonding -= amount;
        emit Withdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /**
     * @notice Slashes `fraction` (WAD, in (0, 1e18]) of `validator`'s bonded stake; every share loses
     * alike. `slashBurnShare` of it is burned, the rest recycled.
     * @param reason a short machine-readable reason, e.g. "double-sign"
     */
    function slash(address validator, uint256 fraction, bytes32 reason) external onlyRole(SLASHER_ROLE) {
        Validator storage v = _requireRegistered(validator);
        if (fraction == 0 || fraction > TokenomicsMath.WAD) revert InvalidFraction(fraction);
        _checkpoint();
        uint256 amount = TokenomicsMath.mulWad(v.totalStake, fraction);
        uint256 burned = TokenomicsMath.mulWad(amount, slashBurnShare);
        uint256 recycled = amount - burned;
        v.totalStake -= amount;
        _totalBonded -= amount;
        _markChanged();
        emit Slashed(validator, fraction, amount, burned, recycled, reason);
        PoolRouting.burnAndRecycle(token, burnPool, recyclingPool, burned, recycled, PoolSource.Slashing);
    }

    /// @notice Removes `validator` from the active set (from the next epoch) for `jailEpochs` epochs.
    function jail(address validator) external onlyRole(SLASHER_ROLE) {
        Validator storage v = _requireRegistered(validator);
        _checkpoint();
        uint64 until = SafeCast.toUint64(clock.currentEpoch() + jailEpochs);
        v.jailed = true;
        v.jailedUntil = until;
        _markChanged();
        emit ValidatorJailed(validator, until);
    }

    /// @notice The caller's validator leaves jail once its jail period is over.
    function unjail() external {
        Validator storage v = _requireRegistered(msg.sender);
        if (!v.jailed) revert NotJailed(msg.sender);
        if (clock.currentEpoch() < v.jailedUntil) revert ValidatorJailedUntil(msg.sender, v.jailedUntil);
        _checkpoint();
        v.jailed = false;
        _markChanged();
        emit ValidatorUnjailed(msg.sender);
    }

    /// @notice Sets the minimum own stake of an eligible validator (MDT wei, > 0).
    function setMinSelfStake(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _checkpoint();
        _setMinSelfStake(value);
        _markChanged();
    }

    /// @notice Sets the unbonding period in epochs (0..MAX_PERIOD_EPOCHS); applies to new unbondings.
    function setUnbondingEpochs(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setUnbondingEpochs(value);
    }

    /// @notice Sets the size of the active set (1..MAX_VALIDATORS), from the next epoch on.
    function setMaxActiveValidators(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _checkpoint();
        _setMaxActiveValidators(value);
        _markChanged();
    }

    /// @notice Sets the jail period in epochs (0..MAX_PERIOD_EPOCHS).
    function setJailEpochs(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setJailEpochs(value);
    }

    /// @notice Sets the burned fraction (WAD, 0..1e18) of slashed MDT.
    function setSlashBurnShare(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setSlashBurnShare(value);
    }

    // ──────────────────────────── internals ────────────────────────────

    // Every bond goes through here: shares priced at the pool's current value.
    function _bond(address validator, address account, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        Validator storage v = _validators[validator];
        uint256 shares;
        if (v.totalShares == 0) {
            shares = amount;
        } else {
            if (v.totalStake == 0) revert ValidatorWipedOut(validator);
            shares = (amount * v.totalShares) / v.totalStake;
            if (shares == 0) revert StakeTooSmall(amount);
        }
        v.totalStake += amount;
        v.totalShares += shares;
        _shares[validator][account] += shares;
        _totalBonded += amount;
        _markChanged();
        emit Staked(validator, account, amount, shares);
        token.safeTransferFrom(account, address(this), amount);
    }

    // Every unbond goes through here: burns the shares worth `amount` (rounded up) and queues the MDT.
    function _unbond(address validator, address account, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        uint256 entryCount = _unbonding[account].length;
        if (entryCount >= MAX_UNBONDING_ENTRIES) revert TooManyUnbondingEntries(MAX_UNBONDING_ENTRIES);
        Validator storage v = _validators[validator];
        uint256 owned = _shares[validator][account];
        uint256 value = stakeOf(validator, account);
        if (amount > value) revert InsufficientStake(account, value, amount);
        uint256 shares = amount == value ? owned : Math.mulDiv(amount, v.totalShares, v.totalStake, Math.Rounding.Ceil);
        _shares[validator][account] = owned - shares;
        v.totalShares -= shares;
        // The last holder out takes any rounding dust left in the pool.
        if (v.totalShares == 0) amount = v.totalStake;
        v.totalStake -= amount;
        _totalBonded -= amount;
        _totalUnbonding += amount;
        uint64 releaseEpoch = SafeCast.toUint64(clock.currentEpoch() + unbondingEpochs);
        _unbonding[account].push(Unbonding(SafeCast.toUint128(amount), releaseEpoch));
        _markChanged();
        emit Unstaked(validator, account, amount, shares, releaseEpoch);
    }

    function _requireRegistered(address validator) private view returns (Validator storage v) {
        v = _validators[validator];
        if (!v.registered) revert NotRegistered(validator);
    }

    function _markChanged() private {
        _dirty = true;
        _lastChangeEpoch = clock.currentEpoch();
    }

    // Before the first change of a new epoch, record the set the previous final state defines: it is
    // the set of every epoch from the one after the last change up to and including this one.
    function _checkpoint() private {
        uint256 epoch = clock.currentEpoch();
        if (!_dirty || _lastChangeEpoch >= epoch) return;
        uint256 fromEpoch = _lastChangeEpoch + 1;
        (address[] memory vals, uint256[] memory stakes) = _computeActiveSet();
        uint256 id = _snapshotCount++;
        ActiveSet storage set = _snapshots[id];
        uint256 total;
        for (uint256 i = 0; i < vals.length; ++i) {
            set.validators.push(vals[i]);
            set.stakes.push(stakes[i]);
            set.stakeOf[vals[i]] = stakes[i];
            total += stakes[i];
        }
        set.totalStake = total;
        _snapshotIndex.push(SafeCast.toUint48(fromEpoch), SafeCast.toUint208(id + 1));
        _dirty = false;
        emit ActiveSetRecorded(fromEpoch, vals.length, total);
    }

    // Where the set of `epoch` lives: computed from the current state (live) or snapshot id + 1 (0 = none).
    function _setFor(uint256 epoch) private view returns (bool live, uint256 id) {
        uint256 current = clock.currentEpoch();
        if (epoch > current) revert FutureEpoch(epoch, current);
        if (_dirty && epoch > _lastChangeEpoch) return (true, 0);
        return (false, epoch > type(uint48).max ? 0 : _snapshotIndex.upperLookupRecent(uint48(epoch)));
    }

    // Top `maxActiveValidators` eligible validators by total stake; ties go to the earlier registration.
    function _computeActiveSet() private view returns (address[] memory vals, uint256[] memory stakes) {
        uint256 cap = maxActiveValidators;
        vals = new address[](cap);
        stakes = new uint256[](cap);
        uint256 size;
        for (uint256 i = 0; i < _validatorList.length; ++i) {
            address candidate = _validatorList[i];
            Validator storage v = _validators[candidate];
            if (v.jailed || v.totalStake == 0 || stakeOf(candidate, candidate) < minSelfStake) continue;
            uint256 s = v.totalStake;
            if (size == cap && s <= stakes[size - 1]) continue;
            uint256 pos = size < cap ? size++ : size - 1;
            while (pos > 0 && stakes[pos - 1] < s) {
                vals[pos] = vals[pos - 1];
                stakes[pos] = stakes[pos - 1];
                --pos;
            }
            vals[pos] = candidate;
            stakes[pos] = s;
        }
        assembly ("memory-safe") {
            mstore(vals, size)
            mstore(stakes, size)
        }
    }

    function _setMinSelfStake(uint256 value) private {
        if (value == 0) revert InvalidParameter("minSelfStake", value, 1, type(uint256).max);
        emit ParameterChanged("minSelfStake", minSelfStake, value);
        minSelfStake = value;
    }

    function _setUnbondingEpochs(uint256 value) private {
        if (value > MAX_PERIOD_EPOCHS) revert InvalidParameter("unbondingEpochs", value, 0, MAX_PERIOD_EPOCHS);
        emit ParameterChanged("unbondingEpochs", unbondingEpochs, value);
        unbondingEpochs = value;
    }

    function _setMaxActiveValidators(uint256 value) private {
        if (value == 0 || value > MAX_VALIDATORS) {
            revert InvalidParameter("maxActiveValidators", value, 1, MAX_VALIDATORS);
        }
        emit ParameterChanged("maxActiveValidators", maxActiveValidators, value);
        maxActiveValidators = value;
    }

    function _setJailEpochs(uint256 value) private {
        if (value > MAX_PERIOD_EPOCHS) revert InvalidParameter("jailEpochs", value, 0, MAX_PERIOD_EPOCHS);
        emit ParameterChanged("jailEpochs", jailEpochs, value);
        jailEpochs = value;
    }

    function _setSlashBurnShare(uint256 value) private {
        if (value > TokenomicsMath.WAD) revert InvalidParameter("slashBurnShare", value, 0, TokenomicsMath.WAD);
        emit ParameterChanged("slashBurnShare", slashBurnShare, value);
        slashBurnShare = value;
    }
}
