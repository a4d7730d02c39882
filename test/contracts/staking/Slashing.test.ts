import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { encodeBytes32String } from "ethers";
import { delegate, epochOfNextTx, mdt, registerValidator, toEpoch, toLastBlockOf, WAD } from "../fixtures";
import { stakingFixture } from "./helpers";

const REASON = encodeBytes32String("double-sign");
/** The epoch of the offence in these tests (the fixture runs in epoch 3). */
const INFRACTION = 2n;
enum Source {
  RegistrationFee,
  Slashing,
}

/** Validator `v` (100 MDT own) with delegator `d` (300 MDT), and a second validator `w` (50 MDT); active from epoch 3. */
async function slashFixture() {
  const f = await stakingFixture();
  const [v, w] = f.accounts;
  const d = f.accounts[10];
  await registerValidator(f, v, mdt(100));
  await registerValidator(f, w, mdt(50));
  await delegate(f, d, v.address, mdt(300));
  await toEpoch(f.clock, 3n);
  return { ...f, v, w, d, slasher: f.deployer };
}

describe("StakingManager slashing and jailing", function () {
  describe("slash", function () {
    describe("by a SLASHER_ROLE holder", function () {
      it("takes the fraction of the pool, burns and recycles it per slashBurnShare, and emits Slashed", async function () {
        const { staking, token, burnPool, recyclingPool, v, slasher, addr } = await loadFixture(slashFixture);
        const supply = await token.totalSupply();
        const tx = staking.connect(slasher).slash(v.address, mdt("0.1"), INFRACTION, REASON);
        await expect(tx).to.emit(staking, "Slashed").withArgs(v.address, INFRACTION, mdt("0.1"), mdt(40), 0n, mdt(20), mdt(20), REASON);
        await expect(tx).to.emit(burnPool, "Burned").withArgs(addr.staking, Source.Slashing, mdt(20));
        await expect(tx).to.emit(recyclingPool, "Deposited").withArgs(addr.staking, Source.Slashing, mdt(20));
        expect(await token.totalSupply()).to.equal(supply - mdt(20));
        expect(await burnPool.burnedBy(Source.Slashing)).to.equal(mdt(20));
        expect(await recyclingPool.recycledBy(Source.Slashing)).to.equal(mdt(20));
        expect(await token.balanceOf(addr.staking)).to.equal(mdt(410));
        expect(await staking.totalBonded()).to.equal(mdt(410));
      });

      it("makes the validator and its delegators lose pro rata", async function () {
        const { staking, v, d, w, slasher } = await loadFixture(slashFixture);
        await staking.connect(slasher).slash(v.address, mdt("0.25"), INFRACTION, REASON);
        expect(await staking.stakeOf(v.address, v.address)).to.equal(mdt(75));
        expect(await staking.stakeOf(v.address, d.address)).to.equal(mdt(225));
        expect(await staking.sharesOf(v.address, d.address)).to.equal(mdt(300));
        expect((await staking.validatorInfo(v.address)).totalStake).to.equal(mdt(300));
        // Other validators are untouched.
        expect(await staking.stakeOf(w.address, w.address)).to.equal(mdt(50));
      });

      it("leaves unbonding that started before the infraction epoch alone", async function () {
        const { staking, clock, v, d, slasher } = await loadFixture(slashFixture);
        await staking.connect(d).undelegate(v.address, mdt(100));
        await toEpoch(clock, 4n);
        await expect(staking.connect(slasher).slash(v.address, WAD, 4n, REASON))
          .to.emit(staking, "Slashed")
          .withArgs(v.address, 4n, WAD, mdt(300), 0n, mdt(150), mdt(150), REASON);
        expect(await staking.totalUnbonding()).to.equal(mdt(100));
      });

      it("burns everything with slashBurnShare 1 and recycles everything with 0", async function () {
        const { staking, burnPool, recyclingPool, v, w, slasher } = await loadFixture(slashFixture);
        await staking.connect(slasher).setSlashBurnShare(WAD);
        const all = staking.connect(slasher).slash(v.address, mdt("0.5"), INFRACTION, REASON);
        await expect(all).to.emit(staking, "Slashed").withArgs(v.address, INFRACTION, mdt("0.5"), mdt(200), 0n, mdt(200), 0n, REASON);
        await expect(all).to.not.emit(recyclingPool, "Deposited");
        await staking.connect(slasher).setSlashBurnShare(0n);
        const none = staking.connect(slasher).slash(w.address, mdt("0.5"), INFRACTION, REASON);
        await expect(none).to.emit(staking, "Slashed").withArgs(w.address, INFRACTION, mdt("0.5"), mdt(25), 0n, 0n, mdt(25), REASON);
        await expect(none).to.not.emit(burnPool, "Burned");
      });

      it("rounds the burned part down and recycles the odd wei", async function () {
        const f = await loadFixture(stakingFixture);
        const [u] = f.accounts;
        await f.staking.connect(f.deployer).setMinSelfStake(1n);
        await registerValidator(f, u, 3n);
        await expect(f.staking.connect(f.deployer).slash(u.address, WAD, INFRACTION, REASON))
          .to.emit(f.staking, "Slashed")
          .withArgs(u.address, INFRACTION, WAD, 3n, 0n, 1n, 2n, REASON);
      });

      it("lowers the stake in the active set from the next epoch only", async function () {
        const { staking, clock, v, w, slasher } = await loadFixture(slashFixture);
        await staking.connect(slasher).slash(v.address, mdt("0.5"), INFRACTION, REASON);
        expect((await staking.activeValidatorsAt(await clock.currentEpoch()))[2]).to.deep.equal([mdt(400), mdt(50)]);
        await toEpoch(clock, 4n);
        await ethers.provider.send("evm_mine", []);
        expect(await staking.getActiveValidators()).to.deep.equal([
          [v.address, w.address],
          [v.address, w.address],
          [mdt(200), mdt(50)],
        ]);
      });
    });

    describe("of 100%", function () {
      async function wipedFixture() {
        const f = await slashFixture();
        await f.staking.connect(f.slasher).slash(f.v.address, WAD, INFRACTION, REASON);
        return f;
      }

      it("slashes the whole pool", async function () {
        const { staking, v, d } = await loadFixture(wipedFixture);
        expect((await staking.validatorInfo(v.address)).totalStake).to.equal(0n);
        expect(await staking.stakeOf(v.address, d.address)).to.equal(0n);
        expect(await staking.totalBonded()).to.equal(mdt(50));
      });

      it("rejects new stake and delegations with ValidatorWipedOut", async function () {
        const f = await loadFixture(wipedFixture);
        await f.token.connect(f.v).approve(f.staking, mdt(100));
        await expect(f.staking.connect(f.v).stake(mdt(100))).to.be.revertedWithCustomError(f.staking, "ValidatorWipedOut").withArgs(f.v.address);
        await f.token.connect(f.d).approve(f.staking, mdt(100));
        await expect(f.staking.connect(f.d).delegate(f.v.address, mdt(100)))
          .to.be.revertedWithCustomError(f.staking, "ValidatorWipedOut")
          .withArgs(f.v.address);
      });

      it("leaves the delegators nothing to undelegate", async function () {
        const { staking, v, d } = await loadFixture(wipedFixture);
        await expect(staking.connect(d).undelegate(v.address, 1n))
          .to.be.revertedWithCustomError(staking, "InsufficientStake")
          .withArgs(d.address, 0n, 1n);
      });

      it("drops the validator from the next epoch's set; a further slash takes nothing", async function () {
        const { staking, clock, v, w, slasher } = await loadFixture(wipedFixture);
        await expect(staking.connect(slasher).slash(v.address, WAD, INFRACTION, REASON)).to.emit(staking, "Slashed").withArgs(v.address, INFRACTION, WAD, 0n, 0n, 0n, 0n, REASON);
        await toEpoch(clock, 4n);
        await ethers.provider.send("evm_mine", []);
        expect((await staking.getActiveValidators())[0]).to.deep.equal([w.address]);
      });
    });

    describe("with an invalid fraction", function () {
      for (const bad of [0n, WAD + 1n]) {
        it(`reverts with InvalidFraction for ${bad}`, async function () {
          const { staking, v, slasher } = await loadFixture(slashFixture);
          await expect(staking.connect(slasher).slash(v.address, bad, INFRACTION, REASON)).to.be.revertedWithCustomError(staking, "InvalidFraction").withArgs(bad);
        });
      }
    });

    describe("of an unregistered address", function () {
      it("reverts with NotRegistered", async function () {
        const { staking, d, slasher } = await loadFixture(slashFixture);
        await expect(staking.connect(slasher).slash(d.address, WAD, INFRACTION, REASON)).to.be.revertedWithCustomError(staking, "NotRegistered").withArgs(d.address);
      });
    });

    describe("by anyone else", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { staking, v, d, SLASHER_ROLE } = await loadFixture(slashFixture);
        await expect(staking.connect(d).slash(v.address, WAD, INFRACTION, REASON))
          .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
          .withArgs(d.address, SLASHER_ROLE);
      });
    });
  });

  describe("jail", function () {
    it("jails until current + jailEpochs, emits ValidatorJailed and drops it from the next epoch's set", async function () {
      const { staking, clock, v, w, slasher } = await loadFixture(slashFixture);
      const epoch = await epochOfNextTx(clock);
      await expect(staking.connect(slasher).jail(v.address)).to.emit(staking, "ValidatorJailed").withArgs(v.address, epoch + 4n);
      const info = await staking.validatorInfo(v.address);
      expect(info.jailed).to.equal(true);
      expect(info.jailedUntil).to.equal(epoch + 4n);
      expect(await staking.isActiveAt(v.address, epoch)).to.equal(true);
      await toEpoch(clock, epoch + 1n);
      await ethers.provider.send("evm_mine", []);
      expect((await staking.getActiveValidators())[0]).to.deep.equal([w.address]);
    });

    it("reverts with NotRegistered / AccessControlUnauthorizedAccount", async function () {
      const { staking, v, d, slasher, SLASHER_ROLE } = await loadFixture(slashFixture);
      await expect(staking.connect(slasher).jail(d.address)).to.be.revertedWithCustomError(staking, "NotRegistered").withArgs(d.address);
      await expect(staking.connect(d).jail(v.address))
        .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
        .withArgs(d.address, SLASHER_ROLE);
    });
  });

  describe("unjail", function () {
    async function jailedFixture() {
      const f = await slashFixture();
      const epoch = await epochOfNextTx(f.clock);
      await f.staking.connect(f.slasher).jail(f.v.address);
      return { ...f, until: epoch + 4n };
    }

    describe("before the jail period is over", function () {
      it("reverts with ValidatorJailedUntil, up to the last block before it", async function () {
        const { staking, clock, v, until } = await loadFixture(jailedFixture);
        await expect(staking.connect(v).unjail()).to.be.revertedWithCustomError(staking, "ValidatorJailedUntil").withArgs(v.address, until);
        await toLastBlockOf(clock, until - 1n);
        await expect(staking.connect(v).unjail()).to.be.revertedWithCustomError(staking, "ValidatorJailedUntil").withArgs(v.address, until);
      });
    });

    describe("once the jail period is over", function () {
      it("frees the validator, emits ValidatorUnjailed, and restores it from the next epoch", async function () {
        const { staking, clock, v, w, until } = await loadFixture(jailedFixture);
        await toEpoch(clock, until);
        await expect(staking.connect(v).unjail()).to.emit(staking, "ValidatorUnjailed").withArgs(v.address);
        expect((await staking.validatorInfo(v.address)).jailed).to.equal(false);
        expect(await staking.isActiveAt(v.address, until)).to.equal(false);
        await toEpoch(clock, until + 1n);
        await ethers.provider.send("evm_mine", []);
        expect((await staking.getActiveValidators())[0]).to.deep.equal([v.address, w.address]);
      });
    });

    describe("when not jailed", function () {
      it("reverts with NotJailed / NotRegistered", async function () {
        const { staking, w, d } = await loadFixture(jailedFixture);
        await expect(staking.connect(w).unjail()).to.be.revertedWithCustomError(staking, "NotJailed").withArgs(w.address);
        await expect(staking.connect(d).unjail()).to.be.revertedWithCustomError(staking, "NotRegistered").withArgs(d.address);
      });
    });

    describe("with a jail period of zero", function () {
      it("cannot be configured: setJailEpochs(0) reverts with InvalidParameter", async function () {
        const { staking, slasher } = await loadFixture(slashFixture);
        await expect(staking.connect(slasher).setJailEpochs(0n))
          .to.be.revertedWithCustomError(staking, "InvalidParameter")
          .withArgs(encodeBytes32String("jailEpochs"), 0n, 1n, 100_000n);
      });
    });
  });
});
