// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {IEmissionController} from "../interfaces/IEmissionController.sol";
import {IEpochClock} from "../interfaces/IEpochClock.sol";
import {ISubnetRegistry} from "../interfaces/ISubnetRegistry.sol";
import {IStakingManager} from "../interfaces/IStakingManager.sol";
import {IRecyclingPool, PoolSource} from "../interfaces/IPools.sol";

/**
 * @title RewardDistributor
 * @notice Pays each finished epoch once, on the word of the validators. Every validator of the epoch's
 * active set computes the epoch's reward tree from on-chain data only (task reports, revealed weights,
 * stakes, delegations, commissions) and attests (root, totals). The contract checks the totals against
 * the emission policy and the epoch's on-chain reports, tallies the attesters' active-set stake per
 * (root, totals), and funds the epoch and opens its claims once validators holding more than 2/3 of the
 * epoch's active stake agree. A root backed by less — one hot key, or any minority — is never funded.
 * An attestation that conflicts with the accepted one is recorded as evidence.
 *
 * Claims follow Uniswap's MerkleDistributor: leaf = keccak256(abi.encodePacked(uint256 index, address
 * account, uint256 amount)) (84 bytes, so never mistaken for a 64-byte inner node), one bit per leaf
 * index, 255 leaves per storage word. Bit 255 of a word marks it as prepared: `prepareClaims` (the
 * runner calls it once an epoch is accepted; anyone may) pays the zero-to-nonzero write of each word
 * up front, so a claim only flips a bit in a live word. The claim window is fixed in blocks when the
 * epoch is accepted (the block where epoch `claimDeadline + 1` starts under the epoch length then in
 * force), so a claim reads no clock. What is unclaimed after the window is swept to the recycling pool.
 */
contract RewardDistributor is AccessControl, IRewardDistributor {
    using SafeERC20 for IERC20;

    /// @notice May change the claim window.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice Upper bound for the claim window, in epochs.
    uint256 public constant MAX_CLAIM_WINDOW = 1_000_000;
    /// @notice Leaves per claimed-bitmap word (bit 255 marks a prepared word).
    uint256 public constant LEAVES_PER_WORD = 255;
    /// @notice Words one prepareClaims call may prepare at most.
    uint256 public constant MAX_PREPARE_WORDS = 512;
    uint256 private constant _PREPARED = 1 << 255;

    // Two slots: the root, then everything a claim touches.
    struct Record {
        bytes32 root;
        uint96 funded;
        uint96 claimed;
        uint48 closesAtBlock;
        bool distributed;
        bool swept;
    }

    struct Totals {
        uint256 utility;
        uint256 emission;
        uint256 miners;
        uint256 validators;
        uint256 dao;
    }

    /// @notice The MDT token.
    IERC20 public immutable token;
    /// @notice The epoch clock.
    IEpochClock public immutable clock;
    /// @notice Funds epochs (recycle first, then mint).
    IEmissionController public immutable controller;
    /// @notice Source of each epoch's task reports and participation.
    ISubnetRegistry public immutable registry;
    /// @notice The validator set whose stake attests.
    IStakingManager public immutable staking;
    /// @notice Receives swept rewards.
    IRecyclingPool public immutable recyclingPool;
    /// @notice Receives the DAO share (the TimelockController).
    address public immutable treasury;

    /// @notice Epochs after a distribution during which claims are accepted.
    uint256 public claimWindow;

    mapping(uint256 epoch => Record) private _records;
    mapping(uint256 epoch => uint256) private _claimDeadline;
    mapping(uint256 epoch => mapping(uint256 word => uint256 bits)) private _claimedBits;
    mapping(uint256 epoch => mapping(address validator => bytes32 digest)) private _attestations;
    mapping(uint256 epoch => mapping(bytes32 digest => uint256 stake)) private _tally;
    mapping(uint256 epoch => bytes32 digest) private _accepted;
    mapping(uint256 epoch => mapping(address validator => bytes32 digest)) private _conflicts;

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
        staking = registry_.staking();
        recyclingPool = recyclingPool_;
        treasury = treasury_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        _setClaimWindow(claimWindow_);
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @inheritdoc IRewardDistributor
    function epochReward(uint256 epoch) external view returns (EpochReward memory) {
        Record storage r = _records[epoch];
        return EpochReward(r.root, r.funded, r.claimed, _claimDeadline[epoch], r.distributed, r.swept);
    }

    /// @inheritdoc IRewardDistributor
    function isClaimed(uint256 epoch, uint256 index) external view returns (bool) {
        return _claimedBits[epoch][index / LEAVES_PER_WORD] & (1 << (index % LEAVES_PER_WORD)) != 0;
    }

    /// @notice The first block in which claims of `epoch` are refused (0 while it is not distributed).
    function claimsCloseAtBlock(uint256 epoch) external view returns (uint256) {
        return _records[epoch].closesAtBlock;
    }

    /// @notice The utility the on-chain reports of `epoch` give.
    function expectedUtility(uint256 epoch) public view returns (uint256) {
        (uint256 tasks, uint256 difficulty, uint256 participation) = registry.epochMetrics(epoch);
        return controller.utilityOf(tasks, difficulty, participation);
    }

    /// @notice What an attestation of `epoch` must carry now: the policy's split of the fundable emission.
    function expectedTotals(uint256 epoch)
        public
        view
        returns (uint256 utility, uint256 emission, uint256 miners, uint256 validators, uint256 dao)
    {
        utility = expectedUtility(epoch);
        (, , emission) = controller.fundingFor(epoch, utility);
        (miners, validators, dao) = controller.splitOf(emission);
    }

    /// @notice The digest an attestation is tallied under: keccak256(abi.encode(epoch, root, miners, validators, dao)).
    function attestationDigest(uint256 epoch, bytes32 root, uint256 miners, uint256 validators, uint256 dao)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(epoch, root, miners, validators, dao));
    }

    /// @notice The digest `validator` attested for `epoch` (zero if none).
    function attestationOf(uint256 epoch, address validator) external view returns (bytes32) {
        return _attestations[epoch][validator];
    }

    /// @notice Active-set stake of `epoch` that attested `digest`.
    function attestedStake(uint256 epoch, bytes32 digest) external view returns (uint256) {
        return _tally[epoch][digest];
    }

    /// @notice The digest accepted for `epoch` (zero while none has > 2/3 of the stake).
    function acceptedDigest(uint256 epoch) external view returns (bytes32) {
        return _accepted[epoch];
    }

    /// @notice The conflicting digest recorded as evidence against `validator` for `epoch` (zero if none).
    function conflictOf(uint256 epoch, address validator) external view returns (bytes32) {
        return _conflicts[epoch][validator];
    }

    // ──────────────────────────── mutators ────────────────────────────

    /**
     * @notice Attests the caller's reward tree of `epoch`. The caller must hold stake in the epoch's
     * active set; the epoch's inputs must be final (it ended, and so did its reveal window). Before the
     * epoch is accepted the totals must equal expectedTotals and a validator may change its attestation;
     * the attestation that takes one digest above 2/3 of the epoch's active stake funds the epoch. After
     * that, an attestation of another digest is recorded as evidence.
     * @param root root of the reward tree (leaves over miners + validators) summing to miners + validators
     */
    function attest(uint256 epoch, uint256 miners, uint256 validators, uint256 dao, bytes32 root) external {
        (uint256 stake, uint256 total) = _attesterStake(epoch);
        bytes32 digest = attestationDigest(epoch, root, miners, validators, dao);
        bytes32 previous = _attestations[epoch][msg.sender];
        if (previous == digest) revert AlreadyAttested(epoch, msg.sender);
        _attestations[epoch][msg.sender] = digest;

        if (_records[epoch].distributed) return _attestLate(epoch, digest, root, stake);
        Totals memory t = _checkTotals(epoch, miners, validators, dao, root);
        if (previous != bytes32(0)) _tally[epoch][previous] -= stake;
        uint256 tally = _tally[epoch][digest] + stake;
        _tally[epoch][digest] = tally;
        emit Attested(epoch, msg.sender, digest, root, stake, tally);
        if (tally * 3 > total * 2) _accept(epoch, digest, root, t);
    }

    /// @notice Records as evidence that `validator` attested something else than the accepted digest of `epoch`.
    function flagConflict(uint256 epoch, address validator) external {
        bytes32 digest = _attestations[epoch][validator];
        bytes32 accepted = _accepted[epoch];
        if (accepted == bytes32(0) || digest == bytes32(0) || digest == accepted || _conflicts[epoch][validator] != 0) {
            revert NoConflict(epoch, validator);
        }
        _recordConflict(epoch, validator, digest);
    }

    /**
     * @notice Prepares the claimed-bitmap words `fromWord`..`fromWord + count - 1` of an accepted epoch
     * (leaves 255·w .. 255·w + 254), so each claim flips a bit in a live word instead of paying for a new
     * storage slot. Anyone may call it; words already prepared or claimed in are skipped.
     */
    function prepareClaims(uint256 epoch, uint256 fromWord, uint256 count) external {
        if (!_records[epoch].distributed) revert EpochNotDistributed(epoch);
        if (count == 0 || count > MAX_PREPARE_WORDS) revert InvalidWordCount(count, MAX_PREPARE_WORDS);
        mapping(uint256 word => uint256 bits) storage bits = _claimedBits[epoch];
        for (uint256 w = fromWord; w < fromWord + count; ++w) {
            if (bits[w] == 0) bits[w] = _PREPARED;
        }
        emit ClaimsPrepared(epoch, fromWord, count);
    }

    /// @notice Pays leaf `index` of `epoch` (`account`, `amount`) given its Merkle proof; anyone may submit it.
    function claim(uint256 epoch, uint256 index, address account, uint256 amount, bytes32[] calldata proof) external {
        _claim(epoch, index, account, amount, proof);
    }

    /// @notice Several claims in one transaction (e.g. every claimable epoch of one account).
    function claimMany(Claim[] calldata claims) external {
        if (claims.length == 0) revert EmptyBatch();
        for (uint256 i = 0; i < claims.length; ++i) {
            Claim calldata c = claims[i];
            _claim(c.epoch, c.index, c.account, c.amount, c.proof);
        }
    }

    /// @notice Moves what is unclaimed of `epoch` to the recycling pool once its claim window closed.
    function sweep(uint256 epoch) external {
        Record storage r = _records[epoch];
        if (!r.distributed) revert EpochNotDistributed(epoch);
        if (block.number < r.closesAtBlock) revert ClaimWindowOpen(epoch, _claimDeadline[epoch]);
        if (r.swept) revert AlreadySwept(epoch);
        uint256 amount = r.funded - r.claimed;
        r.swept = true;
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

    // ──────────────────────────── internals ────────────────────────────

    // The caller's stake in the active set of `epoch` and the set's total; the epoch's inputs must be final.
    function _attesterStake(uint256 epoch) private returns (uint256 stake, uint256 total) {
        uint256 current = clock.currentEpoch();
        uint256 finalAfter = registry.inputsFinalAfter(epoch);
        if (current <= finalAfter) revert EpochNotFinal(epoch, finalAfter, current);
        staking.checkpoint();
        (stake, total) = staking.activeStakeAt(msg.sender, epoch);
        if (stake == 0) revert NotActiveValidator(msg.sender, epoch);
    }

    function _checkTotals(uint256 epoch, uint256 miners, uint256 validators, uint256 dao, bytes32 root)
        private
        view
        returns (Totals memory t)
    {
        (t.utility, t.emission, t.miners, t.validators, t.dao) = expectedTotals(epoch);
        if (miners != t.miners || validators != t.validators || dao != t.dao) {
            revert TotalsMismatch(t.miners, t.validators, t.dao);
        }
        if (root == bytes32(0) && t.miners + t.validators != 0) revert EmptyRoot();
    }

    function _accept(uint256 epoch, bytes32 digest, bytes32 root, Totals memory t) private {
        Record storage r = _records[epoch];
        r.root = root;
        r.funded = SafeCast.toUint96(t.miners + t.validators);
        uint256 deadline = clock.currentEpoch() + claimWindow;
        _claimDeadline[epoch] = deadline;
        r.closesAtBlock = SafeCast.toUint48(clock.epochStartBlock(deadline + 1));
        r.distributed = true;
        _accepted[epoch] = digest;
        emit EpochDistributed(epoch, t.utility, t.emission, t.miners, t.validators, t.dao, root);
        controller.fundEpoch(epoch, t.utility, address(this));
        if (t.dao != 0) token.safeTransfer(treasury, t.dao);
    }

    // After acceptance: counted for the record, and evidence when it differs from the accepted digest.
    function _attestLate(uint256 epoch, bytes32 digest, bytes32 root, uint256 stake) private {
        emit Attested(epoch, msg.sender, digest, root, stake, _tally[epoch][digest]);
        _recordConflict(epoch, msg.sender, digest);
    }

    function _recordConflict(uint256 epoch, address validator, bytes32 digest) private {
        bytes32 accepted = _accepted[epoch];
        if (digest == accepted) return;
        _conflicts[epoch][validator] = digest;
        emit ConflictingAttestation(epoch, validator, digest, accepted);
    }

    function _claim(uint256 epoch, uint256 index, address account, uint256 amount, bytes32[] calldata proof) private {
        Record storage r = _records[epoch];
        if (!r.distributed) revert EpochNotDistributed(epoch);
        if (block.number >= r.closesAtBlock) revert ClaimWindowClosed(epoch, _claimDeadline[epoch]);
        uint256 word = index / LEAVES_PER_WORD;
        uint256 bit = 1 << (index % LEAVES_PER_WORD);
        uint256 bits = _claimedBits[epoch][word];
        if (bits & bit != 0) revert AlreadyClaimed(epoch, index);
        bytes32 leaf = keccak256(abi.encodePacked(index, account, amount));
        if (!MerkleProof.verifyCalldata(proof, r.root, leaf)) revert InvalidProof(epoch, index, account, amount);
        uint256 total = r.claimed + amount;
        if (total > r.funded) revert ClaimExceedsFunding(epoch, total, r.funded);
        _claimedBits[epoch][word] = bits | bit | _PREPARED;
        r.claimed = uint96(total); // total <= funded, which fits in 96 bits
        emit Claimed(epoch, index, account, amount);
        token.safeTransfer(account, amount);
    }

    function _setClaimWindow(uint256 epochs) private {
        if (epochs == 0 || epochs > MAX_CLAIM_WINDOW) revert InvalidClaimWindow(epochs, MAX_CLAIM_WINDOW);
        emit ClaimWindowChanged(claimWindow, epochs);
        claimWindow = epochs;
    }
}
