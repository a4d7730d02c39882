// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStakingManager} from "../interfaces/IStakingManager.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {StakingBase} from "./StakingBase.sol";

/**
 * @title StakingSigners
 * @notice Block-signing keys per epoch. A key is bound to one validator forever (so evidence signed by
 * an old key still names its validator), and a rotation takes effect from the next epoch: the node reads
 * the active set and its keys once, at the epoch boundary, so a key never changes inside an epoch.
 */
abstract contract StakingSigners is StakingBase {
    using Checkpoints for Checkpoints.Trace208;

    mapping(address validator => Checkpoints.Trace208) private _signerHistory;
    mapping(address signer => address validator) private _validatorOfSigner;

    /// @inheritdoc IStakingManager
    function signerAt(address validator, uint256 epoch) public view returns (address) {
        if (epoch > type(uint48).max) return address(0);
        return address(uint160(_signerHistory[validator].upperLookupRecent(uint48(epoch))));
    }

    /// @inheritdoc IStakingManager
    function validatorOfSigner(address signer) external view returns (address) {
        return _validatorOfSigner[signer];
    }

    /**
     * @notice Rotates the caller's block-signing key to `signer` from the next epoch on. The new key must
     * be unused (or already the caller's); the old one stays bound to the caller.
     */
    function rotateSigner(address signer) external {
        Validator storage v = _requireRegistered(msg.sender);
        uint256 fromEpoch = _currentEpoch() + 1;
        address previous = v.signer;
        _bindSigner(msg.sender, signer, fromEpoch);
        v.lastActivity = SafeCast.toUint64(fromEpoch - 1);
        emit SignerRotated(msg.sender, previous, signer, fromEpoch);
    }

    // Binds `signer` to `validator` and makes it the validator's key from `fromEpoch` (or from its latest
    // pending change, which it replaces, if that is later).
    function _bindSigner(address validator, address signer, uint256 fromEpoch) internal {
        address owner = _validatorOfSigner[signer];
        if (signer == address(0) || (owner != address(0) && owner != validator)) revert InvalidSigner(signer, owner);
        _validatorOfSigner[signer] = validator;
        _validators[validator].signer = signer;
        Checkpoints.Trace208 storage history = _signerHistory[validator];
        (bool exists, uint48 lastKey, ) = history.latestCheckpoint();
        uint48 key = SafeCast.toUint48(fromEpoch);
        if (exists && lastKey > key) key = lastKey;
        history.push(key, uint208(uint160(signer)));
    }
}
