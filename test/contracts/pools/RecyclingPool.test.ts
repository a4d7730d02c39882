import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { mdt, suiteFixture } from "../fixtures";

enum Source {
  RegistrationFee,
  Slashing,
  ExpiredRewards,
  TaskFees,
  Penalty,
}

async function poolFixture() {
  const suite = await suiteFixture();
  const [alice, bob, releaser] = suite.accounts;
  const RELEASER_ROLE = await suite.recyclingPool.RELEASER_ROLE();
  await suite.recyclingPool.connect(suite.deployer).grantRole(RELEASER_ROLE, releaser.address);
  await suite.token.connect(alice).approve(suite.recyclingPool, mdt(100));
  await suite.token.connect(bob).approve(suite.recyclingPool, mdt(100));
  return { ...suite, alice, bob, releaser, RELEASER_ROLE };
}

describe("RecyclingPool", function () {
  describe("deposit", function () {
    it("pulls the MDT, emits Deposited and counts it per source", async function () {
      const { recyclingPool, token, alice, bob, addr } = await loadFixture(poolFixture);
      await expect(recyclingPool.connect(alice).deposit(mdt(3), Source.TaskFees))
        .to.emit(recyclingPool, "Deposited")
        .withArgs(alice.address, Source.TaskFees, mdt(3))
        .and.to.emit(token, "Transfer")
        .withArgs(alice.address, addr.recyclingPool, mdt(3));
      await recyclingPool.connect(bob).deposit(mdt(4), Source.ExpiredRewards);
      await recyclingPool.connect(bob).deposit(mdt(1), Source.TaskFees);
      expect(await recyclingPool.recycledBy(Source.TaskFees)).to.equal(mdt(4));
      expect(await recyclingPool.recycledBy(Source.ExpiredRewards)).to.equal(mdt(4));
      expect(await recyclingPool.recycledBy(Source.Slashing)).to.equal(0n);
      expect(await recyclingPool.totalRecycled()).to.equal(mdt(8));
      expect(await recyclingPool.balance()).to.equal(mdt(8));
    });

    it("reverts with ZeroAmount for zero", async function () {
      const { recyclingPool, alice } = await loadFixture(poolFixture);
      await expect(recyclingPool.connect(alice).deposit(0n, Source.TaskFees)).to.be.revertedWithCustomError(recyclingPool, "ZeroAmount");
    });

    it("reverts with ERC20InsufficientAllowance without an allowance", async function () {
      const { recyclingPool, token, accounts, addr } = await loadFixture(poolFixture);
      const carol = accounts[5];
      await expect(recyclingPool.connect(carol).deposit(1n, Source.TaskFees))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(addr.recyclingPool, 0n, 1n);
    });
  });

  describe("release", function () {
    describe("by a RELEASER_ROLE holder", function () {
      it("sends MDT, emits Released and counts it", async function () {
        const { recyclingPool, token, alice, bob, releaser } = await loadFixture(poolFixture);
        await recyclingPool.connect(alice).deposit(mdt(10), Source.Slashing);
        const tx = recyclingPool.connect(releaser).release(bob.address, mdt(6));
        await expect(tx).to.emit(recyclingPool, "Released").withArgs(bob.address, mdt(6));
        await expect(tx).to.changeTokenBalances(token, [recyclingPool, bob], [-mdt(6), mdt(6)]);
        expect(await recyclingPool.totalReleased()).to.equal(mdt(6));
        expect(await recyclingPool.balance()).to.equal(mdt(4));
        // Releasing does not undo what was recycled.
        expect(await recyclingPool.totalRecycled()).to.equal(mdt(10));
      });

      it("releases the whole balance, and reverts with InsufficientPoolBalance one wei more", async function () {
        const { recyclingPool, alice, bob, releaser } = await loadFixture(poolFixture);
        await recyclingPool.connect(alice).deposit(mdt(10), Source.Slashing);
        await expect(recyclingPool.connect(releaser).release(bob.address, mdt(10) + 1n))
          .to.be.revertedWithCustomError(recyclingPool, "InsufficientPoolBalance")
          .withArgs(mdt(10), mdt(10) + 1n);
        await recyclingPool.connect(releaser).release(bob.address, mdt(10));
        expect(await recyclingPool.balance()).to.equal(0n);
      });

      it("counts MDT sent directly (without deposit) as available", async function () {
        const { recyclingPool, token, alice, bob, releaser } = await loadFixture(poolFixture);
        await token.connect(alice).transfer(recyclingPool, mdt(2));
        expect(await recyclingPool.balance()).to.equal(mdt(2));
        expect(await recyclingPool.totalRecycled()).to.equal(0n);
        await recyclingPool.connect(releaser).release(bob.address, mdt(2));
      });

      it("reverts with ZeroAmount for zero", async function () {
        const { recyclingPool, bob, releaser } = await loadFixture(poolFixture);
        await expect(recyclingPool.connect(releaser).release(bob.address, 0n)).to.be.revertedWithCustomError(recyclingPool, "ZeroAmount");
      });
    });

    describe("by anyone else", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { recyclingPool, alice, RELEASER_ROLE, deployer } = await loadFixture(poolFixture);
        await expect(recyclingPool.connect(alice).release(alice.address, 1n))
          .to.be.revertedWithCustomError(recyclingPool, "AccessControlUnauthorizedAccount")
          .withArgs(alice.address, RELEASER_ROLE);
        await expect(recyclingPool.connect(deployer).release(alice.address, 1n))
          .to.be.revertedWithCustomError(recyclingPool, "AccessControlUnauthorizedAccount")
          .withArgs(deployer.address, RELEASER_ROLE);
      });
    });
  });
});
