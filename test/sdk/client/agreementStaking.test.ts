/**
 * SDK-vs-contract agreement on random inputs for the staking rules of issue 8: the operator commission
 * history (`commissionChange` / `applyCommissionChange` / `commissionAt` against StakingManager's
 * setCommission and commissionAt) and slashes that reach unbonding stake (`slashValidator` against the
 * Slashed event, the pools' totals and unbondingPoolsOf). Each case starts from the same snapshot.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import {
  applyCommissionChange,
  commissionAt,
  commissionChange,
  isModernTensorError,
  MAX_COMMISSION,
  slashValidator,
  type CommissionChange,
} from "../../../sdk";
import { deployTestSuite } from "../helpers/suite";

const WAD = 10n ** 18n;
const RUNS = 12;
const EPOCH = 8n;
const SLASHING = 1; // PoolSource.Slashing

async function suiteFixture() {
  const t = await deployTestSuite(EPOCH);
  const staking = await t.suite.staking.getAddress();
  for (const s of t.signers.slice(1, 5)) await (await t.suite.token.connect(s).approve(staking, ethers.MaxUint256)).wait();
  return t;
}

type Clock = Awaited<ReturnType<typeof suiteFixture>>["suite"]["clock"];

/**
 * Mines until the next transaction runs `epochs` epochs later, at block `offset % (EPOCH - 1) + 1` of
 * that epoch (never its first block, so the views read before it see the same epoch). Returns the epoch
 * the next transaction runs in.
 */
async function advance(clock: Clock, epochs: number, offset: number): Promise<bigint> {
  const start = await clock.epochStartBlock(0n);
  const next = BigInt(await ethers.provider.getBlockNumber()) + 1n;
  const epoch = (next - start) / EPOCH;
  if (epochs === 0) return epoch;
  const target = start + (epoch + BigInt(epochs)) * EPOCH + (BigInt(offset) % (EPOCH - 1n)) + 1n;
  await mine(target - next);
  return epoch + BigInt(epochs);
}

describe("sdk/tokenomics agrees with StakingManager on commission and slashing of unbonding stake", function () {
  it("commission: the history the SDK builds gives commissionAt of every epoch, and both refuse rates above the max", async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ wait: fc.integer({ min: 0, max: 2 }), offset: fc.nat(), rate: fc.bigInt({ min: 0n, max: MAX_COMMISSION + WAD / 10n }) }),
          { minLength: 1, maxLength: 5 },
        ),
        async (changes) => {
          const t = await loadFixture(suiteFixture);
          const { staking, clock } = t.suite;
          const v = t.signers[1];
          await (await staking.connect(v).registerValidator(v.address, 100n * WAD)).wait();
          const registered = await clock.currentEpoch();
          let history: CommissionChange[] = [{ fromEpoch: registered, commission: (18n * WAD) / 100n }];
          for (const c of changes) {
            const current = await advance(clock, c.wait, c.offset);
            let sdkError = false;
            try {
              history = applyCommissionChange(history, commissionChange(current, c.rate));
            } catch (error) {
              expect(isModernTensorError(error, "COMMISSION_TOO_HIGH")).to.equal(true);
              sdkError = true;
            }
            const sent = staking.connect(v).setCommission(c.rate);
            if (sdkError) await expect(sent).to.be.revertedWithCustomError(staking, "CommissionTooHigh");
            else await (await sent).wait();
          }
          const last = (await clock.currentEpoch()) + 3n;
          for (let e = registered; e <= last; e++) expect(await staking.commissionAt(v.address, e)).to.equal(commissionAt(history, e));
        },
      ),
      { numRuns: RUNS, seed: 20261130 },
    );
  });

  it("slashValidator: bonded and unbonding cuts, burned, recycled and the pools after match the chain to the wei", async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 32n * WAD, max: 1000n * WAD }),
        fc.array(fc.record({ who: fc.integer({ min: 1, max: 4 }), part: fc.integer({ min: 1, max: 60 }), wait: fc.integer({ min: 0, max: 3 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.integer({ min: 0, max: 12 }),
        fc.bigInt({ min: 1n, max: WAD }),
        fc.bigInt({ min: 0n, max: WAD }),
        async (selfStake, exits, back, fraction, burnShare) => {
          const t = await loadFixture(suiteFixture);
          const { staking, clock, burnPool, recyclingPool } = t.suite;
          const [, v, a, b, c] = t.signers;
          await (await staking.setSlashBurnShare(burnShare)).wait();
          await (await staking.connect(v).registerValidator(v.address, selfStake + 100n * WAD)).wait();
          for (const d of [a, b, c]) await (await staking.connect(d).delegate(v.address, 300n * WAD)).wait();
          for (const x of exits) {
            await advance(clock, x.wait, 1);
            const who = t.signers[x.who];
            const staked = await staking.stakeOf(v.address, who.address);
            const amount = (staked * BigInt(x.part)) / 100n;
            if (amount > 0n && who !== v) await (await staking.connect(who).undelegate(v.address, amount)).wait();
          }
          const current = await advance(clock, 1, 1);
          const infractionEpoch = current > BigInt(back) ? current - BigInt(back) : 0n;
          const pools = (await staking.unbondingPoolsOf(v.address)).map((p) => ({ startEpoch: p.startEpoch, releaseEpoch: p.releaseEpoch, amount: p.amount }));
          const bonded = (await staking.validatorInfo(v.address)).totalStake;
          // The slash transaction runs in the next block: still `current` (advance leaves room in the epoch).
          const expected = slashValidator({ bonded, pools, fraction, infractionEpoch, currentEpoch: current, burnShare });
          const receipt = await (await staking.slash(v.address, fraction, infractionEpoch, ethers.ZeroHash)).wait();
          const event = receipt?.logs.map((l) => staking.interface.parseLog(l)).find((e) => e?.name === "Slashed");
          expect(event?.args.bonded).to.equal(expected.bonded);
          expect(event?.args.unbonding).to.equal(expected.unbonding);
          expect(event?.args.burned).to.equal(expected.burned);
          expect(event?.args.recycled).to.equal(expected.recycled);
          expect(await burnPool.burnedBy(SLASHING)).to.equal(expected.burned);
          expect(await recyclingPool.recycledBy(SLASHING)).to.equal(expected.recycled);
          const after = (await staking.unbondingPoolsOf(v.address)).map((p) => p.amount);
          expect(after).to.deep.equal(expected.pools.map((p) => p.amount));
        },
      ),
      { numRuns: RUNS, seed: 20261131 },
    );
  });
});
