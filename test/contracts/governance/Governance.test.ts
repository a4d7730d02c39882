import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { encodeBytes32String, id } from "ethers";
import { DEFAULT_POLICY } from "../../../scripts/lib/config";
import { deployTestSuite, mdt, WAD, ZERO_ADDRESS, type SuiteFixture } from "../fixtures";

enum ProposalState {
  Pending,
  Active,
  Canceled,
  Defeated,
  Succeeded,
  Queued,
  Expired,
  Executed,
}
const FOR = 1;
const AGAINST = 0;

/** Production wiring; three token holders delegated to themselves; `runner` is an account with no role. */
async function daoFixture() {
  const [, , , , , , , , , , , , , , , , , , , runner] = await ethers.getSigners();
  const f = await deployTestSuite((c) => {
    c.keepDeployerRoles = false;
  });
  const voters = f.accounts.slice(0, 3);
  for (const v of voters) await f.token.connect(v).delegate(v.address);
  await mine();
  return { ...f, voters, runner };
}

function newPolicyCall(f: SuiteFixture) {
  const policy = { ...DEFAULT_POLICY, baseReward: mdt(500), halvingInterval: 1000n };
  return { policy, data: f.controller.interface.encodeFunctionData("setPolicy", [policy]) };
}

describe("Governance", function () {
  describe("production wiring (keepDeployerRoles = false)", function () {
    it("leaves the deployer without any governance, admin or slasher role", async function () {
      const f = await loadFixture(daoFixture);
      const d = f.deployer.address;
      const admin = await f.token.DEFAULT_ADMIN_ROLE();
      for (const c of [f.clock, f.staking, f.controller, f.registry, f.distributor]) {
        expect(await c.hasRole(await c.GOVERNOR_ROLE(), d)).to.equal(false);
        expect(await c.hasRole(admin, d)).to.equal(false);
      }
      for (const c of [f.token, f.recyclingPool, f.treasury]) expect(await c.hasRole(admin, d)).to.equal(false);
      expect(await f.staking.hasRole(await f.staking.SLASHER_ROLE(), d)).to.equal(false);
      expect(await f.token.hasRole(await f.token.MINTER_ROLE(), d)).to.equal(false);
    });

    it("gives the treasury every GOVERNOR_ROLE, DEFAULT_ADMIN_ROLE and the SLASHER_ROLE", async function () {
      const f = await loadFixture(daoFixture);
      const t = f.addr.treasury;
      const admin = await f.token.DEFAULT_ADMIN_ROLE();
      for (const c of [f.clock, f.staking, f.controller, f.registry, f.distributor]) {
        expect(await c.hasRole(await c.GOVERNOR_ROLE(), t)).to.equal(true);
        expect(await c.hasRole(admin, t)).to.equal(true);
      }
      for (const c of [f.token, f.recyclingPool, f.treasury]) expect(await c.hasRole(admin, t)).to.equal(true);
      expect(await f.staking.hasRole(await f.staking.SLASHER_ROLE(), t)).to.equal(true);
    });

    it("gives the controller MINTER_ROLE and RELEASER_ROLE, the distributor the controller's DISTRIBUTOR_ROLE, and no account a distribution role", async function () {
      const f = await loadFixture(daoFixture);
      expect(await f.token.hasRole(await f.token.MINTER_ROLE(), f.addr.controller)).to.equal(true);
      expect(await f.recyclingPool.hasRole(await f.recyclingPool.RELEASER_ROLE(), f.addr.controller)).to.equal(true);
      expect(await f.controller.hasRole(await f.controller.DISTRIBUTOR_ROLE(), f.addr.distributor)).to.equal(true);
      expect(await f.controller.hasRole(await f.controller.DISTRIBUTOR_ROLE(), f.runner.address)).to.equal(false);
      // Epochs are funded on validators' attestations: there is no role to distribute at all.
      expect(f.distributor.interface.hasFunction("distribute")).to.equal(false);
    });

    it("lets the governor propose and cancel on the treasury, and anyone execute", async function () {
      const f = await loadFixture(daoFixture);
      const g = await f.governor.getAddress();
      expect(await f.treasury.hasRole(await f.treasury.PROPOSER_ROLE(), g)).to.equal(true);
      expect(await f.treasury.hasRole(await f.treasury.CANCELLER_ROLE(), g)).to.equal(true);
      expect(await f.treasury.hasRole(await f.treasury.EXECUTOR_ROLE(), ZERO_ADDRESS)).to.equal(true);
      expect(await f.treasury.getMinDelay()).to.equal(2n * 24n * 3600n);
    });

    it("rejects the deployer's parameter changes and slashes", async function () {
      const f = await loadFixture(daoFixture);
      await expect(f.controller.connect(f.deployer).setPolicy(DEFAULT_POLICY))
        .to.be.revertedWithCustomError(f.controller, "AccessControlUnauthorizedAccount")
        .withArgs(f.deployer.address, await f.controller.GOVERNOR_ROLE());
      await expect(f.staking.connect(f.deployer).slash(f.voters[0].address, WAD, 0n, encodeBytes32String("x")))
        .to.be.revertedWithCustomError(f.staking, "AccessControlUnauthorizedAccount")
        .withArgs(f.deployer.address, await f.staking.SLASHER_ROLE());
      await expect(f.token.connect(f.deployer).mint(f.deployer.address, 1n))
        .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
        .withArgs(f.deployer.address, await f.token.MINTER_ROLE());
    });

    it("rejects a timelock operation scheduled by anyone but the governor", async function () {
      const f = await loadFixture(daoFixture);
      const { data } = newPolicyCall(f);
      await expect(f.treasury.connect(f.voters[0]).schedule(f.addr.controller, 0n, data, ethers.ZeroHash, ethers.ZeroHash, 2n * 24n * 3600n))
        .to.be.revertedWithCustomError(f.treasury, "AccessControlUnauthorizedAccount")
        .withArgs(f.voters[0].address, await f.treasury.PROPOSER_ROLE());
    });
  });

  describe("MDTGovernor settings", function () {
    it("uses MDT votes with the configured delay, period and quorum", async function () {
      const f = await loadFixture(daoFixture);
      expect(await f.governor.name()).to.equal("MDTGovernor");
      expect(await f.governor.token()).to.equal(f.addr.token);
      expect(await f.governor.timelock()).to.equal(f.addr.treasury);
      expect(await f.governor.votingDelay()).to.equal(1n);
      expect(await f.governor.votingPeriod()).to.equal(50_400n);
      expect(await f.governor.proposalThreshold()).to.equal(0n);
      expect(await f.governor["quorumNumerator()"]()).to.equal(4n);
      const block = BigInt(await ethers.provider.getBlockNumber()) - 1n;
      expect(await f.governor.quorum(block)).to.equal(((await f.token.getPastTotalSupply(block)) * 4n) / 100n);
    });
  });

  describe("a proposal changing the emission policy", function () {
    async function proposed() {
      const f = await loadFixture(daoFixture);
      const { policy, data } = newPolicyCall(f);
      const description = "Halve the base reward";
      const args: [string[], bigint[], string[]] = [[f.addr.controller], [0n], [data]];
      await f.governor.connect(f.voters[0]).propose(...args, description);
      const proposalId = await f.governor.hashProposal(...args, id(description));
      return { ...f, policy, args, descriptionHash: id(description), proposalId };
    }

    it("goes propose → vote → queue → execute through the treasury and changes the policy", async function () {
      const f = await proposed();
      const { governor, controller, voters, args, descriptionHash, proposalId } = f;
      expect(await governor.state(proposalId)).to.equal(ProposalState.Pending);
      await mine((await governor.votingDelay()) + 1n);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Active);
      for (const v of voters) {
        await expect(governor.connect(v).castVote(proposalId, FOR))
          .to.emit(governor, "VoteCast")
          .withArgs(v.address, proposalId, FOR, mdt(10_000), "");
      }
      await mine(await governor.votingPeriod());
      expect(await governor.state(proposalId)).to.equal(ProposalState.Succeeded);
      await expect(governor.queue(...args, descriptionHash)).to.emit(governor, "ProposalQueued");
      expect(await governor.state(proposalId)).to.equal(ProposalState.Queued);
      // The timelock delay holds.
      await expect(governor.execute(...args, descriptionHash)).to.be.revertedWithCustomError(f.treasury, "TimelockUnexpectedOperationState");
      await time.increase(2 * 24 * 3600);
      const tx = governor.execute(...args, descriptionHash);
      await expect(tx).to.emit(governor, "ProposalExecuted").withArgs(proposalId);
      await expect(tx).to.emit(controller, "PolicyChanged");
      expect(await governor.state(proposalId)).to.equal(ProposalState.Executed);
      expect((await controller.policy()).baseReward).to.equal(mdt(500));
      expect(await controller.allowedEmission(1000n, WAD)).to.equal(mdt(250));
    });

    it("is defeated when the votes against win", async function () {
      const f = await proposed();
      await mine(2);
      await f.governor.connect(f.voters[0]).castVote(f.proposalId, FOR);
      await f.governor.connect(f.voters[1]).castVote(f.proposalId, AGAINST);
      await f.governor.connect(f.voters[2]).castVote(f.proposalId, AGAINST);
      await mine(await f.governor.votingPeriod());
      expect(await f.governor.state(f.proposalId)).to.equal(ProposalState.Defeated);
      await expect(f.governor.queue(...f.args, f.descriptionHash)).to.be.revertedWithCustomError(f.governor, "GovernorUnexpectedProposalState");
    });

    it("is defeated without quorum (4% of the supply)", async function () {
      const f = await proposed();
      await mine(2);
      // 10,000 of 200,000 MDT is 5%: one voter is enough; vote with an account that has no votes instead.
      await f.governor.connect(f.accounts[10]).castVote(f.proposalId, FOR);
      await mine(await f.governor.votingPeriod());
      expect(await f.governor.state(f.proposalId)).to.equal(ProposalState.Defeated);
    });
  });
});
