/**
 * The epoch runner (DESIGN.md §2, §2a), run by every validator with its own key. For each finished
 * epoch whose inputs are final and that is not done yet: collect → compute → persist the tree → attest
 * (root, totals) → receipt → once validators holding > 2/3 of the epoch's active stake attested the same,
 * the contract funds it: verify → mark done. A single validator holds all the stake, so on a one-validator
 * devnet every epoch completes by itself. Before that, it reveals the weights this validator committed
 * in the previous epoch (commit–reveal mode). Crash-safe at any point: the contract never funds twice,
 * an accepted epoch is adopted when a stored or recomputed tree has its root, and a disagreement is
 * ROOT_MISMATCH. Missed epochs are caught up in order.
 */
import { ZeroHash } from "ethers";
import { read } from "../client/call";
import { isClientError } from "../client/errors";
import { clientDataDir, readDone } from "../client/rewardStore";
import type { Client } from "../client/types";
import { getPoolTotals } from "../client/actions/read/getPoolTotals";
import { getSupply } from "../client/actions/read/getSupply";
import { createJsonLineLogger } from "./logger";
import { toFloat } from "./metrics";
import { revealPending } from "./reveal";
import { adoptAccepted, attestEpoch, type SettleContext } from "./settle";
import { readCursor, runnerStateDir, writeCursor } from "./store";
import type { EpochResult, RunEpochsOptions, RunEpochsResult } from "./types";

const DONE_OUTCOMES = new Set(["distributed", "marked", "empty", "skipped"]);

async function refreshChainMetrics(ctx: SettleContext): Promise<void> {
  if (ctx.metrics === null) return;
  const [supply, pools] = await Promise.all([getSupply(ctx.client), getPoolTotals(ctx.client)]);
  ctx.metrics.supply.set(toFloat(supply.totalSupply));
  ctx.metrics.burned.set(toFloat(pools.burned.total));
  ctx.metrics.recycled.set(toFloat(pools.recycled.total));
}

async function processEpoch(ctx: SettleContext, epoch: bigint, currentEpoch: bigint): Promise<EpochResult> {
  const done = readDone(ctx.stateDir, epoch);
  if (done !== null) return { epoch, outcome: "skipped", root: done.root, emission: 0n, txHash: done.txHash };
  const { distributor, registry } = ctx.client.contracts;
  const record = await read(ctx.client, "RewardDistributor.epochReward", () => distributor.epochReward(epoch));
  if (record.distributed) return adoptAccepted(ctx, epoch, record.root);
  const finalAfter = await read(ctx.client, "SubnetRegistry.inputsFinalAfter", () => registry.inputsFinalAfter(epoch));
  if (currentEpoch <= finalAfter) {
    ctx.log({ level: "info", msg: `epoch ${epoch}: its weights are revealed until the end of epoch ${finalAfter}; attesting after that`, step: "collect", epoch });
    return { epoch, outcome: "waiting", root: ZeroHash, emission: 0n, txHash: null };
  }
  return attestEpoch(ctx, epoch);
}

/**
 * Settles every finished epoch from the cursor (or `fromEpoch`) on. Stops at the first failure, which
 * it logs, counts and rethrows; the next run resumes from the first epoch not done.
 */
export async function runEpochs(client: Client, options: RunEpochsOptions = {}): Promise<RunEpochsResult> {
  const dir = clientDataDir(client);
  const ctx: SettleContext = {
    client,
    dir,
    stateDir: runnerStateDir(dir, client.account),
    log: options.logger ?? createJsonLineLogger(),
    metrics: options.metrics ?? null,
    hooks: options.hooks ?? {},
    scoring: { kappa: options.kappa },
  };
  const currentEpoch = await read(client, "EpochClock.currentEpoch", () => client.contracts.clock.currentEpoch());
  await revealPending(ctx, currentEpoch);
  const stored = readCursor(ctx.stateDir);
  const start = options.fromEpoch ?? stored ?? 0n;
  // The cursor means "every epoch below is done": only a run that began at or below it may move it.
  const mayAdvance = start <= (stored ?? 0n);
  let next = start;
  const saveCursor = (): void => {
    if (mayAdvance && next > (stored ?? -1n)) writeCursor(ctx.stateDir, next);
  };
  const epochs: EpochResult[] = [];
  let processed = 0;
  ctx.log({ level: "info", msg: `run: epochs ${start}..${currentEpoch - 1n} are finished`, step: "start", currentEpoch, fromEpoch: start });
  for (let epoch = start; epoch < currentEpoch; epoch++) {
    if (options.maxEpochs !== undefined && processed >= options.maxEpochs) break;
    let result: EpochResult;
    try {
      result = await processEpoch(ctx, epoch, currentEpoch);
    } catch (error) {
      const code = isClientError(error) ? error.code : "UNKNOWN";
      ctx.metrics?.errors.inc({ code });
      ctx.log({ level: "error", msg: `epoch ${epoch} failed: ${error instanceof Error ? error.message : String(error)}`, step: "error", epoch, code });
      saveCursor();
      throw error;
    }
    epochs.push(result);
    if (result.outcome !== "skipped") processed++;
    if (next === epoch && DONE_OUTCOMES.has(result.outcome)) next = epoch + 1n;
  }
  saveCursor();
  await refreshChainMetrics(ctx);
  ctx.log({ level: "info", msg: `run: done, next epoch ${next}`, step: "end", nextEpoch: next, processed });
  return { currentEpoch, epochs, nextEpoch: next };
}
