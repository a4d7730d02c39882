// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/**
 * @title DAOTreasury
 * @notice The DAO's treasury and the owner of every governance role: a TimelockController that holds
 * the DAO share of each epoch's emission and executes proposals the MDTGovernor passed, after a delay.
 */
contract DAOTreasury is TimelockController {
    /**
     * @param minDelay seconds between a proposal being queued and executable
     * @param proposers accounts (the governor) that may queue operations
     * @param executors accounts that may execute ready operations (address(0) = anyone)
     * @param admin optional bootstrap admin (address(0) for none)
     */
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
