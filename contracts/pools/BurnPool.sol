// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IBurnPool, PoolSource} from "../interfaces/IPools.sol";

/**
 * @title BurnPool
 * @notice Destroys MDT from registration fees, slashing and penalties and keeps a per-source tally,
 * so anyone can audit how much supply each mechanism removed.
 */
contract BurnPool is IBurnPool {
    using SafeERC20 for IERC20;

    /// @notice The MDT token.
    ERC20Burnable public immutable token;

    mapping(PoolSource source => uint256 amount) private _burnedBy;
    uint256 private _totalBurned;

    constructor(ERC20Burnable token_) {
        token = token_;
    }

    /// @inheritdoc IBurnPool
    function burnedBy(PoolSource source) external view returns (uint256) {
        return _burnedBy[source];
    }

    /// @inheritdoc IBurnPool
    function totalBurned() external view returns (uint256) {
        return _totalBurned;
    }

    /// @inheritdoc IBurnPool
    function burn(uint256 amount, PoolSource source) external {
        if (amount == 0) revert ZeroAmount();
        _burnedBy[source] += amount;
        _totalBurned += amount;
        IERC20(address(token)).safeTransferFrom(msg.sender, address(this), amount);
        token.burn(amount);
        emit Burned(msg.sender, source, amount);
    }
}
