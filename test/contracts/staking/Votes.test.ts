import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { encodeBytes32String } from "ethers";
import { delegate, mdt, registerValidator } from "../fixtures";
import { stakingFixture } from "./helpers";

/** Validator `v` (100 MDT own) with delegator `d` (300 MDT). */
async function votesFixture() {
  const f = await stakingFixture();
  const [v] = f.accounts;
  const d = f.accounts[10];
  await registerValidator(f, v, mdt(100));
  await delegate(f, d, v.address, mdt(300));
  await mine();
  return { ...f, v, d };
}

describe("StakingManager votes of bonded MDT", function () {
  it("gives each staker the votes of its bonded MDT at once, checkpointed by block, with DelegateVotesChanged", async function () {
    const { staking, token, v, d } = await loadFixture(votesFixture);
    expect(await staking.getVotes(v.address)).to.equal(mdt(100));
    expect(await staking.getVotes(d.address)).to.equal(mdt(300));
    const block = BigInt(await ethers.provider.getBlockNumber()) - 1n;
    expect(await staking.getPastTotalSupply(block)).to.equal(mdt(400));
    // The MDT the contract holds has no token votes: nothing is counted twice.
    expect(await token.getVotes(await staking.getAddress())).to.equal(0n);
    await token.connect(d).approve(staking, mdt(10));
    await expect(staking.connect(d).delegate(v.address, mdt(10))).to.emit(staking, "DelegateVotesChanged").withArgs(d.address, mdt(300), mdt(310));
  });

  it("takes the votes away when stake starts unbonding", async function () {
    const { staking, d, v } = await loadFixture(votesFixture);
    const before = BigInt(await ethers.provider.getBlockNumber());
    await staking.connect(d).undelegate(v.address, mdt(120));
    await mine();
    expect(await staking.getVotes(d.address)).to.equal(mdt(180));
    expect(await staking.getPastVotes(d.address, before)).to.equal(mdt(300));
  });

  it("lets anyone bring a slashed position's votes down to its value with syncVotes", async function () {
    const { staking, deployer, v, d } = await loadFixture(votesFixture);
    await staking.connect(deployer).slash(v.address, mdt("0.5"), 2n, encodeBytes32String("x"));
    expect(await staking.getVotes(d.address)).to.equal(mdt(300));
    await expect(staking.connect(v).syncVotes(v.address, d.address)).to.emit(staking, "DelegateVotesChanged").withArgs(d.address, mdt(300), mdt(150));
    expect(await staking.getVotes(d.address)).to.equal(mdt(150));
  });

  it("reverts with FutureLookup for the current block or later", async function () {
    const { staking, d } = await loadFixture(votesFixture);
    const now = BigInt(await ethers.provider.getBlockNumber());
    await expect(staking.getPastVotes(d.address, now + 1n)).to.be.revertedWithCustomError(staking, "FutureLookup");
    await expect(staking.getPastTotalSupply(now + 5n)).to.be.revertedWithCustomError(staking, "FutureLookup");
  });
});
