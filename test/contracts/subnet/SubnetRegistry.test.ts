import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { encodeBytes32String } from "ethers";
import { epochOfNextTx, mdt, registerMiner, registerValidator, sortAddresses, suiteFixture, toEpoch, WAD } from "../fixtures";

enum Source {
  RegistrationFee,
}

/** Validators a, b, c (registered in epoch 2, active from 3) and miners m1..m3; the next transaction runs in epoch 3. */
async function registryFixture() {
  const f = await suiteFixture();
  await toEpoch(f.clock, 2n);
  const [a, b, c] = f.accounts;
  const minerSigners = f.accounts.slice(10, 13);
  for (const v of [a, b, c]) await registerValidator(f, v, mdt(100));
  for (const m of minerSigners) await registerMiner(f, m);
  await toEpoch(f.clock, 3n);
  const miners = sortAddresses(minerSigners.map((m) => m.address));
  return { ...f, a, b, c, miners, outsider: f.accounts[15], GOVERNOR_ROLE: await f.registry.GOVERNOR_ROLE() };
}

describe("SubnetRegistry", function () {
  describe("registerMiner", function () {
    describe("with the fee approved", function () {
      it("registers, splits the fee between burn and recycling, and emits MinerRegistered", async function () {
        const { registry, token, burnPool, recyclingPool, outsider, addr } = await loadFixture(registryFixture);
        await token.connect(outsider).approve(registry, mdt(1));
        const supply = await token.totalSupply();
        const tx = registry.connect(outsider).registerMiner();
        await expect(tx).to.emit(registry, "MinerRegistered").withArgs(outsider.address, mdt(1), mdt("0.5"), mdt("0.5"));
        await expect(tx).to.emit(burnPool, "Burned").withArgs(addr.registry, Source.RegistrationFee, mdt("0.5"));
        await expect(tx).to.emit(recyclingPool, "Deposited").withArgs(addr.registry, Source.RegistrationFee, mdt("0.5"));
        await expect(tx).to.changeTokenBalance(token, outsider, -mdt(1));
        expect(await token.totalSupply()).to.equal(supply - mdt("0.5"));
        expect(await token.balanceOf(addr.registry)).to.equal(0n);
        expect(await registry.isMiner(outsider.address)).to.equal(true);
        expect(await registry.minerCount()).to.equal(4n);
        expect((await registry.miners())[3]).to.equal(outsider.address);
        // Three earlier registrations plus this one.
        expect(await burnPool.burnedBy(Source.RegistrationFee)).to.equal(mdt(2));
        expect(await recyclingPool.recycledBy(Source.RegistrationFee)).to.equal(mdt(2));
      });

      it("rounds the burned part down", async function () {
        const { registry, token, outsider, deployer } = await loadFixture(registryFixture);
        await registry.connect(deployer).setRegistrationFee(3n);
        await token.connect(outsider).approve(registry, 3n);
        await expect(registry.connect(outsider).registerMiner()).to.emit(registry, "MinerRegistered").withArgs(outsider.address, 3n, 1n, 2n);
      });

      it("burns all with feeBurnShare 1 and recycles all with 0", async function () {
        const { registry, token, burnPool, recyclingPool, outsider, accounts, deployer } = await loadFixture(registryFixture);
        await registry.connect(deployer).setFeeBurnShare(WAD);
        await token.connect(outsider).approve(registry, mdt(1));
        const all = registry.connect(outsider).registerMiner();
        await expect(all).to.emit(registry, "MinerRegistered").withArgs(outsider.address, mdt(1), mdt(1), 0n);
        await expect(all).to.not.emit(recyclingPool, "Deposited");
        await registry.connect(deployer).setFeeBurnShare(0n);
        const other = accounts[16];
        await token.connect(other).approve(registry, mdt(1));
        const none = registry.connect(other).registerMiner();
        await expect(none).to.emit(registry, "MinerRegistered").withArgs(other.address, mdt(1), 0n, mdt(1));
        await expect(none).to.not.emit(burnPool, "Burned");
      });
    });

    describe("with a zero fee", function () {
      it("registers without moving MDT", async function () {
        const { registry, token, outsider, deployer } = await loadFixture(registryFixture);
        await registry.connect(deployer).setRegistrationFee(0n);
        const tx = registry.connect(outsider).registerMiner();
        await expect(tx).to.emit(registry, "MinerRegistered").withArgs(outsider.address, 0n, 0n, 0n);
        await expect(tx).to.not.emit(token, "Transfer");
      });
    });

    describe("without an allowance", function () {
      it("reverts with ERC20InsufficientAllowance", async function () {
        const { registry, token, outsider, addr } = await loadFixture(registryFixture);
        await expect(registry.connect(outsider).registerMiner())
          .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
          .withArgs(addr.registry, 0n, mdt(1));
      });
    });

    describe("twice", function () {
      it("reverts with MinerAlreadyRegistered", async function () {
        const { registry, accounts } = await loadFixture(registryFixture);
        await expect(registry.connect(accounts[10]).registerMiner())
          .to.be.revertedWithCustomError(registry, "MinerAlreadyRegistered")
          .withArgs(accounts[10].address);
      });
    });

    describe("when maxMiners are registered", function () {
      it("reverts with TooManyMiners", async function () {
        const { registry, outsider, deployer } = await loadFixture(registryFixture);
        await registry.connect(deployer).setMaxMiners(3n);
        await expect(registry.connect(outsider).registerMiner()).to.be.revertedWithCustomError(registry, "TooManyMiners").withArgs(3n);
      });
    });
  });

  describe("submitWeights", function () {
    describe("by an active validator", function () {
      it("records the submission for the current epoch and emits WeightsSubmitted", async function () {
        const { registry, clock, a, miners } = await loadFixture(registryFixture);
        const epoch = await epochOfNextTx(clock);
        await expect(registry.connect(a).submitWeights(miners, [1n, 0n, 5n]))
          .to.emit(registry, "WeightsSubmitted")
          .withArgs(epoch, a.address, miners, [1n, 0n, 5n]);
        expect(await registry.hasSubmittedWeights(epoch, a.address)).to.equal(true);
        expect((await registry.epochReports(epoch)).weightSubmitters).to.equal(1n);
      });

      it("counts a resubmission in the same epoch once", async function () {
        const { registry, clock, a, miners } = await loadFixture(registryFixture);
        const epoch = await epochOfNextTx(clock);
        await registry.connect(a).submitWeights(miners, [1n, 1n, 1n]);
        await expect(registry.connect(a).submitWeights(miners.slice(0, 1), [9n]))
          .to.emit(registry, "WeightsSubmitted")
          .withArgs(epoch, a.address, miners.slice(0, 1), [9n]);
        expect((await registry.epochReports(epoch)).weightSubmitters).to.equal(1n);
      });

      it("counts it again in the next epoch", async function () {
        const { registry, clock, a, miners } = await loadFixture(registryFixture);
        const epoch = await epochOfNextTx(clock);
        await registry.connect(a).submitWeights(miners, [1n, 1n, 1n]);
        await toEpoch(clock, epoch + 1n);
        await registry.connect(a).submitWeights(miners, [1n, 1n, 1n]);
        expect(await registry.hasSubmittedWeights(epoch + 1n, a.address)).to.equal(true);
        expect((await registry.epochReports(epoch + 1n)).weightSubmitters).to.equal(1n);
      });

      it("accepts a validator jailed during the epoch (the set is fixed for the epoch)", async function () {
        const { registry, staking, clock, a, miners, deployer } = await loadFixture(registryFixture);
        const epoch = await epochOfNextTx(clock);
        await staking.connect(deployer).jail(a.address);
        await expect(registry.connect(a).submitWeights(miners, [1n, 1n, 1n])).to.emit(registry, "WeightsSubmitted");
        await toEpoch(clock, epoch + 1n);
        await expect(registry.connect(a).submitWeights(miners, [1n, 1n, 1n]))
          .to.be.revertedWithCustomError(registry, "NotActiveValidator")
          .withArgs(a.address, epoch + 1n);
      });
    });

    describe("by an account outside the epoch's active set", function () {
      it("reverts with NotActiveValidator", async function () {
        const { registry, clock, outsider, miners } = await loadFixture(registryFixture);
        const epoch = await epochOfNextTx(clock);
        await expect(registry.connect(outsider).submitWeights(miners, [1n, 1n, 1n]))
          .to.be.revertedWithCustomError(registry, "NotActiveValidator")
          .withArgs(outsider.address, epoch);
      });

      it("reverts with NotActiveValidator in the epoch of the validator's registration", async function () {
        const f = await loadFixture(registryFixture);
        await registerValidator(f, f.outsider, mdt(100));
        const epoch = await epochOfNextTx(f.clock);
        await expect(f.registry.connect(f.outsider).submitWeights(f.miners, [1n, 1n, 1n]))
          .to.be.revertedWithCustomError(f.registry, "NotActiveValidator")
          .withArgs(f.outsider.address, epoch);
        await toEpoch(f.clock, epoch + 1n);
        await expect(f.registry.connect(f.outsider).submitWeights(f.miners, [1n, 1n, 1n])).to.emit(f.registry, "WeightsSubmitted");
      });
    });

    describe("with a malformed vector", function () {
      it("reverts with LengthMismatch", async function () {
        const { registry, a, miners } = await loadFixture(registryFixture);
        await expect(registry.connect(a).submitWeights(miners, [1n, 1n])).to.be.revertedWithCustomError(registry, "LengthMismatch").withArgs(3n, 2n);
      });

      it("reverts with InvalidWeightsLength for 0 and for MAX_WEIGHTS + 1 entries", async function () {
        const { registry, a } = await loadFixture(registryFixture);
        await expect(registry.connect(a).submitWeights([], [])).to.be.revertedWithCustomError(registry, "InvalidWeightsLength").withArgs(0n, 1024n);
        const many = Array.from({ length: 1025 }, (_, i) => ethers.zeroPadValue(ethers.toBeHex(i + 1), 20));
        await expect(registry.connect(a).submitWeights(many, many.map(() => 1n)))
          .to.be.revertedWithCustomError(registry, "InvalidWeightsLength")
          .withArgs(1025n, 1024n);
      });

      it("reverts with MinersNotSorted for descending or duplicate miners", async function () {
        const { registry, a, miners } = await loadFixture(registryFixture);
        await expect(registry.connect(a).submitWeights([miners[0], miners[2], miners[1]], [1n, 1n, 1n]))
          .to.be.revertedWithCustomError(registry, "MinersNotSorted")
          .withArgs(2n);
        await expect(registry.connect(a).submitWeights([miners[0], miners[0]], [1n, 1n]))
          .to.be.revertedWithCustomError(registry, "MinersNotSorted")
          .withArgs(1n);
      });

      it("reverts with MinerNotRegistered for an unknown miner", async function () {
        const { registry, a, miners, outsider } = await loadFixture(registryFixture);
        const list = sortAddresses([...miners, outsider.address]);
        await expect(registry.connect(a).submitWeights(list, list.map(() => 1n)))
          .to.be.revertedWithCustomError(registry, "MinerNotRegistered")
          .withArgs(outsider.address);
      });

      it("reverts with ZeroWeights when every weight is zero", async function () {
        const { registry, a, miners } = await loadFixture(registryFixture);
        await expect(registry.connect(a).submitWeights(miners, [0n, 0n, 0n])).to.be.revertedWithCustomError(registry, "ZeroWeights");
      });
    });
  });

  describe("submitTaskReport", function () {
    it("records the report and emits TaskReportSubmitted", async function () {
      const { registry, clock, a } = await loadFixture(registryFixture);
      const epoch = await epochOfNextTx(clock);
      await expect(registry.connect(a).submitTaskReport(8000n, mdt("0.7")))
        .to.emit(registry, "TaskReportSubmitted")
        .withArgs(epoch, a.address, 8000n, mdt("0.7"), 8000n, mdt(100));
      expect(await registry.hasReportedTasks(epoch, a.address)).to.equal(true);
      expect(await registry.epochReports(epoch)).to.deep.equal([mdt(100) * 8000n, mdt(100) * mdt("0.7"), 1n, 0n, 0n]);
    });

    it("accepts the bounds, difficulty 1 and MAX_TASKS_PER_REPORT, and counts at most taskCap tasks", async function () {
      const { registry, clock, a } = await loadFixture(registryFixture);
      const epoch = await epochOfNextTx(clock);
      await expect(registry.connect(a).submitTaskReport(10n ** 12n, WAD))
        .to.emit(registry, "TaskReportSubmitted")
        .withArgs(epoch, a.address, 10n ** 12n, WAD, 10_000n, mdt(100));
      expect((await registry.epochReports(epoch)).taskStakeSum).to.equal(mdt(100) * 10_000n);
    });

    it("reverts with TaskReportAlreadySubmitted for a second report in the epoch", async function () {
      const { registry, clock, a } = await loadFixture(registryFixture);
      const epoch = await epochOfNextTx(clock);
      await registry.connect(a).submitTaskReport(1n, 0n);
      await expect(registry.connect(a).submitTaskReport(1n, 0n))
        .to.be.revertedWithCustomError(registry, "TaskReportAlreadySubmitted")
        .withArgs(a.address, epoch);
    });

    it("reverts with InvalidDifficulty above 1 and TooManyTasks above the limit", async function () {
      const { registry, a } = await loadFixture(registryFixture);
      await expect(registry.connect(a).submitTaskReport(1n, WAD + 1n)).to.be.revertedWithCustomError(registry, "InvalidDifficulty").withArgs(WAD + 1n);
      await expect(registry.connect(a).submitTaskReport(10n ** 12n + 1n, 0n))
        .to.be.revertedWithCustomError(registry, "TooManyTasks")
        .withArgs(10n ** 12n + 1n, 10n ** 12n);
    });

    it("reverts with NotActiveValidator for an outsider", async function () {
      const { registry, clock, outsider } = await loadFixture(registryFixture);
      const epoch = await epochOfNextTx(clock);
      await expect(registry.connect(outsider).submitTaskReport(1n, 0n))
        .to.be.revertedWithCustomError(registry, "NotActiveValidator")
        .withArgs(outsider.address, epoch);
    });
  });

  describe("epochMetrics", function () {
    it("weights every report and weight submission by stake, over the whole active stake", async function () {
      const { registry, clock, a, b, miners } = await loadFixture(registryFixture);
      const epoch = await epochOfNextTx(clock);
      // a, b, c hold 100 MDT each; c reports nothing and counts as reporting nothing.
      await registry.connect(a).submitTaskReport(8000n, mdt("0.6"));
      await registry.connect(b).submitTaskReport(4000n, mdt("0.9"));
      await registry.connect(a).submitWeights(miners, [1n, 1n, 1n]);
      await registry.connect(b).submitWeights(miners, [1n, 1n, 1n]);
      await registry.connect(a).submitWeights(miners, [2n, 1n, 1n]);
      expect(await registry.epochMetrics(epoch)).to.deep.equal([4000n, mdt("0.5"), (2n * WAD) / 3n]);
      expect((await registry.epochReports(epoch)).weightStake).to.equal(mdt(200));
    });

    it("weights by the epoch's active-set stake, not by the number of validators", async function () {
      const f = await loadFixture(registryFixture);
      await f.token.connect(f.a).approve(f.staking, mdt(200));
      await f.staking.connect(f.a).stake(mdt(200)); // a: 300 of 500 from the next epoch
      const epoch = (await epochOfNextTx(f.clock)) + 1n;
      await toEpoch(f.clock, epoch);
      await f.registry.connect(f.a).submitTaskReport(10_000n, WAD);
      await f.registry.connect(f.b).submitTaskReport(0n, 0n);
      await f.registry.connect(f.a).submitWeights(f.miners, [1n, 1n, 1n]);
      expect(await f.registry.epochMetrics(epoch)).to.deep.equal([6000n, mdt("0.6"), mdt("0.6")]);
    });

    it("is all zero for an epoch without reports or validators", async function () {
      const { registry } = await loadFixture(registryFixture);
      expect(await registry.epochMetrics(0n)).to.deep.equal([0n, 0n, 0n]);
      expect(await registry.epochMetrics(2n)).to.deep.equal([0n, 0n, 0n]);
    });

    it("counts a report's difficulty by its stake even when it claims no tasks", async function () {
      const { registry, clock, a } = await loadFixture(registryFixture);
      const epoch = await epochOfNextTx(clock);
      await registry.connect(a).submitTaskReport(0n, WAD);
      expect(await registry.epochMetrics(epoch)).to.deep.equal([0n, WAD / 3n, 0n]);
    });
  });

  describe("governance setters", function () {
    it("setRegistrationFee sets any fee and emits ParameterChanged", async function () {
      const { registry, deployer } = await loadFixture(registryFixture);
      await expect(registry.connect(deployer).setRegistrationFee(mdt(5)))
        .to.emit(registry, "ParameterChanged")
        .withArgs(encodeBytes32String("registrationFee"), mdt(1), mdt(5));
      expect(await registry.registrationFee()).to.equal(mdt(5));
    });

    it("setFeeBurnShare accepts 0..1 and reverts with InvalidParameter above", async function () {
      const { registry, deployer } = await loadFixture(registryFixture);
      await expect(registry.connect(deployer).setFeeBurnShare(WAD))
        .to.emit(registry, "ParameterChanged")
        .withArgs(encodeBytes32String("feeBurnShare"), WAD / 2n, WAD);
      await expect(registry.connect(deployer).setFeeBurnShare(WAD + 1n))
        .to.be.revertedWithCustomError(registry, "InvalidParameter")
        .withArgs(encodeBytes32String("feeBurnShare"), WAD + 1n, 0n, WAD);
    });

    it("setMaxMiners accepts count..MAX_MINERS_LIMIT and reverts with InvalidParameter outside", async function () {
      const { registry, deployer } = await loadFixture(registryFixture);
      const name = encodeBytes32String("maxMiners");
      await expect(registry.connect(deployer).setMaxMiners(65_536n)).to.emit(registry, "ParameterChanged").withArgs(name, 4096n, 65_536n);
      await expect(registry.connect(deployer).setMaxMiners(3n)).to.emit(registry, "ParameterChanged").withArgs(name, 65_536n, 3n);
      await expect(registry.connect(deployer).setMaxMiners(2n))
        .to.be.revertedWithCustomError(registry, "InvalidParameter")
        .withArgs(name, 2n, 3n, 65_536n);
      await expect(registry.connect(deployer).setMaxMiners(65_537n))
        .to.be.revertedWithCustomError(registry, "InvalidParameter")
        .withArgs(name, 65_537n, 3n, 65_536n);
    });

    it("setMaxMiners rejects zero with no miners registered", async function () {
      const { registry, deployer } = await loadFixture(suiteFixture);
      await expect(registry.connect(deployer).setMaxMiners(0n))
        .to.be.revertedWithCustomError(registry, "InvalidParameter")
        .withArgs(encodeBytes32String("maxMiners"), 0n, 1n, 65_536n);
    });

    it("setTaskCap and setImmunityEpochs accept 1..max and revert with InvalidParameter outside", async function () {
      const { registry, deployer } = await loadFixture(registryFixture);
      const cap = encodeBytes32String("taskCap");
      const immunity = encodeBytes32String("immunityEpochs");
      await expect(registry.connect(deployer).setTaskCap(20_000n)).to.emit(registry, "ParameterChanged").withArgs(cap, 10_000n, 20_000n);
      await expect(registry.connect(deployer).setTaskCap(0n)).to.be.revertedWithCustomError(registry, "InvalidParameter").withArgs(cap, 0n, 1n, 10n ** 12n);
      await expect(registry.connect(deployer).setTaskCap(10n ** 12n + 1n))
        .to.be.revertedWithCustomError(registry, "InvalidParameter")
        .withArgs(cap, 10n ** 12n + 1n, 1n, 10n ** 12n);
      await expect(registry.connect(deployer).setImmunityEpochs(1n)).to.emit(registry, "ParameterChanged").withArgs(immunity, 8n, 1n);
      await expect(registry.connect(deployer).setImmunityEpochs(0n))
        .to.be.revertedWithCustomError(registry, "InvalidParameter")
        .withArgs(immunity, 0n, 1n, 100_000n);
    });

    it("each reverts with AccessControlUnauthorizedAccount for a non-governor", async function () {
      const { registry, outsider, GOVERNOR_ROLE } = await loadFixture(registryFixture);
      for (const call of [
        () => registry.connect(outsider).setRegistrationFee(1n),
        () => registry.connect(outsider).setFeeBurnShare(1n),
        () => registry.connect(outsider).setMaxMiners(10n),
        () => registry.connect(outsider).setTaskCap(10n),
        () => registry.connect(outsider).setImmunityEpochs(10n),
        () => registry.connect(outsider).setCommitReveal(true),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount").withArgs(outsider.address, GOVERNOR_ROLE);
      }
    });
  });
});
