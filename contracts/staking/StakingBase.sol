// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStakingManager} from "../interfaces/IStakingManager.sol";
import {IEpochClock} from "../interfaces/IEpochClock.sol";
import {IBurnPool, IRecyclingPool} from "../interfaces/IPools.sol";
import {TokenomicsMath} from "../libraries/TokenomicsMath.sol";

/**
 * @title StakingBase
 * @notice The state every staking extension shares: the token and clock, the validators' stake pools
 * (shares), the totals and the governance parameters with their bounds. The extensions (signer keys,
 * active set, commission, votes, unbonding, slashing) build on it; `StakingManager` composes them.
 */
abstract contract StakingBase is AccessControl, IStakingManager {
    /// @notice May change the staking parameters.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice May slash and jail validators (the DAO treasury and the chain's evidence system address).
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");

    /// @notice Registered validators at most (bounds the active-set computation).
    uint256 public constant MAX_VALIDATORS = 256;
    /// @notice Pending unbonding entries per account at most (bounds withdraw).
    uint256 public constant MAX_UNBONDING_ENTRIES = 32;
    /// @notice Upper bound for the jail and inactivity periods, in epochs.
    uint256 public constant MAX_PERIOD_EPOCHS = 100_000;
    /// @notice Upper bound for the unbonding period, in epochs; bounds the unbonding pools a slash visits.
    uint256 public constant MAX_UNBONDING_EPOCHS = 1_000;

    struct Validator {
        /// The latest block-signing key (in force from the epoch `signerAt` says).
        address signer;
        bool registered;
        bool jailed;
        uint64 jailedUntil;
        uint256 totalStake;
        uint256 totalShares;
        /// Last epoch of an operator action (registration, own stake, unjail, key or commission change).
        uint64 lastActivity;
    }

    /// @notice Construction parameters.
    struct Config {
        uint256 minSelfStake;
        uint256 unbondingEpochs;
        uint256 maxActiveValidators;
        uint256 jailEpochs;
        uint256 slashBurnShare;
        uint256 inactivityEpochs;
    }

    /// @notice The MDT token.
    IERC20 public immutable token;
    /// @notice The epoch clock.
    IEpochClock public immutable clock;
    /// @notice Receives the burned part of slashes.
    IBurnPool public immutable burnPool;
    /// @notice Receives the recycled part of slashes.
    IRecyclingPool public immutable recyclingPool;

    /// @notice Own stake a validator needs to be eligible (MDT wei).
    uint256 public minSelfStake;
    /// @notice Epochs between unbonding and withdrawal (≥ 1: unbonding stake stays slashable meanwhile).
    uint256 public unbondingEpochs;
    /// @notice Size of the active set.
    uint256 public maxActiveValidators;
    /// @notice Epochs a jailed validator stays out before it may unjail (≥ 1).
    uint256 public jailEpochs;
    /// @notice Fraction (WAD) of slashed MDT that is burned; the rest is recycled.
    uint256 public slashBurnShare;
    /// @notice Epochs without operator action after which anyone may prune a validator below the minimum own stake.
    uint256 public inactivityEpochs;

    mapping(address validator => Validator) internal _validators;
    mapping(address validator => mapping(address account => uint256)) internal _shares;
    uint256 internal _totalBonded;
    uint256 internal _totalUnbonding;

    constructor(IERC20 token_, IEpochClock clock_, IBurnPool burnPool_, IRecyclingPool recyclingPool_, address admin) {
        token = token_;
        clock = clock_;
        burnPool = burnPool_;
        recyclingPool = recyclingPool_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @notice A validator's registration, stake and jail state.
    function validatorInfo(address validator) external view returns (Validator memory) {
        return _validators[validator];
    }

    /// @notice MDT that `account` has bonded to `validator`, at the pool's current share price.
    function stakeOf(address validator, address account) public view returns (uint256) {
        Validator storage v = _validators[validator];
        return v.totalShares == 0 ? 0 : (_shares[validator][account] * v.totalStake) / v.totalShares;
    }

    /// @notice Shares of `validator`'s pool held by `account`.
    function sharesOf(address validator, address account) external view returns (uint256) {
        return _shares[validator][account];
    }

    /// @notice Total MDT bonded to all validators.
    function totalBonded() external view returns (uint256) {
        return _totalBonded;
    }

    /// @notice Total MDT waiting in unbonding entries.
    function totalUnbonding() external view returns (uint256) {
        return _totalUnbonding;
    }

    // ──────────────────────────── governance ────────────────────────────

    /// @notice Sets the unbonding period in epochs (1..MAX_UNBONDING_EPOCHS); applies to new unbondings.
    function setUnbondingEpochs(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setUnbondingEpochs(value);
    }

    /// @notice Sets the jail period in epochs (1..MAX_PERIOD_EPOCHS).
    function setJailEpochs(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setJailEpochs(value);
    }

    /// @notice Sets the burned fraction (WAD, 0..1e18) of slashed MDT.
    function setSlashBurnShare(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setSlashBurnShare(value);
    }

    /// @notice Sets the inactivity window (1..MAX_PERIOD_EPOCHS) after which a validator without own stake can be pruned.
    function setInactivityEpochs(uint256 value) external onlyRole(GOVERNOR_ROLE) {
        _setInactivityEpochs(value);
    }

    // ──────────────────────────── internals ────────────────────────────

    function _currentEpoch() internal view returns (uint256) {
        return clock.currentEpoch();
    }

    function _requireRegistered(address validator) internal view returns (Validator storage v) {
        v = _validators[validator];
        if (!v.registered) revert NotRegistered(validator);
    }

    /// @dev Records the active set of the ending epoch before the first change of a new one.
    function _checkpoint() internal virtual;

    /// @dev Notes that the active set may have changed (takes effect from the next epoch).
    function _markChanged() internal virtual;

    function _setMinSelfStake(uint256 value) internal {
        if (value == 0) revert InvalidParameter("minSelfStake", value, 1, type(uint256).max);
        emit ParameterChanged("minSelfStake", minSelfStake, value);
        minSelfStake = value;
    }

    function _setUnbondingEpochs(uint256 value) internal {
        if (value == 0 || value > MAX_UNBONDING_EPOCHS) {
            revert InvalidParameter("unbondingEpochs", value, 1, MAX_UNBONDING_EPOCHS);
        }
        emit ParameterChanged("unbondingEpochs", unbondingEpochs, value);
        unbondingEpochs = value;
    }

    function _setMaxActiveValidators(uint256 value) internal {
        if (value == 0 || value > MAX_VALIDATORS) {
            revert InvalidParameter("maxActiveValidators", value, 1, MAX_VALIDATORS);
        }
        emit ParameterChanged("maxActiveValidators", maxActiveValidators, value);
        maxActiveValidators = value;
    }

    function _setJailEpochs(uint256 value) internal {
        if (value == 0 || value > MAX_PERIOD_EPOCHS) revert InvalidParameter("jailEpochs", value, 1, MAX_PERIOD_EPOCHS);
        emit ParameterChanged("jailEpochs", jailEpochs, value);
        jailEpochs = value;
    }

    function _setSlashBurnShare(uint256 value) internal {
        if (value > TokenomicsMath.WAD) revert InvalidParameter("slashBurnShare", value, 0, TokenomicsMath.WAD);
        emit ParameterChanged("slashBurnShare", slashBurnShare, value);
        slashBurnShare = value;
    }

    function _setInactivityEpochs(uint256 value) internal {
        if (value == 0 || value > MAX_PERIOD_EPOCHS) {
            revert InvalidParameter("inactivityEpochs", value, 1, MAX_PERIOD_EPOCHS);
        }
        emit ParameterChanged("inactivityEpochs", inactivityEpochs, value);
        inactivityEpochs = value;
    }
}
