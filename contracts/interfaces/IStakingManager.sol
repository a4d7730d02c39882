// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Validators, their stake and delegations, and the active set the node and the SDK read.
interface IStakingManager {
    /// @notice `validator` registered with block-signing key `signer` and `selfStake` MDT.
    event ValidatorRegistered(address indexed validator, address indexed signer, uint256 selfStake);
    /// @notice `account` bonded `amount` MDT to `validator`, receiving `shares`.
    event Staked(address indexed validator, address indexed account, uint256 amount, uint256 shares);
    /// @notice `account` unbonded `amount` MDT from `validator`, withdrawable from `releaseEpoch`.
    event Unstaked(address indexed validator, address indexed account, uint256 amount, uint256 shares, uint256 releaseEpoch);
    /// @notice `account` withdrew `amount` MDT of matured unbonding entries.
    event Withdrawn(address indexed account, uint256 amount);
    /**
     * @notice `fraction` (WAD) of `validator`'s stake was slashed for an offence in `infractionEpoch`:
     * `bonded` MDT of its pool and `unbonding` MDT of stake that left it since, `burned` + `recycled` in all.
     */
    event Slashed(
        address indexed validator,
        uint256 indexed infractionEpoch,
        uint256 fraction,
        uint256 bonded,
        uint256 unbonding,
        uint256 burned,
        uint256 recycled,
        bytes32 reason
    );
    /// @notice `validator` set its commission to `commission` (WAD), in force from `fromEpoch`.
    event CommissionChanged(address indexed validator, uint256 commission, uint256 fromEpoch);
    /// @notice `validator` rotated its block-signing key from `previous` to `signer`, in force from `fromEpoch`.
    event SignerRotated(address indexed validator, address indexed previous, address indexed signer, uint256 fromEpoch);
    /// @notice `validator` left the registered list (`reason`: "exit", "pruned" or "displaced").
    event ValidatorDeregistered(address indexed validator, bytes32 reason);
    /// @notice The votes `account` has from bonded MDT changed (ERC-5805 naming, self-delegated).
    event DelegateVotesChanged(address indexed delegate, uint256 previousVotes, uint256 newVotes);
    /// @notice `validator` is jailed (out of the active set) until at least `untilEpoch`.
    event ValidatorJailed(address indexed validator, uint256 untilEpoch);
    /// @notice `validator` left jail.
    event ValidatorUnjailed(address indexed validator);
    /// @notice The active set for epochs from `fromEpoch` on was recorded.
    event ActiveSetRecorded(uint256 indexed fromEpoch, uint256 size, uint256 totalStake);
    /// @notice Governance changed parameter `name` from `previous` to `current`.
    event ParameterChanged(bytes32 indexed name, uint256 previous, uint256 current);

    /// @notice The amount is zero.
    error ZeroAmount();
    /// @notice `validator` is already registered.
    error AlreadyRegistered(address validator);
    /// @notice `validator` is not registered.
    error NotRegistered(address validator);
    /// @notice The signer is the zero address or already used by `owner`.
    error InvalidSigner(address signer, address owner);
    /// @notice A validator's own stake would be `selfStake`, below the minimum `minimum` (and not zero).
    error SelfStakeBelowMinimum(uint256 selfStake, uint256 minimum);
    /// @notice `account` has `staked` with the validator, less than `requested`.
    error InsufficientStake(address account, uint256 staked, uint256 requested);
    /// @notice The amount is too small to buy a single share of the validator's pool.
    error StakeTooSmall(uint256 amount);
    /// @notice The validator's stake was slashed to zero; it cannot take new stake.
    error ValidatorWipedOut(address validator);
    /// @notice No more than `max` validators can register.
    error TooManyValidators(uint256 max);
    /// @notice An account can hold at most `max` unbonding entries; withdraw first.
    error TooManyUnbondingEntries(uint256 max);
    /// @notice Nothing has finished unbonding.
    error NothingToWithdraw(address account);
    /// @notice `validator` is jailed until `untilEpoch`.
    error ValidatorJailedUntil(address validator, uint256 untilEpoch);
    /// @notice `validator` is not jailed.
    error NotJailed(address validator);
    /// @notice A fraction must be in (0, 1e18] (or [0, 1e18] for shares).
    error InvalidFraction(uint256 fraction);
    /// @notice Parameter `name` cannot be `value` (allowed: `min`..`max`).
    error InvalidParameter(bytes32 name, uint256 value, uint256 min, uint256 max);
    /// @notice `epoch` has not started yet.
    error FutureEpoch(uint256 epoch, uint256 current);
    /// @notice A commission of `commission` (WAD) is above the maximum `max`.
    error CommissionTooHigh(uint256 commission, uint256 max);
    /// @notice `validator` still has `selfStake` MDT of its own bonded; unbond it all first.
    error ValidatorNotExited(address validator, uint256 selfStake);
    /// @notice `validator` cannot be pruned yet: own stake `selfStake` (minimum `minimum`); prunable from epoch `prunableFrom`.
    error NotPrunable(address validator, uint256 selfStake, uint256 minimum, uint256 prunableFrom);
    /// @notice Votes are looked up at `timepoint`, not before the current clock `clock`.
    error FutureLookup(uint256 timepoint, uint256 clock);

    /// @notice The active set of the current epoch, ordered by total stake (descending).
    /// @return validators validator (operator) addresses
    /// @return signers their block-signing key addresses
    /// @return stakes their total stake in MDT wei
    function getActiveValidators()
        external
        view
        returns (address[] memory validators, address[] memory signers, uint256[] memory stakes);

    /// @notice The active set that was in force during `epoch` (see getActiveValidators).
    function activeValidatorsAt(uint256 epoch)
        external
        view
        returns (address[] memory validators, address[] memory signers, uint256[] memory stakes);

    /// @notice True when `validator` is in the active set of `epoch`.
    function isActiveAt(address validator, uint256 epoch) external view returns (bool);

    /**
     * @notice `validator`'s stake in the active set of `epoch` (0 when not in it) and the set's total stake:
     * what stake-weighted epoch metrics and reward attestations count. O(1) once the set is recorded.
     */
    function activeStakeAt(address validator, uint256 epoch) external view returns (uint256 stake, uint256 total);

    /// @notice Number of validators in the active set of `epoch`.
    function activeCountAt(uint256 epoch) external view returns (uint256);

    /// @notice Records the active set of the current epoch, if pending; makes later lookups cheap.
    function checkpoint() external;

    /// @notice The commission (WAD) `validator`'s operator keeps of its reward for `epoch` (0 if never registered).
    function commissionAt(address validator, uint256 epoch) external view returns (uint256);

    /// @notice The block-signing key of `validator` in `epoch` (zero if none).
    function signerAt(address validator, uint256 epoch) external view returns (address);

    /// @notice The validator whose block-signing key is or was `signer` (zero if none); keys are never reused.
    function validatorOfSigner(address signer) external view returns (address);

    /**
     * @notice Slashes `fraction` (WAD, in (0, 1e18]) of the stake that was bonded to `validator` in
     * `infractionEpoch` and is still held here: its bonded pool and every unbonding that left the pool in
     * or after that epoch and has not matured yet. SLASHER_ROLE only.
     */
    function slash(address validator, uint256 fraction, uint256 infractionEpoch, bytes32 reason) external;

    /// @notice `slash`, then jail `validator` if registered: the entry point for consensus evidence.
    function slashAndJail(address validator, uint256 fraction, uint256 infractionEpoch, bytes32 reason) external;
}
