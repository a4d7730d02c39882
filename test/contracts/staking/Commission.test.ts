import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { epochOfNextTx, mdt, registerValidator, toEpoch } from "../fixtures";
import { stakingFixture } from "./helpers";

const DEFAULT = mdt("0.18");
const MAX = mdt("0.5");

/** Validator `v` registered in epoch 2 (the next transaction still runs in epoch 2). */
async function commissionFixture() {
  const f = await stakingFixture();
  const [v, other] = f.accounts;
  const registeredIn = await epochOfNextTx(f.clock);
  await registerValidator(f, v, mdt(100));
  return { ...f, v, other, registeredIn };
}

describe("StakingManager commission", function () {
  it("exposes its bounds: default 18%, max 50%, a delay of 2 epochs", async function () {
    const { staking } = await loadFixture(stakingFixture);
    expect(await staking.DEFAULT_COMMISSION()).to.equal(DEFAULT);
    expect(await staking.MAX_COMMISSION()).to.equal(MAX);
    expect(await staking.COMMISSION_DELAY_EPOCHS()).to.equal(2n);
  });

  describe("a new validator", function () {
    it("starts at the default from its registration epoch and emits CommissionChanged", async function () {
      const { staking, token, accounts, clock } = await loadFixture(stakingFixture);
      const [v] = accounts;
      const epoch = await epochOfNextTx(clock);
      await token.connect(v).approve(staking, mdt(32));
      await expect(staking.connect(v).registerValidator(v.address, mdt(32)))
        .to.emit(staking, "CommissionChanged")
        .withArgs(v.address, DEFAULT, epoch);
      expect(await staking.commissionAt(v.address, epoch)).to.equal(DEFAULT);
      expect(await staking.commissionAt(v.address, epoch - 1n)).to.equal(0n);
    });
  });

  describe("setCommission", function () {
    describe("within the bound", function () {
      it("applies from current + 2 only; earlier epochs keep the old rate", async function () {
        const { staking, clock, v, registeredIn } = await loadFixture(commissionFixture);
        const epoch = await epochOfNextTx(clock);
        await expect(staking.connect(v).setCommission(mdt("0.05")))
          .to.emit(staking, "CommissionChanged")
          .withArgs(v.address, mdt("0.05"), epoch + 2n);
        expect(await staking.commissionAt(v.address, registeredIn)).to.equal(DEFAULT);
        expect(await staking.commissionAt(v.address, epoch + 1n)).to.equal(DEFAULT);
        expect(await staking.commissionAt(v.address, epoch + 2n)).to.equal(mdt("0.05"));
        expect(await staking.commissionAt(v.address, epoch + 1000n)).to.equal(mdt("0.05"));
      });

      it("lets a second change in the same epoch replace the first", async function () {
        const { staking, clock, v } = await loadFixture(commissionFixture);
        const epoch = await epochOfNextTx(clock);
        await staking.connect(v).setCommission(mdt("0.3"));
        await staking.connect(v).setCommission(mdt("0.1"));
        expect(await staking.commissionAt(v.address, epoch + 2n)).to.equal(mdt("0.1"));
      });

      it("keeps a history: each change applies from its own epoch + 2", async function () {
        const { staking, clock, v } = await loadFixture(commissionFixture);
        const e = await epochOfNextTx(clock);
        await staking.connect(v).setCommission(MAX);
        await toEpoch(clock, e + 1n);
        await staking.connect(v).setCommission(0n);
        expect(await staking.commissionAt(v.address, e + 1n)).to.equal(DEFAULT);
        expect(await staking.commissionAt(v.address, e + 2n)).to.equal(MAX);
        expect(await staking.commissionAt(v.address, e + 3n)).to.equal(0n);
      });

      it("cannot hit delegators in the epoch they see it: an operator raising to the max right before a boundary still pays the old rate for two epochs", async function () {
        const { staking, clock, v } = await loadFixture(commissionFixture);
        const e = await epochOfNextTx(clock);
        await staking.connect(v).setCommission(MAX);
        expect(await staking.commissionAt(v.address, e)).to.equal(DEFAULT);
        expect(await staking.commissionAt(v.address, e + 1n)).to.equal(DEFAULT);
      });
    });

    describe("above MAX_COMMISSION", function () {
      it("reverts with CommissionTooHigh", async function () {
        const { staking, v } = await loadFixture(commissionFixture);
        await expect(staking.connect(v).setCommission(MAX + 1n))
          .to.be.revertedWithCustomError(staking, "CommissionTooHigh")
          .withArgs(MAX + 1n, MAX);
      });
    });

    describe("by an account that is not a registered validator", function () {
      it("reverts with NotRegistered", async function () {
        const { staking, other } = await loadFixture(commissionFixture);
        await expect(staking.connect(other).setCommission(0n))
          .to.be.revertedWithCustomError(staking, "NotRegistered")
          .withArgs(other.address);
      });
    });
  });
});
