// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {IEmissionController} from "../interfaces/IEmissionController.sol";
import {IEpochClock} from "../interfaces/IEpochClock.sol";
import {ISubnetRegistry} from "../interfaces/ISubnetRegistry.sol";
import {IRecyclingPool, PoolSource} from "../interfaces/IPools.sol";

/**
 * @title RewardDistributor
 * @notice Pays each finished epoch once. The caller (DISTRIBUTOR_ROLE, the SDK's epoch runner) brings
 * the utility, the three totals and a Merkle root of per-recipient amounts; the contract recomputes the
 * utility from the epoch's on-chain reports and the totals from the emission policy and rejects any
 * difference, so a faulty or hostile runner cannot pay more than the rules allow. Recipients claim with
 * a proof within the claim window; what is left afterwards is swept to the recycling pool.
 *
 * Leaves are OpenZeppelin StandardMerkleTree leaves of (address account, uint256 amount):
 * keccak256(bytes.concat(keccak256(abi.encode(account, amount)))).
 */
contract RewardDistributor is AccessControl, IRewardDistributor {
    using SafeERC20 for IERC20;

    /// @notice May change the claim window.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice May submit an epoch's distribution.
    bytes32 public constant DISTRIBUTOR_ROLE = keccak256("DISTRIBUTOR_ROLE");
    /// @notice Upper bound for the claim window, in epochs.
    uint256 public constant MAX_CLAIM_WINDOW = 1_000_000;

    /// @notice The MDT token.
    IERC20 public immutable token;
    /// @notice The epoch clock.
    IEpochClock public immutable clock;
    /// @notice Funds epochs (recycle first, then mint).
    IEmissionController public immutable controller;
    /// @notice Source of each epoch's task reports and participation.
    ISubnetRegistry public immutable registry;
    /// @notice Receives swept rewards.
    IRecyclingPool public immutable recyclingPool;
    /// @notice Receives the DAO share (the TimelockController).
    address public immutable treasury;

    /// @notice Epochs after a distribution during which claims are accepted.
    uint256 public claimWindow;

    mapping(uint256 epoch => EpochReward) private _rewards;
    mapping(uint256 epoch => mapping(address account => bool)) private _claimed;

    constructor(
        IERC20 token_,
        IEpochClock clock_,
        IEmissionController controller_,
        ISubnetRegistry registry_,
        IRecyclingPool recyclingPool_,
        address treasury_,
        address admin,
        uint256 claimWindow_
    ) {
        token = token_;
        clock = clock_;
        controller = controller_;
        registry = registry_;
        recyclingPool = recyclingPool_;
        treasury = treasury_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        _setClaimWindow(claimWindow_);
    }

    /// @inheritdoc IRewardDistributor
    function epochReward(uint256 epoch) external view returns (EpochReward memory) {
        return _rewards[epoch];
    }

    /// @inheritdoc IRewardDistributor
    function isClaimed(uint256 epoch, address account) external view returns (bool) {
        return _claimed[epoch][account];
    }

    /// @notice The utility the on-chain reports of `epoch` give (what `distribute` must be called with).
    function expectedUtility(uint256 epoch) public view returns (uint256) {
        (uint256 tasks, uint256 difficulty, uint256 participation) = registry.epochMetrics(epoch);
        return controller.utilityOf(tasks, difficulty, participation);
    }

    /**
     * @notice Distributes a finished epoch: funds it through the emission controller, sends the DAO share
     * to the treasury and records the Merkle root of miners' and validators' rewards.
     * @param utility must equal expectedUtility(epoch)
     * @param miners must equal the policy's miner part of the fundable emission (likewise validators, dao)
     * @param root StandardMerkleTree root of (account, amount) summing to miners + validators
     */
    function distribute(
        uint256 epoch,
        uint256 utility,
        uint256 miners,
        uint256 validators,
        uint256 dao,
        bytes32 root
    ) external onlyRole(DISTRIBUTOR_ROLE) {
        uint256 current = clock.currentEpoch();
        if (current <= epoch) revert EpochNotEnded(epoch, current);
        EpochReward storage reward = _rewards[epoch];
        if (reward.distributed) revert EpochAlreadyDistributed(epoch);
        uint256 expected = expectedUtility(epoch);
        if (utility != expected) revert UtilityMismatch(epoch, expected, utility);
        (, , uint256 emission) = controller.fundingFor(epoch, utility);
        (uint256 m, uint256 v, uint256 d) = controller.splitOf(emission);
        if (miners != m || validators != v || dao != d) revert TotalsMismatch(m, v, d);
        if (root == bytes32(0) && m + v != 0) revert EmptyRoot();

        reward.root = root;
        reward.funded = m + v;
        reward.claimDeadline = current + claimWindow;
        reward.distributed = true;
        emit EpochDistributed(epoch, utility, emission, m, v, d, root);

        controller.fundEpoch(epoch, utility, address(this));
        if (d != 0) token.safeTransfer(treasury, d);
    }

    /// @notice Pays `account` its `amount` of `epoch` given a Merkle proof; anyone may submit it.
    function claim(uint256 epoch, address account, uint256 amount, bytes32[] calldata proof) external {
        _claim(epoch, account, amount, proof);
    }

    /// @notice Several claims in one transaction (e.g. every claimable epoch of one account).
    function claimMany(Claim[] calldata claims) external {
        if (claims.length == 0) revert EmptyBatch();
        for (uint256 i = 0; i < claims.length; ++i) {
            _claim(claims[i].epoch, claims[i].account, claims[i].amount, claims[i].proof);
        }
    }

    /// @notice Moves what is unclaimed of `epoch` to the recycling pool once its claim window closed.
    function sweep(uint256 epoch) external {
        EpochReward storage reward = _rewards[epoch];
        if (!reward.distributed) revert EpochNotDistributed(epoch);
        if (clock.currentEpoch() <= reward.claimDeadline) revert ClaimWindowOpen(epoch, reward.claimDeadline);
        if (reward.swept) revert AlreadySwept(epoch);
        uint256 amount = reward.funded - reward.claimed;
        reward.swept = true;
        emit Swept(epoch, amount);
        if (amount != 0) {
            token.forceApprove(address(recyclingPool), amount);
            recyclingPool.deposit(amount, PoolSource.ExpiredRewards);
        }
    }

    /// @notice Sets the claim window (1..MAX_CLAIM_WINDOW epochs) for epochs distributed from now on.
    function setClaimWindow(uint256 epochs) external onlyRole(GOVERNOR_ROLE) {
        _setClaimWindow(epochs);
    }

    function _claim(uint256 epoch, address account, uint256 amount, bytes32[] calldata proof) private {
        EpochReward storage reward = _rewards[epoch];
        if (!reward.distributed) revert EpochNotDistributed(epoch);
        if (clock.currentEpoch() > reward.claimDeadline) revert ClaimWindowClosed(epoch, reward.claimDeadline);
        if (_claimed[epoch][account]) revert AlreadyClaimed(epoch, account);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
        if (!MerkleProof.verifyCalldata(proof, reward.root, leaf)) revert InvalidProof(epoch, account, amount);
        uint256 total = reward.claimed + amount;
        if (total > reward.funded) revert ClaimExceedsFunding(epoch, total, reward.funded);
        _claimed[epoch][account] = true;
        reward.claimed = total;
        emit Claimed(epoch, account, amount);
        token.safeTransfer(account, amount);
    }

    function _setClaimWindow(uint256 epochs) private {
        if (epochs == 0 || epochs > MAX_CLAIM_WINDOW) revert InvalidClaimWindow(epochs, MAX_CLAIM_WINDOW);
        emit ClaimWindowChanged(claimWindow, epochs);
        claimWindow = epochs;
    }
}
