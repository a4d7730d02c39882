/** Typed (TypeChain) handles on every suite contract, bound to the client's signer or provider. */
import type { ContractRunner } from "ethers";
import {
  BurnPool__factory,
  DAOTreasury__factory,
  EmissionController__factory,
  EpochClock__factory,
  MDTToken__factory,
  RecyclingPool__factory,
  RewardDistributor__factory,
  StakingManager__factory,
  SubnetRegistry__factory,
} from "./factories";
import type {
  BurnPool,
  DAOTreasury,
  EmissionController,
  EpochClock,
  MDTToken,
  RecyclingPool,
  RewardDistributor,
  StakingManager,
  SubnetRegistry,
} from "../../typechain-types";
import type { Deployment } from "./deployments";

/** The suite's contracts. */
export interface SuiteContracts {
  token: MDTToken;
  clock: EpochClock;
  burnPool: BurnPool;
  recyclingPool: RecyclingPool;
  staking: StakingManager;
  treasury: DAOTreasury;
  controller: EmissionController;
  registry: SubnetRegistry;
  distributor: RewardDistributor;
}

/** Binds every contract of `deployment` to `runner` (a signer to send, a provider to read). */
export function connectContracts(deployment: Deployment, runner: ContractRunner): SuiteContracts {
  const a = deployment.contracts;
  return {
    token: MDTToken__factory.connect(a.MDTToken, runner),
    clock: EpochClock__factory.connect(a.EpochClock, runner),
    burnPool: BurnPool__factory.connect(a.BurnPool, runner),
    recyclingPool: RecyclingPool__factory.connect(a.RecyclingPool, runner),
    staking: StakingManager__factory.connect(a.StakingManager, runner),
    treasury: DAOTreasury__factory.connect(a.DAOTreasury, runner),
    controller: EmissionController__factory.connect(a.EmissionController, runner),
    registry: SubnetRegistry__factory.connect(a.SubnetRegistry, runner),
    distributor: RewardDistributor__factory.connect(a.RewardDistributor, runner),
  };
}
