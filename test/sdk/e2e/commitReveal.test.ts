/**
 * Commit–reveal through the SDK: validators commit with `commitWeights` (the salt goes to the data
 * directory first), the epoch runner reveals by itself in the next epoch, the epoch waits for its reveal
 * window, then the validators' attestations settle it with the revealed weights.
 */
import { expect } from "chai";
import { parseEther } from "ethers";
import { commitWeights, isClientError, registerMiner, registerValidator, revealWeights, submitTaskReport, submitWeights, type Client } from "../../../sdk/client";
import { runEpochs, silentLogger } from "../../../sdk/epoch";
import { clientFor, deployTestSuite, expectContractRevert, mineToNextEpoch, type TestSuite } from "../helpers/suite";

const WAD = 10n ** 18n;

describe("e2e: commit–reveal weights through the SDK and the runner", function () {
  let t: TestSuite;
  let validators: Client[];
  let miner: Client;

  before(async function () {
    t = await deployTestSuite(8n);
    validators = await Promise.all([1, 2].map((i) => clientFor(t, t.signers[i])));
    miner = await clientFor(t, t.signers[3]);
    await registerValidator(validators[0], { selfStake: parseEther("100") });
    await registerValidator(validators[1], { selfStake: parseEther("300") });
    await registerMiner(miner);
    await (await t.suite.registry.setCommitReveal(true)).wait(); // from the next epoch on
    await mineToNextEpoch(t);
  });

  it("commits, reveals by itself in the next epoch, and settles the epoch after its reveal window", async function () {
    const epoch = await t.suite.clock.currentEpoch();
    expect(await t.suite.registry.commitRevealAt(epoch)).to.equal(true);
    await expectContractRevert(submitWeights(validators[0], { weights: [{ miner: miner.account as string, weight: 1n }] }), "CommitRevealActive");
    for (const v of validators) {
      const tx = await commitWeights(v, { weights: [{ miner: miner.account as string, weight: 5n }] });
      expect(tx.epoch).to.equal(epoch);
      expect(await t.suite.registry.commitmentOf(epoch, v.account as string)).to.equal(tx.commitment);
      await submitTaskReport(v, { taskCount: 8000n, difficulty: (7n * WAD) / 10n });
    }
    // Nothing counts before the reveal.
    expect((await t.suite.registry.epochMetrics(epoch))[2]).to.equal(0n);

    await mineToNextEpoch(t);
    for (const v of validators) {
      const run = await runEpochs(v, { logger: silentLogger, fromEpoch: epoch });
      expect(run.epochs.map((r) => r.outcome)).to.deep.equal(["waiting"]); // its weights are being revealed
      expect(await t.suite.registry.hasSubmittedWeights(epoch, v.account as string)).to.equal(true);
    }
    expect((await t.suite.registry.epochMetrics(epoch))[2]).to.equal(WAD);

    await mineToNextEpoch(t);
    const first = await runEpochs(validators[0], { logger: silentLogger, fromEpoch: epoch, maxEpochs: 1 });
    expect(first.epochs.map((r) => r.outcome)).to.deep.equal(["attested"]); // 100 of 400 MDT
    const second = await runEpochs(validators[1], { logger: silentLogger, fromEpoch: epoch, maxEpochs: 1 });
    expect(second.epochs.map((r) => r.outcome)).to.deep.equal(["distributed"]);
    // U = 0.5·0.8 + 0.3·0.7 + 0.2·1 = 0.81: the revealed weights count for participation.
    expect(await t.suite.distributor.expectedUtility(epoch)).to.equal((81n * WAD) / 100n);
    expect((await t.suite.distributor.epochReward(epoch)).funded).to.equal(parseEther("648"));
  });

  it("reveal without a stored commitment fails with COMMIT_NOT_FOUND", async function () {
    try {
      await revealWeights(miner, { epoch: 1n });
      expect.fail("expected COMMIT_NOT_FOUND");
    } catch (error) {
      expect(isClientError(error, "COMMIT_NOT_FOUND"), String(error)).to.equal(true);
    }
  });
});
