import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { encodeBytes32String, parseEther, type HDNodeWallet } from "ethers";
import { delegate, epochOfNextTx, mdt, MIN_SELF_STAKE, registerValidator, toEpoch } from "../fixtures";
import { stakingFixture } from "./helpers";

const EXIT = encodeBytes32String("exit");
const PRUNED = encodeBytes32String("pruned");
const DISPLACED = encodeBytes32String("displaced");
const INACTIVITY = 7n;

/** Validator `v` (100 MDT own) with delegator `d` (50 MDT), registered in epoch 2. */
async function slotFixture() {
  const f = await stakingFixture();
  const [v, other, newcomer] = f.accounts;
  const d = f.accounts[10];
  await registerValidator(f, v, mdt(100));
  await delegate(f, d, v.address, mdt(50));
  return { ...f, v, d, other, newcomer };
}

/**
 * The attack of issue 8: 256 throwaway validators, each registered with the minimum (32 MDT from one
 * funder), which then unbond everything. The next transaction runs in the registration epoch.
 */
async function throwawayFixture() {
  const f = await stakingFixture();
  const attackers: HDNodeWallet[] = [];
  for (let i = 0; i < 256; i++) {
    const w = ethers.Wallet.createRandom().connect(ethers.provider);
    attackers.push(w);
    await (await f.deployer.sendTransaction({ to: w.address, value: parseEther("1") })).wait();
    await (await f.token.connect(f.deployer).transfer(w.address, MIN_SELF_STAKE)).wait();
    await (await f.token.connect(w).approve(f.staking, MIN_SELF_STAKE)).wait();
    await (await f.staking.connect(w).registerValidator(w.address, MIN_SELF_STAKE)).wait();
  }
  return { ...f, attackers };
}

describe("StakingManager validator slots", function () {
  describe("deregister", function () {
    it("reverts with ValidatorNotExited while the operator has own stake bonded", async function () {
      const { staking, v } = await loadFixture(slotFixture);
      await expect(staking.connect(v).deregister()).to.be.revertedWithCustomError(staking, "ValidatorNotExited").withArgs(v.address, mdt(100));
    });

    it("frees the slot once the operator unbonded everything; delegators can still leave; the validator can come back", async function () {
      const { staking, clock, v, d } = await loadFixture(slotFixture);
      const epoch = await epochOfNextTx(clock);
      await staking.connect(v).unstake(mdt(100));
      await expect(staking.connect(v).deregister()).to.emit(staking, "ValidatorDeregistered").withArgs(v.address, EXIT);
      expect(await staking.registeredValidators()).to.deep.equal([]);
      expect((await staking.validatorInfo(v.address)).registered).to.equal(false);
      await expect(staking.connect(d).undelegate(v.address, mdt(50))).to.emit(staking, "Unstaked");
      await toEpoch(clock, epoch + 1n);
      await mine(1);
      expect(await staking.isActiveAt(v.address, epoch + 1n)).to.equal(false);
    });

    it("lets a returning validator register again with its old key", async function () {
      const f = await loadFixture(slotFixture);
      await f.staking.connect(f.v).unstake(mdt(100));
      await f.staking.connect(f.v).deregister();
      await registerValidator(f, f.v, mdt(40));
      expect(await f.staking.registeredValidators()).to.deep.equal([f.v.address]);
    });

    it("reverts with NotRegistered for an account that is not registered", async function () {
      const { staking, other } = await loadFixture(slotFixture);
      await expect(staking.connect(other).deregister()).to.be.revertedWithCustomError(staking, "NotRegistered").withArgs(other.address);
    });
  });

  describe("prune", function () {
    it("reverts with NotPrunable while the validator has the minimum own stake", async function () {
      const { staking, clock, v, other } = await loadFixture(slotFixture);
      const epoch = await epochOfNextTx(clock);
      await toEpoch(clock, epoch + 100n);
      await expect(staking.connect(other).prune(v.address))
        .to.be.revertedWithCustomError(staking, "NotPrunable")
        .withArgs(v.address, mdt(100), MIN_SELF_STAKE, epoch + INACTIVITY);
    });

    it("reverts with NotPrunable inside the inactivity window, then lets anyone prune", async function () {
      const { staking, clock, v, d, other } = await loadFixture(slotFixture);
      const epoch = await epochOfNextTx(clock);
      await staking.connect(v).unstake(mdt(100));
      await toEpoch(clock, epoch + INACTIVITY - 1n);
      await expect(staking.connect(other).prune(v.address))
        .to.be.revertedWithCustomError(staking, "NotPrunable")
        .withArgs(v.address, 0n, MIN_SELF_STAKE, epoch + INACTIVITY);
      await toEpoch(clock, epoch + INACTIVITY);
      await expect(staking.connect(other).prune(v.address)).to.emit(staking, "ValidatorDeregistered").withArgs(v.address, PRUNED);
      expect(await staking.registeredValidators()).to.deep.equal([]);
      // Its delegator's stake stays its own.
      await expect(staking.connect(d).undelegate(v.address, mdt(50))).to.emit(staking, "Unstaked");
    });

    it("reverts with NotRegistered for an address that is not registered", async function () {
      const { staking, other } = await loadFixture(slotFixture);
      await expect(staking.connect(other).prune(other.address)).to.be.revertedWithCustomError(staking, "NotRegistered").withArgs(other.address);
    });
  });

  describe("256 throwaway validators", function () {
    // 256 registrations; over RPC against a devnet the run may raise the limit through MOCHA_TIMEOUT.
    this.timeout(Math.max(600_000, Number(process.env.MOCHA_TIMEOUT ?? 0)));

    it("cannot lock registration: an honest newcomer displaces one at once, and all of them can be pruned later", async function () {
      const { staking, token, clock, attackers, accounts, deployer } = await loadFixture(throwawayFixture);
      expect((await staking.registeredValidators()).length).to.equal(256);
      for (const w of attackers) await (await staking.connect(w).unstake(MIN_SELF_STAKE)).wait();
      const epoch = await epochOfNextTx(clock); // the last unstake ran in this epoch or the one before

      // While every slot is taken, a newcomer with the minimum displaces an attacker with nothing bonded.
      const honest = accounts[5];
      await token.connect(honest).approve(staking, MIN_SELF_STAKE);
      const tx = staking.connect(honest).registerValidator(honest.address, MIN_SELF_STAKE);
      await expect(tx).to.emit(staking, "ValidatorDeregistered");
      await expect(tx).to.emit(staking, "ValidatorRegistered").withArgs(honest.address, honest.address, MIN_SELF_STAKE);
      expect((await staking.registeredValidators()).length).to.equal(256);

      // After the inactivity window, anyone prunes the rest.
      await toEpoch(clock, epoch + INACTIVITY);
      const left = (await staking.registeredValidators()).filter((a) => a !== honest.address);
      for (const a of left) await (await staking.connect(deployer).prune(a)).wait();
      expect(await staking.registeredValidators()).to.deep.equal([honest.address]);
    });

    it("kept bonded, they are displaced by anyone bonding more than the least of them; an equal stake is refused", async function () {
      const { staking, token, accounts } = await loadFixture(throwawayFixture);
      const [a, b] = [accounts[5], accounts[6]];
      await token.connect(a).approve(staking, MIN_SELF_STAKE);
      await expect(staking.connect(a).registerValidator(a.address, MIN_SELF_STAKE))
        .to.be.revertedWithCustomError(staking, "TooManyValidators")
        .withArgs(256n);
      await token.connect(b).approve(staking, MIN_SELF_STAKE + 1n);
      // All hold 32 MDT: the latest registered of the least-staked goes.
      const victim = (await staking.registeredValidators())[255];
      const tx = staking.connect(b).registerValidator(b.address, MIN_SELF_STAKE + 1n);
      await expect(tx).to.emit(staking, "ValidatorDeregistered").withArgs(victim, DISPLACED);
      expect(await staking.registeredValidators()).to.not.include(victim);
      expect(await staking.registeredValidators()).to.include(b.address);
    });
  });

  describe("rotateSigner", function () {
    it("switches the key from the next epoch; the old key stays bound to the validator", async function () {
      const { staking, clock, v } = await loadFixture(slotFixture);
      const epoch = await epochOfNextTx(clock);
      const key = ethers.Wallet.createRandom().address;
      await expect(staking.connect(v).rotateSigner(key)).to.emit(staking, "SignerRotated").withArgs(v.address, v.address, key, epoch + 1n);
      expect(await staking.signerAt(v.address, epoch)).to.equal(v.address);
      expect(await staking.signerAt(v.address, epoch + 1n)).to.equal(key);
      expect(await staking.validatorOfSigner(key)).to.equal(v.address);
      expect(await staking.validatorOfSigner(v.address)).to.equal(v.address);
      await toEpoch(clock, epoch + 1n);
      await ethers.provider.send("evm_mine", []);
      const [validators, signers] = await staking.getActiveValidators();
      expect(validators).to.deep.equal([v.address]);
      expect(signers).to.deep.equal([key]);
    });

    it("reverts with InvalidSigner for the zero address or another validator's key, old or current", async function () {
      const f = await loadFixture(slotFixture);
      await registerValidator(f, f.other, mdt(40));
      await expect(f.staking.connect(f.v).rotateSigner(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(f.staking, "InvalidSigner")
        .withArgs(ethers.ZeroAddress, ethers.ZeroAddress);
      await expect(f.staking.connect(f.v).rotateSigner(f.other.address))
        .to.be.revertedWithCustomError(f.staking, "InvalidSigner")
        .withArgs(f.other.address, f.other.address);
      const key = ethers.Wallet.createRandom().address;
      await f.staking.connect(f.other).rotateSigner(key);
      await expect(f.staking.connect(f.newcomer).registerValidator(f.other.address, mdt(40)))
        .to.be.revertedWithCustomError(f.staking, "InvalidSigner")
        .withArgs(f.other.address, f.other.address);
    });

    it("reverts with NotRegistered for a non-validator", async function () {
      const { staking, other } = await loadFixture(slotFixture);
      await expect(staking.connect(other).rotateSigner(other.address)).to.be.revertedWithCustomError(staking, "NotRegistered").withArgs(other.address);
    });
  });
});
