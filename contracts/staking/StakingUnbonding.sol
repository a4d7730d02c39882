// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {TokenomicsMath} from "../libraries/TokenomicsMath.sol";
import {StakingVotes} from "./StakingVotes.sol";

/**
 * @title StakingUnbonding
 * @notice Bonding into a validator's pool and unbonding out of it. Unbonding MDT waits in per-validator
 * unbonding pools, one per (start epoch, release epoch): an entry holds shares of its pool, so a slash for
 * an offence committed while the stake was still bonded cuts every entry of the pool alike until it
 * matures (a pool started in epoch s holds stake that was bonded in every epoch ≤ s).
 */
abstract contract StakingUnbonding is StakingVotes {
    using SafeERC20 for IERC20;

    struct UnbondingPool {
        uint64 startEpoch;
        uint64 releaseEpoch;
        uint256 amount;
        uint256 shares;
    }

    struct UnbondingEntry {
        address validator;
        uint64 releaseEpoch;
        uint32 pool;
        uint256 shares;
    }

    /// @notice An account's pending unbonding, valued now.
    struct Unbonding {
        uint128 amount;
        uint64 releaseEpoch;
        address validator;
    }

    mapping(address validator => UnbondingPool[]) private _pools;
    mapping(address account => UnbondingEntry[]) private _entries;

    // ───────────────────────────── views ─────────────────────────────

    /// @notice The pending unbonding entries of `account`, at their current (possibly slashed) value.
    function unbondingOf(address account) external view returns (Unbonding[] memory list) {
        UnbondingEntry[] storage entries = _entries[account];
        list = new Unbonding[](entries.length);
        for (uint256 i = 0; i < entries.length; ++i) {
            UnbondingEntry storage e = entries[i];
            list[i] = Unbonding(SafeCast.toUint128(_entryValue(e)), e.releaseEpoch, e.validator);
        }
    }

    /// @notice MDT of `account` that has finished unbonding and can be withdrawn now.
    function withdrawable(address account) external view returns (uint256 amount) {
        uint256 epoch = _currentEpoch();
        UnbondingEntry[] storage entries = _entries[account];
        for (uint256 i = 0; i < entries.length; ++i) if (entries[i].releaseEpoch <= epoch) amount += _entryValue(entries[i]);
    }

    /// @notice The unbonding pools of `validator`, oldest first.
    function unbondingPoolsOf(address validator) external view returns (UnbondingPool[] memory) {
        return _pools[validator];
    }

    // ──────────────────────────── mutators ────────────────────────────

    /// @notice Sends the caller every unbonding entry that has matured.
    function withdraw() external {
        uint256 epoch = _currentEpoch();
        UnbondingEntry[] storage entries = _entries[msg.sender];
        uint256 amount;
        for (uint256 i = entries.length; i > 0; --i) {
            UnbondingEntry storage e = entries[i - 1];
            if (e.releaseEpoch > epoch) continue;
            UnbondingPool storage pool = _pools[e.validator][e.pool];
            // The last holder out takes any rounding dust left in the pool.
            uint256 value = e.shares == pool.shares ? pool.amount : (e.shares * pool.amount) / pool.shares;
            pool.amount -= value;
            pool.shares -= e.shares;
            amount += value;
            entries[i - 1] = entries[entries.length - 1];
            entries.pop();
        }
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        _totalUnbonding -= amount;
        emit Withdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    // ──────────────────────────── internals ────────────────────────────

    // Every bond goes through here: shares priced at the pool's current value.
    function _bond(address validator, address account, uint256 amount) internal {
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
        _syncVotes(validator, account);
        emit Staked(validator, account, amount, shares);
        token.safeTransferFrom(account, address(this), amount);
    }

    // Every unbond goes through here: burns the shares worth `amount` (rounded up) and queues the MDT.
    function _unbond(address validator, address account, uint256 amount) internal {
        if (amount == 0) revert ZeroAmount();
        if (_entries[account].length >= MAX_UNBONDING_ENTRIES) revert TooManyUnbondingEntries(MAX_UNBONDING_ENTRIES);
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
        uint64 releaseEpoch = _queue(validator, account, amount);
        _markChanged();
        _syncVotes(validator, account);
        emit Unstaked(validator, account, amount, shares, releaseEpoch);
    }

    /**
     * Cuts `fraction` of every unbonding pool of `validator` that started in or after `infractionEpoch`
     * and has not matured. Pools are in start order, so the walk goes back from the newest and stops at
     * the first older one; a pool that started MAX_UNBONDING_EPOCHS ago has matured, which bounds the walk.
     */
    function _slashUnbonding(address validator, uint256 fraction, uint256 infractionEpoch) internal returns (uint256 cut) {
        UnbondingPool[] storage pools = _pools[validator];
        uint256 current = _currentEpoch();
        for (uint256 i = pools.length; i > 0; --i) {
            UnbondingPool storage pool = pools[i - 1];
            if (pool.startEpoch < infractionEpoch || pool.startEpoch + MAX_UNBONDING_EPOCHS <= current) break;
            if (pool.releaseEpoch <= current) continue;
            uint256 part = TokenomicsMath.mulWad(pool.amount, fraction);
            pool.amount -= part;
            cut += part;
        }
        _totalUnbonding -= cut;
    }

    // Puts `amount` into the validator's unbonding pool of this epoch (a new one when none fits).
    function _queue(address validator, address account, uint256 amount) private returns (uint64 releaseEpoch) {
        uint256 current = _currentEpoch();
        uint64 startEpoch = SafeCast.toUint64(current);
        releaseEpoch = SafeCast.toUint64(current + unbondingEpochs);
        UnbondingPool[] storage pools = _pools[validator];
        uint256 shares;
        uint256 index = pools.length;
        if (index != 0) {
            UnbondingPool storage last = pools[index - 1];
            if (last.startEpoch == startEpoch && last.releaseEpoch == releaseEpoch && last.amount != 0) {
                shares = (amount * last.shares) / last.amount;
                if (shares != 0) index -= 1;
            }
        }
        if (index == pools.length) {
            pools.push(UnbondingPool(startEpoch, releaseEpoch, 0, 0));
            shares = amount;
        }
        UnbondingPool storage pool = pools[index];
        pool.amount += amount;
        pool.shares += shares;
        _entries[account].push(UnbondingEntry(validator, releaseEpoch, SafeCast.toUint32(index), shares));
    }

    function _entryValue(UnbondingEntry storage e) private view returns (uint256) {
        UnbondingPool storage pool = _pools[e.validator][e.pool];
        if (e.shares == pool.shares) return pool.amount;
        return (e.shares * pool.amount) / pool.shares;
    }
}
