import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { encodeBytes32String } from "ethers";
import { delegate, mdt, registerValidator, toEpoch, WAD } from "../fixtures";
import { stakingFixture } from "./helpers";

const REASON = encodeBytes32String("double-sign");
const SLASHING = 1;
const UNBONDING = 7n;

/**
 * Validator `v` (100 MDT own) and its delegator `d` (300 MDT) commit an offence in epoch 3 and, still in
 * epoch 3, both start unbonding everything: the attack the slash must survive.
 */
async function fleeingFixture() {
  const f = await stakingFixture();
  const [v, w] = f.accounts;
  const d = f.accounts[10];
  await registerValidator(f, v, mdt(100));
  await registerValidator(f, w, mdt(50));
  await delegate(f, d, v.address, mdt(300));
  await toEpoch(f.clock, 3n);
  await f.staking.connect(v).unstake(mdt(100));
  await f.staking.connect(d).undelegate(v.address, mdt(300));
  return { ...f, v, w, d, slasher: f.deployer, offence: 3n };
}

describe("StakingManager slashing of unbonding stake", function () {
  describe("when the offender and its delegators start unbonding right after the offence", function () {
    it("still slashes them in full, sends the right amounts to the pools and keeps the books balanced", async function () {
      const { staking, token, burnPool, recyclingPool, clock, v, d, slasher, offence, addr } = await loadFixture(fleeingFixture);
      expect((await staking.validatorInfo(v.address)).totalStake).to.equal(0n);
      await toEpoch(clock, offence + 2n);
      const tx = staking.connect(slasher).slash(v.address, WAD / 2n, offence, REASON);
      await expect(tx).to.emit(staking, "Slashed").withArgs(v.address, offence, WAD / 2n, 0n, mdt(200), mdt(100), mdt(100), REASON);
      await expect(tx).to.emit(burnPool, "Burned").withArgs(addr.staking, SLASHING, mdt(100));
      await expect(tx).to.emit(recyclingPool, "Deposited").withArgs(addr.staking, SLASHING, mdt(100));
      expect(await staking.totalUnbonding()).to.equal(mdt(200));
      expect(await token.balanceOf(addr.staking)).to.equal((await staking.totalBonded()) + (await staking.totalUnbonding()));
      const [entry] = await staking.unbondingOf(d.address);
      expect(entry.amount).to.equal(mdt(150));

      await toEpoch(clock, offence + UNBONDING);
      await expect(staking.connect(v).withdraw()).to.emit(staking, "Withdrawn").withArgs(v.address, mdt(50));
      await expect(staking.connect(d).withdraw()).to.emit(staking, "Withdrawn").withArgs(d.address, mdt(150));
      expect(await staking.totalUnbonding()).to.equal(0n);
    });

    it("still reaches them after the validator deregistered, and jails nothing that is not registered", async function () {
      const { staking, clock, v, slasher, offence } = await loadFixture(fleeingFixture);
      await expect(staking.connect(v).deregister()).to.emit(staking, "ValidatorDeregistered").withArgs(v.address, encodeBytes32String("exit"));
      await toEpoch(clock, offence + 1n);
      const tx = staking.connect(slasher).slashAndJail(v.address, WAD, offence, REASON);
      await expect(tx).to.emit(staking, "Slashed").withArgs(v.address, offence, WAD, 0n, mdt(400), mdt(200), mdt(200), REASON);
      await expect(tx).to.not.emit(staking, "ValidatorJailed");
      expect(await staking.totalUnbonding()).to.equal(0n);
    });
  });

  describe("stake that left before the infraction epoch", function () {
    it("is not slashed", async function () {
      const { staking, clock, v, slasher, offence } = await loadFixture(fleeingFixture);
      await toEpoch(clock, offence + 1n);
      await expect(staking.connect(slasher).slash(v.address, WAD, offence + 1n, REASON))
        .to.emit(staking, "Slashed")
        .withArgs(v.address, offence + 1n, WAD, 0n, 0n, 0n, 0n, REASON);
      expect(await staking.totalUnbonding()).to.equal(mdt(400));
    });
  });

  describe("stake whose unbonding has matured", function () {
    it("is not slashed any more, even before it is withdrawn", async function () {
      const { staking, clock, v, d, slasher, offence } = await loadFixture(fleeingFixture);
      await toEpoch(clock, offence + UNBONDING);
      await expect(staking.connect(slasher).slash(v.address, WAD, offence, REASON))
        .to.emit(staking, "Slashed")
        .withArgs(v.address, offence, WAD, 0n, 0n, 0n, 0n, REASON);
      await expect(staking.connect(d).withdraw()).to.emit(staking, "Withdrawn").withArgs(d.address, mdt(300));
    });
  });

  describe("several unbonding pools", function () {
    it("cuts each pool that started in or after the infraction epoch, entries pro rata", async function () {
      const f = await loadFixture(stakingFixture);
      const [v, a, b] = f.accounts;
      await registerValidator(f, v, mdt(100));
      await delegate(f, a, v.address, mdt(100));
      await delegate(f, b, v.address, mdt(100));
      await toEpoch(f.clock, 3n);
      await f.staking.connect(a).undelegate(v.address, mdt(40)); // pool of epoch 3
      await toEpoch(f.clock, 4n);
      await f.staking.connect(a).undelegate(v.address, mdt(20)); // pool of epoch 4
      await f.staking.connect(b).undelegate(v.address, mdt(60)); // pool of epoch 4
      const tx = f.staking.connect(f.deployer).slash(v.address, WAD / 4n, 4n, REASON);
      // bonded: 100 + 40 + 40 = 180 → 45; pool 4: 80 → 20; pool 3 untouched.
      await expect(tx).to.emit(f.staking, "Slashed").withArgs(v.address, 4n, WAD / 4n, mdt(45), mdt(20), mdt(32.5), mdt(32.5), REASON);
      const entriesA = await f.staking.unbondingOf(a.address);
      expect(entriesA.map((e) => e.amount)).to.have.members([mdt(40), mdt(15)]);
      const [entryB] = await f.staking.unbondingOf(b.address);
      expect(entryB.amount).to.equal(mdt(45));
      const pools = await f.staking.unbondingPoolsOf(v.address);
      expect(pools.map((p) => [p.startEpoch, p.amount])).to.deep.equal([
        [3n, mdt(40)],
        [4n, mdt(60)],
      ]);
    });
  });

  describe("slashAndJail", function () {
    it("slashes and jails a registered validator in one call", async function () {
      const f = await loadFixture(stakingFixture);
      const [v] = f.accounts;
      await registerValidator(f, v, mdt(100));
      const tx = f.staking.connect(f.deployer).slashAndJail(v.address, WAD / 10n, 2n, REASON);
      await expect(tx).to.emit(f.staking, "Slashed").withArgs(v.address, 2n, WAD / 10n, mdt(10), 0n, mdt(5), mdt(5), REASON);
      await expect(tx).to.emit(f.staking, "ValidatorJailed").withArgs(v.address, 2n + 4n);
    });

    it("reverts with AccessControlUnauthorizedAccount for anyone without SLASHER_ROLE", async function () {
      const f = await loadFixture(stakingFixture);
      const [v, other] = f.accounts;
      await registerValidator(f, v, mdt(100));
      await expect(f.staking.connect(other).slashAndJail(v.address, WAD, 2n, REASON))
        .to.be.revertedWithCustomError(f.staking, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, f.SLASHER_ROLE);
    });
  });

  describe("with an infraction epoch in the future", function () {
    it("reverts with FutureEpoch", async function () {
      const f = await loadFixture(stakingFixture);
      const [v] = f.accounts;
      await registerValidator(f, v, mdt(100));
      await expect(f.staking.connect(f.deployer).slash(v.address, WAD, 3n, REASON))
        .to.be.revertedWithCustomError(f.staking, "FutureEpoch")
        .withArgs(3n, 2n);
    });
  });

  describe("the unbonding period", function () {
    it("cannot be zero: setUnbondingEpochs(0) reverts with InvalidParameter", async function () {
      const f = await loadFixture(stakingFixture);
      await expect(f.staking.connect(f.deployer).setUnbondingEpochs(0n))
        .to.be.revertedWithCustomError(f.staking, "InvalidParameter")
        .withArgs(encodeBytes32String("unbondingEpochs"), 0n, 1n, 1000n);
    });
  });
});
