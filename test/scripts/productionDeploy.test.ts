/**
 * A production deploy from a genesis file (no dev mode) reaches its first validator, its first emission
 * and a governance proposal that passes — with bonded MDT voting — and a dev-mode deploy keeps no role
 * from which minting could be granted. Both go through `buildDeployConfig` + `deploySuite`, the code
 * scripts/deploy.ts runs, in-process so the time helpers can fast-forward the vote and the timelock.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { id } from "ethers";
import { buildDeployConfig, DeployConfigError, parseGenesisFile } from "../../scripts/lib/deployConfig";
import { deploySuite } from "../../scripts/lib/deploySuite";
import { MDTVestingWallet__factory } from "../../typechain-types";
import { distributeEpoch, mdt, registerMiner, sortAddresses, toEpoch } from "../contracts/fixtures";
import { tempDir } from "../tempDir";

const FOR = 1;
const EXECUTED = 7;
const YEAR = 365n * 24n * 3600n;

function writeGenesis(content: unknown): string {
  const dir = tempDir("mt-genesis-");
  const file = path.join(dir, "genesis.json");
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

/** Validator 60,000 MDT, miner 1,000, holder 39,000, and 100,000 vesting over a year to `vested`. */
async function productionFixture() {
  const [deployer, validator, miner, holder, vested] = await ethers.getSigners();
  const start = BigInt(await time.latest()) + 10n;
  const file = writeGenesis({
    epochLength: 16,
    allocations: [
      { account: validator.address, amount: "60000" },
      { account: miner.address, amount: "1000" },
      { account: holder.address, amount: "39000" },
      { account: vested.address, amount: "100000", vesting: { start: Number(start), durationSeconds: Number(YEAR) } },
    ],
  });
  const config = buildDeployConfig({ DEPLOY_CONFIG: file }, deployer.address, []);
  const suite = await deploySuite(deployer, config);
  return { ...suite, deployer, validator, miner, holder, vested, start, config };
}

describe("a production deploy from a genesis file", function () {
  it("mints the allocations (one into a VestingWallet) and leaves the deployer no role", async function () {
    const f = await loadFixture(productionFixture);
    expect(f.config.keepDeployerRoles).to.equal(false);
    expect(await f.token.totalSupply()).to.equal(mdt(200_000));
    expect(await f.token.balanceOf(f.validator.address)).to.equal(mdt(60_000));
    expect(f.vestingWallets).to.have.length(1);
    const wallet = MDTVestingWallet__factory.connect(f.vestingWallets[0].wallet, f.vested);
    expect(await f.token.balanceOf(wallet)).to.equal(mdt(100_000));
    expect(await wallet.owner()).to.equal(f.vested.address);
    await time.increaseTo(f.start + YEAR / 2n);
    await wallet["release(address)"](f.token);
    const released = await f.token.balanceOf(f.vested.address);
    expect(released > mdt(49_999) && released < mdt(50_001)).to.equal(true);
    const admin = await f.token.DEFAULT_ADMIN_ROLE();
    for (const c of [f.token, f.controller, f.recyclingPool, f.staking, f.distributor, f.registry, f.clock]) {
      expect(await c.hasRole(admin, f.deployer.address)).to.equal(false);
    }
  });

  it("reaches its first validator, its first emission, and a proposal that passes with bonded MDT votes", async function () {
    const f = await loadFixture(productionFixture);
    // First validator: bonds 50,000 of its 60,000 MDT, delegates nothing in the token.
    await f.token.connect(f.validator).approve(f.staking, mdt(50_000));
    await f.staking.connect(f.validator).registerValidator(f.validator.address, mdt(50_000));
    await registerMiner(f, f.miner);
    const epoch = (await f.clock.currentEpoch()) + 1n;
    await toEpoch(f.clock, epoch);
    const miners = sortAddresses([f.miner.address]);
    await f.registry.connect(f.validator).submitWeights(miners, [1n]);
    await f.registry.connect(f.validator).submitTaskReport(5000n, mdt("0.5"));
    await toEpoch(f.clock, epoch + 1n);
    expect((await f.staking.activeValidatorsAt(epoch))[0]).to.deep.equal([f.validator.address]);

    // First emission: the deployer is the default distributor (the epoch runner's account).
    const supply = await f.token.totalSupply();
    const { expected } = await distributeEpoch(f, epoch, [f.miner.address, f.validator.address]);
    expect(expected.emission > 0n).to.equal(true);
    expect(await f.token.totalSupply()).to.equal(supply + expected.minted);

    // Governance: only bonded MDT votes for the validator (its liquid 10,000 are not delegated).
    const data = f.staking.interface.encodeFunctionData("setMinSelfStake", [mdt(40)]);
    const args: [string[], bigint[], string[]] = [[await f.staking.getAddress()], [0n], [data]];
    const description = "Raise the minimum self-stake to 40 MDT";
    await f.governor.connect(f.holder).propose(...args, description);
    const proposalId = await f.governor.hashProposal(...args, id(description));
    await mine((await f.governor.votingDelay()) + 1n);
    const snapshot = await f.governor.proposalSnapshot(proposalId);
    expect(await f.token.getPastVotes(f.validator.address, snapshot)).to.equal(0n);
    expect(await f.governor.getVotes(f.validator.address, snapshot)).to.equal(mdt(50_000));
    await expect(f.governor.connect(f.validator).castVote(proposalId, FOR))
      .to.emit(f.governor, "VoteCast")
      .withArgs(f.validator.address, proposalId, FOR, mdt(50_000), "");
    // Quorum is 4% of the whole supply, bonded MDT included: the validator's bonded MDT alone reaches it.
    expect(await f.governor.quorum(snapshot)).to.be.lessThan(mdt(50_000));
    await mine(await f.governor.votingPeriod());
    await f.governor.queue(...args, id(description));
    await time.increase(2 * 24 * 3600);
    await f.governor.execute(...args, id(description));
    expect(await f.governor.state(proposalId)).to.equal(EXECUTED);
    expect(await f.staking.minSelfStake()).to.equal(mdt(40));
  });
});

describe("a dev-mode deploy", function () {
  it("keeps the deployer's governance and slasher roles but no admin role from which minting could be granted", async function () {
    const signers = await ethers.getSigners();
    const [deployer] = signers;
    const config = buildDeployConfig({ DEPLOY_DEV_MODE: "1" }, deployer.address, signers.map((s) => s.address));
    expect(config.unsafeKeepMintAdmin).to.equal(undefined);
    const suite = await deploySuite(deployer, config);
    const admin = await suite.token.DEFAULT_ADMIN_ROLE();
    for (const c of [suite.token, suite.controller, suite.recyclingPool]) expect(await c.hasRole(admin, deployer.address)).to.equal(false);
    expect(await suite.staking.hasRole(await suite.staking.GOVERNOR_ROLE(), deployer.address)).to.equal(true);
    // Every MINTER_ROLE grant ever made went to the controller.
    const grants = await suite.token.queryFilter(suite.token.filters.RoleGranted(await suite.token.MINTER_ROLE()));
    expect(grants.map((g) => g.args.account)).to.deep.equal([await suite.controller.getAddress()]);
    await expect(suite.token.connect(deployer).grantRole(await suite.token.MINTER_ROLE(), deployer.address))
      .to.be.revertedWithCustomError(suite.token, "AccessControlUnauthorizedAccount")
      .withArgs(deployer.address, admin);
  });
});

describe("genesis files", function () {
  const A = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  const bad: [string, unknown, RegExp][] = [
    ["not JSON", "{", /not valid JSON/],
    ["no allocations", {}, /allocations: must be a non-empty array/],
    ["a bad address", { allocations: [{ account: "0x12", amount: "1" }] }, /account: must be a 0x address/],
    ["a number amount", { allocations: [{ account: A, amount: 5 }] }, /amount: must be an MDT amount/],
    ["a zero amount", { allocations: [{ account: A, amount: "0" }] }, /amount: must be more than 0/],
    ["a bad vesting", { allocations: [{ account: A, amount: "1", vesting: { start: -1, durationSeconds: 10 } }] }, /vesting.start: must be a positive integer/],
    ["an unknown field", { allocations: [{ account: A, amount: "1" }], admin: A }, /unknown field "admin"/],
  ];
  for (const [what, content, message] of bad) {
    it(`rejects ${what} with CONFIG_INVALID`, function () {
      const text = typeof content === "string" ? content : JSON.stringify(content);
      expect(() => parseGenesisFile(text, "genesis.json"))
        .to.throw(DeployConfigError, message)
        .with.property("code", "CONFIG_INVALID");
    });
  }

  it("rejects allocations above the genesis limit with ALLOCATION_TOO_LARGE, and a missing file with CONFIG_UNREADABLE", function () {
    const file = writeGenesis({ allocations: [{ account: A, amount: "2100001" }] });
    expect(() => buildDeployConfig({ DEPLOY_CONFIG: file }, A, [])).to.throw(DeployConfigError).with.property("code", "ALLOCATION_TOO_LARGE");
    expect(() => buildDeployConfig({ DEPLOY_CONFIG: "/nonexistent/genesis.json" }, A, []))
      .to.throw(DeployConfigError)
      .with.property("code", "CONFIG_UNREADABLE");
  });

  it("parses the example file shipped in config/", function () {
    const parsed = parseGenesisFile(fs.readFileSync(path.join(__dirname, "..", "..", "config", "genesis.example.json"), "utf8"), "example");
    expect(parsed.allocations).to.have.length(4);
    expect(parsed.allocations[3].vesting?.durationSeconds).to.equal(2n * YEAR);
  });
});
