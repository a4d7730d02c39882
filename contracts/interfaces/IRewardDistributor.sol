// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Per-epoch reward distribution: validators' attestations, Merkle roots, claims, and the sweep.
interface IRewardDistributor {
    /// @notice What an epoch's distribution funded and what has been claimed of it.
    struct EpochReward {
        /// Root of the reward tree: leaves keccak256(abi.encodePacked(uint256 index, address account, uint256 amount)).
        bytes32 root;
        /// MDT claimable through the tree (miners + validators).
        uint256 funded;
        /// MDT claimed so far.
        uint256 claimed;
        /// Last epoch in which claims are accepted.
        uint256 claimDeadline;
        /// True once validators holding > 2/3 of the epoch's active stake attested this root (and it was funded).
        bool distributed;
        bool swept;
    }

    /// @notice One claim of a batch.
    struct Claim {
        uint256 epoch;
        uint256 index;
        address account;
        uint256 amount;
        bytes32[] proof;
    }

    /**
     * @notice `validator`, holding `stake` of the epoch's active stake, attested `root` with the totals
     * hashed into `digest`; `tally` is the stake behind that digest now.
     */
    event Attested(uint256 indexed epoch, address indexed validator, bytes32 indexed digest, bytes32 root, uint256 stake, uint256 tally);
    /// @notice `validator` attested `digest` for `epoch`, which conflicts with the accepted `acceptedDigest`.
    event ConflictingAttestation(uint256 indexed epoch, address indexed validator, bytes32 digest, bytes32 acceptedDigest);
    /// @notice `epoch` was accepted and funded: `emission` MDT at `utility`, split miners/validators/DAO.
    event EpochDistributed(
        uint256 indexed epoch,
        uint256 utility,
        uint256 emission,
        uint256 miners,
        uint256 validators,
        uint256 dao,
        bytes32 root
    );
    /// @notice Leaf `index` of `epoch`'s tree paid `account` its `amount` MDT.
    event Claimed(uint256 indexed epoch, uint256 index, address indexed account, uint256 amount);
    /// @notice `amount` MDT unclaimed in `epoch` was moved to the recycling pool.
    event Swept(uint256 indexed epoch, uint256 amount);
    /// @notice The claimed-bitmap words `fromWord`..`fromWord + count - 1` of `epoch` were prepared.
    event ClaimsPrepared(uint256 indexed epoch, uint256 fromWord, uint256 count);
    /// @notice Governance changed the claim window from `previous` to `current` epochs.
    event ClaimWindowChanged(uint256 previous, uint256 current);

    /// @notice The inputs of `epoch` can change until the end of epoch `finalAfter`; the current epoch is `current`.
    error EpochNotFinal(uint256 epoch, uint256 finalAfter, uint256 current);
    /// @notice `account` held no stake in the active set of `epoch`.
    error NotActiveValidator(address account, uint256 epoch);
    /// @notice `validator` already attested exactly this for `epoch`.
    error AlreadyAttested(uint256 epoch, address validator);
    /// @notice `epoch` has not been distributed.
    error EpochNotDistributed(uint256 epoch);
    /// @notice The totals given differ from the policy's split of the fundable emission.
    error TotalsMismatch(uint256 expectedMiners, uint256 expectedValidators, uint256 expectedDao);
    /// @notice Rewards are due but the Merkle root is empty.
    error EmptyRoot();
    /// @notice Leaf `index` of `epoch` was already claimed.
    error AlreadyClaimed(uint256 epoch, uint256 index);
    /// @notice The proof does not show leaf (`index`, `account`, `amount`) in `epoch`'s tree.
    error InvalidProof(uint256 epoch, uint256 index, address account, uint256 amount);
    /// @notice Claims for `epoch` closed after epoch `deadline`.
    error ClaimWindowClosed(uint256 epoch, uint256 deadline);
    /// @notice Claims for `epoch` are open until epoch `deadline`; it cannot be swept yet.
    error ClaimWindowOpen(uint256 epoch, uint256 deadline);
    /// @notice `epoch` was already swept.
    error AlreadySwept(uint256 epoch);
    /// @notice The claim would take `epoch`'s claims to `total`, above what was `funded`.
    error ClaimExceedsFunding(uint256 epoch, uint256 total, uint256 funded);
    /// @notice The claim window must be between 1 and `max` epochs.
    error InvalidClaimWindow(uint256 epochs, uint256 max);
    /// @notice prepareClaims takes 1..`max` words; `count` is outside.
    error InvalidWordCount(uint256 count, uint256 max);
    /// @notice The batch is empty.
    error EmptyBatch();
    /// @notice `validator`'s attestation of `epoch` does not conflict with the accepted one (or there is none).
    error NoConflict(uint256 epoch, address validator);

    /// @notice The distribution record of `epoch`.
    function epochReward(uint256 epoch) external view returns (EpochReward memory);

    /// @notice True when leaf `index` of `epoch`'s tree was claimed.
    function isClaimed(uint256 epoch, uint256 index) external view returns (bool);
}
