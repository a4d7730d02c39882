/**
 * Step 1 of an epoch: what the chain says happened in it — the validators' task reports and weight
 * vectors (from SubnetRegistry events; the latest weights per validator count) and the active set with
 * its stakes (StakingManager.activeValidatorsAt). Everything is read at one block so it is consistent.
 */
import { read } from "../client/call";
import { getEvents } from "../client/actions/events/getEvents";
import type { Client } from "../client/types";
import type { TaskReport, ValidatorWeights } from "../tokenomics/types";

/** The on-chain inputs of one epoch. */
export interface EpochInputs {
  epoch: bigint;
  /** Block all reads were made at. */
  blockTag: number;
  /** One task report per reporting validator. */
  reports: TaskReport[];
  /** Latest weight vector of each validator that submitted one, with its active-set stake. */
  weights: ValidatorWeights[];
  /** The epoch's active set and stakes (validators are paid by these). */
  activeSet: { validator: string; stake: bigint }[];
}

// Events of epoch N lie in its own blocks; start there when the clock still knows the start block.
async function firstBlockOf(client: Client, epoch: bigint, blockTag: number): Promise<number> {
  try {
    const start = await client.contracts.clock.epochStartBlock(epoch, { blockTag });
    return Math.max(client.deployment.deployBlock, Number(start));
  } catch {
    return client.deployment.deployBlock; // before the latest epoch-length change: scan from deployment
  }
}

/** Collects the epoch's reports, weights and active set at block `blockTag`. */
export async function collectEpochInputs(client: Client, epoch: bigint, blockTag: number): Promise<EpochInputs> {
  const { registry, staking } = client.contracts;
  const fromBlock = await firstBlockOf(client, epoch, blockTag);
  const [weightLogs, reportLogs, active] = await Promise.all([
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
  ]);

  const activeSet = active.validators.map((validator, i) => ({ validator, stake: active.stakes[i] }));
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
  const reports = reportLogs.map((log) => ({ taskCount: log.args.taskCount, difficulty: log.args.difficulty }));
  return { epoch, blockTag, reports, weights: [...latest.values()], activeSet };
}
