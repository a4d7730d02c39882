import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  attestUntilAccepted,
  claimArgs,
  distributeEpoch,
  epochOfNextTx,
  expectedDistribution,
  mdt,
  registerValidator,
  rewardTree,
  suiteFixture,
  toEpoch,
  toLastBlockOf,
  toNextEpoch,
  workedExampleFixture,
  ZERO_HASH,
  type RewardTree,
} from "../fixtures";

const U = mdt("0.79");
const EXPIRED_REWARDS = 2;
const TOTALS = [mdt(316), mdt(316), mdt(158)] as const;

/** The worked example distributed with a 3-epoch claim window: six recipients share 632 MDT. */
async function distributedFixture() {
  const f = await workedExampleFixture();
  await f.distributor.setClaimWindow(3n);
  const recipients = [...f.miners, ...f.validators.slice(0, 3)].map((s) => s.address);
  const { tree, entries } = await distributeEpoch(f, f.epoch, recipients);
  const record = await f.distributor.epochReward(f.epoch);
  return { ...f, tree: tree as RewardTree, entries, deadline: record.claimDeadline, claimer: f.accounts[16] };
}

/** The worked example with six of ten validators (600 of 1000 MDT, not above 2/3) attesting `tree`. */
async function sixAttestedFixture() {
  const f = await workedExampleFixture();
  const tree = rewardTree([[f.addr.registry, mdt(632)]]);
  for (const v of f.validators.slice(0, 6)) await f.distributor.connect(v).attest(f.epoch, ...TOTALS, tree.root);
  return { ...f, tree };
}

describe("RewardDistributor", function () {
  describe("expectedUtility", function () {
    it("recomputes the worked example's utility from the stake-weighted on-chain reports", async function () {
      const { distributor, registry, epoch } = await loadFixture(workedExampleFixture);
      expect(await registry.epochMetrics(epoch)).to.deep.equal([8000n, mdt("0.7"), mdt("0.9")]);
      expect(await distributor.expectedUtility(epoch)).to.equal(U);
      expect(await distributor.expectedTotals(epoch)).to.deep.equal([U, mdt(790), ...TOTALS]);
    });
  });

  describe("attest", function () {
    describe("when validators holding more than 2/3 of the epoch's stake attest one root", function () {
      it("does not fund at 600 of 1000 MDT; the seventh attestation funds 790 MDT and opens the claims", async function () {
        const { distributor, controller, token, validators, epoch, tree, clock, addr } = await loadFixture(sixAttestedFixture);
        const digest = await distributor.attestationDigest(epoch, tree.root, ...TOTALS);
        expect(await distributor.attestedStake(epoch, digest)).to.equal(mdt(600));
        expect((await distributor.epochReward(epoch)).distributed).to.equal(false);
        expect(await controller.isFunded(epoch)).to.equal(false);
        expect(await token.balanceOf(addr.distributor)).to.equal(0n);

        const current = await epochOfNextTx(clock);
        const tx = distributor.connect(validators[6]).attest(epoch, ...TOTALS, tree.root);
        await expect(tx).to.emit(distributor, "Attested").withArgs(epoch, validators[6].address, digest, tree.root, mdt(100), mdt(700));
        await expect(tx).to.emit(distributor, "EpochDistributed").withArgs(epoch, U, mdt(790), ...TOTALS, tree.root);
        // The three miners' registration fees left 1.5 MDT in the recycling pool: it pays first.
        await expect(tx).to.emit(controller, "EpochFunded").withArgs(epoch, U, mdt(790), mdt("1.5"), mdt("788.5"));
        await expect(tx).to.changeTokenBalances(
          token,
          [{ getAddress: async () => addr.treasury }, { getAddress: async () => addr.distributor }],
          [mdt(158), mdt(632)],
        );
        expect(await distributor.epochReward(epoch)).to.deep.equal([tree.root, mdt(632), 0n, current + 1000n, true, false]);
        expect(await distributor.acceptedDigest(epoch)).to.equal(digest);
      });

      it("completes an epoch with a single validator's attestation (it holds all the stake)", async function () {
        const f = await loadFixture(suiteFixture);
        const [v] = f.accounts;
        await registerValidator(f, v, mdt(32));
        const epoch = await toNextEpoch(f.clock);
        await f.registry.connect(v).submitTaskReport(8000n, mdt("0.7"));
        await toEpoch(f.clock, epoch + 1n);
        const e = await expectedDistribution(f, epoch);
        expect(e.utility).to.equal(mdt("0.61")); // 0.5·0.8 + 0.3·0.7, no weights
        const tree = rewardTree([[v.address, e.miners + e.validators]]);
        await expect(f.distributor.connect(v).attest(epoch, e.miners, e.validators, e.dao, tree.root)).to.emit(f.distributor, "EpochDistributed");
      });

      it("accepts an empty root when nothing is due (zero utility)", async function () {
        const f = await loadFixture(suiteFixture);
        const [v] = f.accounts;
        await registerValidator(f, v, mdt(32));
        const epoch = await toNextEpoch(f.clock);
        await toEpoch(f.clock, epoch + 1n);
        const tx = f.distributor.connect(v).attest(epoch, 0n, 0n, 0n, ZERO_HASH);
        await expect(tx).to.emit(f.distributor, "EpochDistributed").withArgs(epoch, 0n, 0n, 0n, 0n, 0n, ZERO_HASH);
        await expect(tx).to.not.emit(f.token, "Transfer");
      });
    });

    describe("attack: a distributor or a minority posts a root paying itself", function () {
      it("gets nothing funded; the honest supermajority's root is accepted and the minority's is evidence", async function () {
        const f = await loadFixture(workedExampleFixture);
        const { distributor, controller, token, validators, epoch, deployer, addr } = f;
        const minority = validators.slice(0, 3); // 300 of 1000 MDT
        const theft = rewardTree(minority.map((m, i) => [m.address, i === 0 ? mdt(632) - 2n : 1n] as [string, bigint]));
        // A hot key that is no validator of the epoch (the deployer, who held DISTRIBUTOR_ROLE before) cannot attest at all.
        await expect(distributor.connect(deployer).attest(epoch, ...TOTALS, theft.root))
          .to.be.revertedWithCustomError(distributor, "NotActiveValidator")
          .withArgs(deployer.address, epoch);
        for (const m of minority) await distributor.connect(m).attest(epoch, ...TOTALS, theft.root);
        const theftDigest = await distributor.attestationDigest(epoch, theft.root, ...TOTALS);
        expect(await distributor.attestedStake(epoch, theftDigest)).to.equal(mdt(300));
        expect((await distributor.epochReward(epoch)).distributed).to.equal(false);
        expect(await controller.isFunded(epoch)).to.equal(false);
        expect(await token.balanceOf(addr.distributor)).to.equal(0n);
        await expect(distributor.claim(...claimArgs(theft, epoch, minority[0].address)))
          .to.be.revertedWithCustomError(distributor, "EpochNotDistributed")
          .withArgs(epoch);

        const honest = rewardTree([[addr.registry, mdt(632)]]);
        for (const v of validators.slice(3, 10)) await distributor.connect(v).attest(epoch, ...TOTALS, honest.root); // 700
        expect((await distributor.epochReward(epoch)).root).to.equal(honest.root);
        await expect(distributor.claim(...claimArgs(theft, epoch, minority[0].address))).to.be.revertedWithCustomError(distributor, "InvalidProof");
        // Evidence: anyone records the minority's earlier conflicting attestations.
        await expect(distributor.flagConflict(epoch, minority[0].address))
          .to.emit(distributor, "ConflictingAttestation")
          .withArgs(epoch, minority[0].address, theftDigest, await distributor.acceptedDigest(epoch));
        expect(await distributor.conflictOf(epoch, minority[0].address)).to.equal(theftDigest);
        await expect(distributor.flagConflict(epoch, minority[0].address)).to.be.revertedWithCustomError(distributor, "NoConflict");
        await expect(distributor.flagConflict(epoch, validators[5].address)).to.be.revertedWithCustomError(distributor, "NoConflict");
      });

      it("records a late attestation of another root as evidence at once, and it changes nothing", async function () {
        const f = await loadFixture(distributedFixture);
        const [late] = f.validators.slice(9);
        const other = rewardTree([[late.address, mdt(632)]]);
        const digest = await f.distributor.attestationDigest(f.epoch, other.root, ...TOTALS);
        await expect(f.distributor.connect(late).attest(f.epoch, ...TOTALS, other.root))
          .to.emit(f.distributor, "ConflictingAttestation")
          .withArgs(f.epoch, late.address, digest, await f.distributor.acceptedDigest(f.epoch));
        expect(await f.distributor.conflictOf(f.epoch, late.address)).to.equal(digest);
        expect((await f.distributor.epochReward(f.epoch)).root).to.equal(f.tree.root);
      });
    });

    describe("changing an attestation before acceptance", function () {
      it("moves the validator's stake from the old digest to the new one", async function () {
        const { distributor, validators, epoch, tree } = await loadFixture(sixAttestedFixture);
        const other = rewardTree([[validators[0].address, mdt(632)]]);
        await distributor.connect(validators[0]).attest(epoch, ...TOTALS, other.root);
        expect(await distributor.attestedStake(epoch, await distributor.attestationDigest(epoch, tree.root, ...TOTALS))).to.equal(mdt(500));
        expect(await distributor.attestedStake(epoch, await distributor.attestationDigest(epoch, other.root, ...TOTALS))).to.equal(mdt(100));
        await expect(distributor.connect(validators[0]).attest(epoch, ...TOTALS, other.root))
          .to.be.revertedWithCustomError(distributor, "AlreadyAttested")
          .withArgs(epoch, validators[0].address);
      });
    });

    describe("when the epoch's inputs are not final", function () {
      it("reverts with EpochNotFinal in the epoch itself, and through its reveal window under commit–reveal", async function () {
        const f = await loadFixture(workedExampleFixture);
        const current = f.epoch + 1n;
        await toLastBlockOf(f.clock, current);
        await expect(f.distributor.connect(f.validators[0]).attest(current, 0n, 0n, 0n, ZERO_HASH))
          .to.be.revertedWithCustomError(f.distributor, "EpochNotFinal")
          .withArgs(current, current, current);
        await f.registry.setCommitReveal(true);
        const from = (await f.clock.currentEpoch()) + 1n; // the switch applies from the next epoch
        expect(await f.registry.commitRevealAt(from - 1n)).to.equal(false);
        await toEpoch(f.clock, from + 1n);
        await expect(f.distributor.connect(f.validators[0]).attest(from, 0n, 0n, 0n, ZERO_HASH))
          .to.be.revertedWithCustomError(f.distributor, "EpochNotFinal")
          .withArgs(from, from + 1n, from + 1n);
      });
    });

    describe("with totals other than the policy's split", function () {
      const cases: [string, bigint, bigint, bigint][] = [
        ["miners", mdt(316) + 1n, mdt(316), mdt(158) - 1n],
        ["validators", mdt(316), mdt(316) - 1n, mdt(158)],
        ["dao", mdt(316), mdt(316), mdt(158) + 1n],
      ];
      for (const [name, m, v, d] of cases) {
        it(`reverts with TotalsMismatch (wrong ${name})`, async function () {
          const { distributor, validators, epoch, addr } = await loadFixture(workedExampleFixture);
          const root = rewardTree([[addr.registry, m + v]]).root;
          await expect(distributor.connect(validators[0]).attest(epoch, m, v, d, root))
            .to.be.revertedWithCustomError(distributor, "TotalsMismatch")
            .withArgs(...TOTALS);
        });
      }
    });

    describe("when rewards are due but the root is empty", function () {
      it("reverts with EmptyRoot", async function () {
        const { distributor, validators, epoch } = await loadFixture(workedExampleFixture);
        await expect(distributor.connect(validators[0]).attest(epoch, ...TOTALS, ZERO_HASH)).to.be.revertedWithCustomError(distributor, "EmptyRoot");
      });
    });
  });

  describe("claim", function () {
    describe("with a valid proof inside the window", function () {
      it("pays the account, sets its bit and emits Claimed; anyone may submit", async function () {
        const { distributor, token, tree, entries, epoch, claimer, addr } = await loadFixture(distributedFixture);
        const [account, amount] = entries[0];
        const tx = distributor.connect(claimer).claim(...claimArgs(tree, epoch, account));
        await expect(tx).to.emit(distributor, "Claimed").withArgs(epoch, 0n, account, amount);
        await expect(tx).to.changeTokenBalances(token, [{ getAddress: async () => account }, { getAddress: async () => addr.distributor }], [amount, -amount]);
        expect(await distributor.isClaimed(epoch, 0n)).to.equal(true);
        expect(await distributor.isClaimed(epoch, 1n)).to.equal(false);
        expect((await distributor.epochReward(epoch)).claimed).to.equal(amount);
      });

      it("accepts claims in the last epoch of the window", async function () {
        const { distributor, clock, tree, entries, epoch, deadline } = await loadFixture(distributedFixture);
        await toLastBlockOf(clock, deadline);
        await expect(distributor.claim(...claimArgs(tree, epoch, entries[1][0]))).to.emit(distributor, "Claimed");
      });

      it("lets every recipient claim, reaching exactly the funded amount", async function () {
        const { distributor, tree, entries, epoch } = await loadFixture(distributedFixture);
        for (const [account] of entries) await distributor.claim(...claimArgs(tree, epoch, account));
        const reward = await distributor.epochReward(epoch);
        expect(reward.claimed).to.equal(reward.funded);
      });
    });

    describe("a second time", function () {
      it("reverts with AlreadyClaimed", async function () {
        const { distributor, tree, entries, epoch } = await loadFixture(distributedFixture);
        const args = claimArgs(tree, epoch, entries[0][0]);
        await distributor.claim(...args);
        await expect(distributor.claim(...args)).to.be.revertedWithCustomError(distributor, "AlreadyClaimed").withArgs(epoch, 0n);
      });
    });

    describe("with a wrong index, amount, account or proof", function () {
      it("reverts with InvalidProof", async function () {
        const { distributor, tree, entries, epoch, claimer } = await loadFixture(distributedFixture);
        const [, index, account, amount, proof] = claimArgs(tree, epoch, entries[0][0]);
        await expect(distributor.claim(epoch, index, account, amount + 1n, proof))
          .to.be.revertedWithCustomError(distributor, "InvalidProof")
          .withArgs(epoch, index, account, amount + 1n);
        await expect(distributor.claim(epoch, index, claimer.address, amount, proof))
          .to.be.revertedWithCustomError(distributor, "InvalidProof")
          .withArgs(epoch, index, claimer.address, amount);
        await expect(distributor.claim(epoch, index + 1n, account, amount, proof))
          .to.be.revertedWithCustomError(distributor, "InvalidProof")
          .withArgs(epoch, index + 1n, account, amount);
        await expect(distributor.claim(epoch, index, account, amount, []))
          .to.be.revertedWithCustomError(distributor, "InvalidProof")
          .withArgs(epoch, index, account, amount);
      });
    });

    describe("for an epoch not distributed", function () {
      it("reverts with EpochNotDistributed", async function () {
        const { distributor, entries, epoch } = await loadFixture(distributedFixture);
        await expect(distributor.claim(epoch + 1n, 0n, entries[0][0], 1n, []))
          .to.be.revertedWithCustomError(distributor, "EpochNotDistributed")
          .withArgs(epoch + 1n);
      });
    });

    describe("after the claim window", function () {
      it("reverts with ClaimWindowClosed from the first block after the deadline epoch", async function () {
        const { distributor, clock, tree, entries, epoch, deadline } = await loadFixture(distributedFixture);
        await toEpoch(clock, deadline + 1n);
        await expect(distributor.claim(...claimArgs(tree, epoch, entries[0][0])))
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
        await attestUntilAccepted(f, f.epoch, { miners: TOTALS[0], validators: TOTALS[1], dao: TOTALS[2] }, tree.root);
        await f.distributor.claim(...claimArgs(tree, f.epoch, x));
        await expect(f.distributor.claim(...claimArgs(tree, f.epoch, y)))
          .to.be.revertedWithCustomError(f.distributor, "ClaimExceedsFunding")
          .withArgs(f.epoch, mdt(632) + 1n, mdt(632));
      });
    });
  });

  describe("prepareClaims", function () {
    it("marks words as prepared; claims in them set only their own bit", async function () {
      const { distributor, tree, entries, epoch } = await loadFixture(distributedFixture);
      await expect(distributor.prepareClaims(epoch, 0n, 2n)).to.emit(distributor, "ClaimsPrepared").withArgs(epoch, 0n, 2n);
      for (let i = 0n; i < 6n; i++) expect(await distributor.isClaimed(epoch, i)).to.equal(false);
      await distributor.claim(...claimArgs(tree, epoch, entries[2][0]));
      expect(await distributor.isClaimed(epoch, 2n)).to.equal(true);
      expect(await distributor.isClaimed(epoch, 1n)).to.equal(false);
      // Preparing again skips live words and leaves every claimed bit in place.
      await distributor.prepareClaims(epoch, 0n, 1n);
      expect(await distributor.isClaimed(epoch, 2n)).to.equal(true);
      await expect(distributor.claim(...claimArgs(tree, epoch, entries[2][0]))).to.be.revertedWithCustomError(distributor, "AlreadyClaimed");
    });

    it("reverts with EpochNotDistributed before acceptance and InvalidWordCount outside 1..MAX_PREPARE_WORDS", async function () {
      const { distributor, epoch } = await loadFixture(distributedFixture);
      await expect(distributor.prepareClaims(epoch + 1n, 0n, 1n)).to.be.revertedWithCustomError(distributor, "EpochNotDistributed").withArgs(epoch + 1n);
      await expect(distributor.prepareClaims(epoch, 0n, 0n)).to.be.revertedWithCustomError(distributor, "InvalidWordCount").withArgs(0n, 512n);
      await expect(distributor.prepareClaims(epoch, 0n, 513n)).to.be.revertedWithCustomError(distributor, "InvalidWordCount").withArgs(513n, 512n);
    });

    it("keeps leaves 254 and 255 in different words", async function () {
      const f = await loadFixture(workedExampleFixture);
      const entries: [string, bigint][] = Array.from({ length: 256 }, (_, i) => [ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(0x1000 + i), 20)), i < 255 ? 2n : mdt(632) - 510n]);
      const tree = rewardTree(entries);
      await attestUntilAccepted(f, f.epoch, { miners: TOTALS[0], validators: TOTALS[1], dao: TOTALS[2] }, tree.root);
      await f.distributor.claim(...claimArgs(tree, f.epoch, entries[255][0]));
      expect(await f.distributor.isClaimed(f.epoch, 255n)).to.equal(true);
      expect(await f.distributor.isClaimed(f.epoch, 254n)).to.equal(false);
      expect(await f.distributor.isClaimed(f.epoch, 0n)).to.equal(false);
      await f.distributor.claim(...claimArgs(tree, f.epoch, entries[254][0]));
      expect(await f.distributor.isClaimed(f.epoch, 254n)).to.equal(true);
    });
  });

  describe("claimMany", function () {
    it("pays a batch of claims", async function () {
      const f = await loadFixture(distributedFixture);
      const claims = f.entries.slice(0, 3).map(([account]) => {
        const [epoch, index, a, amount, proof] = claimArgs(f.tree, f.epoch, account);
        return { epoch, index, account: a, amount, proof };
      });
      const tx = f.distributor.claimMany(claims);
      for (const c of claims) await expect(tx).to.emit(f.distributor, "Claimed").withArgs(f.epoch, c.index, c.account, c.amount);
      expect((await f.distributor.epochReward(f.epoch)).claimed).to.equal(claims.reduce((s, c) => s + c.amount, 0n));
    });

    it("reverts as a whole when one claim is bad", async function () {
      const f = await loadFixture(distributedFixture);
      const [epoch, index, account, amount, proof] = claimArgs(f.tree, f.epoch, f.entries[0][0]);
      const good = { epoch, index, account, amount, proof };
      await expect(f.distributor.claimMany([good, good])).to.be.revertedWithCustomError(f.distributor, "AlreadyClaimed").withArgs(f.epoch, index);
      expect(await f.distributor.isClaimed(f.epoch, index)).to.equal(false);
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
        await distributor.claim(...claimArgs(tree, epoch, account));
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
        for (const [account] of entries) await distributor.claim(...claimArgs(tree, epoch, account));
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
      await distributeEpoch(f, f.epoch, [f.accounts[15].address]);
      const accepted = BigInt((await ethers.provider.getBlockNumber()));
      const acceptedEpoch = (await f.clock.currentEpoch({ blockTag: accepted }));
      expect((await f.distributor.epochReward(f.epoch)).claimDeadline).to.equal(acceptedEpoch + 1n);
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
