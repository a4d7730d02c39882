// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Per-epoch reward distribution: Merkle roots, claims, and the sweep of expired rewards.
interface IRewardDistributor {
    /// @notice What an epoch's distribution funded and what has been claimed of it.
    struct EpochReward {
        /// Root of the StandardMerkleTree of (account, amount) leaves.
        bytes32 root;
        /// MDT claimable through the tree (miners + validators).
        uint256 funded;
        /// MDT claimed so far.
        uint256 claimed;
        /// Last epoch in which claims are accepted.
        uint256 claimDeadline;
        bool distributed;
        bool swept;
    }

    /// @notice One claim of a batch.
    struct Claim {
        uint256 epoch;
        address account;
        uint256 amount;
        bytes32[] proof;
    }

    /// @notice `epoch` was distributed: `emission` MDT at `utility`, split miners/validators/DAO.
    event EpochDistributed(
        uint256 indexed epoch,
        uint256 utility,
        uint256 emission,
        uint256 miners,
        uint256 validators,
        uint256 dao,
        bytes32 root
    );
    /// @notice `account` claimed `amount` MDT of `epoch`'s rewards.
    event Claimed(uint256 indexed epoch, address indexed account, uint256 amount);
    /// @notice `amount` MDT unclaimed in `epoch` was moved to the recycling pool.
    event Swept(uint256 indexed epoch, uint256 amount);
    /// @notice Governance changed the claim window from `previous` to `current` epochs.
    event ClaimWindowChanged(uint256 previous, uint256 current);

    /// @notice `epoch` has not ended (current epoch `current`).
    error EpochNotEnded(uint256 epoch, uint256 current);
    /// @notice `epoch` was already distributed.
    error EpochAlreadyDistributed(uint256 epoch);
    /// @notice `epoch` has not been distributed.
    error EpochNotDistributed(uint256 epoch);
    /// @notice The utility given differs from the one the on-chain reports of the epoch give.
    error UtilityMismatch(uint256 epoch, uint256 expected, uint256 given);
    /// @notice The totals given differ from the policy's split of the fundable emission.
    error TotalsMismatch(uint256 expectedMiners, uint256 expectedValidators, uint256 expectedDao);
    /// @notice Rewards are due but the Merkle root is empty.
    error EmptyRoot();
    /// @notice `account` already claimed for `epoch`.
    error AlreadyClaimed(uint256 epoch, address account);
    /// @notice The proof does not show (`account`, `amount`) in `epoch`'s tree.
    error InvalidProof(uint256 epoch, address account, uint256 amount);
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
    /// @notice The batch is empty.
    error EmptyBatch();

    /// @notice The distribution record of `epoch`.
    function epochReward(uint256 epoch) external view returns (EpochReward memory);

    /// @notice True when `account` claimed its reward of `epoch`.
    function isClaimed(uint256 epoch, address account) external view returns (bool);
}
