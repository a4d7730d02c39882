/** Client actions on the in-process network: balances, staking, reverts named, events, deployments lookup. */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { parseEther } from "ethers";
import {
  decodeRevertData,
  delegate,
  getBalances,
  getPoolTotals,
  getSupply,
  getValidators,
  isClientError,
  loadDeployment,
  registerMiner,
  registerValidator,
  sortWeights,
  undelegate,
  watchEvents,
  withdraw,
  type Client,
} from "../../../sdk/client";
import { StakingManager__factory } from "../../../typechain-types";
import { clientFor, deployTestSuite, GENESIS_MDT, mineToNextEpoch, type TestSuite, expectContractRevert } from "../helpers/suite";
import { tempDir } from "../../tempDir";

/** Long enough that the unbonding cannot mature while the test sends its own transactions. */
const UNBONDING_EPOCHS = 3n;


describe("client actions", function () {
  let t: TestSuite;
  let validator: Client;
  let delegator: Client;
  let reader: Client;

  before(async function () {
    t = await deployTestSuite(4n, (c) => {
      c.staking.unbondingEpochs = UNBONDING_EPOCHS;
    });
    validator = await clientFor(t, t.signers[1]);
    delegator = await clientFor(t, t.signers[2]);
    reader = await clientFor(t, null);
  });

  it("registers a validator and reports it in the validator list and active set", async function () {
    await registerValidator(validator, { selfStake: parseEther("50") });
    await mineToNextEpoch(t);
    const v = await getValidators(reader);
    expect(v.validators.map((x) => x.address)).to.deep.equal([validator.account]);
    expect(v.activeSet).to.deep.equal([{ validator: validator.account, stake: parseEther("50") }]);
  });

  it("delegates, undelegates and withdraws after unbonding, balances exact to the wei", async function () {
    const amount = parseEther("12.345");
    await delegate(delegator, { validator: validator.account as string, amount });
    let b = await getBalances(delegator);
    expect(b.mdt).to.equal(GENESIS_MDT - amount);
    expect(b.staked).to.equal(amount);
    await undelegate(delegator, { validator: validator.account as string, amount });
    b = await getBalances(delegator);
    expect([b.staked, b.unbonding, b.withdrawable]).to.deep.equal([0n, amount, 0n]);
    await expectContractRevert(withdraw(delegator), "NothingToWithdraw");
    for (let i = 0n; i < UNBONDING_EPOCHS; i++) await mineToNextEpoch(t);
    await withdraw(delegator);
    b = await getBalances(delegator);
    expect([b.mdt, b.unbonding]).to.deep.equal([GENESIS_MDT, 0n]);
  });

  it("names custom errors from the contract, including ones bubbled up from the token", async function () {
    await expectContractRevert(registerValidator(validator, { selfStake: parseEther("50") }), "AlreadyRegistered");
    const data = StakingManager__factory.createInterface().encodeErrorResult("InsufficientStake", [t.signers[0].address, 1n, 2n]);
    expect(decodeRevertData(data)).to.deep.include({ name: "InsufficientStake", args: [t.signers[0].address, 1n, 2n] });
    try {
      await delegate(reader, { validator: validator.account as string, amount: 1n });
      expect.fail("expected MISSING_SIGNER");
    } catch (error) {
      expect(isClientError(error, "MISSING_SIGNER")).to.equal(true);
    }
    try {
      await delegate(delegator, { validator: "0x123", amount: 1n });
      expect.fail("expected INVALID_ARGUMENT");
    } catch (error) {
      expect(isClientError(error, "INVALID_ARGUMENT")).to.equal(true);
    }
  });

  it("reports registration fees in the burn and recycling totals, and a watcher sees the event", async function () {
    const seen: string[] = [];
    const { registry } = reader.contracts;
    const watcher = watchEvents(reader, {
      label: "MinerRegistered",
      query: (from, to) => registry.queryFilter(registry.filters.MinerRegistered(), from, to),
      onEvents: (events) => {
        for (const e of events) seen.push(e.args.miner);
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    const miner = await clientFor(t, t.signers[5]);
    const supplyBefore = (await getSupply(reader)).totalSupply;
    await registerMiner(miner);
    const deadline = Date.now() + 5_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await watcher.stop();
    expect(seen).to.deep.equal([miner.account]);
    const pools = await getPoolTotals(reader);
    expect(pools.burned.bySource.RegistrationFee).to.equal(parseEther("0.5"));
    expect(pools.recycled.bySource.RegistrationFee).to.equal(parseEther("0.5"));
    expect((await getSupply(reader)).totalSupply).to.equal(supplyBefore - parseEther("0.5"));
  });

  it("sorts weights ascending by address for the contract", function () {
    const a = "0x00000000000000000000000000000000000000aa";
    const b = "0x00000000000000000000000000000000000000bb";
    const sorted = sortWeights([{ miner: b, weight: 1n }, { miner: a, weight: 2n }]);
    expect(sorted.miners.map((m) => m.toLowerCase())).to.deep.equal([a, b.toLowerCase()]);
    expect(sorted.weights).to.deep.equal([2n, 1n]);
    expect(() => sortWeights([{ miner: a, weight: 1n }, { miner: a, weight: 1n }])).to.throw(/more than once/);
  });

  it("finds addresses by chain id and says what to do when there is no deployment", async function () {
    const dir = tempDir("mt-deploy-");
    fs.writeFileSync(path.join(dir, "31337.json"), JSON.stringify(t.deployment));
    expect(loadDeployment(31337, dir).contracts.MDTToken).to.equal(t.deployment.contracts.MDTToken);
    try {
      loadDeployment(999, dir);
      expect.fail("expected DEPLOYMENT_NOT_FOUND");
    } catch (error) {
      expect(isClientError(error, "DEPLOYMENT_NOT_FOUND")).to.equal(true);
      expect((error as Error).message).to.match(/deploy/);
    }
    expect((await ethers.provider.getNetwork()).chainId).to.equal(31337n);
  });
});
