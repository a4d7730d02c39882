/**
 * SDK-vs-contract agreement on random inputs: sdk/tokenomics utility, allowedEmission, fundEmission and
 * splitEmission against EmissionController.utilityOf / allowedEmission / fundingFor / splitOf, under
 * random policies (set through governance) and random recycling-pool balances.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import {
  allowedEmission,
  fundEmission,
  splitEmission,
  taskRatio,
  utility,
  type EmissionPolicy,
} from "../../../sdk/tokenomics";
import { deployTestSuite, type TestSuite } from "../helpers/suite";

const WAD = 10n ** 18n;
const RUNS = 60;
/** The controller rejects a base reward above this (1% of the cap per epoch). */
const MAX_BASE_REWARD = 210_000n * WAD;

/** Three non-negative WAD parts summing to exactly WAD. */
const partitionArb = fc
  .tuple(fc.bigInt({ min: 0n, max: WAD }), fc.bigInt({ min: 0n, max: WAD }))
  .map(([a, b]) => {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    return [lo, hi - lo, WAD - hi] as const;
  });

const caseArb = fc.record({
  baseReward: fc.bigInt({ min: 1n, max: MAX_BASE_REWARD }),
  halvingInterval: fc.bigInt({ min: 1n, max: 1_000n }),
  maxTasks: fc.bigInt({ min: 1n, max: 1_000_000n }),
  weights: partitionArb,
  shares: partitionArb,
  tasks: fc.bigInt({ min: 0n, max: 2_000_000n }),
  difficulty: fc.bigInt({ min: 0n, max: WAD }),
  participation: fc.bigInt({ min: 0n, max: WAD }),
  epoch: fc.bigInt({ min: 0n, max: 300_000n }),
  // 60 runs × at most 50 MDT stays well inside the deployer's 10,000 MDT genesis balance.
  deposit: fc.bigInt({ min: 0n, max: 50n * WAD }),
});

describe("sdk/tokenomics agrees with EmissionController on random inputs", function () {
  let t: TestSuite;

  before(async function () {
    t = await deployTestSuite(8n);
    const pool = await t.suite.recyclingPool.getAddress();
    await (await t.suite.token.approve(pool, ethers.MaxUint256)).wait();
  });

  it("utility, allowed emission, funding and split match to the wei", async function () {
    const { controller, recyclingPool, token } = t.suite;
    const cap = await token.cap();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const onChain = {
          baseReward: c.baseReward,
          halvingInterval: c.halvingInterval,
          maxTasks: c.maxTasks,
          taskWeight: c.weights[0],
          difficultyWeight: c.weights[1],
          participationWeight: c.weights[2],
          minerShare: c.shares[0],
          validatorShare: c.shares[1],
          daoShare: c.shares[2],
        };
        await (await controller.setPolicy(onChain)).wait();
        if (c.deposit > 0n) await (await recyclingPool.deposit(c.deposit, 3)).wait();
        const policy: EmissionPolicy = {
          baseReward: c.baseReward,
          halvingInterval: c.halvingInterval,
          maxTasks: c.maxTasks,
          weights: { task: c.weights[0], difficulty: c.weights[1], participation: c.weights[2] },
          shares: { miner: c.shares[0], validator: c.shares[1], dao: c.shares[2] },
          supplyCap: cap,
        };

        const metrics = { tasks: c.tasks, difficulty: c.difficulty, participation: c.participation };
        const u = utility(metrics, policy);
        expect(u).to.equal(await controller.utilityOf(c.tasks, c.difficulty, c.participation));
        expect(taskRatio(c.tasks, c.maxTasks)).to.be.lessThanOrEqual(WAD);

        const allowed = allowedEmission(c.epoch, u, policy);
        expect(allowed).to.equal(await controller.allowedEmission(c.epoch, u));

        const funding = fundEmission({
          allowed,
          recyclingPool: await recyclingPool.balance(),
          totalSupply: await token.totalSupply(),
          supplyCap: cap,
        });
        const [fromPool, minted, emission] = await controller.fundingFor(c.epoch, u);
        expect([funding.fromPool, funding.minted, funding.emission]).to.deep.equal([fromPool, minted, emission]);

        const split = splitEmission(emission, policy.shares);
        const [m, v, d] = await controller.splitOf(emission);
        expect([split.miners, split.validators, split.dao]).to.deep.equal([m, v, d]);
        expect(split.miners + split.validators + split.dao).to.equal(emission);
      }),
      { numRuns: RUNS },
    );
  });
});
