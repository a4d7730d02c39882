// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title TokenomicsMath
 * @notice The fixed-point (1e18 = 1.0) formulas of ModernTensor's emission policy. The SDK
 * (`sdk/tokenomics`) implements the same integer arithmetic, so both agree to the wei.
 * Every division floors; the order of operations below is part of the specification.
 */
library TokenomicsMath {
    /// @dev 1.0 in 18-decimal fixed point.
    uint256 internal constant WAD = 1e18;
    /// @dev After 256 halvings any reward is zero; also avoids an over-wide shift.
    uint256 internal constant MAX_HALVINGS = 256;

    /// @notice min(tasks / maxTasks, 1) in WAD.
    function taskRatio(uint256 tasks, uint256 maxTasks) internal pure returns (uint256) {
        return tasks >= maxTasks ? WAD : (tasks * WAD) / maxTasks;
    }

    /**
     * @notice U = min(1, (wTask·taskRatio + wDifficulty·difficulty + wParticipation·participation) / 1e18).
     * One division at the end keeps the worked example exact (0.79 for 8000/10000, 0.7, 0.9).
     */
    function utility(
        uint256 ratio,
        uint256 difficulty,
        uint256 participation,
        uint256 wTask,
        uint256 wDifficulty,
        uint256 wParticipation
    ) internal pure returns (uint256) {
        uint256 u = (wTask * ratio + wDifficulty * difficulty + wParticipation * participation) / WAD;
        return u > WAD ? WAD : u;
    }

    /// @notice Epoch quota after halvings: baseReward >> ⌊epoch / halvingInterval⌋.
    function fullEmission(uint256 epoch, uint256 baseReward, uint256 halvingInterval) internal pure returns (uint256) {
        uint256 halvings = epoch / halvingInterval;
        return halvings >= MAX_HALVINGS ? 0 : baseReward >> halvings;
    }

    /// @notice E = (baseReward · U / 1e18) >> ⌊epoch / halvingInterval⌋.
    function allowedEmission(
        uint256 epoch,
        uint256 utilityWad,
        uint256 baseReward,
        uint256 halvingInterval
    ) internal pure returns (uint256) {
        uint256 halvings = epoch / halvingInterval;
        return halvings >= MAX_HALVINGS ? 0 : ((baseReward * utilityWad) / WAD) >> halvings;
    }

    /**
     * @notice Funds `allowed` from the recycling pool first, then by minting, never past the cap.
     * @return fromPool taken from the recycling pool
     * @return minted newly minted
     */
    function fund(
        uint256 allowed,
        uint256 poolBalance,
        uint256 totalSupply,
        uint256 cap
    ) internal pure returns (uint256 fromPool, uint256 minted) {
        fromPool = poolBalance < allowed ? poolBalance : allowed;
        uint256 rest = allowed - fromPool;
        uint256 room = cap > totalSupply ? cap - totalSupply : 0;
        minted = rest < room ? rest : room;
    }

    /**
     * @notice Splits an emission into the miner, validator and DAO parts.
     * Dust rule: miners and validators get the floor of their share; the DAO takes the rest,
     * so the three parts always sum to `emission` exactly.
     */
    function split(
        uint256 emission,
        uint256 minerShare,
        uint256 validatorShare
    ) internal pure returns (uint256 miners, uint256 validators, uint256 dao) {
        miners = (emission * minerShare) / WAD;
        validators = (emission * validatorShare) / WAD;
        dao = emission - miners - validators;
    }

    /// @notice `amount · fraction / 1e18`, the part of an amount a WAD fraction stands for.
    function mulWad(uint256 amount, uint256 fraction) internal pure returns (uint256) {
        return (amount * fraction) / WAD;
    }
}
