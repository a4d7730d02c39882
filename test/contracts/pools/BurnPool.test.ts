import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { mdt, suiteFixture, ZERO_ADDRESS } from "../fixtures";

enum Source {
  RegistrationFee,
  Slashing,
  ExpiredRewards,
  TaskFees,
  Penalty,
}

describe("BurnPool", function () {
  describe("burn", function () {
    describe("with an allowance", function () {
      it("pulls and destroys the MDT, emitting Burned and lowering the supply", async function () {
        const { token, burnPool, accounts, addr } = await loadFixture(suiteFixture);
        const [alice] = accounts;
        await token.connect(alice).approve(burnPool, mdt(5));
        const supply = await token.totalSupply();
        await expect(burnPool.connect(alice).burn(mdt(5), Source.Penalty))
          .to.emit(burnPool, "Burned")
          .withArgs(alice.address, Source.Penalty, mdt(5))
          .and.to.emit(token, "Transfer")
          .withArgs(addr.burnPool, ZERO_ADDRESS, mdt(5));
        expect(await token.totalSupply()).to.equal(supply - mdt(5));
        expect(await token.balanceOf(burnPool)).to.equal(0n);
      });

      it("counts per source and in total", async function () {
        const { token, burnPool, accounts } = await loadFixture(suiteFixture);
        const [alice, bob] = accounts;
        await token.connect(alice).approve(burnPool, mdt(10));
        await token.connect(bob).approve(burnPool, mdt(10));
        await burnPool.connect(alice).burn(mdt(2), Source.TaskFees);
        await burnPool.connect(bob).burn(mdt(3), Source.TaskFees);
        await burnPool.connect(bob).burn(mdt(4), Source.Penalty);
        expect(await burnPool.burnedBy(Source.TaskFees)).to.equal(mdt(5));
        expect(await burnPool.burnedBy(Source.Penalty)).to.equal(mdt(4));
        expect(await burnPool.burnedBy(Source.Slashing)).to.equal(0n);
        expect(await burnPool.totalBurned()).to.equal(mdt(9));
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with ZeroAmount", async function () {
        const { burnPool, accounts } = await loadFixture(suiteFixture);
        await expect(burnPool.connect(accounts[0]).burn(0n, Source.Penalty)).to.be.revertedWithCustomError(burnPool, "ZeroAmount");
      });
    });

    describe("without an allowance", function () {
      it("reverts with ERC20InsufficientAllowance", async function () {
        const { token, burnPool, accounts, addr } = await loadFixture(suiteFixture);
        await expect(burnPool.connect(accounts[0]).burn(1n, Source.Penalty))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
          .withArgs(addr.burnPool, 0n, 1n);
      });
    });

    describe("with an unknown source", function () {
      it("reverts", async function () {
        const { token, burnPool, accounts } = await loadFixture(suiteFixture);
        await token.connect(accounts[0]).approve(burnPool, 1n);
        await expect(burnPool.connect(accounts[0]).burn(1n, 5)).to.be.reverted;
      });
    });
  });
});
