// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IBurnPool, IRecyclingPool, PoolSource} from "../interfaces/IPools.sol";

/**
 * @title PoolRouting
 * @notice Sends MDT held by the calling contract to the burn and recycling pools (which pull it with
 * transferFrom), so fees and slashes take one audited path into the pools' per-source accounting.
 */
library PoolRouting {
    using SafeERC20 for IERC20;

    /// @notice Burns `burned` and recycles `recycled` of the caller's MDT on account of `source`.
    function burnAndRecycle(
        IERC20 token,
        IBurnPool burnPool,
        IRecyclingPool recyclingPool,
        uint256 burned,
        uint256 recycled,
        PoolSource source
    ) internal {
        if (burned != 0) {
            token.forceApprove(address(burnPool), burned);
            burnPool.burn(burned, source);
        }
        if (recycled != 0) {
            token.forceApprove(address(recyclingPool), recycled);
            recyclingPool.deposit(recycled, source);
        }
    }
}
