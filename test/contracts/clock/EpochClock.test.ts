import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { EpochClock__factory } from "../../../typechain-types";
import { toBlock, toEpoch, toLastBlockOf } from "../fixtures";

const LENGTH = 10n;
const MAX = 1_000_000n;

async function clockFixture() {
  const [admin, other] = await ethers.getSigners();
  const clock = await new EpochClock__factory(admin).deploy(admin.address, LENGTH);
  const genesis = BigInt((await clock.deploymentTransaction()!.wait())!.blockNumber);
  return { clock, admin, other, genesis, GOVERNOR_ROLE: await clock.GOVERNOR_ROLE() };
}

describe("EpochClock", function () {
  describe("construction", function () {
    it("starts epoch 0 at the deployment block and emits EpochLengthChanged", async function () {
      const { clock, genesis } = await loadFixture(clockFixture);
      expect(await clock.epochStartBlock(0n)).to.equal(genesis);
      expect(await clock.epochLength()).to.equal(LENGTH);
      expect(await clock.currentEpoch()).to.equal(0n);
      await expect(clock.deploymentTransaction()).to.emit(clock, "EpochLengthChanged").withArgs(0n, genesis, LENGTH);
    });

    it("grants the admin DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE", async function () {
      const { clock, admin, GOVERNOR_ROLE } = await loadFixture(clockFixture);
      expect(await clock.hasRole(await clock.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
      expect(await clock.hasRole(GOVERNOR_ROLE, admin.address)).to.equal(true);
    });

    for (const bad of [0n, MAX + 1n]) {
      it(`reverts with InvalidEpochLength for length ${bad}`, async function () {
        const [admin] = await ethers.getSigners();
        const factory = new EpochClock__factory(admin);
        await expect(factory.deploy(admin.address, bad))
          .to.be.revertedWithCustomError(factory, "InvalidEpochLength")
          .withArgs(bad, MAX);
      });
    }

    it("accepts lengths 1 and MAX_EPOCH_LENGTH", async function () {
      const [admin] = await ethers.getSigners();
      const factory = new EpochClock__factory(admin);
      expect(await (await factory.deploy(admin.address, 1n)).epochLength()).to.equal(1n);
      expect(await (await factory.deploy(admin.address, MAX)).epochLength()).to.equal(MAX);
    });
  });

  describe("counting blocks", function () {
    it("stays in epoch 0 through its last block and enters epoch 1 on the next one", async function () {
      const { clock, genesis } = await loadFixture(clockFixture);
      await toBlock(genesis + LENGTH - 1n);
      await ethers.provider.send("evm_mine", []);
      expect(await clock.currentEpoch()).to.equal(0n);
      expect(await clock.hasEnded(0n)).to.equal(false);
      await ethers.provider.send("evm_mine", []);
      expect(await clock.currentEpoch()).to.equal(1n);
      expect(await clock.hasEnded(0n)).to.equal(true);
      expect(await clock.hasEnded(1n)).to.equal(false);
    });

    it("gives the start block of current and future epochs", async function () {
      const { clock, genesis } = await loadFixture(clockFixture);
      expect(await clock.epochStartBlock(1n)).to.equal(genesis + LENGTH);
      expect(await clock.epochStartBlock(1000n)).to.equal(genesis + 1000n * LENGTH);
    });
  });

  describe("setEpochLength", function () {
    describe("when the caller lacks GOVERNOR_ROLE", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { clock, other, GOVERNOR_ROLE } = await loadFixture(clockFixture);
        await expect(clock.connect(other).setEpochLength(5n))
          .to.be.revertedWithCustomError(clock, "AccessControlUnauthorizedAccount")
          .withArgs(other.address, GOVERNOR_ROLE);
      });
    });

    describe("when the length is out of range", function () {
      for (const bad of [0n, MAX + 1n]) {
        it(`reverts with InvalidEpochLength for ${bad}`, async function () {
          const { clock } = await loadFixture(clockFixture);
          await expect(clock.setEpochLength(bad)).to.be.revertedWithCustomError(clock, "InvalidEpochLength").withArgs(bad, MAX);
        });
      }
    });

    describe("when called in the middle of an epoch", function () {
      it("keeps the current epoch's length and applies the new one from the next boundary", async function () {
        const { clock, genesis } = await loadFixture(clockFixture);
        await toBlock(genesis + 3n); // epoch 0
        await expect(clock.setEpochLength(4n)).to.emit(clock, "EpochLengthChanged").withArgs(1n, genesis + LENGTH, 4n);
        expect(await clock.epochLength()).to.equal(4n);
        expect(await clock.currentEpoch()).to.equal(0n);
        expect(await clock.epochStartBlock(1n)).to.equal(genesis + LENGTH);
        expect(await clock.epochStartBlock(2n)).to.equal(genesis + LENGTH + 4n);
        // Epoch 0 still ends after 10 blocks.
        await toLastBlockOf(clock, 0n);
        await ethers.provider.send("evm_mine", []);
        expect(await clock.currentEpoch()).to.equal(0n);
        await ethers.provider.send("evm_mine", []);
        expect(await clock.currentEpoch()).to.equal(1n);
        // Epoch 1 lasts 4 blocks.
        await toLastBlockOf(clock, 1n);
        await ethers.provider.send("evm_mine", []);
        expect(await clock.currentEpoch()).to.equal(1n);
        await ethers.provider.send("evm_mine", []);
        expect(await clock.currentEpoch()).to.equal(2n);
      });

      it("still knows the start of the epoch in progress", async function () {
        const { clock, genesis } = await loadFixture(clockFixture);
        await toBlock(genesis + 3n);
        await clock.setEpochLength(4n);
        expect(await clock.epochStartBlock(0n)).to.equal(genesis);
      });

      it("forgets starts before the epoch of the change: UnknownEpochStart", async function () {
        const { clock, genesis } = await loadFixture(clockFixture);
        await toBlock(genesis + 2n * LENGTH + 3n); // epoch 2
        await clock.setEpochLength(4n);
        expect(await clock.epochStartBlock(2n)).to.equal(genesis + 2n * LENGTH);
        await expect(clock.epochStartBlock(1n)).to.be.revertedWithCustomError(clock, "UnknownEpochStart").withArgs(1n, 2n);
        // A second change later on moves the known range forward.
        await toBlock(genesis + 3n * LENGTH + 4n + 1n); // epoch 4 (epoch 3 lasted 4 blocks)
        expect(await clock.currentEpoch()).to.equal(4n);
        await clock.setEpochLength(6n);
        expect(await clock.epochStartBlock(4n)).to.equal(genesis + 3n * LENGTH + 4n);
        expect(await clock.epochStartBlock(5n)).to.equal(genesis + 3n * LENGTH + 8n);
        await expect(clock.epochStartBlock(3n)).to.be.revertedWithCustomError(clock, "UnknownEpochStart").withArgs(3n, 4n);
      });

      it("keeps the same boundary when changed twice before it", async function () {
        const { clock, genesis } = await loadFixture(clockFixture);
        await toBlock(genesis + 2n);
        await clock.setEpochLength(4n);
        await expect(clock.setEpochLength(7n)).to.emit(clock, "EpochLengthChanged").withArgs(1n, genesis + LENGTH, 7n);
        expect(await clock.epochStartBlock(2n)).to.equal(genesis + LENGTH + 7n);
      });
    });

    describe("when called in the first block of an epoch", function () {
      it("lets that epoch run at the old length", async function () {
        const { clock, genesis } = await loadFixture(clockFixture);
        await toEpoch(clock, 2n);
        await expect(clock.setEpochLength(1n)).to.emit(clock, "EpochLengthChanged").withArgs(3n, genesis + 3n * LENGTH, 1n);
        expect(await clock.currentEpoch()).to.equal(2n);
        // The start of the running epoch stays known while the change is pending.
        expect(await clock.epochStartBlock(2n)).to.equal(genesis + 2n * LENGTH);
        await expect(clock.epochStartBlock(1n)).to.be.revertedWithCustomError(clock, "UnknownEpochStart").withArgs(1n, 2n);
        await toEpoch(clock, 5n);
        expect(await clock.currentEpoch()).to.equal(4n); // tx-less view at the block before
        await ethers.provider.send("evm_mine", []);
        expect(await clock.currentEpoch()).to.equal(5n);
        expect(await clock.epochStartBlock(5n)).to.equal(genesis + 3n * LENGTH + 2n);
      });
    });

    describe("when called in the last block of an epoch", function () {
      it("applies from the very next block", async function () {
        const { clock, genesis } = await loadFixture(clockFixture);
        await toLastBlockOf(clock, 1n);
        await expect(clock.setEpochLength(2n)).to.emit(clock, "EpochLengthChanged").withArgs(2n, genesis + 2n * LENGTH, 2n);
        expect(await clock.currentEpoch()).to.equal(1n);
        await ethers.provider.send("evm_mine", []);
        expect(await clock.currentEpoch()).to.equal(2n);
        await ethers.provider.send("evm_mine", []);
        await ethers.provider.send("evm_mine", []);
        expect(await clock.currentEpoch()).to.equal(3n);
      });
    });
  });
});
