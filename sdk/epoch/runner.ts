/**
 * The epoch runner (DESIGN.md §2). For each finished epoch not yet distributed:
 *   collect → compute (cross-checked) → persist tree → submit distribute → receipt → verify → mark done.
 * The tree is persisted before submitting, so whatever was submitted can always be claimed. Reruns are
 * safe at any point: an epoch found distributed with the root of a stored tree is only marked; one
 * distributed with a root no stored tree has is an error (ROOT_MISMATCH) — the contract refuses a
 * second distribution, so nothing is ever paid twice, and missed epochs are caught up in order.
 */
import { read, write } from "../client/call";
import { clientError, isClientError } from "../client/errors";
import { clientDataDir, findTree, readDone, saveTree, storedEpochs, writeDone } from "../client/rewardStore";
import type { Client } from "../client/types";
import { getPoolTotals } from "../client/actions/read/getPoolTotals";
import { getSupply } from "../client/actions/read/getSupply";
import type { RewardTree } from "../rewards";
import { collectEpochInputs } from "./collect";
import { computeEpoch, type ComputeOptions } from "./compute";
import { createJsonLineLogger, type Logger } from "./logger";
import { toFloat, utilityToFloat, type RunnerMetrics } from "./metrics";
import { readCursor, writeCursor } from "./store";
import type { EpochResult, RunEpochsOptions, RunEpochsResult, RunnerHooks, RunnerStep } from "./types";

interface Context {
  client: Client;
  dir: string;
  log: Logger;
  metrics: RunnerMetrics | null;
  hooks: RunnerHooks;
  scoring: ComputeOptions;
}

async function stepDone(ctx: Context, step: RunnerStep, epoch: bigint, fields: Record<string, unknown> = {}): Promise<void> {
  ctx.log({ level: "info", msg: `epoch ${epoch}: ${step} done`, step, epoch, ...fields });
  await ctx.hooks.afterStep?.(step, epoch);
}

/** Checks the on-chain record against the tree that was (or should have been) submitted. */
async function verify(ctx: Context, tree: RewardTree): Promise<void> {
  const { distributor } = ctx.client.contracts;
  const record = await read(ctx.client, "RewardDistributor.epochReward", () => distributor.epochReward(tree.epoch));
  const funded = tree.minersTotal + tree.validatorsTotal;
  if (!record.distributed || record.root.toLowerCase() !== tree.root.toLowerCase() || record.funded !== funded) {
    throw clientError("VERIFY_FAILED", `epoch ${tree.epoch}: on-chain record (distributed=${record.distributed}, root ${record.root}, funded ${record.funded}) does not match the tree (root ${tree.root}, funded ${funded})`, { epoch: tree.epoch, root: record.root, funded: record.funded });
  }
}

function mark(ctx: Context, tree: RewardTree, txHash: string | null): void {
  writeDone(ctx.dir, {
    epoch: tree.epoch.toString(),
    root: tree.root,
    txHash,
    funded: (tree.minersTotal + tree.validatorsTotal).toString(),
    markedAt: new Date().toISOString(),
  });
  ctx.metrics?.lastDistributedEpoch.set(Number(tree.epoch));
}

/** An epoch already distributed on-chain: mark it if a stored tree has its root, else fail loudly. */
async function adoptDistributed(ctx: Context, epoch: bigint, root: string): Promise<EpochResult> {
  const tree = findTree(ctx.dir, epoch, root);
  if (tree === null) {
    const local = storedEpochs(ctx.dir).includes(epoch);
    throw clientError("ROOT_MISMATCH", `epoch ${epoch} was distributed with root ${root}, ${local ? "which differs from every tree this runner stored" : "but this data directory has no tree for it"}; claims for it cannot be served from ${ctx.dir}`, { epoch, root, dir: ctx.dir });
  }
  await verify(ctx, tree);
  await stepDone(ctx, "verify", epoch, { root });
  mark(ctx, tree, null);
  await stepDone(ctx, "mark", epoch, { outcome: "marked" });
  return { epoch, outcome: "marked", root, emission: 0n, txHash: null };
}

async function distributeEpoch(ctx: Context, epoch: bigint): Promise<EpochResult> {
  const { client } = ctx;
  const { distributor } = client.contracts;
  const blockTag = await read(client, "eth_blockNumber", () => client.provider.getBlockNumber());
  const inputs = await collectEpochInputs(client, epoch, blockTag);
  await stepDone(ctx, "collect", epoch, { reports: inputs.reports.length, weightVectors: inputs.weights.length, activeValidators: inputs.activeSet.length });

  const computed = await computeEpoch(client, inputs, ctx.scoring);
  const { plan, tree } = computed;
  await stepDone(ctx, "compute", epoch, { utility: plan.utility, emission: plan.emission, miners: plan.split.miners, validators: plan.split.validators, dao: plan.split.dao, leaves: tree.leaves.length, root: tree.root });

  const file = saveTree(ctx.dir, tree);
  await stepDone(ctx, "persist", epoch, { file });

  let txHash: string | null = null;
  try {
    const tx = await write(
      client,
      "RewardDistributor.distribute",
      () => distributor.distribute(epoch, plan.utility, plan.split.miners, plan.split.validators, plan.split.dao, tree.root),
      async (hash) => {
        txHash = hash;
        await stepDone(ctx, "submit", epoch, { txHash: hash });
      },
    );
    await stepDone(ctx, "receipt", epoch, { txHash: tx.hash, blockNumber: tx.blockNumber, gasUsed: tx.gasUsed });
  } catch (error) {
    // Another submission (ours before a crash, or a second runner) won the race: adopt its result.
    if (isClientError(error, "CONTRACT_REVERT") && error.details?.error === "EpochAlreadyDistributed") {
      const record = await read(client, "RewardDistributor.epochReward", () => distributor.epochReward(epoch));
      return adoptDistributed(ctx, epoch, record.root);
    }
    throw error;
  }

  await verify(ctx, tree);
  await stepDone(ctx, "verify", epoch, { root: tree.root });
  mark(ctx, tree, txHash);
  recordEpochMetrics(ctx.metrics, computed.plan.utility, plan.emission, plan.split);
  await stepDone(ctx, "mark", epoch, { outcome: "distributed" });
  return { epoch, outcome: "distributed", root: tree.root, emission: plan.emission, txHash };
}

function recordEpochMetrics(
  metrics: RunnerMetrics | null,
  utility: bigint,
  emission: bigint,
  split: { miners: bigint; validators: bigint; dao: bigint },
): void {
  if (metrics === null) return;
  metrics.utility.set(utilityToFloat(utility));
  metrics.emission.set(toFloat(emission));
  for (const [pool, amount] of Object.entries(split)) {
    metrics.distribution.set({ pool }, toFloat(amount));
    metrics.distributedTotal.inc({ pool }, toFloat(amount));
  }
  metrics.epochsDistributed.inc();
}

async function refreshChainMetrics(client: Client, metrics: RunnerMetrics | null): Promise<void> {
  if (metrics === null) return;
  const [supply, pools] = await Promise.all([getSupply(client), getPoolTotals(client)]);
  metrics.supply.set(toFloat(supply.totalSupply));
  metrics.burned.set(toFloat(pools.burned.total));
  metrics.recycled.set(toFloat(pools.recycled.total));
}

async function processEpoch(ctx: Context, epoch: bigint): Promise<EpochResult> {
  const done = readDone(ctx.dir, epoch);
  if (done !== null) return { epoch, outcome: "skipped", root: done.root, emission: 0n, txHash: done.txHash };
  const { distributor } = ctx.client.contracts;
  const record = await read(ctx.client, "RewardDistributor.epochReward", () => distributor.epochReward(epoch));
  if (record.distributed) return adoptDistributed(ctx, epoch, record.root);
  return distributeEpoch(ctx, epoch);
}

/**
 * Distributes every finished epoch from the cursor (or `fromEpoch`) on. Stops at the first failure,
 * which it logs, counts and rethrows; the next run resumes from that epoch.
 */
export async function runEpochs(client: Client, options: RunEpochsOptions = {}): Promise<RunEpochsResult> {
  const ctx: Context = {
    client,
    dir: clientDataDir(client),
    log: options.logger ?? createJsonLineLogger(),
    metrics: options.metrics ?? null,
    hooks: options.hooks ?? {},
    scoring: { kappa: options.kappa, validatorTake: options.validatorTake },
  };
  const currentEpoch = await read(client, "EpochClock.currentEpoch", () => client.contracts.clock.currentEpoch());
  const stored = readCursor(ctx.dir);
  const start = options.fromEpoch ?? stored ?? 0n;
  // The cursor means "every epoch below is done": only a run that began at or below it may move it.
  const mayAdvance = start <= (stored ?? 0n);
  const saveCursor = (): void => {
    if (mayAdvance && next > (stored ?? -1n)) writeCursor(ctx.dir, next);
  };
  const epochs: EpochResult[] = [];
  let processed = 0;
  let next = start;
  ctx.log({ level: "info", msg: `run: epochs ${start}..${currentEpoch - 1n} are finished`, step: "start", currentEpoch, fromEpoch: start });
  for (let epoch = start; epoch < currentEpoch; epoch++) {
    if (options.maxEpochs !== undefined && processed >= options.maxEpochs) break;
    let result: EpochResult;
    try {
      result = await processEpoch(ctx, epoch);
    } catch (error) {
      const code = isClientError(error) ? error.code : "UNKNOWN";
      ctx.metrics?.errors.inc({ code });
      ctx.log({ level: "error", msg: `epoch ${epoch} failed: ${error instanceof Error ? error.message : String(error)}`, step: "error", epoch, code });
      saveCursor();
      throw error;
    }
    epochs.push(result);
    if (result.outcome !== "skipped") processed++;
    if (next === epoch) next = epoch + 1n;
  }
  saveCursor();
  await refreshChainMetrics(client, ctx.metrics);
  ctx.log({ level: "info", msg: `run: done, next epoch ${next}`, step: "end", nextEpoch: next, processed });
  return { currentEpoch, epochs, nextEpoch: next };
}
