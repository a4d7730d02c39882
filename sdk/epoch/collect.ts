/**
 * Step 1 of an epoch: what the chain says happened in it — the validators' task reports (with the
 * counted, capped task numbers) and weight vectors (from SubnetRegistry events; the latest submission
 * or the reveal per validator counts), the active set with its stakes (StakingManager.activeValidatorsAt),
 * and who held each active validator's pool shares when the epoch began (from Staked/Unstaked events
 * before its first block: the same state the active set was computed from). Everything is read at one
 * block so it is consistent; every validator that runs this gets the same inputs.
 */
import { read } from "../client/call";
import { getEvents } from "../client/actions/events/getEvents";
import type { Client } from "../client/types";
import type { ShareHolder } from "../tokenomics/delegation";
import type { TaskReport, ValidatorWeights } from "../tokenomics/types";

/** The on-chain inputs of one epoch. */
export interface EpochInputs {
  epoch: bigint;
  /** Block all reads were made at. */
  blockTag: number;
  /** One task report per reporting validator. */
  reports: TaskReport[];
  /** Latest weight vector of each validator that submitted (or revealed) one, with its active-set stake. */
  weights: ValidatorWeights[];
  /** Σ active-set stake of the validators in `weights`. */
  weightStake: bigint;
  /** Σ stake of the active set. */
  activeStake: bigint;
  /**
   * The epoch's active set and stakes (validators are paid by these), with the holders of each
   * validator's pool shares at the epoch's start (absent when that start block is no longer known) and
   * its operator's commission for the epoch (StakingManager.commissionAt).
   */
  activeSet: { validator: string; stake: bigint; commission: bigint; holders?: ShareHolder[] }[];
}

// The epoch's first block, or null when the clock no longer knows it (before a length change).
async function startBlockOf(client: Client, epoch: bigint, blockTag: number): Promise<number | null> {
  try {
    return Number(await client.contracts.clock.epochStartBlock(epoch, { blockTag }));
  } catch {
    return null;
  }
}

/**
 * Pool shares per validator and account after every block before `beforeBlock`, summed from the
 * Staked (+shares) and Unstaked (−shares) events. Slashes change a pool's stake, not its shares.
 */
async function shareHoldersBefore(client: Client, beforeBlock: number): Promise<Map<string, Map<string, bigint>>> {
  const { staking } = client.contracts;
  const fromBlock = client.deployment.deployBlock;
  const toBlock = beforeBlock - 1;
  const pools = new Map<string, Map<string, bigint>>();
  if (toBlock < fromBlock) return pools;
  const [staked, unstaked] = await Promise.all([
    getEvents(client, { label: "StakingManager.Staked", query: (f, t) => staking.queryFilter(staking.filters.Staked(), f, t), fromBlock, toBlock }),
    getEvents(client, { label: "StakingManager.Unstaked", query: (f, t) => staking.queryFilter(staking.filters.Unstaked(), f, t), fromBlock, toBlock }),
  ]);
  const add = (validator: string, account: string, delta: bigint): void => {
    const pool = pools.get(validator.toLowerCase()) ?? new Map<string, bigint>();
    pool.set(account, (pool.get(account) ?? 0n) + delta);
    pools.set(validator.toLowerCase(), pool);
  };
  for (const log of staked) add(log.args.validator, log.args.account, log.args.shares);
  for (const log of unstaked) add(log.args.validator, log.args.account, -log.args.shares);
  return pools;
}

/** Collects the epoch's reports, weights and active set at block `blockTag`. */
export async function collectEpochInputs(client: Client, epoch: bigint, blockTag: number): Promise<EpochInputs> {
  const { registry, staking } = client.contracts;
  const startBlock = await startBlockOf(client, epoch, blockTag);
  // Events of epoch N lie in its own blocks; without a known start, scan from the deployment.
  const fromBlock = Math.max(client.deployment.deployBlock, startBlock ?? 0);
  const [weightLogs, reportLogs, active, pools] = await Promise.all([
    getEvents(client, {
      label: "SubnetRegistry.WeightsSubmitted",
      query: (f, t) => registry.queryFilter(registry.filters.WeightsSubmitted(epoch), f, t),
      fromBlock,
      toBlock: blockTag,
    }),
    getEvents(client, {
      label: "SubnetRegistry.TaskReportSubmitted",
      query: (f, t) => registry.queryFilter(registry.filters.TaskReportSubmitted(epoch), f, t),
      fromBlock,
      toBlock: blockTag,
    }),
    read(client, "StakingManager.activeValidatorsAt", () => staking.activeValidatorsAt(epoch, { blockTag })),
    startBlock === null ? Promise.resolve(null) : shareHoldersBefore(client, startBlock),
  ]);

  const commissions = await Promise.all(
    active.validators.map((validator) => read(client, "StakingManager.commissionAt", () => staking.commissionAt(validator, epoch, { blockTag }))),
  );
  const activeSet = active.validators.map((validator, i) => {
    const pool = pools?.get(validator.toLowerCase());
    const entry = { validator, stake: active.stakes[i], commission: commissions[i] };
    if (pool === undefined) return entry;
    const holders = [...pool.entries()].filter(([, shares]) => shares > 0n).map(([account, shares]) => ({ account, shares }));
    return { ...entry, holders };
  });
  const stakeOf = new Map(activeSet.map((v) => [v.validator.toLowerCase(), v.stake] as const));

  // Logs come in chain order, so the last vector seen per validator is its latest submission.
  const latest = new Map<string, ValidatorWeights>();
  for (const log of weightLogs) {
    const validator = log.args.validator;
    const stake = stakeOf.get(validator.toLowerCase());
    if (stake === undefined) continue; // only active validators can submit; defensive
    const weights = log.args.miners.map((miner, i) => ({ miner, weight: log.args.weights[i] }));
    latest.set(validator.toLowerCase(), { validator, stake, weights });
  }
  // countedTasks is already capped by the registry's taskCap in force when the report was made.
  const reports = reportLogs.map((log) => ({ taskCount: log.args.countedTasks, difficulty: log.args.difficulty, stake: log.args.stake }));
  const weights = [...latest.values()];
  const weightStake = weights.reduce((sum, w) => sum + w.stake, 0n);
  const activeStake = activeSet.reduce((sum, v) => sum + v.stake, 0n);
  return { epoch, blockTag, reports, weights, weightStake, activeStake, activeSet };
}
