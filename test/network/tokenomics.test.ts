/**
 * A representative part of the contract suite written to run on any network: in-process on Hardhat
 * (with `npm test`) and, through the `devnet` network entry, against a spawned Luxtensor node
 * (test/node/hardhatNetwork.test.ts runs `hardhat test --network devnet` on this file). So it uses no
 * Hardhat-only helpers: epochs advance by sending real transactions, state is built in `before`.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { defaultSuiteConfig } from "../../scripts/lib/config";
import { deploySuite, type Suite } from "../../scripts/lib/deploySuite";
import { buildRewardTree, getRewardProof, type RewardTree } from "../../sdk/rewards";
import { slash as sdkSlash } from "../../sdk/tokenomics";

const EPOCH_LENGTH = 8n;
const WAD = 10n ** 18n;
const MDT = (n: bigint): bigint => n * WAD;
const SLASHING = 1; // PoolSource.Slashing

describe("tokenomics suite on the connected network", function () {
  this.timeout(300_000);
  let suite: Suite;
  let deployer: HardhatEthersSigner;
  let validator: HardhatEthersSigner;
  let delegator: HardhatEthersSigner;
  let miner: HardhatEthersSigner;
  let ticker: HardhatEthersSigner;

  // One zero-value transaction = one block, on Hardhat's automine and on a node whose slot timer is slow.
  async function tick(): Promise<void> {
    await (await ticker.sendTransaction({ to: ticker.address, value: 0n })).wait();
  }

  async function toEpoch(target: bigint): Promise<void> {
    while ((await suite.clock.currentEpoch()) < target) await tick();
  }

  // Moves to the start of a fresh epoch so the next few transactions share one epoch.
  async function toFreshEpoch(): Promise<bigint> {
    const next = (await suite.clock.currentEpoch()) + 1n;
    await toEpoch(next);
    return next;
  }

  before(async function () {
    [deployer, validator, delegator, miner, ticker] = await ethers.getSigners();
    const config = defaultSuiteConfig(deployer.address);
    config.epochLength = EPOCH_LENGTH;
    config.keepDeployerRoles = true;
    config.staking.unbondingEpochs = 1n;
    config.genesisAllocations = [deployer, validator, delegator, miner].map((s) => ({ account: s.address, amount: MDT(10_000n) }));
    suite = await deploySuite(deployer, config);
  });

  it("mints the genesis allocation under the cap and hands MINTER_ROLE only to the controller", async function () {
    expect(await suite.token.totalSupply()).to.equal(MDT(40_000n));
    expect(await suite.token.cap()).to.equal(MDT(21_000_000n));
    expect(await suite.token.hasRole(await suite.token.MINTER_ROLE(), await suite.controller.getAddress())).to.equal(true);
    expect(await suite.token.hasRole(await suite.token.MINTER_ROLE(), deployer.address)).to.equal(false);
    await expect(suite.token.mint(deployer.address, 1n)).to.be.revertedWithCustomError(suite.token, "AccessControlUnauthorizedAccount");
  });

  it("registers a validator and a delegation, effective from the next epoch", async function () {
    const epoch = await toFreshEpoch();
    const staking = await suite.staking.getAddress();
    await (await suite.token.connect(validator).approve(staking, MDT(1_000n))).wait();
    await expect(suite.staking.connect(validator).registerValidator(validator.address, MDT(10n)))
      .to.be.revertedWithCustomError(suite.staking, "SelfStakeBelowMinimum")
      .withArgs(MDT(10n), MDT(32n));
    await expect(suite.staking.connect(validator).registerValidator(validator.address, MDT(100n)))
      .to.emit(suite.staking, "ValidatorRegistered")
      .withArgs(validator.address, validator.address, MDT(100n));
    await (await suite.token.connect(delegator).approve(staking, MDT(300n))).wait();
    await expect(suite.staking.connect(delegator).delegate(deployer.address, MDT(1n)))
      .to.be.revertedWithCustomError(suite.staking, "NotRegistered")
      .withArgs(deployer.address);
    await (await suite.staking.connect(delegator).delegate(validator.address, MDT(300n))).wait();

    expect(await suite.clock.currentEpoch()).to.equal(epoch);
    expect(await suite.staking.isActiveAt(validator.address, epoch)).to.equal(false);
    await toEpoch(epoch + 1n);
    const [validators, signers, stakes] = await suite.staking.getActiveValidators();
    expect(validators).to.deep.equal([validator.address]);
    expect(signers).to.deep.equal([validator.address]);
    expect(stakes).to.deep.equal([MDT(400n)]);
  });

  describe("an epoch of work, distributed and claimed", function () {
    let epoch: bigint;
    let tree: RewardTree;

    before(async function () {
      const registry = await suite.registry.getAddress();
      await (await suite.token.connect(miner).approve(registry, MDT(1n))).wait();
      await (await suite.registry.connect(miner).registerMiner()).wait();
      epoch = await toFreshEpoch();
      await (await suite.registry.connect(validator).submitWeights([miner.address], [1n])).wait();
      await (await suite.registry.connect(validator).submitTaskReport(8_000n, (7n * WAD) / 10n)).wait();
      await toEpoch(epoch + 1n);
    });

    it("computes the utility from the on-chain reports: 0.5·0.8 + 0.3·0.7 + 0.2·1 = 0.81", async function () {
      expect(await suite.distributor.expectedUtility(epoch)).to.equal((81n * WAD) / 100n);
    });

    it("rejects totals the policy does not allow; the sole validator's attestation funds the exact split", async function () {
      const utility = await suite.distributor.expectedUtility(epoch);
      const [, , emission] = await suite.controller.fundingFor(epoch, utility);
      expect(emission).to.equal(MDT(810n));
      const [miners, validators, dao] = await suite.controller.splitOf(emission);
      expect([miners, validators, dao]).to.deep.equal([MDT(324n), MDT(324n), MDT(162n)]);
      tree = buildRewardTree({
        epoch,
        minersTotal: miners,
        validatorsTotal: validators,
        miners: [{ miner: miner.address, score: 1n }],
        validators: [{ validator: validator.address, stake: MDT(400n) }],
      });
      await expect(suite.distributor.connect(validator).attest(epoch, miners + 1n, validators, dao, tree.root))
        .to.be.revertedWithCustomError(suite.distributor, "TotalsMismatch")
        .withArgs(miners, validators, dao);
      await expect(suite.distributor.connect(deployer).attest(epoch, miners, validators, dao, tree.root))
        .to.be.revertedWithCustomError(suite.distributor, "NotActiveValidator")
        .withArgs(deployer.address, epoch);
      const treasury = await suite.treasury.getAddress();
      await expect(suite.distributor.connect(validator).attest(epoch, miners, validators, dao, tree.root))
        .to.emit(suite.distributor, "EpochDistributed")
        .withArgs(epoch, utility, emission, miners, validators, dao, tree.root);
      expect(await suite.token.balanceOf(treasury)).to.equal(dao);
      await expect(suite.distributor.connect(validator).attest(epoch, miners, validators, dao, tree.root))
        .to.be.revertedWithCustomError(suite.distributor, "AlreadyAttested")
        .withArgs(epoch, validator.address);
    });

    it("pays a Merkle claim once and rejects a forged amount", async function () {
      const { index, amount, proof } = getRewardProof(tree, miner.address);
      expect(amount).to.equal(MDT(324n));
      await expect(suite.distributor.claim(epoch, index, miner.address, amount + 1n, proof))
        .to.be.revertedWithCustomError(suite.distributor, "InvalidProof")
        .withArgs(epoch, index, miner.address, amount + 1n);
      const before = await suite.token.balanceOf(miner.address);
      await expect(suite.distributor.claim(epoch, index, miner.address, amount, proof))
        .to.emit(suite.distributor, "Claimed")
        .withArgs(epoch, index, miner.address, amount);
      expect(await suite.token.balanceOf(miner.address)).to.equal(before + amount);
      await expect(suite.distributor.claim(epoch, index, miner.address, amount, proof))
        .to.be.revertedWithCustomError(suite.distributor, "AlreadyClaimed")
        .withArgs(epoch, index);
    });
  });

  describe("slashing and unbonding", function () {
    it("slashes pro rata into the burn and recycling pools, and the next emission spends the pool first", async function () {
      const before = (await suite.staking.validatorInfo(validator.address)).totalStake;
      const expected = sdkSlash(before, WAD / 10n);
      const supply = await suite.token.totalSupply();
      const infraction = await suite.clock.currentEpoch();
      await expect(suite.staking.slash(validator.address, WAD / 10n, infraction, ethers.encodeBytes32String("double-sign")))
        .to.emit(suite.staking, "Slashed")
        .withArgs(validator.address, infraction, WAD / 10n, expected.slashed, 0n, expected.burned, expected.recycled, ethers.encodeBytes32String("double-sign"));
      expect(await suite.burnPool.burnedBy(SLASHING)).to.equal(expected.burned);
      expect(await suite.recyclingPool.recycledBy(SLASHING)).to.equal(expected.recycled);
      expect(await suite.token.totalSupply()).to.equal(supply - expected.burned);
      expect(await suite.staking.stakeOf(validator.address, delegator.address)).to.equal((MDT(300n) * 9n) / 10n);

      const pool = await suite.recyclingPool.balance();
      const [fromPool, minted, emission] = await suite.controller.fundingFor(0n, WAD);
      expect(fromPool).to.equal(pool);
      expect(minted).to.equal(emission - pool);
    });

    it("unbonds, refuses an early withdrawal, and pays out after the unbonding period", async function () {
      await (await suite.staking.connect(delegator).undelegate(validator.address, MDT(100n))).wait();
      await expect(suite.staking.connect(delegator).withdraw())
        .to.be.revertedWithCustomError(suite.staking, "NothingToWithdraw")
        .withArgs(delegator.address);
      await toEpoch((await suite.clock.currentEpoch()) + 1n);
      const before = await suite.token.balanceOf(delegator.address);
      await expect(suite.staking.connect(delegator).withdraw()).to.emit(suite.staking, "Withdrawn").withArgs(delegator.address, MDT(100n));
      expect(await suite.token.balanceOf(delegator.address)).to.equal(before + MDT(100n));
      const stakingBalance = await suite.token.balanceOf(await suite.staking.getAddress());
      expect(stakingBalance).to.equal((await suite.staking.totalBonded()) + (await suite.staking.totalUnbonding()));
    });
  });
});
