/**
 * End to end on the in-process hardhat network: 3 validators with stakes 100/200/300, 4 miners, weights
 * and task reports over three epochs; each validator runs the epoch runner with its own key and attests,
 * the epoch is funded once more than 2/3 of the stake (here: all three) agrees, everybody claims through
 * the client, and every balance is checked to the wei against an independent SDK computation. Then: a
 * second run pays nothing, crashes between steps (after persisting; after attesting) are recovered
 * without paying twice, and a root accepted by others that this validator cannot reproduce is ROOT_MISMATCH.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { parseEther } from "ethers";
import {
  claimAll,
  getBalances,
  registerMiner,
  registerValidator,
  submitTaskReport,
  submitWeights,
  isClientError,
  type Client,
} from "../../../sdk/client";
import { clientDataDir, findTree } from "../../../sdk/client/rewardStore";
import { runEpochs, silentLogger, createMetrics, type RunEpochsOptions, type RunEpochsResult, type RunnerStep } from "../../../sdk/epoch";
import { buildRewardTree } from "../../../sdk/rewards";
import { epochMetrics, planEpochEmission, scoreMiners, DEFAULT_EMISSION_POLICY } from "../../../sdk/tokenomics";
import { clientFor, deployTestSuite, mineToNextEpoch, type TestSuite } from "../helpers/suite";

const EPOCH_LENGTH = 8n;
const STAKES = [parseEther("100"), parseEther("200"), parseEther("300")];
const WAD = 10n ** 18n;

/** Weight vectors per validator (indexes into the miners), varied so that κ-clipping matters. */
const WEIGHTS: bigint[][] = [
  [10n, 0n, 5n, 1n],
  [3n, 3n, 3n, 1n],
  [1n, 8n, 0n, 1n],
];
/** Task reports per validator: (tasks, difficulty). */
const REPORTS: [bigint, bigint][] = [
  [8000n, (7n * WAD) / 10n],
  [6000n, (5n * WAD) / 10n],
  [9000n, (9n * WAD) / 10n],
];

describe("e2e: epochs through the runner, claims through the client", function () {
  let t: TestSuite;
  let validators: Client[];
  let miners: Client[];
  /** The validator whose attestation completes the quorum when they run in stake order. */
  let runner: Client;

  /** Every validator runs the runner in order (smallest stake first); returns the last one's result. */
  async function runAll(options: RunEpochsOptions = {}): Promise<RunEpochsResult> {
    let last: RunEpochsResult | undefined;
    for (const v of validators) last = await runEpochs(v, { logger: silentLogger, ...options });
    return last as RunEpochsResult;
  }
  /** Expected reward per account (lowercase) summed over epochs, computed independently. */
  const expected = new Map<string, bigint>();
  let expectedDao = 0n;
  const activeEpochs: bigint[] = [];

  async function doEpochActivity(epochIndex: number): Promise<void> {
    const minerAddresses = miners.map((m) => m.account as string);
    for (let v = 0; v < validators.length; v++) {
      // Rotate the vectors so each epoch scores differently; the last validator skips one epoch.
      if (v === 2 && epochIndex === 1) continue;
      const row = WEIGHTS[(v + epochIndex) % WEIGHTS.length];
      await submitWeights(validators[v], { weights: minerAddresses.map((miner, i) => ({ miner, weight: row[i] })).reverse() });
      const [tasks, difficulty] = REPORTS[v];
      await submitTaskReport(validators[v], { taskCount: tasks + BigInt(epochIndex), difficulty });
    }
  }

  /** What the epoch must pay, from the test's own knowledge of the inputs and the SDK math. */
  async function expectEpoch(epoch: bigint, epochIndex: number): Promise<void> {
    const submitters = validators.map((_, v) => v).filter((v) => !(v === 2 && epochIndex === 1));
    const reports = submitters.map((v) => ({ taskCount: REPORTS[v][0] + BigInt(epochIndex), difficulty: REPORTS[v][1], stake: STAKES[v] }));
    const weightStake = submitters.reduce((sum, v) => sum + STAKES[v], 0n);
    const metrics = epochMetrics({ reports, weightStake, activeStake: STAKES[0] + STAKES[1] + STAKES[2] });
    const plan = planEpochEmission({
      epoch,
      metrics,
      recyclingPool: await t.suite.recyclingPool.balance(),
      totalSupply: await t.suite.token.totalSupply(),
      policy: DEFAULT_EMISSION_POLICY,
    });
    const scores = scoreMiners(
      submitters.map((v) => ({
        validator: validators[v].account as string,
        stake: STAKES[v],
        weights: miners.map((m, i) => ({ miner: m.account as string, weight: WEIGHTS[(v + epochIndex) % WEIGHTS.length][i] })),
      })),
    ).scores;
    const tree = buildRewardTree({
      epoch,
      minersTotal: plan.split.miners,
      validatorsTotal: plan.split.validators,
      miners: scores,
      validators: validators.map((c, v) => ({ validator: c.account as string, stake: STAKES[v] })),
    });
    for (const leaf of tree.leaves) {
      const key = leaf.account.toLowerCase();
      expected.set(key, (expected.get(key) ?? 0n) + leaf.amount);
    }
    expectedDao += plan.split.dao;
    expect(plan.emission).to.be.greaterThan(0n);
  }

  before(async function () {
    t = await deployTestSuite(EPOCH_LENGTH);
    validators = await Promise.all([1, 2, 3].map((i) => clientFor(t, t.signers[i])));
    runner = validators[2];
    miners = await Promise.all([4, 5, 6, 7].map((i) => clientFor(t, t.signers[i])));
    for (let v = 0; v < 3; v++) await registerValidator(validators[v], { selfStake: STAKES[v] });
    for (const m of miners) await registerMiner(m);
  });

  it("distributes three active epochs, each checked against an independent computation", async function () {
    for (let e = 0; e < 3; e++) {
      const epoch = await mineToNextEpoch(t);
      activeEpochs.push(epoch);
      await doEpochActivity(e);
    }
    await mineToNextEpoch(t);
    // Everything before the first active epoch has no active set or zero utility: settle it first.
    const early = await runAll({ fromEpoch: 0n, maxEpochs: Number(activeEpochs[0]) });
    expect(early.epochs.map((r) => r.outcome)).to.include("empty");
    for (let e = 0; e < 3; e++) {
      await expectEpoch(activeEpochs[e], e);
      const [smallest, middle] = validators;
      // 100 and then 300 of 600 MDT: not above 2/3, nothing funded yet.
      for (const v of [smallest, middle]) {
        const partial = await runEpochs(v, { logger: silentLogger, fromEpoch: activeEpochs[e], maxEpochs: 1 });
        expect(partial.epochs.map((r) => r.outcome)).to.deep.equal(["attested"]);
      }
      expect((await t.suite.distributor.epochReward(activeEpochs[e])).distributed).to.equal(false);
      const result = await runEpochs(runner, { logger: silentLogger, fromEpoch: activeEpochs[e], maxEpochs: 1 });
      expect(result.epochs.map((r) => [r.epoch, r.outcome])).to.deep.include([activeEpochs[e], "distributed"]);
    }
    const dir = clientDataDir(runner);
    for (const epoch of activeEpochs) {
      const record = await t.suite.distributor.epochReward(epoch);
      expect(record.distributed).to.equal(true);
      expect(findTree(dir, epoch, record.root)).to.not.equal(null);
    }
  });

  it("pays every recipient exactly the computed amount through claimAll, and the DAO its share", async function () {
    const treasury = t.deployment.contracts.DAOTreasury;
    expect(await t.suite.token.balanceOf(treasury)).to.equal(expectedDao);
    for (const c of [...validators, ...miners]) {
      const before = await getBalances(c);
      const want = expected.get((c.account as string).toLowerCase()) ?? 0n;
      if (want === 0n) continue;
      const claimed = await claimAll(c);
      expect(claimed.total).to.equal(want);
      const after = await getBalances(c);
      expect(after.mdt - before.mdt).to.equal(want);
    }
    // Nothing left to claim but unallocated dust: every allocated wei went out.
    let funded = 0n;
    for (const epoch of activeEpochs) funded += (await t.suite.distributor.epochReward(epoch)).funded;
    const paid = [...expected.values()].reduce((s, a) => s + a, 0n);
    expect(funded).to.equal(paid);
    expect(await t.suite.token.balanceOf(t.deployment.contracts.RewardDistributor)).to.equal(0n);
  });

  it("a second run pays nothing", async function () {
    await runAll(); // catches up epochs the claims crossed
    const first = await runAll(); // the others adopt what the last one completed
    const distributorBalance = await t.suite.token.balanceOf(t.deployment.contracts.RewardDistributor);
    const second = await runEpochs(runner, { logger: silentLogger, fromEpoch: 0n }); // reconsider every epoch
    const again = second.epochs.filter((r) => r.epoch < first.currentEpoch);
    expect(again.length).to.equal(Number(first.currentEpoch));
    expect(again.every((r) => r.outcome === "skipped")).to.equal(true);
    // The runner's own transactions may finish a new (zero-utility) epoch; nothing older is paid again.
    const fresh = second.epochs.filter((r) => r.epoch >= first.currentEpoch);
    expect(fresh.every((r) => r.emission === 0n)).to.equal(true);
    expect(await t.suite.token.balanceOf(t.deployment.contracts.RewardDistributor)).to.equal(distributorBalance);
  });

  async function crashAt(step: RunnerStep, epoch: bigint): Promise<void> {
    const hooks = {
      afterStep: (s: RunnerStep, e: bigint): void => {
        if (s === step && e === epoch) throw new Error(`simulated crash after ${s}`);
      },
    };
    let failed = false;
    try {
      await runEpochs(runner, { logger: silentLogger, hooks });
    } catch (error) {
      failed = (error as Error).message.includes("simulated crash");
    }
    expect(failed, `crash after ${step}`).to.equal(true);
  }

  it("recovers from crashes between steps without paying twice and catches up missed epochs", async function () {
    const epochs: bigint[] = [];
    for (let e = 0; e < 3; e++) {
      epochs.push(await mineToNextEpoch(t));
      await doEpochActivity(e);
    }
    await mineToNextEpoch(t);
    const metrics = createMetrics();
    // The two smaller validators attest first; the runner's attestation completes each quorum.
    for (const v of validators.slice(0, 2)) await runEpochs(v, { logger: silentLogger });

    // Crash 1: the tree is persisted but the attestation never sent.
    await crashAt("persist", epochs[0]);
    expect((await t.suite.distributor.epochReward(epochs[0])).distributed).to.equal(false);
    // Crash 2 (on the rerun): the attestation mined and funded the epoch, but it was never marked done.
    await crashAt("submit", epochs[0]);
    expect((await t.suite.distributor.epochReward(epochs[0])).distributed).to.equal(true);

    const supplyBefore = await t.suite.token.totalSupply();
    const result = await runEpochs(runner, { logger: silentLogger, metrics });
    const outcomes = new Map(result.epochs.map((r) => [r.epoch, r.outcome] as const));
    expect(outcomes.get(epochs[0])).to.equal("marked");
    expect(outcomes.get(epochs[1])).to.equal("distributed");
    expect(outcomes.get(epochs[2])).to.equal("distributed");

    // Exactly one EpochDistributed per epoch, ever.
    const logs = await t.suite.distributor.queryFilter(t.suite.distributor.filters.EpochDistributed());
    const perEpoch = new Map<bigint, number>();
    for (const log of logs) perEpoch.set(log.args.epoch, (perEpoch.get(log.args.epoch) ?? 0) + 1);
    expect([...perEpoch.values()].every((n) => n === 1)).to.equal(true);
    const minted = (await t.suite.token.totalSupply()) - supplyBefore;
    expect(minted).to.be.lessThanOrEqual(2n * parseEther("1000"));
    const text = await metrics.registry.metrics();
    expect(text).to.match(/moderntensor_epochs_distributed_total 2/);
    expect(text).to.match(/moderntensor_supply_mdt \d/);
  });

  it("fails loudly when others accepted a root this validator cannot reproduce from the chain", async function () {
    const epoch = await mineToNextEpoch(t);
    await mineToNextEpoch(t);
    // The two larger validators (500 of 600 MDT) attest a foreign root with the policy's totals.
    const { distributor } = t.suite;
    const [, , m, v, d] = await distributor.expectedTotals(epoch);
    for (const signer of [t.signers[2], t.signers[3]]) {
      await (await distributor.connect(signer).attest(epoch, m, v, d, ethers.id("foreign root"))).wait();
    }
    expect((await distributor.epochReward(epoch)).distributed).to.equal(true);
    try {
      await runEpochs(validators[0], { logger: silentLogger });
      expect.fail("expected ROOT_MISMATCH");
    } catch (error) {
      expect(isClientError(error, "ROOT_MISMATCH"), String(error)).to.equal(true);
    }
    fs.rmSync(path.join(clientDataDir(runner)), { recursive: true, force: true });
  });
});
