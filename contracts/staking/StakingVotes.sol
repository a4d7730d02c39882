// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {StakingCommission} from "./StakingCommission.sol";

/**
 * @title StakingVotes
 * @notice Voting power of bonded MDT. MDT held by this contract has no votes in the token (it never
 * delegates), so the governor adds these: each account's bonded MDT, checkpointed by block number like
 * MDTToken's ERC20Votes, always self-delegated. The vote weight of a (validator, account) position
 * is its value at its last change; a slash lowers every position of a pool at once, and anyone may call
 * `syncVotes` to bring a position down to its slashed value (a holder's next stake change does it too).
 * Unbonding MDT has no votes.
 */
abstract contract StakingVotes is StakingCommission {
    using Checkpoints for Checkpoints.Trace208;

    mapping(address account => Checkpoints.Trace208) private _votes;
    Checkpoints.Trace208 private _totalVotes;
    mapping(address validator => mapping(address account => uint256)) private _positionVotes;

    /// @notice Votes `account` has now from bonded MDT.
    function getVotes(address account) external view returns (uint256) {
        return _votes[account].latest();
    }

    /// @notice Votes `account` had from bonded MDT at the end of block `timepoint` (< current block).
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        return _votes[account].upperLookupRecent(_pastTimepoint(timepoint));
    }

    /// @notice Sum of all votes from bonded MDT at the end of block `timepoint` (< current block).
    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        return _totalVotes.upperLookupRecent(_pastTimepoint(timepoint));
    }

    /// @notice Sets the votes of `account`'s position with `validator` to its current value (after a slash).
    function syncVotes(address validator, address account) external {
        _syncVotes(validator, account);
    }

    // Every bond, unbond and sync ends here: the position's votes become its current value.
    function _syncVotes(address validator, address account) internal {
        uint256 previous = _positionVotes[validator][account];
        uint256 current = stakeOf(validator, account);
        if (previous == current) return;
        _positionVotes[validator][account] = current;
        uint48 now_ = _voteClock();
        Checkpoints.Trace208 storage votes = _votes[account];
        uint256 before = votes.latest();
        uint256 afterwards = before + current - previous;
        votes.push(now_, SafeCast.toUint208(afterwards));
        _totalVotes.push(now_, SafeCast.toUint208(_totalVotes.latest() + current - previous));
        emit DelegateVotesChanged(account, before, afterwards);
    }

    // Timepoints are block numbers, the clock of MDTToken's ERC20Votes (`clock` here is the epoch clock).
    function _voteClock() private view returns (uint48) {
        return SafeCast.toUint48(block.number);
    }

    function _pastTimepoint(uint256 timepoint) private view returns (uint48) {
        uint48 now_ = _voteClock();
        if (timepoint >= now_) revert FutureLookup(timepoint, now_);
        return SafeCast.toUint48(timepoint);
    }
}
