import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { delegate, mdt, registerValidator, toEpoch, toLastBlockOf } from "../fixtures";
import { stakingFixture } from "./helpers";

/**
 * Three validators registered in epoch 2 with 100 (a) / 300 (b) / 200 (c) MDT. The latest block is the
 * last of epoch 2, so views answer for epoch 2 and the next transaction runs in epoch 3.
 */
async function threeValidatorsFixture() {
  const f = await stakingFixture();
  const [a, b, c] = f.accounts;
  const signers = [1, 2, 3].map(() => ethers.Wallet.createRandom().address);
  await registerValidator(f, a, mdt(100), signers[0]);
  await registerValidator(f, b, mdt(300), signers[1]);
  await registerValidator(f, c, mdt(200), signers[2]);
  await toEpoch(f.clock, 3n);
  return { ...f, a, b, c, signers, d: f.accounts[10] };
}

async function mineOne(): Promise<void> {
  await ethers.provider.send("evm_mine", []);
}

describe("StakingManager active set", function () {
  describe("before anyone registered", function () {
    it("is empty", async function () {
      const { staking, clock } = await loadFixture(stakingFixture);
      expect(await staking.getActiveValidators()).to.deep.equal([[], [], []]);
      expect(await staking.activeCountAt(await clock.currentEpoch())).to.equal(0n);
      expect(await staking.activeCountAt(0n)).to.equal(0n);
    });
  });

  describe("in the epoch of a registration", function () {
    it("does not include the new validators", async function () {
      const { staking, a } = await loadFixture(threeValidatorsFixture);
      expect(await staking.getActiveValidators()).to.deep.equal([[], [], []]);
      expect(await staking.isActiveAt(a.address, 2n)).to.equal(false);
      expect(await staking.activeCountAt(2n)).to.equal(0n);
    });
  });

  describe("from the next epoch on", function () {
    it("includes them, ordered by total stake with their signers", async function () {
      const { staking, a, b, c, signers } = await loadFixture(threeValidatorsFixture);
      await mineOne();
      expect(await staking.getActiveValidators()).to.deep.equal([
        [b.address, c.address, a.address],
        [signers[1], signers[2], signers[0]],
        [mdt(300), mdt(200), mdt(100)],
      ]);
      expect(await staking.activeValidatorsAt(3n)).to.deep.equal(await staking.getActiveValidators());
      expect(await staking.isActiveAt(a.address, 3n)).to.equal(true);
      expect(await staking.isActiveAt(ethers.ZeroAddress, 3n)).to.equal(false);
      expect(await staking.activeCountAt(3n)).to.equal(3n);
      // The past is unchanged.
      expect(await staking.activeCountAt(2n)).to.equal(0n);
    });
  });

  describe("for a future epoch", function () {
    it("reverts with FutureEpoch", async function () {
      const { staking, a } = await loadFixture(threeValidatorsFixture);
      await expect(staking.activeCountAt(3n)).to.be.revertedWithCustomError(staking, "FutureEpoch").withArgs(3n, 2n);
      await expect(staking.activeValidatorsAt(3n)).to.be.revertedWithCustomError(staking, "FutureEpoch").withArgs(3n, 2n);
      await expect(staking.isActiveAt(a.address, 3n)).to.be.revertedWithCustomError(staking, "FutureEpoch").withArgs(3n, 2n);
    });
  });

  describe("a delegation in the last block of an epoch", function () {
    it("reorders the set only from the next epoch's first block", async function () {
      const f = await loadFixture(threeValidatorsFixture);
      await f.token.connect(f.d).approve(f.staking, mdt(250));
      await toLastBlockOf(f.clock, 3n);
      await f.staking.connect(f.d).delegate(f.a.address, mdt(250));
      expect(await f.clock.currentEpoch()).to.equal(3n);
      expect((await f.staking.getActiveValidators())[2]).to.deep.equal([mdt(300), mdt(200), mdt(100)]);
      await mineOne();
      expect(await f.staking.getActiveValidators()).to.deep.equal([
        [f.a.address, f.b.address, f.c.address],
        [f.signers[0], f.signers[1], f.signers[2]],
        [mdt(350), mdt(300), mdt(200)],
      ]);
      expect((await f.staking.activeValidatorsAt(3n))[2]).to.deep.equal([mdt(300), mdt(200), mdt(100)]);
    });
  });

  describe("with equal stakes", function () {
    it("puts the earlier registration first", async function () {
      const f = await loadFixture(threeValidatorsFixture);
      await delegate(f, f.d, f.a.address, mdt(100));
      await toEpoch(f.clock, 4n);
      await mineOne();
      expect((await f.staking.getActiveValidators())[0]).to.deep.equal([f.b.address, f.a.address, f.c.address]);
    });
  });

  describe("with more eligible validators than maxActiveValidators", function () {
    it("keeps the top ones by stake, from the epoch after the change", async function () {
      const f = await loadFixture(threeValidatorsFixture);
      await f.staking.connect(f.deployer).setMaxActiveValidators(2n);
      expect(await f.staking.activeCountAt(3n)).to.equal(3n);
      await toEpoch(f.clock, 4n);
      await mineOne();
      expect(await f.staking.getActiveValidators()).to.deep.equal([
        [f.b.address, f.c.address],
        [f.signers[1], f.signers[2]],
        [mdt(300), mdt(200)],
      ]);
      expect(await f.staking.isActiveAt(f.a.address, 4n)).to.equal(false);
      expect(await f.staking.isActiveAt(f.a.address, 3n)).to.equal(true);
    });

    it("lets a delegation push a validator into the set", async function () {
      const f = await loadFixture(threeValidatorsFixture);
      await f.staking.connect(f.deployer).setMaxActiveValidators(1n);
      await delegate(f, f.d, f.a.address, mdt(201));
      await toEpoch(f.clock, 4n);
      await mineOne();
      expect((await f.staking.getActiveValidators())[0]).to.deep.equal([f.a.address]);
    });
  });

  describe("a validator whose self-stake is below the minimum", function () {
    it("is left out from the next epoch, whatever its delegations", async function () {
      const f = await loadFixture(threeValidatorsFixture);
      await delegate(f, f.d, f.a.address, mdt(500));
      await f.staking.connect(f.deployer).setMinSelfStake(mdt(150));
      await toEpoch(f.clock, 4n);
      await mineOne();
      expect((await f.staking.getActiveValidators())[0]).to.deep.equal([f.b.address, f.c.address]);
    });
  });

  describe("a validator that unstaked everything", function () {
    it("is left out from the next epoch", async function () {
      const f = await loadFixture(threeValidatorsFixture);
      await f.staking.connect(f.b).unstake(mdt(300));
      expect(await f.staking.isActiveAt(f.b.address, 2n)).to.equal(false);
      await toEpoch(f.clock, 4n);
      await mineOne();
      expect((await f.staking.getActiveValidators())[0]).to.deep.equal([f.c.address, f.a.address]);
      expect(await f.staking.isActiveAt(f.b.address, 3n)).to.equal(true);
      expect(await f.staking.isActiveAt(f.b.address, 4n)).to.equal(false);
    });
  });

  describe("checkpoint", function () {
    it("records the pending set once, with ActiveSetRecorded(fromEpoch, size, totalStake)", async function () {
      const { staking } = await loadFixture(threeValidatorsFixture);
      await expect(staking.checkpoint()).to.emit(staking, "ActiveSetRecorded").withArgs(3n, 3n, mdt(600));
      await expect(staking.checkpoint()).to.not.emit(staking, "ActiveSetRecorded");
      expect(await staking.activeCountAt(3n)).to.equal(3n);
    });

    it("does nothing when the set is already recorded", async function () {
      const { staking } = await loadFixture(threeValidatorsFixture);
      await staking.checkpoint();
      await expect(staking.checkpoint()).to.not.emit(staking, "ActiveSetRecorded");
    });

    it("is taken by the first change of a later epoch, dated from the epoch after the last change", async function () {
      const f = await loadFixture(threeValidatorsFixture);
      await toEpoch(f.clock, 6n);
      await expect(f.staking.connect(f.c).unstake(mdt(10))).to.emit(f.staking, "ActiveSetRecorded").withArgs(3n, 3n, mdt(600));
    });
  });

  describe("history", function () {
    it("answers for every past epoch across idle epochs and several changes", async function () {
      const f = await loadFixture(threeValidatorsFixture);
      await delegate(f, f.d, f.a.address, mdt(250)); // epoch 3: a → 350
      await toEpoch(f.clock, 6n);
      await f.staking.connect(f.b).unstake(mdt(300)); // epoch 6: b leaves
      await f.staking.connect(f.c).unstake(mdt(50)); // epoch 6: c → 150
      await toEpoch(f.clock, 9n);
      const before = [[], [], []];
      const first = [
        [f.b.address, f.c.address, f.a.address],
        [f.signers[1], f.signers[2], f.signers[0]],
        [mdt(300), mdt(200), mdt(100)],
      ];
      const second = [
        [f.a.address, f.b.address, f.c.address],
        [f.signers[0], f.signers[1], f.signers[2]],
        [mdt(350), mdt(300), mdt(200)],
      ];
      const third = [
        [f.a.address, f.c.address],
        [f.signers[0], f.signers[2]],
        [mdt(350), mdt(150)],
      ];
      const expected = [before, before, before, first, second, second, second, third, third];
      for (let epoch = 0; epoch < expected.length; epoch++) {
        expect(await f.staking.activeValidatorsAt(BigInt(epoch))).to.deep.equal(expected[epoch], `epoch ${epoch}`);
        expect(await f.staking.activeCountAt(BigInt(epoch))).to.equal(BigInt(expected[epoch][0].length));
      }
      // The same answers once the pending set has been recorded.
      await f.staking.checkpoint();
      for (let epoch = 0; epoch < expected.length; epoch++) {
        expect(await f.staking.activeValidatorsAt(BigInt(epoch))).to.deep.equal(expected[epoch], `epoch ${epoch}`);
        expect(await f.staking.isActiveAt(f.b.address, BigInt(epoch))).to.equal(epoch >= 3 && epoch <= 6);
      }
    });
  });
});
