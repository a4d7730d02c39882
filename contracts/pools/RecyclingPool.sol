// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IRecyclingPool, PoolSource} from "../interfaces/IPools.sol";

/**
 * @title RecyclingPool
 * @notice Collects MDT from fees, slashes and expired rewards. Its balance is spent on emission before
 * any new MDT is minted, and it can be released only to fund emission (RELEASER_ROLE, held by the
 * emission controller).
 */
contract RecyclingPool is AccessControl, IRecyclingPool {
    using SafeERC20 for IERC20;

    /// @notice May release MDT to fund an epoch's emission.
    bytes32 public constant RELEASER_ROLE = keccak256("RELEASER_ROLE");

    /// @notice The MDT token.
    IERC20 public immutable token;

    mapping(PoolSource source => uint256 amount) private _recycledBy;
    uint256 private _totalRecycled;
    uint256 private _totalReleased;

    /// @param admin receives DEFAULT_ADMIN_ROLE (grants RELEASER_ROLE to the emission controller)
    constructor(IERC20 token_, address admin) {
        token = token_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IRecyclingPool
    function balance() external view returns (uint256) {
        return token.balanceOf(address(this));
    }

    /// @inheritdoc IRecyclingPool
    function recycledBy(PoolSource source) external view returns (uint256) {
        return _recycledBy[source];
    }

    /// @inheritdoc IRecyclingPool
    function totalRecycled() external view returns (uint256) {
        return _totalRecycled;
    }

    /// @inheritdoc IRecyclingPool
    function totalReleased() external view returns (uint256) {
        return _totalReleased;
    }

    /// @inheritdoc IRecyclingPool
    function deposit(uint256 amount, PoolSource source) external {
        if (amount == 0) revert ZeroAmount();
        _recycledBy[source] += amount;
        _totalRecycled += amount;
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(msg.sender, source, amount);
    }

    /// @inheritdoc IRecyclingPool
    function release(address to, uint256 amount) external onlyRole(RELEASER_ROLE) {
        if (amount == 0) revert ZeroAmount();
        uint256 available = token.balanceOf(address(this));
        if (amount > available) revert InsufficientPoolBalance(available, amount);
        _totalReleased += amount;
        token.safeTransfer(to, amount);
        emit Released(to, amount);
    }
}
