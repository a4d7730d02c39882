/**
 * The TypeChain factories the SDK uses, imported file by file: the generated index pulls in every
 * OpenZeppelin factory too, which costs the CLI about half a second of start-up per command.
 */
export { BurnPool__factory } from "../../typechain-types/factories/contracts/pools/BurnPool__factory";
export { RecyclingPool__factory } from "../../typechain-types/factories/contracts/pools/RecyclingPool__factory";
export { DAOTreasury__factory } from "../../typechain-types/factories/contracts/governance/DAOTreasury__factory";
export { MDTGovernor__factory } from "../../typechain-types/factories/contracts/governance/MDTGovernor__factory";
export { EmissionController__factory } from "../../typechain-types/factories/contracts/emission/EmissionController__factory";
export { EpochClock__factory } from "../../typechain-types/factories/contracts/clock/EpochClock__factory";
export { MDTToken__factory } from "../../typechain-types/factories/contracts/token/MDTToken__factory";
export { RewardDistributor__factory } from "../../typechain-types/factories/contracts/rewards/RewardDistributor__factory";
export { StakingManager__factory } from "../../typechain-types/factories/contracts/staking/StakingManager__factory";
export { SubnetRegistry__factory } from "../../typechain-types/factories/contracts/subnet/SubnetRegistry__factory";
