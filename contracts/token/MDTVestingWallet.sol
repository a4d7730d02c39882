// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {VestingWallet} from "@openzeppelin/contracts/finance/VestingWallet.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/**
 * @title MDTVestingWallet
 * @notice OpenZeppelin's linear `VestingWallet` for a genesis allocation, plus one thing MDT needs: the
 * beneficiary (the owner) can delegate the votes of the MDT still locked here, so vesting holders take
 * part in governance before their tokens are released.
 */
contract MDTVestingWallet is VestingWallet {
    /// @param beneficiary receives the vested MDT and owns the wallet
    /// @param startTimestamp unix time vesting starts
    /// @param durationSeconds seconds until everything is vested
    constructor(address beneficiary, uint64 startTimestamp, uint64 durationSeconds)
        VestingWallet(beneficiary, startTimestamp, durationSeconds)
    {}

    /// @notice Delegates the votes of `token` (MDT) held here to `delegatee`. Owner only.
    function delegateVotes(IVotes token, address delegatee) external onlyOwner {
        token.delegate(delegatee);
    }
}
