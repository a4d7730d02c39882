// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStakingManager} from "../interfaces/IStakingManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IEpochClock} from "../interfaces/IEpochClock.sol";
import {IBurnPool, IRecyclingPool, PoolSource} from "../interfaces/IPools.sol";
import {TokenomicsMath} from "../libraries/TokenomicsMath.sol";
import {PoolRouting} from "../libraries/PoolRouting.sol";
import {StakingBase} from "./StakingBase.sol";
import {StakingUnbonding} from "./StakingUnbonding.sol";

/**
 * @title StakingManager
 * @notice Validator registration, self-stake and delegation, unbonding, jailing and slashing, and the
 * active validator set that the Luxtensor node draws proposers from and the SDK pays validators by.
 *
 * Each validator is a pool of shares: self-stake and delegations buy shares at the pool's price, so a
 * slash lowers the value of every share alike, and stake that is unbonding stays slashable for offences
 * committed before it left until it matures. Registration slots cannot be locked: a validator that has
 * exited deregisters, anyone may prune one below the minimum own stake after `inactivityEpochs`, and when
 * all MAX_VALIDATORS slots are taken a newcomer with more stake displaces the validator with the least.
 * The concerns live in the extensions: signer keys (StakingSigners), the active set (StakingActiveSet),
 * commission (StakingCommission), votes of bonded MDT (StakingVotes), bonding and unbonding
 * (StakingUnbonding).
 */
contract StakingManager is StakingUnbonding {
    constructor(
        IERC20 token_,
        IEpochClock clock_,
        IBurnPool burnPool_,
        IRecyclingPool recyclingPool_,
        address admin,
        Config memory config
    ) StakingBase(token_, clock_, burnPool_, recyclingPool_, admin) {
        _setMinSelfStake(config.minSelfStake);
        _setUnbondingEpochs(config.unbondingEpochs);
        _setMaxActiveValidators(config.maxActiveValidators);
        _setJailEpochs(config.jailEpochs);
        _setSlashBurnShare(config.slashBurnShare);
        _setInactivityEpochs(config.inactivityEpochs);
    }

    // ───────────────────────────── validators ─────────────────────────────

    /**
     * @notice Registers the caller as a validator, bonding `selfStake` MDT (needs an allowance). When all
     * MAX_VALIDATORS slots are taken, the registered validator with the least total stake is displaced if
     * it has less than `selfStake`.
     * @param signer the key that signs the validator's blocks; bound to this validator for good
     */
    function registerValidator(address signer, uint256 selfStake) external {
        Validator storage v = _validators[msg.sender];
        if (v.registered) revert AlreadyRegistered(msg.sender);
        if (selfStake < minSelfStake) revert SelfStakeBelowMinimum(selfStake, minSelfStake);
        uint256 current = _currentEpoch();
        if (v.jailed && current < v.jailedUntil) revert ValidatorJailedUntil(msg.sender, v.jailedUntil);
        _checkpoint();
        if (_registeredCount() >= MAX_VALIDATORS) _displaceLowest(selfStake);
        v.registered = true;
        v.lastActivity = SafeCast.toUint64(current);
        _bindSigner(msg.sender, signer, current);
        _initCommission(msg.sender);
        _addToList(msg.sender);
        emit ValidatorRegistered(msg.sender, signer, selfStake);
        _bond(msg.sender, msg.sender, selfStake);
    }

    /// @notice The caller, a validator with none of its own stake left bonded, leaves the registered list.
    function deregister() external {
        _requireRegistered(msg.sender);
        uint256 own = stakeOf(msg.sender, msg.sender);
        if (_shares[msg.sender][msg.sender] != 0) revert ValidatorNotExited(msg.sender, own);
        _checkpoint();
        _deregister(msg.sender, "exit");
    }

    /**
     * @notice Anyone removes `validator` from the registered list once its own stake is below the minimum
     * (so it cannot be active) and its operator did nothing for `inactivityEpochs`. Its delegators keep
     * their stake and can undelegate it.
     */
    function prune(address validator) external {
        Validator storage v = _requireRegistered(validator);
        uint256 own = stakeOf(validator, validator);
        uint256 prunableFrom = uint256(v.lastActivity) + inactivityEpochs;
        if (own >= minSelfStake || _currentEpoch() < prunableFrom) {
            revert NotPrunable(validator, own, minSelfStake, prunableFrom);
        }
        _checkpoint();
        _deregister(validator, "pruned");
    }

    // ───────────────────────────── stake ─────────────────────────────

    /// @notice Adds `amount` MDT to the caller's own validator stake.
    function stake(uint256 amount) external {
        Validator storage v = _requireRegistered(msg.sender);
        _checkpoint();
        v.lastActivity = SafeCast.toUint64(_currentEpoch());
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
        _undelegate(msg.sender, amount);
    }

    /// @notice Starts unbonding `amount` MDT the caller bonded to `validator` (registered or not).
    function undelegate(address validator, uint256 amount) external {
        _undelegate(validator, amount);
    }

    // ───────────────────────────── slashing ─────────────────────────────

    /// @inheritdoc IStakingManager
    function slash(address validator, uint256 fraction, uint256 infractionEpoch, bytes32 reason)
        external
        onlyRole(SLASHER_ROLE)
    {
        _slash(validator, fraction, infractionEpoch, reason);
    }

    /// @inheritdoc IStakingManager
    function slashAndJail(address validator, uint256 fraction, uint256 infractionEpoch, bytes32 reason)
        external
        onlyRole(SLASHER_ROLE)
    {
        _slash(validator, fraction, infractionEpoch, reason);
        if (_validators[validator].registered) _jail(validator);
    }

    /// @notice Removes `validator` from the active set (from the next epoch) for `jailEpochs` epochs.
    function jail(address validator) external onlyRole(SLASHER_ROLE) {
        _requireRegistered(validator);
        _checkpoint();
        _jail(validator);
    }

    /// @notice The caller's validator leaves jail once its jail period is over.
    function unjail() external {
        Validator storage v = _requireRegistered(msg.sender);
        if (!v.jailed) revert NotJailed(msg.sender);
        uint256 current = _currentEpoch();
        if (current < v.jailedUntil) revert ValidatorJailedUntil(msg.sender, v.jailedUntil);
        _checkpoint();
        v.jailed = false;
        v.lastActivity = SafeCast.toUint64(current);
        _markChanged();
        emit ValidatorUnjailed(msg.sender);
    }

    // ──────────────────────────── internals ────────────────────────────

    function _undelegate(address validator, uint256 amount) private {
        _checkpoint();
        _unbond(validator, msg.sender, amount);
        Validator storage v = _validators[validator];
        if (validator != msg.sender || !v.registered) return;
        v.lastActivity = SafeCast.toUint64(_currentEpoch());
        uint256 remaining = stakeOf(validator, validator);
        if (remaining != 0 && remaining < minSelfStake) revert SelfStakeBelowMinimum(remaining, minSelfStake);
    }

    function _slash(address validator, uint256 fraction, uint256 infractionEpoch, bytes32 reason) private {
        Validator storage v = _validators[validator];
        if (v.signer == address(0)) revert NotRegistered(validator);
        if (fraction == 0 || fraction > TokenomicsMath.WAD) revert InvalidFraction(fraction);
        uint256 current = _currentEpoch();
        if (infractionEpoch > current) revert FutureEpoch(infractionEpoch, current);
        _checkpoint();
        uint256 bonded = TokenomicsMath.mulWad(v.totalStake, fraction);
        v.totalStake -= bonded;
        _totalBonded -= bonded;
        uint256 unbonding = _slashUnbonding(validator, fraction, infractionEpoch);
        uint256 total = bonded + unbonding;
        uint256 burned = TokenomicsMath.mulWad(total, slashBurnShare);
        uint256 recycled = total - burned;
        _markChanged();
        emit Slashed(validator, infractionEpoch, fraction, bonded, unbonding, burned, recycled, reason);
        PoolRouting.burnAndRecycle(token, burnPool, recyclingPool, burned, recycled, PoolSource.Slashing);
    }

    function _jail(address validator) private {
        uint64 until = SafeCast.toUint64(_currentEpoch() + jailEpochs);
        Validator storage v = _validators[validator];
        v.jailed = true;
        v.jailedUntil = until;
        _markChanged();
        emit ValidatorJailed(validator, until);
    }

    function _deregister(address validator, bytes32 reason) private {
        _validators[validator].registered = false;
        _removeFromList(validator);
        _markChanged();
        emit ValidatorDeregistered(validator, reason);
    }

    // Frees a slot for a newcomer bonding `selfStake`: the validator with the least total stake (the
    // latest in the list on ties) leaves if it has strictly less; otherwise the registry is full.
    function _displaceLowest(uint256 selfStake) private {
        uint256 count = _registeredCount();
        address lowest;
        uint256 lowestStake = type(uint256).max;
        for (uint256 i = 0; i < count; ++i) {
            address candidate = _registeredAt(i);
            uint256 s = _validators[candidate].totalStake;
            if (s <= lowestStake) (lowest, lowestStake) = (candidate, s);
        }
        if (lowestStake >= selfStake) revert TooManyValidators(MAX_VALIDATORS);
        _deregister(lowest, "displaced");
    }
}
