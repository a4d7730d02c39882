import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { encodeBytes32String } from "ethers";
import {
  delegate,
  epochOfNextTx,
  mdt,
  MIN_SELF_STAKE,
  registerValidator,
  toEpoch,
  toLastBlockOf,
  WAD,
  ZERO_ADDRESS,
} from "../fixtures";
import { stakingFixture } from "./helpers";

const UNBONDING = 7n;

async function validatorFixture() {
  const f = await stakingFixture();
  const [v1, v2, , , , , , , , , d1, d2] = f.accounts;
  await registerValidator(f, v1, mdt(100));
  return { ...f, v1, v2, d1, d2 };
}

describe("StakingManager", function () {
  describe("configuration", function () {
    it("starts with the configured parameters and roles", async function () {
      const { staking, deployer, addr, GOVERNOR_ROLE, SLASHER_ROLE } = await loadFixture(stakingFixture);
      expect(await staking.minSelfStake()).to.equal(MIN_SELF_STAKE);
      expect(await staking.unbondingEpochs()).to.equal(UNBONDING);
      expect(await staking.maxActiveValidators()).to.equal(64n);
      expect(await staking.jailEpochs()).to.equal(4n);
      expect(await staking.slashBurnShare()).to.equal(WAD / 2n);
      expect(await staking.hasRole(GOVERNOR_ROLE, addr.treasury)).to.equal(true);
      expect(await staking.hasRole(SLASHER_ROLE, addr.treasury)).to.equal(true);
      expect(await staking.hasRole(SLASHER_ROLE, deployer.address)).to.equal(true);
      expect(await staking.token()).to.equal(addr.token);
      expect(await staking.burnPool()).to.equal(addr.burnPool);
      expect(await staking.recyclingPool()).to.equal(addr.recyclingPool);
    });
  });

  describe("registerValidator", function () {
    describe("with a fresh signer and at least the minimum self-stake", function () {
      it("registers, bonds the stake 1:1 in shares and emits ValidatorRegistered and Staked", async function () {
        const { staking, token, accounts, addr } = await loadFixture(stakingFixture);
        const [v] = accounts;
        const signer = ethers.Wallet.createRandom().address;
        await token.connect(v).approve(staking, MIN_SELF_STAKE);
        const tx = staking.connect(v).registerValidator(signer, MIN_SELF_STAKE);
        await expect(tx).to.emit(staking, "ValidatorRegistered").withArgs(v.address, signer, MIN_SELF_STAKE);
        await expect(tx).to.emit(staking, "Staked").withArgs(v.address, v.address, MIN_SELF_STAKE, MIN_SELF_STAKE);
        await expect(tx).to.changeTokenBalances(token, [v, { getAddress: async () => addr.staking }], [-MIN_SELF_STAKE, MIN_SELF_STAKE]);
        const info = await staking.validatorInfo(v.address);
        expect(info.signer).to.equal(signer);
        expect(info.registered).to.equal(true);
        expect(info.jailed).to.equal(false);
        expect(info.totalStake).to.equal(MIN_SELF_STAKE);
        expect(info.totalShares).to.equal(MIN_SELF_STAKE);
        expect(await staking.registeredValidators()).to.deep.equal([v.address]);
        expect(await staking.validatorOfSigner(signer)).to.equal(v.address);
        expect(await staking.stakeOf(v.address, v.address)).to.equal(MIN_SELF_STAKE);
        expect(await staking.sharesOf(v.address, v.address)).to.equal(MIN_SELF_STAKE);
        expect(await staking.totalBonded()).to.equal(MIN_SELF_STAKE);
      });
    });

    describe("when the caller is already registered", function () {
      it("reverts with AlreadyRegistered", async function () {
        const { staking, v1 } = await loadFixture(validatorFixture);
        await expect(staking.connect(v1).registerValidator(ethers.Wallet.createRandom().address, MIN_SELF_STAKE))
          .to.be.revertedWithCustomError(staking, "AlreadyRegistered")
          .withArgs(v1.address);
      });
    });

    describe("when the signer is invalid", function () {
      it("reverts with InvalidSigner for the zero address", async function () {
        const { staking, v2 } = await loadFixture(validatorFixture);
        await expect(staking.connect(v2).registerValidator(ZERO_ADDRESS, MIN_SELF_STAKE))
          .to.be.revertedWithCustomError(staking, "InvalidSigner")
          .withArgs(ZERO_ADDRESS, ZERO_ADDRESS);
      });

      it("reverts with InvalidSigner naming the owner of a signer already in use", async function () {
        const { staking, v1, v2 } = await loadFixture(validatorFixture);
        await expect(staking.connect(v2).registerValidator(v1.address, MIN_SELF_STAKE))
          .to.be.revertedWithCustomError(staking, "InvalidSigner")
          .withArgs(v1.address, v1.address);
      });
    });

    describe("when the self-stake is below the minimum", function () {
      it("reverts with SelfStakeBelowMinimum one wei short, and accepts exactly the minimum", async function () {
        const { staking, token, v2 } = await loadFixture(validatorFixture);
        await token.connect(v2).approve(staking, MIN_SELF_STAKE);
        await expect(staking.connect(v2).registerValidator(v2.address, MIN_SELF_STAKE - 1n))
          .to.be.revertedWithCustomError(staking, "SelfStakeBelowMinimum")
          .withArgs(MIN_SELF_STAKE - 1n, MIN_SELF_STAKE);
        await expect(staking.connect(v2).registerValidator(v2.address, MIN_SELF_STAKE)).to.emit(staking, "ValidatorRegistered");
      });
    });

    describe("without an allowance", function () {
      it("reverts with ERC20InsufficientAllowance", async function () {
        const { staking, token, v2, addr } = await loadFixture(validatorFixture);
        await expect(staking.connect(v2).registerValidator(v2.address, MIN_SELF_STAKE))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
          .withArgs(addr.staking, 0n, MIN_SELF_STAKE);
      });
    });

    describe("when MAX_VALIDATORS are registered", function () {
      it("reverts with TooManyValidators", async function () {
        const { staking, token, deployer } = await loadFixture(stakingFixture);
        const max = await staking.MAX_VALIDATORS();
        await staking.connect(deployer).setMinSelfStake(1n);
        const wallets = Array.from({ length: Number(max) + 1 }, () => ethers.Wallet.createRandom().connect(ethers.provider));
        for (const w of wallets) {
          await setBalance(w.address, 10n ** 18n);
          await token.connect(deployer).transfer(w.address, 1n);
          await token.connect(w).approve(staking, 1n);
        }
        for (const w of wallets.slice(0, Number(max))) await staking.connect(w).registerValidator(w.address, 1n);
        const last = wallets[Number(max)];
        await expect(staking.connect(last).registerValidator(last.address, 1n))
          .to.be.revertedWithCustomError(staking, "TooManyValidators")
          .withArgs(max);
      });
    });
  });

  describe("stake", function () {
    it("adds to the caller's own stake and emits Staked", async function () {
      const { staking, token, v1 } = await loadFixture(validatorFixture);
      await token.connect(v1).approve(staking, mdt(50));
      await expect(staking.connect(v1).stake(mdt(50))).to.emit(staking, "Staked").withArgs(v1.address, v1.address, mdt(50), mdt(50));
      expect(await staking.stakeOf(v1.address, v1.address)).to.equal(mdt(150));
      expect(await staking.totalBonded()).to.equal(mdt(150));
    });

    it("reverts with NotRegistered for a non-validator", async function () {
      const { staking, v2 } = await loadFixture(validatorFixture);
      await expect(staking.connect(v2).stake(1n)).to.be.revertedWithCustomError(staking, "NotRegistered").withArgs(v2.address);
    });

    it("reverts with ZeroAmount for zero", async function () {
      const { staking, v1 } = await loadFixture(validatorFixture);
      await expect(staking.connect(v1).stake(0n)).to.be.revertedWithCustomError(staking, "ZeroAmount");
    });
  });

  describe("delegate", function () {
    describe("to a registered validator", function () {
      it("bonds the delegator's MDT for shares at the pool price and emits Staked", async function () {
        const { staking, token, v1, d1, addr } = await loadFixture(validatorFixture);
        await token.connect(d1).approve(staking, mdt(40));
        const tx = staking.connect(d1).delegate(v1.address, mdt(40));
        await expect(tx).to.emit(staking, "Staked").withArgs(v1.address, d1.address, mdt(40), mdt(40));
        await expect(tx).to.changeTokenBalances(token, [d1, { getAddress: async () => addr.staking }], [-mdt(40), mdt(40)]);
        expect(await staking.stakeOf(v1.address, d1.address)).to.equal(mdt(40));
        expect((await staking.validatorInfo(v1.address)).totalStake).to.equal(mdt(140));
      });

      it("prices shares after a slash: the same MDT buys more shares", async function () {
        const f = await loadFixture(validatorFixture);
        const { staking, v1, d1, deployer } = f;
        await f.staking.connect(deployer).slash(v1.address, WAD / 2n, 0n, encodeBytes32String("test"));
        // v1's pool: 100 shares worth 50 MDT, a share costs 0.5 MDT.
        await f.token.connect(d1).approve(staking, mdt(25));
        await expect(staking.connect(d1).delegate(v1.address, mdt(25)))
          .to.emit(staking, "Staked")
          .withArgs(v1.address, d1.address, mdt(25), mdt(50));
        expect(await staking.stakeOf(v1.address, d1.address)).to.equal(mdt(25));
        expect(await staking.stakeOf(v1.address, v1.address)).to.equal(mdt(50));
      });

      it("lets several delegators hold shares side by side", async function () {
        const f = await loadFixture(validatorFixture);
        await delegate(f, f.d1, f.v1.address, mdt(10));
        await delegate(f, f.d2, f.v1.address, mdt(30));
        await delegate(f, f.d1, f.v1.address, mdt(5));
        expect(await f.staking.stakeOf(f.v1.address, f.d1.address)).to.equal(mdt(15));
        expect(await f.staking.stakeOf(f.v1.address, f.d2.address)).to.equal(mdt(30));
        expect((await f.staking.validatorInfo(f.v1.address)).totalStake).to.equal(mdt(145));
      });
    });

    describe("to an unregistered address", function () {
      it("reverts with NotRegistered", async function () {
        const { staking, v2, d1 } = await loadFixture(validatorFixture);
        await expect(staking.connect(d1).delegate(v2.address, 1n)).to.be.revertedWithCustomError(staking, "NotRegistered").withArgs(v2.address);
      });
    });

    describe("to a jailed validator", function () {
      it("reverts with ValidatorJailedUntil", async function () {
        const { staking, v1, d1, deployer, clock } = await loadFixture(validatorFixture);
        await staking.connect(deployer).jail(v1.address);
        const until = (await clock.currentEpoch()) + 4n;
        await expect(staking.connect(d1).delegate(v1.address, 1n))
          .to.be.revertedWithCustomError(staking, "ValidatorJailedUntil")
          .withArgs(v1.address, until);
      });
    });

    describe("with zero", function () {
      it("reverts with ZeroAmount", async function () {
        const { staking, v1, d1 } = await loadFixture(validatorFixture);
        await expect(staking.connect(d1).delegate(v1.address, 0n)).to.be.revertedWithCustomError(staking, "ZeroAmount");
      });
    });
  });

  describe("unstake", function () {
    describe("leaving at least the minimum", function () {
      it("moves the MDT to unbonding until current + unbondingEpochs and emits Unstaked", async function () {
        const { staking, v1, clock } = await loadFixture(validatorFixture);
        const epoch = await epochOfNextTx(clock);
        await expect(staking.connect(v1).unstake(mdt(68)))
          .to.emit(staking, "Unstaked")
          .withArgs(v1.address, v1.address, mdt(68), mdt(68), epoch + UNBONDING);
        expect(await staking.stakeOf(v1.address, v1.address)).to.equal(MIN_SELF_STAKE);
        expect(await staking.totalBonded()).to.equal(MIN_SELF_STAKE);
        expect(await staking.totalUnbonding()).to.equal(mdt(68));
        expect(await staking.unbondingOf(v1.address)).to.deep.equal([[mdt(68), epoch + UNBONDING, v1.address]]);
        expect(await staking.withdrawable(v1.address)).to.equal(0n);
      });
    });

    describe("leaving everything", function () {
      it("is allowed and leaves an empty pool", async function () {
        const { staking, v1 } = await loadFixture(validatorFixture);
        await staking.connect(v1).unstake(mdt(100));
        const info = await staking.validatorInfo(v1.address);
        expect(info.totalStake).to.equal(0n);
        expect(info.totalShares).to.equal(0n);
        expect(info.registered).to.equal(true);
      });

      it("lets the validator bond again at a fresh 1:1 price", async function () {
        const f = await loadFixture(validatorFixture);
        await f.staking.connect(f.v1).unstake(mdt(100));
        await f.token.connect(f.v1).approve(f.staking, mdt(40));
        await expect(f.staking.connect(f.v1).stake(mdt(40))).to.emit(f.staking, "Staked").withArgs(f.v1.address, f.v1.address, mdt(40), mdt(40));
      });
    });

    describe("leaving less than the minimum but not zero", function () {
      it("reverts with SelfStakeBelowMinimum", async function () {
        const { staking, v1 } = await loadFixture(validatorFixture);
        await expect(staking.connect(v1).unstake(mdt(68) + 1n))
          .to.be.revertedWithCustomError(staking, "SelfStakeBelowMinimum")
          .withArgs(MIN_SELF_STAKE - 1n, MIN_SELF_STAKE);
      });
    });

    describe("more than staked", function () {
      it("reverts with InsufficientStake", async function () {
        const { staking, v1 } = await loadFixture(validatorFixture);
        await expect(staking.connect(v1).unstake(mdt(100) + 1n))
          .to.be.revertedWithCustomError(staking, "InsufficientStake")
          .withArgs(v1.address, mdt(100), mdt(100) + 1n);
      });
    });

    describe("by a non-validator or with zero", function () {
      it("reverts with NotRegistered / ZeroAmount", async function () {
        const { staking, v1, v2 } = await loadFixture(validatorFixture);
        await expect(staking.connect(v2).unstake(1n)).to.be.revertedWithCustomError(staking, "NotRegistered").withArgs(v2.address);
        await expect(staking.connect(v1).unstake(0n)).to.be.revertedWithCustomError(staking, "ZeroAmount");
      });
    });

    describe("with MAX_UNBONDING_ENTRIES pending", function () {
      it("reverts with TooManyUnbondingEntries until the account withdraws", async function () {
        const { staking, v1, clock } = await loadFixture(validatorFixture);
        for (let i = 0; i < 32; i++) await staking.connect(v1).unstake(mdt(1));
        await expect(staking.connect(v1).unstake(mdt(1)))
          .to.be.revertedWithCustomError(staking, "TooManyUnbondingEntries")
          .withArgs(32n);
        const release = (await staking.unbondingOf(v1.address))[31].releaseEpoch;
        await toEpoch(clock, release);
        await staking.connect(v1).withdraw();
        await expect(staking.connect(v1).unstake(mdt(1))).to.emit(staking, "Unstaked");
      });
    });
  });

  describe("undelegate", function () {
    async function delegatedFixture() {
      const f = await validatorFixture();
      await delegate(f, f.d1, f.v1.address, mdt(60));
      return f;
    }

    it("unbonds the delegator's MDT and emits Unstaked", async function () {
      const { staking, v1, d1, clock } = await loadFixture(delegatedFixture);
      const epoch = await epochOfNextTx(clock);
      await expect(staking.connect(d1).undelegate(v1.address, mdt(20)))
        .to.emit(staking, "Unstaked")
        .withArgs(v1.address, d1.address, mdt(20), mdt(20), epoch + UNBONDING);
      expect(await staking.stakeOf(v1.address, d1.address)).to.equal(mdt(40));
      expect((await staking.validatorInfo(v1.address)).totalStake).to.equal(mdt(140));
    });

    it("burns shares rounded up, so the remaining holders never lose", async function () {
      const f = await loadFixture(delegatedFixture);
      // Price 2/3 after a third is slashed: 160 shares hold 106.66.. MDT.
      await f.staking.connect(f.deployer).slash(f.v1.address, WAD / 3n, 0n, encodeBytes32String("x"));
      const before = await f.staking.stakeOf(f.v1.address, f.v1.address);
      await f.staking.connect(f.d1).undelegate(f.v1.address, 1n);
      // 1 wei of stake costs ceil(1 * 3/2) = 2 shares.
      expect(await f.staking.sharesOf(f.v1.address, f.d1.address)).to.equal(mdt(60) - 2n);
      expect(await f.staking.stakeOf(f.v1.address, f.v1.address)).to.be.gte(before);
    });

    it("lets the last holder out take the whole remaining stake", async function () {
      const f = await loadFixture(delegatedFixture);
      await f.staking.connect(f.deployer).slash(f.v1.address, WAD / 3n, 0n, encodeBytes32String("x"));
      await f.staking.connect(f.v1).unstake(await f.staking.stakeOf(f.v1.address, f.v1.address));
      const rest = (await f.staking.validatorInfo(f.v1.address)).totalStake;
      const value = await f.staking.stakeOf(f.v1.address, f.d1.address);
      const epoch = await epochOfNextTx(f.clock);
      await expect(f.staking.connect(f.d1).undelegate(f.v1.address, value))
        .to.emit(f.staking, "Unstaked")
        .withArgs(f.v1.address, f.d1.address, rest, mdt(60), epoch + UNBONDING);
      expect((await f.staking.validatorInfo(f.v1.address)).totalStake).to.equal(0n);
    });

    it("applies the self-stake minimum when the validator undelegates from itself", async function () {
      const { staking, v1 } = await loadFixture(delegatedFixture);
      await expect(staking.connect(v1).undelegate(v1.address, mdt(80)))
        .to.be.revertedWithCustomError(staking, "SelfStakeBelowMinimum")
        .withArgs(mdt(20), MIN_SELF_STAKE);
      await expect(staking.connect(v1).undelegate(v1.address, mdt(100))).to.emit(staking, "Unstaked");
    });

    it("reverts with InsufficientStake beyond the delegation", async function () {
      const { staking, v1, d1, d2 } = await loadFixture(delegatedFixture);
      await expect(staking.connect(d1).undelegate(v1.address, mdt(60) + 1n))
        .to.be.revertedWithCustomError(staking, "InsufficientStake")
        .withArgs(d1.address, mdt(60), mdt(60) + 1n);
      await expect(staking.connect(d2).undelegate(v1.address, 1n))
        .to.be.revertedWithCustomError(staking, "InsufficientStake")
        .withArgs(d2.address, 0n, 1n);
    });

    it("reverts with InsufficientStake from a validator it never bonded to / ZeroAmount", async function () {
      const { staking, v1, v2, d1 } = await loadFixture(delegatedFixture);
      await expect(staking.connect(d1).undelegate(v2.address, 1n)).to.be.revertedWithCustomError(staking, "InsufficientStake").withArgs(d1.address, 0n, 1n);
      await expect(staking.connect(d1).undelegate(v1.address, 0n)).to.be.revertedWithCustomError(staking, "ZeroAmount");
    });

    it("is allowed from a jailed validator", async function () {
      const { staking, v1, d1, deployer } = await loadFixture(delegatedFixture);
      await staking.connect(deployer).jail(v1.address);
      await expect(staking.connect(d1).undelegate(v1.address, mdt(60))).to.emit(staking, "Unstaked");
    });
  });

  describe("withdraw", function () {
    async function unbondingFixture() {
      const f = await validatorFixture();
      await delegate(f, f.d1, f.v1.address, mdt(60));
      const start = await epochOfNextTx(f.clock);
      await f.staking.connect(f.d1).undelegate(f.v1.address, mdt(10));
      await toEpoch(f.clock, start + 1n);
      await f.staking.connect(f.d1).undelegate(f.v1.address, mdt(20));
      return { ...f, start };
    }

    describe("before the release epoch", function () {
      it("reverts with NothingToWithdraw, even in the last block before it", async function () {
        const { staking, clock, d1, start } = await loadFixture(unbondingFixture);
        await expect(staking.connect(d1).withdraw()).to.be.revertedWithCustomError(staking, "NothingToWithdraw").withArgs(d1.address);
        await toLastBlockOf(clock, start + UNBONDING - 1n);
        await expect(staking.connect(d1).withdraw()).to.be.revertedWithCustomError(staking, "NothingToWithdraw").withArgs(d1.address);
      });
    });

    describe("from the release epoch on", function () {
      it("pays the matured entries only and emits Withdrawn", async function () {
        const { staking, token, clock, d1, v1, start, addr } = await loadFixture(unbondingFixture);
        await toEpoch(clock, start + UNBONDING);
        await ethers.provider.send("evm_mine", []);
        expect(await staking.withdrawable(d1.address)).to.equal(mdt(10));
        const tx = staking.connect(d1).withdraw();
        await expect(tx).to.emit(staking, "Withdrawn").withArgs(d1.address, mdt(10));
        await expect(tx).to.changeTokenBalances(token, [d1, { getAddress: async () => addr.staking }], [mdt(10), -mdt(10)]);
        expect(await staking.unbondingOf(d1.address)).to.deep.equal([[mdt(20), start + 1n + UNBONDING, v1.address]]);
        expect(await staking.totalUnbonding()).to.equal(mdt(20));
        await expect(staking.connect(d1).withdraw()).to.be.revertedWithCustomError(staking, "NothingToWithdraw");
      });

      it("pays every matured entry at once", async function () {
        const { staking, clock, d1, start } = await loadFixture(unbondingFixture);
        await toEpoch(clock, start + UNBONDING + 5n);
        await expect(staking.connect(d1).withdraw()).to.emit(staking, "Withdrawn").withArgs(d1.address, mdt(30));
        expect(await staking.unbondingOf(d1.address)).to.deep.equal([]);
        expect(await staking.totalUnbonding()).to.equal(0n);
      });
    });

    describe("with no entries", function () {
      it("reverts with NothingToWithdraw", async function () {
        const { staking, d2 } = await loadFixture(unbondingFixture);
        await expect(staking.connect(d2).withdraw()).to.be.revertedWithCustomError(staking, "NothingToWithdraw").withArgs(d2.address);
      });
    });

    describe("with the shortest unbonding period (one epoch)", function () {
      it("pays from the next epoch, never in the same one", async function () {
        const { staking, clock, v1, deployer } = await loadFixture(validatorFixture);
        await staking.connect(deployer).setUnbondingEpochs(1n);
        const epoch = await epochOfNextTx(clock);
        await staking.connect(v1).unstake(mdt(10));
        await expect(staking.connect(v1).withdraw()).to.be.revertedWithCustomError(staking, "NothingToWithdraw");
        await toEpoch(clock, epoch + 1n);
        await expect(staking.connect(v1).withdraw()).to.emit(staking, "Withdrawn").withArgs(v1.address, mdt(10));
      });
    });
  });

  describe("governance setters", function () {
    const MAXP = 100_000n;
    const U256 = 2n ** 256n - 1n;
    const setters = [
      { fn: "setMinSelfStake", name: "minSelfStake", prev: MIN_SELF_STAKE, ok: [1n, U256], bad: [[0n, 1n, U256]] },
      { fn: "setUnbondingEpochs", name: "unbondingEpochs", prev: 7n, ok: [1n, 1000n], bad: [[0n, 1n, 1000n], [1001n, 1n, 1000n]] },
      { fn: "setMaxActiveValidators", name: "maxActiveValidators", prev: 64n, ok: [1n, 256n], bad: [[0n, 1n, 256n], [257n, 1n, 256n]] },
      { fn: "setJailEpochs", name: "jailEpochs", prev: 4n, ok: [1n, MAXP], bad: [[0n, 1n, MAXP], [MAXP + 1n, 1n, MAXP]] },
      { fn: "setInactivityEpochs", name: "inactivityEpochs", prev: 7n, ok: [1n, MAXP], bad: [[0n, 1n, MAXP], [MAXP + 1n, 1n, MAXP]] },
      { fn: "setSlashBurnShare", name: "slashBurnShare", prev: WAD / 2n, ok: [0n, WAD], bad: [[WAD + 1n, 0n, WAD]] },
    ] as const;

    for (const s of setters) {
      describe(s.fn, function () {
        it("sets the value and emits ParameterChanged", async function () {
          const { staking, deployer } = await loadFixture(stakingFixture);
          let prev: bigint = s.prev;
          for (const value of s.ok) {
            await expect(staking.connect(deployer)[s.fn](value))
              .to.emit(staking, "ParameterChanged")
              .withArgs(encodeBytes32String(s.name), prev, value);
            expect(await staking[s.name]()).to.equal(value);
            prev = value;
          }
        });

        it("reverts with InvalidParameter out of range", async function () {
          const { staking, deployer } = await loadFixture(stakingFixture);
          for (const [value, min, max] of s.bad) {
            await expect(staking.connect(deployer)[s.fn](value))
              .to.be.revertedWithCustomError(staking, "InvalidParameter")
              .withArgs(encodeBytes32String(s.name), value, min, max);
          }
        });

        it("reverts with AccessControlUnauthorizedAccount for a non-governor", async function () {
          const { staking, accounts, GOVERNOR_ROLE } = await loadFixture(stakingFixture);
          await expect(staking.connect(accounts[3])[s.fn](s.ok[0]))
            .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
            .withArgs(accounts[3].address, GOVERNOR_ROLE);
        });
      });
    }
  });
});
