/**
 * Delegators share their validator's reward: after the operator's take, the validator's part of the
 * validators' pool is split by the pool shares held when the epoch began. A delegation made during the
 * epoch earns nothing for it (it joins the active stake from the next epoch, like every stake change).
 */
import { expect } from "chai";
import { parseEther } from "ethers";
import {
  claimAll,
  delegate,
  isClientError,
  registerMiner,
  registerValidator,
  submitTaskReport,
  submitWeights,
  type Client,
} from "../../../sdk/client";
import { runEpochs, silentLogger } from "../../../sdk/epoch";
import { DEFAULT_VALIDATOR_TAKE, proportionalSplit, WAD } from "../../../sdk/tokenomics";
import { clientFor, deployTestSuite, mineToNextEpoch, type TestSuite } from "../helpers/suite";

const SELF_STAKE = parseEther("100");
const DELEGATED = parseEther("300");
const LATE_DELEGATION = parseEther("50");

describe("e2e: delegators share validator rewards", function () {
  let t: TestSuite;
  let operator: Client;
  let delegator: Client;
  let lateDelegator: Client;
  let epoch: bigint;

  before(async function () {
    t = await deployTestSuite(8n);
    [operator, delegator, lateDelegator] = await Promise.all([1, 2, 3].map((i) => clientFor(t, t.signers[i])));
    const miner = await clientFor(t, t.signers[4]);
    await registerValidator(operator, { selfStake: SELF_STAKE });
    await delegate(delegator, { validator: t.signers[1].address, amount: DELEGATED });
    await registerMiner(miner);
    epoch = await mineToNextEpoch(t);
    await submitWeights(operator, { weights: [{ miner: t.signers[4].address, weight: 1n }] });
    await submitTaskReport(operator, { taskCount: 10_000n, difficulty: WAD });
    await delegate(lateDelegator, { validator: t.signers[1].address, amount: LATE_DELEGATION });
    await mineToNextEpoch(t);
    await runEpochs(operator, { fromEpoch: epoch, logger: silentLogger }); // the only validator attests alone
  });

  it("pays the operator its take plus its pro-rata part, and the delegator the rest, to the wei", async function () {
    const reward = await t.suite.distributor.epochReward(epoch);
    const validatorsPool = (await t.suite.controller.splitOf(parseEther("1000"))).validators; // utility 1 at epoch < halving
    expect(reward.funded).to.equal((await t.suite.controller.splitOf(parseEther("1000"))).miners + validatorsPool);

    const take = (validatorsPool * DEFAULT_VALIDATOR_TAKE) / WAD;
    const [opPart, delegatorPart] = proportionalSplit(validatorsPool - take, [
      { account: t.signers[1].address, weight: SELF_STAKE },
      { account: t.signers[2].address, weight: DELEGATED },
    ]);
    const before = await Promise.all([1, 2].map((i) => t.suite.token.balanceOf(t.signers[i].address)));
    const [opClaim, delegatorClaim] = [await claimAll(operator), await claimAll(delegator)];
    expect(opClaim.total).to.equal(take + opPart.amount);
    expect(delegatorClaim.total).to.equal(delegatorPart.amount);
    expect(await t.suite.token.balanceOf(t.signers[1].address)).to.equal(before[0] + take + opPart.amount);
    expect(await t.suite.token.balanceOf(t.signers[2].address)).to.equal(before[1] + delegatorPart.amount);
  });

  it("gives a delegation made during the epoch nothing for that epoch", async function () {
    try {
      await claimAll(lateDelegator);
      expect.fail("expected NOTHING_TO_CLAIM");
    } catch (error) {
      expect(isClientError(error, "NOTHING_TO_CLAIM"), String(error)).to.equal(true);
    }
  });
});

describe("e2e: the operator commission comes from StakingManager", function () {
  it("pays the operator the commission it set on-chain once it applies, and every validator's tree agrees", async function () {
    const t = await deployTestSuite(8n);
    const [operator, delegator] = await Promise.all([1, 2].map((i) => clientFor(t, t.signers[i])));
    const miner = await clientFor(t, t.signers[4]);
    await registerValidator(operator, { selfStake: SELF_STAKE });
    await delegate(delegator, { validator: t.signers[1].address, amount: DELEGATED });
    await registerMiner(miner);
    const COMMISSION = (3n * WAD) / 10n;
    await (await t.suite.staking.connect(t.signers[1]).setCommission(COMMISSION)).wait();
    const from = (await t.suite.clock.currentEpoch()) + (await t.suite.staking.COMMISSION_DELAY_EPOCHS());
    let epoch = await mineToNextEpoch(t);
    while (epoch < from) epoch = await mineToNextEpoch(t);
    expect(await t.suite.staking.commissionAt(t.signers[1].address, epoch)).to.equal(COMMISSION);
    await submitWeights(operator, { weights: [{ miner: t.signers[4].address, weight: 1n }] });
    await submitTaskReport(operator, { taskCount: 10_000n, difficulty: WAD });
    await mineToNextEpoch(t);
    const result = await runEpochs(operator, { fromEpoch: epoch, maxEpochs: 1, logger: silentLogger });
    expect(result.epochs.map((r) => r.outcome)).to.deep.equal(["distributed"]);

    const validatorsPool = (await t.suite.controller.splitOf(parseEther("1000"))).validators;
    const take = (validatorsPool * COMMISSION) / WAD;
    const [opPart, delegatorPart] = proportionalSplit(validatorsPool - take, [
      { account: t.signers[1].address, weight: SELF_STAKE },
      { account: t.signers[2].address, weight: DELEGATED },
    ]);
    expect((await claimAll(operator)).total).to.equal(take + opPart.amount);
    expect((await claimAll(delegator)).total).to.equal(delegatorPart.amount);
  });
});
