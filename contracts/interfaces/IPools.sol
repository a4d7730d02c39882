// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Where MDT sent to the burn or recycling pool came from; both pools count per source.
enum PoolSource {
    RegistrationFee,
    Slashing,
    ExpiredRewards,
    TaskFees,
    Penalty
}

/// @notice Destroys MDT it receives and accounts for it per source.
interface IBurnPool {
    /// @notice `amount` of the caller's MDT was burned on account of `source`.
    event Burned(address indexed from, PoolSource indexed source, uint256 amount);

    /// @notice The amount is zero.
    error ZeroAmount();

    /// @notice Pulls `amount` MDT from the caller (needs an allowance) and burns it.
    function burn(uint256 amount, PoolSource source) external;

    /// @notice Total burned through this pool from `source`.
    function burnedBy(PoolSource source) external view returns (uint256);

    /// @notice Total burned through this pool.
    function totalBurned() external view returns (uint256);
}

/// @notice Holds MDT (fees, slashes, expired rewards) that is spent on emission before anything is minted.
interface IRecyclingPool {
    /// @notice `amount` MDT was deposited by `from` on account of `source`.
    event Deposited(address indexed from, PoolSource indexed source, uint256 amount);
    /// @notice `amount` MDT was released to `to` to fund emission.
    event Released(address indexed to, uint256 amount);

    /// @notice The amount is zero.
    error ZeroAmount();
    /// @notice The pool holds `available`, less than the `requested` release.
    error InsufficientPoolBalance(uint256 available, uint256 requested);

    /// @notice Pulls `amount` MDT from the caller (needs an allowance) into the pool.
    function deposit(uint256 amount, PoolSource source) external;

    /// @notice Sends `amount` to `to`; only the emission controller (RELEASER_ROLE).
    function release(address to, uint256 amount) external;

    /// @notice MDT currently held and available to fund emission.
    function balance() external view returns (uint256);

    /// @notice Total deposited from `source`.
    function recycledBy(PoolSource source) external view returns (uint256);

    /// @notice Total deposited through `deposit`.
    function totalRecycled() external view returns (uint256);

    /// @notice Total released to fund emission.
    function totalReleased() external view returns (uint256);
}
