/**
 * Steps 2–3 of an epoch: score miners, compute utility, emission, funding and split with the SDK's
 * math, cross-check each figure against the contract's own view at the same block, and build the
 * reward tree. A disagreement is CHAIN_MISMATCH: the runner never submits the contract's numbers in
 * place of its own, because a silent disagreement would hide a bug on one side.
 */
import { read } from "../client/call";
import { clientError } from "../client/errors";
import type { Client } from "../client/types";
import { buildRewardTree, type RewardTree } from "../rewards";
import { epochMetrics, planEpochEmission, scoreMiners, type EpochEmissionPlan } from "../tokenomics";
import type { EmissionPolicy, EpochMetrics, MinerScore } from "../tokenomics/types";
import type { EpochInputs } from "./collect";

/** The computed distribution of one epoch. */
export interface EpochComputation {
  epoch: bigint;
  metrics: EpochMetrics;
  plan: EpochEmissionPlan;
  scores: readonly MinerScore[];
  tree: RewardTree;
}

/** The emission policy as the EmissionController holds it at `blockTag`, plus the token's cap. */
export async function readPolicy(client: Client, blockTag: number): Promise<EmissionPolicy> {
  const { controller, token } = client.contracts;
  const [p, cap] = await Promise.all([
    read(client, "EmissionController.policy", () => controller.policy({ blockTag })),
    read(client, "MDTToken.cap", () => token.cap({ blockTag })),
  ]);
  return {
    baseReward: p.baseReward,
    halvingInterval: p.halvingInterval,
    maxTasks: p.maxTasks,
    weights: { task: p.taskWeight, difficulty: p.difficultyWeight, participation: p.participationWeight },
    shares: { miner: p.minerShare, validator: p.validatorShare, dao: p.daoShare },
    supplyCap: cap,
  };
}

function expectEqual(epoch: bigint, what: string, sdk: bigint, chain: bigint): void {
  if (sdk !== chain) {
    throw clientError("CHAIN_MISMATCH", `epoch ${epoch}: the SDK computes ${what} = ${sdk} but the contract says ${chain}; refusing to distribute`, { epoch, what, sdk, chain });
  }
}

/**
 * Off-chain parameters of the reward split. Every validator must use the same values, or their trees
 * (and roots) differ and no root reaches 2/3 of the stake; operators' commissions come from the chain.
 */
export interface ComputeOptions {
  /** κ of miner scoring (WAD); default 0.5. */
  kappa?: bigint;
}

/** The pools of an epoch that was already accepted on-chain (from its EpochDistributed event). */
export interface AcceptedTotals {
  utility: bigint;
  emission: bigint;
  miners: bigint;
  validators: bigint;
  dao: bigint;
}

/**
 * Computes and cross-checks the epoch's distribution from its inputs. For an epoch not yet accepted,
 * the emission follows from the chain's state at `inputs.blockTag` and every figure is checked against
 * the contracts' views; for an accepted one, pass its `accepted` totals (funding already happened).
 */
export async function computeEpoch(
  client: Client,
  inputs: EpochInputs,
  options: ComputeOptions = {},
  accepted?: AcceptedTotals,
): Promise<EpochComputation> {
  const { kappa } = options;
  const { epoch, blockTag } = inputs;
  const { controller, distributor, recyclingPool, token } = client.contracts;
  const policy = await readPolicy(client, blockTag);
  const metrics = epochMetrics({ reports: inputs.reports, weightStake: inputs.weightStake, activeStake: inputs.activeStake });
  const [poolBalance, totalSupply] = await Promise.all([
    read(client, "RecyclingPool.balance", () => recyclingPool.balance({ blockTag })),
    read(client, "MDTToken.totalSupply", () => token.totalSupply({ blockTag })),
  ]);
  const plan = planEpochEmission({ epoch, metrics, recyclingPool: poolBalance, totalSupply, policy });

  const chainUtility = await read(client, "RewardDistributor.expectedUtility", () => distributor.expectedUtility(epoch, { blockTag }));
  expectEqual(epoch, "utility", plan.utility, chainUtility);
  let split = plan.split;
  if (accepted === undefined) {
    const [allowed, funding, chainSplit] = await Promise.all([
      read(client, "EmissionController.allowedEmission", () => controller.allowedEmission(epoch, plan.utility, { blockTag })),
      read(client, "EmissionController.fundingFor", () => controller.fundingFor(epoch, plan.utility, { blockTag })),
      read(client, "EmissionController.splitOf", () => controller.splitOf(plan.emission, { blockTag })),
    ]);
    expectEqual(epoch, "allowed emission", plan.allowed, allowed);
    expectEqual(epoch, "emission from the recycling pool", plan.fromPool, funding.fromPool);
    expectEqual(epoch, "minted emission", plan.minted, funding.minted);
    expectEqual(epoch, "emission", plan.emission, funding.emission);
    expectEqual(epoch, "miners' share", plan.split.miners, chainSplit.miners);
    expectEqual(epoch, "validators' share", plan.split.validators, chainSplit.validators);
    expectEqual(epoch, "DAO share", plan.split.dao, chainSplit.dao);
  } else {
    // Funded at acceptance: the pools are the event's; the utility must still be the one recomputed here.
    expectEqual(epoch, "accepted utility", plan.utility, accepted.utility);
    split = { miners: accepted.miners, validators: accepted.validators, dao: accepted.dao };
  }

  const scores = inputs.weights.length === 0 ? [] : scoreMiners(inputs.weights, kappa === undefined ? {} : { kappa }).scores;
  const tree = buildRewardTree({
    epoch,
    minersTotal: split.miners,
    validatorsTotal: split.validators,
    miners: scores,
    validators: inputs.activeSet,
  });
  return { epoch, metrics, plan: { ...plan, split }, scores, tree };
}
