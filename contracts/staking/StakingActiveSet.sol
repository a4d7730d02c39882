// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStakingManager} from "../interfaces/IStakingManager.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {StakingSigners} from "./StakingSigners.sol";

/**
 * @title StakingActiveSet
 * @notice The registered validators and the active set per epoch. Every stake change takes effect in the
 * active set from the next epoch on: the first state change of an epoch first records the set that the
 * previous epoch's final state defines (a lazy snapshot, so no keeper is needed at epoch boundaries).
 */
abstract contract StakingActiveSet is StakingSigners {
    using Checkpoints for Checkpoints.Trace208;

    struct ActiveSet {
        address[] validators;
        uint256[] stakes;
        mapping(address validator => uint256 stake) stakeOf;
        uint256 totalStake;
    }

    address[] private _validatorList;
    mapping(address validator => uint256 indexPlusOne) private _listIndex;

    // Active-set snapshots: key epoch -> snapshot id + 1, valid from that epoch until the next key.
    Checkpoints.Trace208 private _snapshotIndex;
    mapping(uint256 id => ActiveSet) private _snapshots;
    uint256 private _snapshotCount;
    // A change since the latest snapshot, made during epoch _lastChangeEpoch.
    bool private _dirty;
    uint256 private _lastChangeEpoch;

    // ───────────────────────────── views ─────────────────────────────

    /// @inheritdoc IStakingManager
    function getActiveValidators()
        external
        view
        returns (address[] memory validators, address[] memory signers, uint256[] memory stakes)
    {
        return activeValidatorsAt(_currentEpoch());
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
        for (uint256 i = 0; i < validators.length; ++i) signers[i] = signerAt(validators[i], epoch);
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

    /// @notice Every registered validator (registration order, except that a removal moves the last one into its place).
    function registeredValidators() external view returns (address[] memory) {
        return _validatorList;
    }

    // ──────────────────────────── mutators ────────────────────────────

    /// @inheritdoc IStakingManager
    function checkpoint() external {
        _checkpoint();
    }

    /// @notice Sets the minimum own stake of an eligible validator (MDT wei, > 0).
    function setMinSelfStake(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _checkpoint();
        _setMinSelfStake(value);
        _markChanged();
    }

    /// @notice Sets the size of the active set (1..MAX_VALIDATORS), from the next epoch on.
    function setMaxActiveValidators(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _checkpoint();
        _setMaxActiveValidators(value);
        _markChanged();
    }

    // ──────────────────────────── internals ────────────────────────────

    function _registeredCount() internal view returns (uint256) {
        return _validatorList.length;
    }

    function _registeredAt(uint256 index) internal view returns (address) {
        return _validatorList[index];
    }

    function _addToList(address validator) internal {
        _validatorList.push(validator);
        _listIndex[validator] = _validatorList.length;
    }

    // Swap-and-pop: O(1), and the list stays bounded by MAX_VALIDATORS.
    function _removeFromList(address validator) internal {
        uint256 index = _listIndex[validator] - 1;
        address last = _validatorList[_validatorList.length - 1];
        _validatorList[index] = last;
        _listIndex[last] = index + 1;
        _validatorList.pop();
        delete _listIndex[validator];
    }

    function _markChanged() internal override {
        _dirty = true;
        _lastChangeEpoch = _currentEpoch();
    }

    // Before the first change of a new epoch, record the set the previous final state defines: it is
    // the set of every epoch from the one after the last change up to and including this one.
    function _checkpoint() internal override {
        uint256 epoch = _currentEpoch();
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
        uint256 current = _currentEpoch();
        if (epoch > current) revert FutureEpoch(epoch, current);
        if (_dirty && epoch > _lastChangeEpoch) return (true, 0);
        return (false, epoch > type(uint48).max ? 0 : _snapshotIndex.upperLookupRecent(uint48(epoch)));
    }

    // Top `maxActiveValidators` eligible validators by total stake; ties go to the earlier list position.
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
}
