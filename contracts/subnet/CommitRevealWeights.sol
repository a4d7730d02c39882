// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ISubnetRegistry} from "../interfaces/ISubnetRegistry.sol";

/**
 * @title CommitRevealWeights
 * @notice Commit–reveal of weight vectors (Bittensor's answer to weight copying): in epoch e a validator
 * publishes only keccak256(abi.encode(validator, e, miners, weights, salt)); in epoch e + 1 it reveals
 * the vector and the salt. Nobody can copy a vector before it is revealed, and by then the epoch it
 * scores is over. The mode is a per-epoch switch, so every epoch's rule is fixed before it starts.
 */
abstract contract CommitRevealWeights is ISubnetRegistry {
    using Checkpoints for Checkpoints.Trace208;

    // epoch -> 1 (commit–reveal on) / 0 (off), from that epoch until the next key.
    Checkpoints.Trace208 private _mode;
    mapping(uint256 epoch => mapping(address validator => bytes32)) private _commitments;

    /// @notice True when the weights of `epoch` go through commit–reveal.
    function commitRevealAt(uint256 epoch) public view returns (bool) {
        if (epoch > type(uint48).max) return _mode.latest() != 0;
        return _mode.upperLookupRecent(SafeCast.toUint48(epoch)) != 0;
    }

    /// @notice What `validator` committed for `epoch` (zero if nothing).
    function commitmentOf(uint256 epoch, address validator) external view returns (bytes32) {
        return _commitments[epoch][validator];
    }

    /// @notice The commitment of a weight vector: keccak256(abi.encode(validator, epoch, miners, weights, salt)).
    function weightsCommitment(
        address validator,
        uint256 epoch,
        address[] calldata minerList,
        uint256[] calldata weights,
        bytes32 salt
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(validator, epoch, minerList, weights, salt));
    }

    function _setCommitReveal(uint256 fromEpoch, bool enabled) internal {
        _mode.push(SafeCast.toUint48(fromEpoch), enabled ? 1 : 0);
    }

    function _commit(uint256 epoch, address validator, bytes32 commitment) internal {
        _commitments[epoch][validator] = commitment;
        emit WeightsCommitted(epoch, validator, commitment);
    }

    // Reverts unless the vector and salt hash to what `validator` committed for `epoch`.
    function _checkReveal(
        uint256 epoch,
        address validator,
        address[] calldata minerList,
        uint256[] calldata weights,
        bytes32 salt
    ) internal view {
        bytes32 commitment = _commitments[epoch][validator];
        if (commitment == bytes32(0)) revert NoCommitment(validator, epoch);
        bytes32 revealed = weightsCommitment(validator, epoch, minerList, weights, salt);
        if (revealed != commitment) revert CommitmentMismatch(validator, epoch, commitment, revealed);
    }
}
