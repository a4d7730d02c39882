/**
 * SDK-vs-contract agreement on random inputs for what enters the burn and recycling pools:
 * sdk/tokenomics `slash` against StakingManager.slash's Slashed event and the pools' per-source
 * totals, and `splitRegistrationFee` against SubnetRegistry.registerMiner, with random stakes,
 * fractions and burn shares set through governance. Each case starts from the same snapshot.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { slash, splitRegistrationFee } from "../../../sdk/tokenomics";
import { deployTestSuite, GENESIS_MDT } from "../helpers/suite";

const WAD = 10n ** 18n;
const RUNS = 40;
const SLASHING = 1; // PoolSource.Slashing
const REGISTRATION_FEE = 0; // PoolSource.RegistrationFee
const MIN_SELF_STAKE = 32n * WAD;

async function suiteFixture() {
  const t = await deployTestSuite(8n);
  const staking = await t.suite.staking.getAddress();
  const registry = await t.suite.registry.getAddress();
  for (const s of t.signers.slice(1, 3)) {
    await (await t.suite.token.connect(s).approve(staking, ethers.MaxUint256)).wait();
    await (await t.suite.token.connect(s).approve(registry, ethers.MaxUint256)).wait();
  }
  return t;
}

describe("sdk/tokenomics agrees with the contracts on slashes and registration fees", function () {
  it("slash: slashed, burned and recycled match the Slashed event and the pools to the wei", async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: MIN_SELF_STAKE, max: GENESIS_MDT / 2n }),
        fc.bigInt({ min: 0n, max: GENESIS_MDT / 2n }),
        fc.bigInt({ min: 1n, max: WAD }),
        fc.bigInt({ min: 0n, max: WAD }),
        async (selfStake, delegated, fraction, burnShare) => {
          const t = await loadFixture(suiteFixture);
          const [, validator, delegator] = t.signers;
          const { staking, burnPool, recyclingPool } = t.suite;
          await (await staking.setSlashBurnShare(burnShare)).wait();
          await (await staking.connect(validator).registerValidator(validator.address, selfStake)).wait();
          if (delegated > 0n) await (await staking.connect(delegator).delegate(validator.address, delegated)).wait();

          const expected = slash(selfStake + delegated, fraction, burnShare);
          const receipt = await (await staking.slash(validator.address, fraction, 0n, ethers.ZeroHash)).wait();
          const event = receipt?.logs.map((l) => staking.interface.parseLog(l)).find((e) => e?.name === "Slashed");
          expect(event?.args.bonded).to.equal(expected.slashed);
          expect(event?.args.burned).to.equal(expected.burned);
          expect(event?.args.recycled).to.equal(expected.recycled);
          expect(await burnPool.burnedBy(SLASHING)).to.equal(expected.burned);
          expect(await recyclingPool.recycledBy(SLASHING)).to.equal(expected.recycled);
          expect((await staking.validatorInfo(validator.address)).totalStake).to.equal(selfStake + delegated - expected.slashed);
        },
      ),
      { numRuns: RUNS, seed: 20261124 },
    );
  });

  it("registration fee: burned and recycled match registerMiner's event and the pools to the wei", async function () {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 0n, max: 1_000n * WAD }), fc.bigInt({ min: 0n, max: WAD }), async (fee, burnShare) => {
        const t = await loadFixture(suiteFixture);
        const { registry, burnPool, recyclingPool } = t.suite;
        await (await registry.setRegistrationFee(fee)).wait();
        await (await registry.setFeeBurnShare(burnShare)).wait();
        const expected = splitRegistrationFee(fee, burnShare);
        await expect(registry.connect(t.signers[1]).registerMiner())
          .to.emit(registry, "MinerRegistered")
          .withArgs(t.signers[1].address, fee, expected.burned, expected.recycled);
        expect(await burnPool.burnedBy(REGISTRATION_FEE)).to.equal(expected.burned);
        expect(await recyclingPool.recycledBy(REGISTRATION_FEE)).to.equal(expected.recycled);
      }),
      { numRuns: RUNS, seed: 20261124 },
    );
  });
});
