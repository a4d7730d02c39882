/** Commit–reveal of weights: governance switch per epoch, commitments, reveals, and what they count for. */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { epochOfNextTx, mdt, registerMiner, registerValidator, sortAddresses, suiteFixture, toEpoch, toLastBlockOf } from "../fixtures";

const SALT = ethers.id("salt");

/** Validators a, b (100 MDT each) and three miners; commit–reveal switched on, in force in `epoch` (the next tx's). */
async function commitRevealFixture() {
  const f = await suiteFixture();
  const [a, b] = f.accounts;
  for (const v of [a, b]) await registerValidator(f, v, mdt(100));
  const minerSigners = f.accounts.slice(10, 13);
  for (const m of minerSigners) await registerMiner(f, m);
  await f.registry.setCommitReveal(true);
  const epoch = (await f.clock.currentEpoch()) + 1n;
  await toEpoch(f.clock, epoch);
  const miners = sortAddresses(minerSigners.map((m) => m.address));
  const weights = [3n, 0n, 1n];
  const commitment = await f.registry.weightsCommitment(a.address, epoch, miners, weights, SALT);
  return { ...f, a, b, miners, weights, epoch, commitment };
}

describe("SubnetRegistry commit–reveal", function () {
  describe("setCommitReveal", function () {
    it("switches the mode from the next epoch on and emits CommitRevealChanged", async function () {
      const f = await loadFixture(suiteFixture);
      const current = await epochOfNextTx(f.clock);
      await expect(f.registry.setCommitReveal(true)).to.emit(f.registry, "CommitRevealChanged").withArgs(current + 1n, true);
      expect(await f.registry.commitRevealAt(current)).to.equal(false);
      expect(await f.registry.commitRevealAt(current + 1n)).to.equal(true);
      expect(await f.registry.inputsFinalAfter(current + 1n)).to.equal(current + 2n);
      await toEpoch(f.clock, current + 1n);
      await f.registry.setCommitReveal(false);
      expect(await f.registry.commitRevealAt(current + 1n)).to.equal(true);
      expect(await f.registry.commitRevealAt(current + 2n)).to.equal(false);
      expect(await f.registry.inputsFinalAfter(current + 2n)).to.equal(current + 2n);
    });
  });

  describe("while it is on", function () {
    it("rejects submitWeights with CommitRevealActive", async function () {
      const { registry, a, miners, weights, epoch } = await loadFixture(commitRevealFixture);
      await expect(registry.connect(a).submitWeights(miners, weights)).to.be.revertedWithCustomError(registry, "CommitRevealActive").withArgs(epoch);
    });

    it("records a commitment and reveals it in the next epoch; the reveal is what counts", async function () {
      const { registry, a, miners, weights, epoch, commitment, clock } = await loadFixture(commitRevealFixture);
      await expect(registry.connect(a).commitWeights(commitment)).to.emit(registry, "WeightsCommitted").withArgs(epoch, a.address, commitment);
      expect(await registry.commitmentOf(epoch, a.address)).to.equal(commitment);
      expect(await registry.hasSubmittedWeights(epoch, a.address)).to.equal(false);
      // Not revealable in the commit epoch itself.
      await expect(registry.connect(a).revealWeights(epoch, miners, weights, SALT))
        .to.be.revertedWithCustomError(registry, "RevealWindowClosed")
        .withArgs(epoch, epoch);
      await toEpoch(clock, epoch + 1n);
      await expect(registry.connect(a).revealWeights(epoch, miners, weights, SALT))
        .to.emit(registry, "WeightsSubmitted")
        .withArgs(epoch, a.address, miners, weights);
      expect(await registry.hasSubmittedWeights(epoch, a.address)).to.equal(true);
      expect((await registry.epochReports(epoch)).weightStake).to.equal(mdt(100));
      expect((await registry.epochMetrics(epoch))[2]).to.equal(mdt("0.5"));
      await expect(registry.connect(a).revealWeights(epoch, miners, weights, SALT))
        .to.be.revertedWithCustomError(registry, "AlreadyRevealed")
        .withArgs(a.address, epoch);
    });

    it("rejects weights revealed without a matching commitment", async function () {
      const { registry, a, b, miners, weights, epoch, commitment, clock } = await loadFixture(commitRevealFixture);
      await registry.connect(a).commitWeights(commitment);
      await toEpoch(clock, epoch + 1n);
      // b committed nothing.
      await expect(registry.connect(b).revealWeights(epoch, miners, weights, SALT))
        .to.be.revertedWithCustomError(registry, "NoCommitment")
        .withArgs(b.address, epoch);
      // a reveals other weights, another salt, or for another epoch: the hash differs.
      for (const [w, salt] of [
        [[3n, 0n, 2n], SALT],
        [weights, ethers.id("other salt")],
      ] as const) {
        const revealed = await registry.weightsCommitment(a.address, epoch, miners, [...w], salt);
        await expect(registry.connect(a).revealWeights(epoch, miners, [...w], salt))
          .to.be.revertedWithCustomError(registry, "CommitmentMismatch")
          .withArgs(a.address, epoch, commitment, revealed);
      }
      // Copying a's commitment does not let b reveal a's weights: the validator is in the hash.
      await expect(registry.connect(b).revealWeights(epoch, miners, weights, SALT)).to.be.revertedWithCustomError(registry, "NoCommitment");
      expect(await registry.hasSubmittedWeights(epoch, a.address)).to.equal(false);
    });

    it("closes the reveal window after the next epoch", async function () {
      const { registry, a, miners, weights, epoch, commitment, clock } = await loadFixture(commitRevealFixture);
      await registry.connect(a).commitWeights(commitment);
      await toLastBlockOf(clock, epoch + 1n);
      await toEpoch(clock, epoch + 2n);
      await expect(registry.connect(a).revealWeights(epoch, miners, weights, SALT))
        .to.be.revertedWithCustomError(registry, "RevealWindowClosed")
        .withArgs(epoch, epoch + 2n);
    });

    it("rejects a zero commitment and commits from outside the active set", async function () {
      const { registry, a, accounts, epoch, commitment } = await loadFixture(commitRevealFixture);
      await expect(registry.connect(a).commitWeights(ethers.ZeroHash)).to.be.revertedWithCustomError(registry, "ZeroCommitment");
      await expect(registry.connect(accounts[15]).commitWeights(commitment))
        .to.be.revertedWithCustomError(registry, "NotActiveValidator")
        .withArgs(accounts[15].address, epoch);
    });
  });

  describe("while it is off", function () {
    it("rejects commitWeights with CommitRevealInactive", async function () {
      const f = await loadFixture(suiteFixture);
      const epoch = await epochOfNextTx(f.clock);
      await expect(f.registry.commitWeights(ethers.id("x"))).to.be.revertedWithCustomError(f.registry, "CommitRevealInactive").withArgs(epoch);
    });
  });
});
