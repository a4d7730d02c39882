import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  distributeEpoch,
  epochOfNextTx,
  expectedDistribution,
  mdt,
  proofOf,
  rewardTree,
  suiteFixture,
  toEpoch,
  toLastBlockOf,
  workedExampleFixture,
  ZERO_HASH,
  type RewardTree,
} from "../fixtures";

const U = mdt("0.79");
const EXPIRED_REWARDS = 2;

/** The worked example distributed with a 3-epoch claim window: six recipients share 632 MDT. */
async function distributedFixture() {
  const f = await workedExampleFixture();
  await f.distributor.setClaimWindow(3n);
  const recipients = [...f.miners, ...f.validators.slice(0, 3)].map((s) => s.address);
  const distributedIn = await epochOfNextTx(f.clock);
  const { tree, entries } = await distributeEpoch(f, f.epoch, recipients);
  return { ...f, tree: tree as RewardTree, entries, distributedIn, deadline: distributedIn + 3n, claimer: f.accounts[16] };
}

describe("RewardDistributor", function () {
  describe("expectedUtility", function () {
    it("recomputes the worked example's utility from the on-chain reports", async function () {
      const { distributor, registry, epoch } = await loadFixture(workedExampleFixture);
      expect(await registry.epochMetrics(epoch)).to.deep.equal([8000n, mdt("0.7"), mdt("0.9")]);
      expect(await distributor.expectedUtility(epoch)).to.equal(U);
    });
  });

  describe("distribute", function () {
    describe("for an ended epoch with matching utility and totals", function () {
      it("funds 790 MDT, pays the DAO 158 to the treasury, keeps 632 to claim, and emits EpochDistributed", async function () {
        const { distributor, controller, token, epoch, clock, addr } = await loadFixture(workedExampleFixture);
        const tree = rewardTree([[addr.registry, mdt(632)]]);
        const current = await epochOfNextTx(clock);
        const tx = distributor.distribute(epoch, U, mdt(316), mdt(316), mdt(158), tree.root);
        await expect(tx).to.emit(distributor, "EpochDistributed").withArgs(epoch, U, mdt(790), mdt(316), mdt(316), mdt(158), tree.root);
        // The three miners' registration fees left 1.5 MDT in the recycling pool: it pays first.
        await expect(tx).to.emit(controller, "EpochFunded").withArgs(epoch, U, mdt(790), mdt("1.5"), mdt("788.5"));
        await expect(tx).to.changeTokenBalances(
          token,
          [{ getAddress: async () => addr.treasury }, { getAddress: async () => addr.distributor }],
          [mdt(158), mdt(632)],
        );
        expect(await distributor.epochReward(epoch)).to.deep.equal([tree.root, mdt(632), 0n, current + 1000n, true, false]);
        expect(await controller.isFunded(epoch)).to.equal(true);
      });

      it("funds from the recycling pool first", async function () {
        const { distributor, controller, recyclingPool, token, accounts, epoch } = await loadFixture(workedExampleFixture);
        await token.connect(accounts[17]).approve(recyclingPool, mdt(90));
        await recyclingPool.connect(accounts[17]).deposit(mdt(90), 3);
        const supply = await token.totalSupply();
        const tree = rewardTree([[accounts[17].address, mdt(632)]]);
        await expect(distributor.distribute(epoch, U, mdt(316), mdt(316), mdt(158), tree.root))
          .to.emit(controller, "EpochFunded")
          .withArgs(epoch, U, mdt(790), mdt("91.5"), mdt("698.5"));
        expect(await token.totalSupply()).to.equal(supply + mdt("698.5"));
        expect(await recyclingPool.balance()).to.equal(0n);
      });

      it("accepts an empty root when nothing is due (zero utility)", async function () {
        const f = await loadFixture(suiteFixture);
        await toEpoch(f.clock, 3n);
        const tx = f.distributor.distribute(1n, 0n, 0n, 0n, 0n, ZERO_HASH);
        await expect(tx).to.emit(f.distributor, "EpochDistributed").withArgs(1n, 0n, 0n, 0n, 0n, 0n, ZERO_HASH);
        await expect(tx).to.not.emit(f.token, "Transfer");
        expect((await f.distributor.epochReward(1n)).distributed).to.equal(true);
      });
    });

    describe("when the caller lacks DISTRIBUTOR_ROLE", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { distributor, accounts, epoch } = await loadFixture(workedExampleFixture);
        await expect(distributor.connect(accounts[17]).distribute(epoch, U, mdt(316), mdt(316), mdt(158), ZERO_HASH))
          .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
          .withArgs(accounts[17].address, await distributor.DISTRIBUTOR_ROLE());
      });
    });

    describe("when the epoch has not ended", function () {
      it("reverts with EpochNotEnded, even in the epoch's last block", async function () {
        const { distributor, clock, epoch } = await loadFixture(workedExampleFixture);
        const current = epoch + 1n;
        await toLastBlockOf(clock, current);
        await expect(distributor.distribute(current, 0n, 0n, 0n, 0n, ZERO_HASH))
          .to.be.revertedWithCustomError(distributor, "EpochNotEnded")
          .withArgs(current, current);
        await expect(distributor.distribute(current + 5n, 0n, 0n, 0n, 0n, ZERO_HASH))
          .to.be.revertedWithCustomError(distributor, "EpochNotEnded")
          .withArgs(current + 5n, current + 1n);
      });
    });

    describe("when the epoch was already distributed", function () {
      it("reverts with EpochAlreadyDistributed", async function () {
        const { distributor, epoch } = await loadFixture(distributedFixture);
        await expect(distributor.distribute(epoch, U, mdt(316), mdt(316), mdt(158), ZERO_HASH))
          .to.be.revertedWithCustomError(distributor, "EpochAlreadyDistributed")
          .withArgs(epoch);
      });
    });

    describe("when the utility differs from the reports", function () {
      it("reverts with UtilityMismatch", async function () {
        const { distributor, epoch } = await loadFixture(workedExampleFixture);
        await expect(distributor.distribute(epoch, mdt(1), mdt(400), mdt(400), mdt(200), ZERO_HASH))
          .to.be.revertedWithCustomError(distributor, "UtilityMismatch")
          .withArgs(epoch, U, mdt(1));
        await expect(distributor.distribute(epoch, U - 1n, mdt(316), mdt(316), mdt(158), ZERO_HASH))
          .to.be.revertedWithCustomError(distributor, "UtilityMismatch")
          .withArgs(epoch, U, U - 1n);
      });
    });

    describe("when the totals differ from the policy's split", function () {
      const cases: [string, bigint, bigint, bigint][] = [
        ["miners", mdt(316) + 1n, mdt(316), mdt(158) - 1n],
        ["validators", mdt(316), mdt(316) - 1n, mdt(158)],
        ["dao", mdt(316), mdt(316), mdt(158) + 1n],
      ];
      for (const [name, m, v, d] of cases) {
        it(`reverts with TotalsMismatch (wrong ${name})`, async function () {
          const { distributor, epoch, addr } = await loadFixture(workedExampleFixture);
          const root = rewardTree([[addr.registry, m + v]]).root;
          await expect(distributor.distribute(epoch, U, m, v, d, root))
            .to.be.revertedWithCustomError(distributor, "TotalsMismatch")
            .withArgs(mdt(316), mdt(316), mdt(158));
        });
      }
    });

    describe("when rewards are due but the root is empty", function () {
      it("reverts with EmptyRoot", async function () {
        const { distributor, epoch } = await loadFixture(workedExampleFixture);
        await expect(distributor.distribute(epoch, U, mdt(316), mdt(316), mdt(158), ZERO_HASH)).to.be.revertedWithCustomError(
          distributor,
          "EmptyRoot",
        );
      });
    });
  });

  describe("claim", function () {
    describe("with a valid proof inside the window", function () {
      it("pays the account, marks it claimed and emits Claimed; anyone may submit", async function () {
        const { distributor, token, tree, entries, epoch, claimer, addr } = await loadFixture(distributedFixture);
        const [account, amount] = entries[0];
        const tx = distributor.connect(claimer).claim(epoch, account, amount, proofOf(tree, account));
        await expect(tx).to.emit(distributor, "Claimed").withArgs(epoch, account, amount);
        await expect(tx).to.changeTokenBalances(token, [{ getAddress: async () => account }, { getAddress: async () => addr.distributor }], [amount, -amount]);
        expect(await distributor.isClaimed(epoch, account)).to.equal(true);
        expect((await distributor.epochReward(epoch)).claimed).to.equal(amount);
      });

      it("accepts claims in the last epoch of the window", async function () {
        const { distributor, clock, tree, entries, epoch, deadline } = await loadFixture(distributedFixture);
        await toLastBlockOf(clock, deadline);
        const [account, amount] = entries[1];
        await expect(distributor.claim(epoch, account, amount, proofOf(tree, account))).to.emit(distributor, "Claimed");
      });

      it("lets every recipient claim, reaching exactly the funded amount", async function () {
        const { distributor, tree, entries, epoch } = await loadFixture(distributedFixture);
        for (const [account, amount] of entries) await distributor.claim(epoch, account, amount, proofOf(tree, account));
        const reward = await distributor.epochReward(epoch);
        expect(reward.claimed).to.equal(reward.funded);
      });
    });

    describe("a second time", function () {
      it("reverts with AlreadyClaimed", async function () {
        const { distributor, tree, entries, epoch } = await loadFixture(distributedFixture);
        const [account, amount] = entries[0];
        await distributor.claim(epoch, account, amount, proofOf(tree, account));
        await expect(distributor.claim(epoch, account, amount, proofOf(tree, account)))
          .to.be.revertedWithCustomError(distributor, "AlreadyClaimed")
          .withArgs(epoch, account);
      });
    });

    describe("with a wrong amount, account or proof", function () {
      it("reverts with InvalidProof", async function () {
        const { distributor, tree, entries, epoch, claimer } = await loadFixture(distributedFixture);
        const [account, amount] = entries[0];
        const proof = proofOf(tree, account);
        await expect(distributor.claim(epoch, account, amount + 1n, proof))
          .to.be.revertedWithCustomError(distributor, "InvalidProof")
          .withArgs(epoch, account, amount + 1n);
        await expect(distributor.claim(epoch, claimer.address, amount, proof))
          .to.be.revertedWithCustomError(distributor, "InvalidProof")
          .withArgs(epoch, claimer.address, amount);
        await expect(distributor.claim(epoch, account, amount, []))
          .to.be.revertedWithCustomError(distributor, "InvalidProof")
          .withArgs(epoch, account, amount);
      });
    });

    describe("for an epoch not distributed", function () {
      it("reverts with EpochNotDistributed", async function () {
        const { distributor, entries, epoch } = await loadFixture(distributedFixture);
        await expect(distributor.claim(epoch + 1n, entries[0][0], 1n, []))
          .to.be.revertedWithCustomError(distributor, "EpochNotDistributed")
          .withArgs(epoch + 1n);
      });
    });

    describe("after the claim window", function () {
      it("reverts with ClaimWindowClosed from the first block after the deadline epoch", async function () {
        const { distributor, clock, tree, entries, epoch, deadline } = await loadFixture(distributedFixture);
        await toEpoch(clock, deadline + 1n);
        const [account, amount] = entries[0];
        await expect(distributor.claim(epoch, account, amount, proofOf(tree, account)))
          .to.be.revertedWithCustomError(distributor, "ClaimWindowClosed")
          .withArgs(epoch, deadline);
      });
    });

    describe("when a faulty tree promises more than was funded", function () {
      it("reverts with ClaimExceedsFunding", async function () {
        const f = await loadFixture(workedExampleFixture);
        const [x, y] = [f.accounts[15].address, f.accounts[16].address];
        const tree = rewardTree([
          [x, mdt(632)],
          [y, 1n],
        ]);
        await f.distributor.distribute(f.epoch, U, mdt(316), mdt(316), mdt(158), tree.root);
        await f.distributor.claim(f.epoch, x, mdt(632), proofOf(tree, x));
        await expect(f.distributor.claim(f.epoch, y, 1n, proofOf(tree, y)))
          .to.be.revertedWithCustomError(f.distributor, "ClaimExceedsFunding")
          .withArgs(f.epoch, mdt(632) + 1n, mdt(632));
      });
    });
  });

  describe("claimMany", function () {
    it("pays a batch of claims", async function () {
      const f = await loadFixture(distributedFixture);
      const claims = f.entries.slice(0, 3).map(([account, amount]) => ({ epoch: f.epoch, account, amount, proof: proofOf(f.tree, account) }));
      const tx = f.distributor.claimMany(claims);
      for (const c of claims) await expect(tx).to.emit(f.distributor, "Claimed").withArgs(f.epoch, c.account, c.amount);
      expect((await f.distributor.epochReward(f.epoch)).claimed).to.equal(claims.reduce((s, c) => s + c.amount, 0n));
    });

    it("reverts as a whole when one claim is bad", async function () {
      const f = await loadFixture(distributedFixture);
      const [account, amount] = f.entries[0];
      const good = { epoch: f.epoch, account, amount, proof: proofOf(f.tree, account) };
      await expect(f.distributor.claimMany([good, good]))
        .to.be.revertedWithCustomError(f.distributor, "AlreadyClaimed")
        .withArgs(f.epoch, account);
      expect(await f.distributor.isClaimed(f.epoch, account)).to.equal(false);
    });

    it("reverts with EmptyBatch for no claims", async function () {
      const { distributor } = await loadFixture(distributedFixture);
      await expect(distributor.claimMany([])).to.be.revertedWithCustomError(distributor, "EmptyBatch");
    });
  });

  describe("sweep", function () {
    describe("while the claim window is open", function () {
      it("reverts with ClaimWindowOpen, through the deadline epoch's last block", async function () {
        const { distributor, clock, epoch, deadline } = await loadFixture(distributedFixture);
        await expect(distributor.sweep(epoch)).to.be.revertedWithCustomError(distributor, "ClaimWindowOpen").withArgs(epoch, deadline);
        await toLastBlockOf(clock, deadline);
        await expect(distributor.sweep(epoch)).to.be.revertedWithCustomError(distributor, "ClaimWindowOpen").withArgs(epoch, deadline);
      });
    });

    describe("after the window", function () {
      it("moves the unclaimed rest to the recycling pool as ExpiredRewards and emits Swept", async function () {
        const { distributor, recyclingPool, token, clock, tree, entries, epoch, deadline, addr } = await loadFixture(distributedFixture);
        const [account, amount] = entries[0];
        await distributor.claim(epoch, account, amount, proofOf(tree, account));
        await toEpoch(clock, deadline + 1n);
        const rest = mdt(632) - amount;
        const tx = distributor.sweep(epoch);
        await expect(tx).to.emit(distributor, "Swept").withArgs(epoch, rest);
        await expect(tx).to.emit(recyclingPool, "Deposited").withArgs(addr.distributor, EXPIRED_REWARDS, rest);
        expect(await token.balanceOf(addr.distributor)).to.equal(0n);
        expect(await recyclingPool.recycledBy(EXPIRED_REWARDS)).to.equal(rest);
        expect((await distributor.epochReward(epoch)).swept).to.equal(true);
      });

      it("emits Swept with zero and deposits nothing when everything was claimed", async function () {
        const { distributor, recyclingPool, clock, tree, entries, epoch, deadline } = await loadFixture(distributedFixture);
        for (const [account, amount] of entries) await distributor.claim(epoch, account, amount, proofOf(tree, account));
        await toEpoch(clock, deadline + 1n);
        const tx = distributor.sweep(epoch);
        await expect(tx).to.emit(distributor, "Swept").withArgs(epoch, 0n);
        await expect(tx).to.not.emit(recyclingPool, "Deposited");
      });

      it("reverts with AlreadySwept the second time", async function () {
        const { distributor, clock, epoch, deadline } = await loadFixture(distributedFixture);
        await toEpoch(clock, deadline + 1n);
        await distributor.sweep(epoch);
        await expect(distributor.sweep(epoch)).to.be.revertedWithCustomError(distributor, "AlreadySwept").withArgs(epoch);
      });

      it("feeds the swept MDT into the next epoch's funding before any mint", async function () {
        const f = await loadFixture(distributedFixture);
        await toEpoch(f.clock, f.deadline + 1n);
        await f.distributor.sweep(f.epoch);
        // No reports since: utility is zero, so nothing is due; with full utility the pool would pay first.
        expect(await f.controller.fundingFor(f.deadline, mdt(1))).to.deep.equal([mdt(632), mdt(368), mdt(1000)]);
        expect((await expectedDistribution(f, f.deadline)).emission).to.equal(0n);
      });
    });

    describe("for an epoch not distributed", function () {
      it("reverts with EpochNotDistributed", async function () {
        const { distributor } = await loadFixture(distributedFixture);
        await expect(distributor.sweep(0n)).to.be.revertedWithCustomError(distributor, "EpochNotDistributed").withArgs(0n);
      });
    });
  });

  describe("setClaimWindow", function () {
    it("sets the window for later distributions and emits ClaimWindowChanged", async function () {
      const f = await loadFixture(workedExampleFixture);
      await expect(f.distributor.setClaimWindow(1n)).to.emit(f.distributor, "ClaimWindowChanged").withArgs(1000n, 1n);
      expect(await f.distributor.claimWindow()).to.equal(1n);
      const current = await epochOfNextTx(f.clock);
      await distributeEpoch(f, f.epoch, [f.accounts[15].address]);
      expect((await f.distributor.epochReward(f.epoch)).claimDeadline).to.equal(current + 1n);
    });

    it("accepts 1 and MAX_CLAIM_WINDOW, and reverts with InvalidClaimWindow outside", async function () {
      const { distributor } = await loadFixture(suiteFixture);
      const max = await distributor.MAX_CLAIM_WINDOW();
      await expect(distributor.setClaimWindow(max)).to.emit(distributor, "ClaimWindowChanged").withArgs(1000n, max);
      await expect(distributor.setClaimWindow(0n)).to.be.revertedWithCustomError(distributor, "InvalidClaimWindow").withArgs(0n, max);
      await expect(distributor.setClaimWindow(max + 1n)).to.be.revertedWithCustomError(distributor, "InvalidClaimWindow").withArgs(max + 1n, max);
    });

    it("reverts with AccessControlUnauthorizedAccount for a non-governor", async function () {
      const { distributor, accounts } = await loadFixture(suiteFixture);
      await expect(distributor.connect(accounts[3]).setClaimWindow(5n))
        .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
        .withArgs(accounts[3].address, await distributor.GOVERNOR_ROLE());
    });
  });
});
