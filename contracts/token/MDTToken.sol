// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/**
 * @title MDTToken
 * @notice ModernTensor's token: what miners earn, validators stake, the burn pool destroys and the DAO
 * votes with. Capped at 21,000,000 MDT; minted only by holders of MINTER_ROLE (the emission controller).
 */
contract MDTToken is ERC20, ERC20Burnable, ERC20Capped, ERC20Permit, ERC20Votes, AccessControl {
    /// @notice May mint new MDT, within the cap.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice The hard supply cap: 21 million MDT.
    uint256 public constant MAX_SUPPLY = 21_000_000 ether;

    /// @param admin receives DEFAULT_ADMIN_ROLE, which grants MINTER_ROLE (to the emission controller)
    constructor(address admin) ERC20("ModernTensor", "MDT") ERC20Capped(MAX_SUPPLY) ERC20Permit("ModernTensor") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /**
     * @notice Mints `amount` to `to`.
     * @dev Reverts with ERC20ExceededCap past the cap and AccessControlUnauthorizedAccount without the role.
     */
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    // All balance changes pass here: the cap check (ERC20Capped) and vote accounting (ERC20Votes).
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Capped, ERC20Votes) {
        super._update(from, to, value);
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
