/**
 * Settling one epoch from one validator's seat: collect its on-chain inputs, compute the reward tree,
 * persist it, attest (root, totals) with the validator's key, and — once validators holding more than
 * 2/3 of the epoch's active stake attested the same — verify the funded record and mark the epoch done.
 * An epoch accepted without us is adopted when our own computation (or a stored tree) has its root.
 */
import { AbiCoder, keccak256, ZeroHash } from "ethers";
import { read, write } from "../client/call";
import { clientError, isClientError } from "../client/errors";
import { findTree, saveTree, storedEpochs, writeDone } from "../client/rewardStore";
import type { Client } from "../client/types";
import type { RewardTree } from "../rewards";
import { collectEpochInputs } from "./collect";
import { computeEpoch, type AcceptedTotals, type ComputeOptions } from "./compute";
import type { Logger } from "./logger";
import { toFloat, utilityToFloat, type RunnerMetrics } from "./metrics";
import type { EpochResult, RunnerHooks, RunnerStep } from "./types";

/** What settling needs: the client, where trees (shared) and markers (ours) live, logs and hooks. */
export interface SettleContext {
  client: Client;
  /** Deployment data directory: reward trees. */
  dir: string;
  /** This account's runner directory: done markers and cursor. */
  stateDir: string;
  log: Logger;
  metrics: RunnerMetrics | null;
  hooks: RunnerHooks;
  scoring: ComputeOptions;
}

/** keccak256(abi.encode(epoch, root, miners, validators, dao)): RewardDistributor.attestationDigest. */
export function attestationDigest(epoch: bigint, root: string, miners: bigint, validators: bigint, dao: bigint): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "bytes32", "uint256", "uint256", "uint256"], [epoch, root, miners, validators, dao]));
}

async function stepDone(ctx: SettleContext, step: RunnerStep, epoch: bigint, fields: Record<string, unknown> = {}): Promise<void> {
  ctx.log({ level: "info", msg: `epoch ${epoch}: ${step} done`, step, epoch, ...fields });
  await ctx.hooks.afterStep?.(step, epoch);
}

/** Checks the on-chain record against the tree. */
async function verify(ctx: SettleContext, tree: RewardTree): Promise<void> {
  const { distributor } = ctx.client.contracts;
  const record = await read(ctx.client, "RewardDistributor.epochReward", () => distributor.epochReward(tree.epoch));
  const funded = tree.minersTotal + tree.validatorsTotal;
  if (!record.distributed || record.root.toLowerCase() !== tree.root.toLowerCase() || record.funded !== funded) {
    throw clientError("VERIFY_FAILED", `epoch ${tree.epoch}: on-chain record (distributed=${record.distributed}, root ${record.root}, funded ${record.funded}) does not match the tree (root ${tree.root}, funded ${funded})`, { epoch: tree.epoch, root: record.root, funded: record.funded });
  }
}

function mark(ctx: SettleContext, epoch: bigint, root: string, funded: bigint, txHash: string | null): void {
  writeDone(ctx.stateDir, { epoch: epoch.toString(), root, txHash, funded: funded.toString(), markedAt: new Date().toISOString() });
  ctx.metrics?.lastDistributedEpoch.set(Number(epoch));
}

/** The pools an accepted epoch was funded with, from its EpochDistributed event. */
async function acceptedTotals(client: Client, epoch: bigint): Promise<AcceptedTotals> {
  const { distributor } = client.contracts;
  const logs = await read(client, "RewardDistributor.EpochDistributed", () => distributor.queryFilter(distributor.filters.EpochDistributed(epoch), client.deployment.deployBlock));
  if (logs.length !== 1) throw clientError("CHAIN_MISMATCH", `epoch ${epoch} is accepted but has ${logs.length} EpochDistributed events`, { epoch });
  const { utility, emission, miners, validators, dao } = logs[0].args;
  return { utility, emission, miners, validators, dao };
}

/**
 * An epoch accepted on-chain: mark it when a stored tree has its root; else compute the tree from the
 * chain with the funded pools and adopt it if the roots agree. A disagreement is ROOT_MISMATCH.
 */
export async function adoptAccepted(ctx: SettleContext, epoch: bigint, root: string): Promise<EpochResult> {
  let tree = findTree(ctx.dir, epoch, root);
  if (tree === null) {
    const blockTag = await read(ctx.client, "eth_blockNumber", () => ctx.client.provider.getBlockNumber());
    const inputs = await collectEpochInputs(ctx.client, epoch, blockTag);
    const computed = await computeEpoch(ctx.client, inputs, ctx.scoring, await acceptedTotals(ctx.client, epoch));
    if (computed.tree.root.toLowerCase() !== root.toLowerCase()) {
      const stored = storedEpochs(ctx.dir).includes(epoch);
      throw clientError("ROOT_MISMATCH", `epoch ${epoch} was accepted with root ${root}, but the tree computed here from chain data has root ${computed.tree.root}${stored ? " (and no stored tree has it)" : ""}; claims for it cannot be served from ${ctx.dir}`, { epoch, root, computed: computed.tree.root, dir: ctx.dir });
    }
    saveTree(ctx.dir, computed.tree);
    tree = computed.tree;
  }
  await verify(ctx, tree);
  await stepDone(ctx, "verify", epoch, { root });
  mark(ctx, epoch, tree.root, tree.minersTotal + tree.validatorsTotal, null);
  await stepDone(ctx, "mark", epoch, { outcome: "marked" });
  return { epoch, outcome: "marked", root, emission: 0n, txHash: null };
}

function recordEpochMetrics(metrics: RunnerMetrics | null, utility: bigint, emission: bigint, split: { miners: bigint; validators: bigint; dao: bigint }): void {
  if (metrics === null) return;
  metrics.utility.set(utilityToFloat(utility));
  metrics.emission.set(toFloat(emission));
  for (const [pool, amount] of Object.entries(split)) {
    metrics.distribution.set({ pool }, toFloat(amount));
    metrics.distributedTotal.inc({ pool }, toFloat(amount));
  }
  metrics.epochsDistributed.inc();
}

/** Leaves per claimed-bitmap word and words per prepareClaims call (RewardDistributor constants). */
const LEAVES_PER_WORD = 255;
const MAX_PREPARE_WORDS = 512;

/**
 * Pays up front for the claimed-bitmap words of an epoch this runner's attestation accepted, so each
 * recipient's claim flips a bit instead of creating a storage slot (≈ 20k gas less per first claim).
 */
async function prepareClaims(ctx: SettleContext, tree: RewardTree): Promise<void> {
  const words = Math.ceil(tree.leaves.length / LEAVES_PER_WORD);
  const { distributor } = ctx.client.contracts;
  for (let from = 0; from < words; from += MAX_PREPARE_WORDS) {
    const count = Math.min(MAX_PREPARE_WORDS, words - from);
    const tx = await write(ctx.client, "RewardDistributor.prepareClaims", () => distributor.prepareClaims(tree.epoch, from, count));
    ctx.log({ level: "info", msg: `epoch ${tree.epoch}: prepared ${count} claim words`, step: "verify", epoch: tree.epoch, gasUsed: tx.gasUsed });
  }
}

/** Collects, computes, persists and attests an epoch that is final but not yet accepted. */
export async function attestEpoch(ctx: SettleContext, epoch: bigint): Promise<EpochResult> {
  const { client } = ctx;
  const { distributor } = client.contracts;
  const blockTag = await read(client, "eth_blockNumber", () => client.provider.getBlockNumber());
  const inputs = await collectEpochInputs(client, epoch, blockTag);
  await stepDone(ctx, "collect", epoch, { reports: inputs.reports.length, weightVectors: inputs.weights.length, activeValidators: inputs.activeSet.length });
  if (inputs.activeSet.length === 0) {
    // No active stake: no report, no weight, utility 0, and nobody who could ever attest.
    mark(ctx, epoch, ZeroHash, 0n, null);
    await stepDone(ctx, "mark", epoch, { outcome: "empty" });
    return { epoch, outcome: "empty", root: ZeroHash, emission: 0n, txHash: null };
  }
  const me = client.account?.toLowerCase();
  if (me === undefined || !inputs.activeSet.some((v) => v.validator.toLowerCase() === me)) {
    ctx.log({ level: "info", msg: `epoch ${epoch}: not accepted yet and ${client.account ?? "this read-only client"} is not in its active set; waiting for its validators`, step: "collect", epoch });
    return { epoch, outcome: "waiting", root: ZeroHash, emission: 0n, txHash: null };
  }

  const { plan, tree } = await computeEpoch(client, inputs, ctx.scoring);
  await stepDone(ctx, "compute", epoch, { utility: plan.utility, emission: plan.emission, miners: plan.split.miners, validators: plan.split.validators, dao: plan.split.dao, leaves: tree.leaves.length, root: tree.root });
  const file = saveTree(ctx.dir, tree);
  await stepDone(ctx, "persist", epoch, { file });

  const digest = attestationDigest(epoch, tree.root, plan.split.miners, plan.split.validators, plan.split.dao);
  const mine = await read(client, "RewardDistributor.attestationOf", () => distributor.attestationOf(epoch, client.account as string));
  let txHash: string | null = null;
  if (mine.toLowerCase() !== digest.toLowerCase()) {
    try {
      const tx = await write(
        client,
        "RewardDistributor.attest",
        () => distributor.attest(epoch, plan.split.miners, plan.split.validators, plan.split.dao, tree.root),
        async (hash) => {
          txHash = hash;
          await stepDone(ctx, "submit", epoch, { txHash: hash, digest });
        },
      );
      await stepDone(ctx, "receipt", epoch, { txHash: tx.hash, blockNumber: tx.blockNumber, gasUsed: tx.gasUsed });
    } catch (error) {
      if (!isClientError(error, "CONTRACT_REVERT")) throw error;
      // Our identical attestation landed before (a crash after sending): carry on and check the record.
      if (error.details?.error !== "AlreadyAttested") {
        // Another validator's attestation crossed 2/3 meanwhile (and changed the totals): adopt the record.
        const record = await read(client, "RewardDistributor.epochReward", () => distributor.epochReward(epoch));
        if (record.distributed) return adoptAccepted(ctx, epoch, record.root);
        throw error;
      }
    }
  }
  const record = await read(client, "RewardDistributor.epochReward", () => distributor.epochReward(epoch));
  if (!record.distributed) {
    const tally = await read(client, "RewardDistributor.attestedStake", () => distributor.attestedStake(epoch, digest));
    ctx.log({ level: "info", msg: `epoch ${epoch}: attested, ${tally} of ${inputs.activeStake} active stake agrees; needs > 2/3`, step: "receipt", epoch, tally, activeStake: inputs.activeStake });
    return { epoch, outcome: "attested", root: tree.root, emission: plan.emission, txHash };
  }
  if (record.root.toLowerCase() !== tree.root.toLowerCase()) return adoptAccepted(ctx, epoch, record.root);
  await verify(ctx, tree);
  await stepDone(ctx, "verify", epoch, { root: tree.root });
  if (txHash !== null) await prepareClaims(ctx, tree);
  mark(ctx, epoch, tree.root, tree.minersTotal + tree.validatorsTotal, txHash);
  recordEpochMetrics(ctx.metrics, plan.utility, plan.emission, plan.split);
  await stepDone(ctx, "mark", epoch, { outcome: txHash === null ? "marked" : "distributed" });
  return { epoch, outcome: txHash === null ? "marked" : "distributed", root: tree.root, emission: plan.emission, txHash };
}
