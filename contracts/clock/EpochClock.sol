// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IEpochClock} from "../interfaces/IEpochClock.sol";

/**
 * @title EpochClock
 * @notice Counts tokenomics epochs in blocks. The length can be changed by governance, but only from
 * the next epoch boundary on, so an epoch in progress is never stretched or cut and epoch numbers
 * never jump.
 */
contract EpochClock is AccessControl, IEpochClock {
    /// @notice May change the epoch length.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice Upper bound on an epoch's length in blocks (about 140 days at 12 s).
    uint256 public constant MAX_EPOCH_LENGTH = 1_000_000;

    // The clock is anchored at (_anchorEpoch, _anchorBlock) with _length blocks per epoch from there on.
    // Blocks before the anchor (only possible right after a change) belong to epoch _anchorEpoch - 1.
    uint256 private _anchorEpoch;
    uint256 private _anchorBlock;
    uint256 private _length;
    // Length of epoch _anchorEpoch - 1 (the last one under the previous anchor); 0 before any change.
    uint256 private _previousLength;

    /**
     * @param admin receives DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE
     * @param length blocks per epoch; epoch 0 starts at the deployment block
     */
    constructor(address admin, uint256 length) {
        _checkLength(length);
        _anchorBlock = block.number;
        _length = length;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        emit EpochLengthChanged(0, block.number, length);
    }

    /// @inheritdoc IEpochClock
    function currentEpoch() public view returns (uint256) {
        if (block.number < _anchorBlock) return _anchorEpoch - 1;
        return _anchorEpoch + (block.number - _anchorBlock) / _length;
    }

    /// @inheritdoc IEpochClock
    function hasEnded(uint256 epoch) external view returns (bool) {
        return currentEpoch() > epoch;
    }

    /// @inheritdoc IEpochClock
    function epochLength() external view returns (uint256) {
        return _length;
    }

    /// @inheritdoc IEpochClock
    /// @dev Known from the epoch before the latest length change on (so always for the current epoch);
    /// earlier epochs revert with UnknownEpochStart.
    function epochStartBlock(uint256 epoch) external view returns (uint256) {
        if (epoch >= _anchorEpoch) return _anchorBlock + (epoch - _anchorEpoch) * _length;
        uint256 firstKnown = _anchorEpoch - 1;
        if (epoch < firstKnown) revert UnknownEpochStart(epoch, firstKnown);
        return _anchorBlock - _previousLength;
    }

    /**
     * @notice Sets the epoch length from the next epoch boundary on.
     * @param length new blocks per epoch, 1..MAX_EPOCH_LENGTH
     */
    function setEpochLength(uint256 length) external onlyRole(GOVERNOR_ROLE) {
        _checkLength(length);
        uint256 next = currentEpoch() + 1;
        // The next boundary under the length in force now; unchanged if a change is already pending.
        uint256 nextStart = _anchorBlock;
        if (next != _anchorEpoch) {
            nextStart += (next - _anchorEpoch) * _length;
            _previousLength = _length;
        }
        _anchorEpoch = next;
        _anchorBlock = nextStart;
        _length = length;
        emit EpochLengthChanged(next, nextStart, length);
    }

    function _checkLength(uint256 length) private pure {
        if (length == 0 || length > MAX_EPOCH_LENGTH) revert InvalidEpochLength(length, MAX_EPOCH_LENGTH);
    }
}
