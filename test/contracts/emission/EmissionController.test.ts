import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { encodeBytes32String } from "ethers";
import { DEFAULT_POLICY, type PolicyConfig } from "../../../scripts/lib/config";
import { deployTestSuite, GENESIS_BALANCE, mdt, suiteFixture, toEpoch, toLastBlockOf, WAD, ZERO_ADDRESS } from "../fixtures";

const CAP = mdt(21_000_000);
const U = mdt("0.79");

function policyArgs(p: PolicyConfig): bigint[] {
  return [
    p.baseReward,
    p.halvingInterval,
    p.maxTasks,
    p.taskWeight,
    p.difficultyWeight,
    p.participationWeight,
    p.minerShare,
    p.validatorShare,
    p.daoShare,
  ];
}

/** The suite with an EOA (`funder`) holding the controller's DISTRIBUTOR_ROLE, at the start of epoch 2. */
async function controllerFixture() {
  const suite = await suiteFixture();
  const funder = suite.accounts[18];
  const DISTRIBUTOR_ROLE = await suite.controller.DISTRIBUTOR_ROLE();
  await suite.controller.grantRole(DISTRIBUTOR_ROLE, funder.address);
  await toEpoch(suite.clock, 2n);
  return { ...suite, funder, DISTRIBUTOR_ROLE, GOVERNOR_ROLE: await suite.controller.GOVERNOR_ROLE() };
}

async function noGenesisFixture() {
  return deployTestSuite((c) => {
    c.genesisAllocations = [];
  });
}

describe("EmissionController", function () {
  describe("policy", function () {
    it("starts with the configured policy", async function () {
      const { controller } = await loadFixture(controllerFixture);
      expect(await controller.policy()).to.deep.equal(policyArgs(DEFAULT_POLICY));
    });
  });

  describe("utilityOf", function () {
    it("gives 0.79 for the worked example (8000/10000 tasks, difficulty 0.7, participation 0.9)", async function () {
      const { controller } = await loadFixture(controllerFixture);
      expect(await controller.utilityOf(8000n, mdt("0.7"), mdt("0.9"))).to.equal(U);
    });

    it("saturates the task term at maxTasks", async function () {
      const { controller } = await loadFixture(controllerFixture);
      expect(await controller.utilityOf(10_000n, 0n, 0n)).to.equal(mdt("0.5"));
      expect(await controller.utilityOf(10n ** 12n, 0n, 0n)).to.equal(mdt("0.5"));
      expect(await controller.utilityOf(9_999n, 0n, 0n)).to.equal((9_999n * WAD * mdt("0.5")) / 10_000n / WAD);
    });

    it("is 0 with no activity and 1 at full activity", async function () {
      const { controller } = await loadFixture(controllerFixture);
      expect(await controller.utilityOf(0n, 0n, 0n)).to.equal(0n);
      expect(await controller.utilityOf(10_000n, WAD, WAD)).to.equal(WAD);
    });

    it("reverts with InvalidFraction for difficulty or participation above 1", async function () {
      const { controller } = await loadFixture(controllerFixture);
      await expect(controller.utilityOf(1n, WAD + 1n, 0n)).to.be.revertedWithCustomError(controller, "InvalidFraction").withArgs(WAD + 1n);
      await expect(controller.utilityOf(1n, 0n, WAD + 1n)).to.be.revertedWithCustomError(controller, "InvalidFraction").withArgs(WAD + 1n);
    });
  });

  describe("allowedEmission and fullEmission", function () {
    it("gives baseReward × U: 790 MDT at utility 0.79", async function () {
      const { controller } = await loadFixture(controllerFixture);
      expect(await controller.allowedEmission(0n, U)).to.equal(mdt(790));
      expect(await controller.allowedEmission(5n, WAD)).to.equal(mdt(1000));
      expect(await controller.allowedEmission(5n, 0n)).to.equal(0n);
      expect(await controller.fullEmission(0n)).to.equal(mdt(1000));
    });

    it("halves at every halvingInterval boundary", async function () {
      const { controller } = await loadFixture(controllerFixture);
      expect(await controller.allowedEmission(10_499n, U)).to.equal(mdt(790));
      expect(await controller.allowedEmission(10_500n, U)).to.equal(mdt(395));
      expect(await controller.allowedEmission(21_000n, U)).to.equal(mdt("197.5"));
      expect(await controller.fullEmission(10_500n)).to.equal(mdt(500));
      expect(await controller.fullEmission(10_500n * 3n)).to.equal(mdt(125));
    });

    it("is zero after 256 halvings", async function () {
      const { controller } = await loadFixture(controllerFixture);
      expect(await controller.allowedEmission(10_500n * 256n, WAD)).to.equal(0n);
      expect(await controller.fullEmission(10_500n * 256n)).to.equal(0n);
      expect(await controller.fullEmission(2n ** 255n)).to.equal(0n);
      expect(await controller.fullEmission(10_500n * 255n)).to.equal(mdt(1000) >> 255n);
    });

    it("reverts with InvalidFraction for a utility above 1", async function () {
      const { controller } = await loadFixture(controllerFixture);
      await expect(controller.allowedEmission(0n, WAD + 1n)).to.be.revertedWithCustomError(controller, "InvalidFraction").withArgs(WAD + 1n);
    });
  });

  describe("splitOf", function () {
    it("splits 790 MDT into 316 / 316 / 158", async function () {
      const { controller } = await loadFixture(controllerFixture);
      expect(await controller.splitOf(mdt(790))).to.deep.equal([mdt(316), mdt(316), mdt(158)]);
    });

    it("gives the DAO the rounding dust, so the parts sum to the emission", async function () {
      const { controller } = await loadFixture(controllerFixture);
      expect(await controller.splitOf(1n)).to.deep.equal([0n, 0n, 1n]);
      expect(await controller.splitOf(7n)).to.deep.equal([2n, 2n, 3n]);
      expect(await controller.splitOf(0n)).to.deep.equal([0n, 0n, 0n]);
    });
  });

  describe("fundingFor", function () {
    it("takes from the recycling pool first and mints the rest", async function () {
      const { controller, recyclingPool, token, accounts } = await loadFixture(controllerFixture);
      expect(await controller.fundingFor(1n, U)).to.deep.equal([0n, mdt(790), mdt(790)]);
      await token.connect(accounts[0]).approve(recyclingPool, mdt(100));
      await recyclingPool.connect(accounts[0]).deposit(mdt(100), 3);
      expect(await controller.fundingFor(1n, U)).to.deep.equal([mdt(100), mdt(690), mdt(790)]);
      await token.connect(accounts[1]).approve(recyclingPool, mdt(1000));
      await recyclingPool.connect(accounts[1]).deposit(mdt(1000), 3);
      expect(await controller.fundingFor(1n, U)).to.deep.equal([mdt(790), 0n, mdt(790)]);
    });
  });

  describe("fundEpoch", function () {
    describe("when the caller lacks DISTRIBUTOR_ROLE", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { controller, deployer, DISTRIBUTOR_ROLE } = await loadFixture(controllerFixture);
        await expect(controller.connect(deployer).fundEpoch(0n, U, deployer.address))
          .to.be.revertedWithCustomError(controller, "AccessControlUnauthorizedAccount")
          .withArgs(deployer.address, DISTRIBUTOR_ROLE);
      });
    });

    describe("when the epoch has not ended", function () {
      it("reverts with EpochNotEnded for the current epoch, even in its last block", async function () {
        const { controller, clock, funder } = await loadFixture(controllerFixture);
        await toLastBlockOf(clock, 2n);
        await expect(controller.connect(funder).fundEpoch(2n, U, funder.address))
          .to.be.revertedWithCustomError(controller, "EpochNotEnded")
          .withArgs(2n, 2n);
        // Hardhat mines the reverted transaction (the next one runs in epoch 3); a node where the revert
        // surfaces at gas estimation mined nothing. Either way the next transaction opens epoch 3.
        await toEpoch(clock, 3n);
        await expect(controller.connect(funder).fundEpoch(3n, U, funder.address))
          .to.be.revertedWithCustomError(controller, "EpochNotEnded")
          .withArgs(3n, 3n);
      });

      it("reverts with EpochNotEnded for a future epoch", async function () {
        const { controller, funder } = await loadFixture(controllerFixture);
        await expect(controller.connect(funder).fundEpoch(99n, U, funder.address))
          .to.be.revertedWithCustomError(controller, "EpochNotEnded")
          .withArgs(99n, 2n);
      });
    });

    describe("when the epoch has ended", function () {
      it("mints the allowed emission to the recipient and emits EpochFunded", async function () {
        const { controller, token, funder, accounts } = await loadFixture(controllerFixture);
        const to = accounts[17].address;
        const tx = controller.connect(funder).fundEpoch(1n, U, to);
        await expect(tx).to.emit(controller, "EpochFunded").withArgs(1n, U, mdt(790), 0n, mdt(790));
        await expect(tx).to.emit(token, "Transfer").withArgs(ZERO_ADDRESS, to, mdt(790));
        expect(await token.balanceOf(to)).to.equal(GENESIS_BALANCE + mdt(790));
        expect(await controller.isFunded(1n)).to.equal(true);
        expect(await controller.isFunded(0n)).to.equal(false);
      });

      it("funds in the first block of the next epoch", async function () {
        const { controller, clock, funder } = await loadFixture(controllerFixture);
        await toEpoch(clock, 3n);
        await expect(controller.connect(funder).fundEpoch(2n, U, funder.address)).to.emit(controller, "EpochFunded");
      });

      it("spends the recycling pool before minting", async function () {
        const { controller, recyclingPool, token, funder, accounts, addr } = await loadFixture(controllerFixture);
        await token.connect(accounts[0]).approve(recyclingPool, mdt(100));
        await recyclingPool.connect(accounts[0]).deposit(mdt(100), 2);
        const to = accounts[17].address;
        const supply = await token.totalSupply();
        const tx = controller.connect(funder).fundEpoch(1n, U, to);
        await expect(tx).to.emit(controller, "EpochFunded").withArgs(1n, U, mdt(790), mdt(100), mdt(690));
        await expect(tx).to.emit(recyclingPool, "Released").withArgs(to, mdt(100));
        await expect(tx).to.emit(token, "Transfer").withArgs(ZERO_ADDRESS, to, mdt(690));
        expect(await token.totalSupply()).to.equal(supply + mdt(690));
        expect(await token.balanceOf(addr.recyclingPool)).to.equal(0n);
      });

      it("mints nothing when the pool covers everything", async function () {
        const { controller, recyclingPool, token, funder, accounts } = await loadFixture(controllerFixture);
        await token.connect(accounts[0]).approve(recyclingPool, mdt(1000));
        await recyclingPool.connect(accounts[0]).deposit(mdt(1000), 2);
        const supply = await token.totalSupply();
        await expect(controller.connect(funder).fundEpoch(1n, U, funder.address))
          .to.emit(controller, "EpochFunded")
          .withArgs(1n, U, mdt(790), mdt(790), 0n);
        expect(await token.totalSupply()).to.equal(supply);
        expect(await recyclingPool.balance()).to.equal(mdt(210));
      });

      it("marks a zero-utility epoch funded without moving MDT", async function () {
        const { controller, token, funder } = await loadFixture(controllerFixture);
        const tx = controller.connect(funder).fundEpoch(1n, 0n, funder.address);
        await expect(tx).to.emit(controller, "EpochFunded").withArgs(1n, 0n, 0n, 0n, 0n);
        await expect(tx).to.not.emit(token, "Transfer");
        expect(await controller.isFunded(1n)).to.equal(true);
      });

      describe("when the epoch was already funded", function () {
        it("reverts with EpochAlreadyFunded", async function () {
          const { controller, funder } = await loadFixture(controllerFixture);
          await controller.connect(funder).fundEpoch(1n, U, funder.address);
          await expect(controller.connect(funder).fundEpoch(1n, U, funder.address))
            .to.be.revertedWithCustomError(controller, "EpochAlreadyFunded")
            .withArgs(1n);
          await expect(controller.connect(funder).fundEpoch(1n, 0n, funder.address))
            .to.be.revertedWithCustomError(controller, "EpochAlreadyFunded")
            .withArgs(1n);
        });
      });

      describe("near the supply cap", function () {
        async function nearCap(room: bigint) {
          const f = await loadFixture(controllerFixture);
          await f.token.grantRole(await f.token.MINTER_ROLE(), f.deployer.address);
          await f.token.mint(f.deployer.address, CAP - (await f.token.totalSupply()) - room);
          return f;
        }

        it("mints only what remains under the cap", async function () {
          const { controller, token, funder } = await nearCap(mdt(500));
          await expect(controller.connect(funder).fundEpoch(1n, U, funder.address))
            .to.emit(controller, "EpochFunded")
            .withArgs(1n, U, mdt(500), 0n, mdt(500));
          expect(await token.totalSupply()).to.equal(CAP);
        });

        it("then mints nothing, funding only from the pool", async function () {
          const { controller, token, recyclingPool, funder, accounts } = await nearCap(mdt(500));
          await controller.connect(funder).fundEpoch(1n, U, funder.address);
          await expect(controller.connect(funder).fundEpoch(0n, U, funder.address))
            .to.emit(controller, "EpochFunded")
            .withArgs(0n, U, 0n, 0n, 0n);
          await token.connect(accounts[0]).approve(recyclingPool, mdt(40));
          await recyclingPool.connect(accounts[0]).deposit(mdt(40), 1);
          expect(await controller.fundingFor(2n, U)).to.deep.equal([mdt(40), 0n, mdt(40)]);
          expect(await token.totalSupply()).to.equal(CAP);
        });
      });
    });
  });

  describe("setPolicy", function () {
    const valid: PolicyConfig = {
      ...DEFAULT_POLICY,
      baseReward: mdt(2000),
      halvingInterval: 100n,
      maxTasks: 500n,
      taskWeight: mdt("0.2"),
      difficultyWeight: mdt("0.3"),
      participationWeight: mdt("0.5"),
      minerShare: mdt("0.5"),
      validatorShare: mdt("0.3"),
      daoShare: mdt("0.2"),
    };

    describe("when the caller lacks GOVERNOR_ROLE", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { controller, accounts, GOVERNOR_ROLE } = await loadFixture(controllerFixture);
        await expect(controller.connect(accounts[0]).setPolicy(valid))
          .to.be.revertedWithCustomError(controller, "AccessControlUnauthorizedAccount")
          .withArgs(accounts[0].address, GOVERNOR_ROLE);
      });
    });

    describe("with a valid policy", function () {
      it("stores it, emits PolicyChanged, and the formulas follow it", async function () {
        const { controller } = await loadFixture(controllerFixture);
        await expect(controller.setPolicy(valid)).to.emit(controller, "PolicyChanged").withArgs(policyArgs(valid));
        expect(await controller.policy()).to.deep.equal(policyArgs(valid));
        expect(await controller.allowedEmission(100n, WAD)).to.equal(mdt(1000));
        expect(await controller.splitOf(mdt(10))).to.deep.equal([mdt(5), mdt(3), mdt(2)]);
        expect(await controller.utilityOf(500n, 0n, 0n)).to.equal(mdt("0.2"));
      });

      it("accepts baseReward = MAX_BASE_REWARD and single-term weights", async function () {
        const { controller } = await loadFixture(controllerFixture);
        const max = await controller.MAX_BASE_REWARD();
        await expect(
          controller.setPolicy({ ...valid, baseReward: max, taskWeight: WAD, difficultyWeight: 0n, participationWeight: 0n }),
        ).to.emit(controller, "PolicyChanged");
      });
    });

    describe("with an invalid policy", function () {
      const cases: [string, Partial<PolicyConfig>][] = [
        ["baseReward", { baseReward: 0n }],
        ["baseReward", { baseReward: mdt(210_000) + 1n }],
        ["halvingInterval", { halvingInterval: 0n }],
        ["maxTasks", { maxTasks: 0n }],
        ["weights", { taskWeight: mdt("0.5") + 1n }],
        ["weights", { taskWeight: 2n ** 255n }],
        ["weights", { taskWeight: 2n ** 256n - 1n, difficultyWeight: 1n, participationWeight: 0n }],
        ["shares", { daoShare: mdt("0.2") - 1n }],
        ["shares", { minerShare: WAD + 1n, validatorShare: 0n, daoShare: 0n }],
      ];
      for (const [reason, change] of cases) {
        it(`reverts with InvalidPolicy("${reason}") for ${JSON.stringify(change, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`, async function () {
          const { controller } = await loadFixture(controllerFixture);
          await expect(controller.setPolicy({ ...DEFAULT_POLICY, ...change }))
            .to.be.revertedWithCustomError(controller, "InvalidPolicy")
            .withArgs(encodeBytes32String(reason));
        });
      }
    });
  });

  describe("allocateGenesis", function () {
    describe("before any allocation", function () {
      it("mints to each recipient and emits GenesisAllocated", async function () {
        const { controller, token, accounts } = await loadFixture(noGenesisFixture);
        const [a, b] = accounts;
        const tx = controller.allocateGenesis([a.address, b.address], [mdt(1), mdt(2)]);
        await expect(tx).to.emit(controller, "GenesisAllocated").withArgs(a.address, mdt(1));
        await expect(tx).to.emit(controller, "GenesisAllocated").withArgs(b.address, mdt(2));
        expect(await token.totalSupply()).to.equal(mdt(3));
      });

      it("allows exactly the limit, and reverts with GenesisAllocationTooLarge one wei above", async function () {
        const { controller, accounts } = await loadFixture(noGenesisFixture);
        const limit = await controller.genesisAllocationLimit();
        await expect(controller.allocateGenesis([accounts[0].address, accounts[1].address], [limit, 1n]))
          .to.be.revertedWithCustomError(controller, "GenesisAllocationTooLarge")
          .withArgs(limit + 1n, limit);
        await expect(controller.allocateGenesis([accounts[0].address], [limit])).to.emit(controller, "GenesisAllocated");
      });

      it("reverts with LengthMismatch for arrays of different lengths", async function () {
        const { controller, accounts } = await loadFixture(noGenesisFixture);
        await expect(controller.allocateGenesis([accounts[0].address], [1n, 2n]))
          .to.be.revertedWithCustomError(controller, "LengthMismatch")
          .withArgs(1n, 2n);
      });

      it("reverts with AccessControlUnauthorizedAccount for a non-governor", async function () {
        const { controller, accounts } = await loadFixture(noGenesisFixture);
        await expect(controller.connect(accounts[0]).allocateGenesis([], []))
          .to.be.revertedWithCustomError(controller, "AccessControlUnauthorizedAccount")
          .withArgs(accounts[0].address, await controller.GOVERNOR_ROLE());
      });
    });

    describe("after the allocation", function () {
      it("reverts with GenesisAllocationClosed", async function () {
        const { controller, accounts } = await loadFixture(noGenesisFixture);
        await controller.allocateGenesis([], []);
        await expect(controller.allocateGenesis([accounts[0].address], [1n])).to.be.revertedWithCustomError(
          controller,
          "GenesisAllocationClosed",
        );
      });
    });
  });
});
