// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStakingManager} from "../interfaces/IStakingManager.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {StakingActiveSet} from "./StakingActiveSet.sol";

/**
 * @title StakingCommission
 * @notice The operator commission: the part (WAD) of a validator's epoch reward its operator keeps before
 * the rest is shared by stake among the pool's holders (operator included). At most MAX_COMMISSION, and a
 * change applies only from COMMISSION_DELAY_EPOCHS epochs ahead: a delegator sees it at least one whole
 * epoch before it applies, and stake it removes in that epoch has left the active set (which follows
 * stake from the next epoch on) when the new rate starts.
 */
abstract contract StakingCommission is StakingActiveSet {
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Highest commission an operator can set: 50%.
    uint256 public constant MAX_COMMISSION = 0.5e18;
    /// @notice Commission of a newly registered validator: 18% (Bittensor's default delegate take).
    uint256 public constant DEFAULT_COMMISSION = 0.18e18;
    /// @notice A change set in epoch e applies from epoch e + COMMISSION_DELAY_EPOCHS.
    uint256 public constant COMMISSION_DELAY_EPOCHS = 2;

    mapping(address validator => Checkpoints.Trace208) private _commission;

    /// @inheritdoc IStakingManager
    function commissionAt(address validator, uint256 epoch) external view returns (uint256) {
        if (epoch > type(uint48).max) epoch = type(uint48).max;
        return _commission[validator].upperLookupRecent(uint48(epoch));
    }

    /// @notice Sets the caller's commission (WAD, ≤ MAX_COMMISSION) from epoch current + COMMISSION_DELAY_EPOCHS.
    function setCommission(uint256 commission) external {
        Validator storage v = _requireRegistered(msg.sender);
        if (commission > MAX_COMMISSION) revert CommissionTooHigh(commission, MAX_COMMISSION);
        uint256 current = _currentEpoch();
        uint256 fromEpoch = current + COMMISSION_DELAY_EPOCHS;
        // Keys only grow (the clock only moves forward), so a second change in one epoch replaces the first.
        _commission[msg.sender].push(SafeCast.toUint48(fromEpoch), SafeCast.toUint208(commission));
        v.lastActivity = SafeCast.toUint64(current);
        emit CommissionChanged(msg.sender, commission, fromEpoch);
    }

    // A first registration starts at DEFAULT_COMMISSION at once; a returning validator keeps its history.
    function _initCommission(address validator) internal {
        Checkpoints.Trace208 storage history = _commission[validator];
        if (history.length() != 0) return;
        uint256 current = _currentEpoch();
        history.push(SafeCast.toUint48(current), SafeCast.toUint208(DEFAULT_COMMISSION));
        emit CommissionChanged(validator, DEFAULT_COMMISSION, current);
    }
}
