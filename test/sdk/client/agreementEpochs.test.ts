/**
 * SDK-vs-contract agreement for the trustless-epoch rules, on random inputs: stake-weighted epoch
 * metrics and utility (sdk/tokenomics vs SubnetRegistry.epochMetrics / RewardDistributor.expectedUtility),
 * the weight commitment (commitStore vs SubnetRegistry.weightsCommitment), the attestation digest
 * (sdk/epoch vs RewardDistributor.attestationDigest), and reward leaves and proofs (sdk/rewards trees
 * accepted by an attestation and claimed on-chain, leaf by leaf).
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { parseEther } from "ethers";
import { weightsCommitment } from "../../../sdk/client/commitStore";
import { attestationDigest } from "../../../sdk/epoch";
import { buildRewardTree, getRewardProof } from "../../../sdk/rewards";
import { epochMetrics, utility, type TaskReport } from "../../../sdk/tokenomics";
import { deployTestSuite, mineToNextEpoch, type TestSuite } from "../helpers/suite";

const WAD = 10n ** 18n;
const RUNS = 12;
const STAKES = [parseEther("32"), parseEther("77"), parseEther("150"), parseEther("1000")];

describe("sdk agrees with the contracts on the trustless-epoch rules", function () {
  let t: TestSuite;
  let miners: string[];

  before(async function () {
    t = await deployTestSuite(64n);
    const { token, staking, registry } = t.suite;
    for (const [i, stake] of STAKES.entries()) {
      const v = t.signers[1 + i];
      await (await token.connect(v).approve(staking, stake)).wait();
      await (await staking.connect(v).registerValidator(v.address, stake)).wait();
    }
    miners = [];
    for (const m of t.signers.slice(6, 9)) {
      await (await token.connect(m).approve(registry, parseEther("1"))).wait();
      await (await registry.connect(m).registerMiner()).wait();
      miners.push(m.address);
    }
    miners.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    await mineToNextEpoch(t);
  });

  it("stake-weighted metrics and utility match to the wei on random reports, stakes and caps", async function () {
    const { registry, distributor, staking } = t.suite;
    const validatorArb = fc.record({
      reports: fc.boolean(),
      taskCount: fc.oneof(fc.bigInt({ min: 0n, max: 20_000n }), fc.bigInt({ min: 0n, max: 10n ** 12n })),
      difficulty: fc.bigInt({ min: 0n, max: WAD }),
      weights: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(validatorArb, { minLength: 4, maxLength: 4 }), fc.bigInt({ min: 1n, max: 50_000n }), async (vals, taskCap) => {
        await (await registry.setTaskCap(taskCap)).wait();
        const epoch = await mineToNextEpoch(t);
        for (const [i, v] of vals.entries()) {
          const signer = t.signers[1 + i];
          if (v.reports) await (await registry.connect(signer).submitTaskReport(v.taskCount, v.difficulty)).wait();
          if (v.weights) await (await registry.connect(signer).submitWeights(miners, [1n, 2n, 3n])).wait();
        }
        await mineToNextEpoch(t);
        const [active, , stakes] = await staking.activeValidatorsAt(epoch);
        const stakeOf = new Map(active.map((a, i) => [a, stakes[i]] as const));
        const reports: TaskReport[] = [];
        let weightStake = 0n;
        for (const [i, v] of vals.entries()) {
          const stake = stakeOf.get(t.signers[1 + i].address) ?? 0n;
          if (v.reports) reports.push({ taskCount: v.taskCount, difficulty: v.difficulty, stake });
          if (v.weights) weightStake += stake;
        }
        const activeStake = stakes.reduce((s, x) => s + x, 0n);
        const metrics = epochMetrics({ reports, weightStake, activeStake, taskCap });
        const [tasks, difficulty, participation] = await registry.epochMetrics(epoch);
        expect([metrics.tasks, metrics.difficulty, metrics.participation]).to.deep.equal([tasks, difficulty, participation]);
        expect(utility(metrics)).to.equal(await distributor.expectedUtility(epoch));
      }),
      { numRuns: RUNS },
    );
  });

  it("weight commitments and attestation digests hash identically", async function () {
    const { registry, distributor } = t.suite;
    const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => ethers.hexlify(b));
    const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => ethers.getAddress(ethers.hexlify(b)));
    await fc.assert(
      fc.asyncProperty(
        address,
        fc.bigInt({ min: 0n, max: 2n ** 64n }),
        fc.array(fc.tuple(address, fc.bigInt({ min: 0n, max: 2n ** 128n })), { maxLength: 8 }),
        hex32,
        async (validator, epoch, entries, salt) => {
          const list = entries.map(([m]) => m);
          const weights = entries.map(([, w]) => w);
          expect(weightsCommitment(validator, epoch, list, weights, salt)).to.equal(await registry.weightsCommitment(validator, epoch, list, weights, salt));
          const [m, v, d] = weights.concat([0n, 0n, 0n]);
          expect(attestationDigest(epoch, salt, m, v, d)).to.equal(await distributor.attestationDigest(epoch, salt, m, v, d));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("every leaf of random SDK reward trees is claimable on-chain with the SDK's proof, exactly once", async function () {
    const { distributor, token, registry } = t.suite;
    await (await registry.setTaskCap(10_000n)).wait();
    const recipients = fc.uniqueArray(fc.integer({ min: 0x100, max: 0xffff }), { minLength: 1, maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(recipients, fc.array(fc.bigInt({ min: 1n, max: 1000n }), { minLength: 40, maxLength: 40 }), async (ids, weights) => {
        const epoch = await mineToNextEpoch(t);
        await (await registry.connect(t.signers[4]).submitTaskReport(10_000n, WAD)).wait();
        await mineToNextEpoch(t);
        const [, , m, v, d] = await distributor.expectedTotals(epoch);
        expect(m + v).to.be.greaterThan(0n);
        const tree = buildRewardTree({
          epoch,
          minersTotal: m,
          validatorsTotal: v,
          miners: ids.map((id, i) => ({ miner: ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(id), 20)), score: weights[i] })),
          validators: ids.slice(0, 3).map((id) => ({ validator: ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(id + 0x10000), 20)), stake: 1n })),
        });
        for (const signer of t.signers.slice(1, 5)) await (await distributor.connect(signer).attest(epoch, m, v, d, tree.root)).wait();
        expect((await distributor.epochReward(epoch)).distributed).to.equal(true);
        for (const leaf of tree.leaves) {
          const claim = getRewardProof(tree, leaf.account);
          await (await distributor.claim(epoch, claim.index, claim.account, claim.amount, claim.proof)).wait();
          expect(await token.balanceOf(leaf.account)).to.be.gte(leaf.amount);
          expect(await distributor.isClaimed(epoch, claim.index)).to.equal(true);
        }
        expect((await distributor.epochReward(epoch)).claimed).to.equal(tree.allocated);
      }),
      { numRuns: 4 },
    );
  });
});
