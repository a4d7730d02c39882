/**
 * Slots cannot be locked: when every miner slot is taken, a newcomer replaces a miner past its
 * immunity period that nobody weighted in the previous or the current epoch.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { mdt, registerMiner, registerValidator, sortAddresses, suiteFixture, toEpoch } from "../fixtures";

const SLOTS = 8n;
const IMMUNITY = 8n;

/** One validator; an attacker fills every one of 8 slots with throwaway miners at the 1 MDT fee. */
async function fullSlotsFixture() {
  const f = await suiteFixture();
  const [validator] = f.accounts;
  await registerValidator(f, validator, mdt(100));
  await f.registry.setMaxMiners(SLOTS);
  const honest = f.accounts[10];
  await registerMiner(f, honest);
  const registeredAt = await f.clock.currentEpoch();
  const throwaways = [];
  for (let i = 1n; i < SLOTS; i++) {
    const w = ethers.Wallet.createRandom().connect(ethers.provider);
    await f.deployer.sendTransaction({ to: w.address, value: ethers.parseEther("1") });
    await f.token.transfer(w.address, mdt(1));
    await f.token.connect(w).approve(f.registry, mdt(1));
    await f.registry.connect(w).registerMiner();
    throwaways.push(w);
  }
  return { ...f, validator, honest, throwaways, registeredAt, newcomer: f.accounts[11] };
}

describe("SubnetRegistry miner slots", function () {
  it("cheap throwaway registrations cannot lock registration: after immunity a newcomer takes an unweighted slot", async function () {
    const f = await loadFixture(fullSlotsFixture);
    const { registry, token, throwaways, newcomer, clock } = f;
    expect(await registry.minerCount()).to.equal(SLOTS);
    await token.connect(newcomer).approve(registry, mdt(2));
    await expect(registry.connect(newcomer).registerMiner()).to.be.revertedWithCustomError(registry, "TooManyMiners").withArgs(SLOTS);
    // During the immunity period nobody can be replaced.
    const victim = throwaways[0].address;
    await expect(registry.connect(newcomer).registerMinerReplacing(victim))
      .to.be.revertedWithCustomError(registry, "MinerNotReplaceable")
      .withArgs(victim, f.registeredAt + IMMUNITY, f.registeredAt);
    await toEpoch(clock, f.registeredAt + IMMUNITY);
    const tx = registry.connect(newcomer).registerMinerReplacing(victim);
    await expect(tx).to.emit(registry, "MinerReplaced").withArgs(victim, newcomer.address, f.registeredAt);
    await expect(tx).to.emit(registry, "MinerRegistered").withArgs(newcomer.address, mdt(1), mdt("0.5"), mdt("0.5"));
    expect(await registry.isMiner(victim)).to.equal(false);
    expect(await registry.isMiner(newcomer.address)).to.equal(true);
    expect(await registry.minerCount()).to.equal(SLOTS);
    const list = await registry.miners();
    expect(list).to.not.include(victim);
    // Every listed miner's recorded position matches the list after the swap-and-pop.
    for (const [i, m] of list.entries()) expect((await registry.minerInfo(m)).index).to.equal(BigInt(i));
    // The newcomer is immune in turn, and the replaced throwaway can no longer be weighted.
    expect(await registry.isReplaceable(newcomer.address)).to.equal(false);
    await expect(registry.connect(f.validator).submitWeights([victim], [1n])).to.be.revertedWithCustomError(registry, "MinerNotRegistered");
  });

  it("never replaces a miner weighted in the previous or the current epoch", async function () {
    const f = await loadFixture(fullSlotsFixture);
    const { registry, token, validator, honest, newcomer, clock } = f;
    await toEpoch(clock, f.registeredAt + IMMUNITY - 1n);
    await registry.connect(validator).submitWeights([honest.address], [1n]);
    const weightedIn = f.registeredAt + IMMUNITY - 1n;
    await toEpoch(clock, f.registeredAt + IMMUNITY);
    await token.connect(newcomer).approve(registry, mdt(1));
    await expect(registry.connect(newcomer).registerMinerReplacing(honest.address))
      .to.be.revertedWithCustomError(registry, "MinerNotReplaceable")
      .withArgs(honest.address, f.registeredAt + IMMUNITY, weightedIn);
    await toEpoch(clock, weightedIn + 2n);
    await expect(registry.connect(newcomer).registerMinerReplacing(honest.address)).to.emit(registry, "MinerReplaced");
  });

  it("reverts with SlotsAvailable while a slot is free, and MinerNotRegistered for an unknown miner", async function () {
    const f = await loadFixture(suiteFixture);
    const [m, other] = f.accounts.slice(10, 12);
    await registerMiner(f, m);
    await expect(f.registry.connect(other).registerMinerReplacing(m.address)).to.be.revertedWithCustomError(f.registry, "SlotsAvailable").withArgs(1n, 4096n);
    await f.registry.setMaxMiners(1n);
    await expect(f.registry.connect(other).registerMinerReplacing(other.address))
      .to.be.revertedWithCustomError(f.registry, "MinerNotRegistered")
      .withArgs(other.address);
    expect(sortAddresses(await f.registry.miners())).to.deep.equal([m.address]);
  });
});
