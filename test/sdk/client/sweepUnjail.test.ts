/** Client actions for the end of a reward's and a jail's life: sweep of expired rewards, unjail. */
import { expect } from "chai";
import { parseEther } from "ethers";
import {
  isClientError,
  registerMiner,
  registerValidator,
  submitTaskReport,
  submitWeights,
  sweep,
  unjail,
  type Client,
} from "../../../sdk/client";
import { runEpochs, silentLogger } from "../../../sdk/epoch";
import { clientFor, deployTestSuite, mineToNextEpoch, type TestSuite, expectContractRevert } from "../helpers/suite";

const CLAIM_WINDOW = 1n;
const JAIL_EPOCHS = 2n;
const WAD = 10n ** 18n;


describe("client: sweep and unjail", function () {
  let t: TestSuite;
  let validator: Client;
  let anyone: Client;

  before(async function () {
    t = await deployTestSuite(4n, (c) => {
      c.claimWindow = CLAIM_WINDOW;
      c.staking.jailEpochs = JAIL_EPOCHS;
    });
    validator = await clientFor(t, t.signers[1]);
    anyone = await clientFor(t, t.signers[3]);
    const miner = await clientFor(t, t.signers[2]);
    await registerValidator(validator, { selfStake: parseEther("50") });
    await registerMiner(miner);
    await mineToNextEpoch(t);
  });

  it("sweeps an epoch's unclaimed rewards to the recycling pool once the window closed, exactly once", async function () {
    const epoch = await t.suite.clock.currentEpoch();
    await submitWeights(validator, { weights: [{ miner: t.signers[2].address, weight: 1n }] });
    await submitTaskReport(validator, { taskCount: 5000n, difficulty: WAD / 2n });
    await mineToNextEpoch(t);
    // The only validator attests its own tree: all the stake, so the epoch is accepted at once.
    await runEpochs(validator, { fromEpoch: epoch, logger: silentLogger });
    const record = await t.suite.distributor.epochReward(epoch);
    expect(record.distributed).to.equal(true);
    expect(record.funded > 0n).to.equal(true);

    await expectContractRevert(sweep(anyone, { epoch }), "ClaimWindowOpen");
    for (let i = 0n; i <= CLAIM_WINDOW; i++) await mineToNextEpoch(t);

    const poolBefore = await t.suite.recyclingPool.balance();
    const swept = await sweep(anyone, { epoch });
    expect(swept.amount).to.equal(record.funded);
    expect(await t.suite.recyclingPool.balance()).to.equal(poolBefore + record.funded);
    expect(await t.suite.recyclingPool.recycledBy(2)).to.equal(record.funded); // PoolSource.ExpiredRewards
    await expectContractRevert(sweep(anyone, { epoch }), "AlreadySwept");
  });

  it("rejects a sweep of an undistributed epoch with EpochNotDistributed", async function () {
    await expectContractRevert(sweep(anyone, { epoch: 10_000n }), "EpochNotDistributed");
  });

  it("unjails a validator only after its jail period, and only once", async function () {
    await expectContractRevert(unjail(validator), "NotJailed");
    await (await t.suite.staking.jail(t.signers[1].address)).wait();
    await expectContractRevert(unjail(validator), "ValidatorJailedUntil");
    for (let i = 0n; i < JAIL_EPOCHS; i++) await mineToNextEpoch(t);
    await unjail(validator);
    expect((await t.suite.staking.validatorInfo(t.signers[1].address)).jailed).to.equal(false);
    await expectContractRevert(unjail(validator), "NotJailed");
  });

  it("refuses to send either without a signer", async function () {
    const reader = await clientFor(t, null);
    for (const action of [() => sweep(reader, { epoch: 0n }), () => unjail(reader)]) {
      try {
        await action();
        expect.fail("expected MISSING_SIGNER");
      } catch (error) {
        expect(isClientError(error, "MISSING_SIGNER"), String(error)).to.equal(true);
      }
    }
  });
});
