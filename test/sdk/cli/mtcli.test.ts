/**
 * Runs the real `bin/mtcli` as a child process against a `hardhat node` on a free loopback port with
 * the suite deployed by scripts/deploy.ts (dev mode: account 0 is deployer, distributor and validator;
 * every account holds 10,000 MDT; epochs of 4 blocks).
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { expect } from "chai";
import { HDNodeWallet, parseEther } from "ethers";
import { ROOT, rpcCall, startDevnet, type Devnet } from "./devnet";

const MTCLI = path.join(ROOT, "bin", "mtcli");
const CLI_TIMEOUT_MS = 60_000;
/** The devnet's well-known dev mnemonic (hardhat.config.ts): accounts 0..3 sign in these tests. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const WALLETS = [0, 1, 2, 3].map((i) => HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`));
const KEYS = WALLETS.map((w) => w.privateKey);
const ADDRESSES = WALLETS.map((w) => w.address);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe("mtcli (child process against hardhat node)", function () {
  this.timeout(300_000);
  let devnet: Devnet;

  function mtcli(args: string[], key?: string): Promise<CliResult> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.MTCLI_PRIVATE_KEY;
    if (key !== undefined) env.MTCLI_PRIVATE_KEY = key;
    const global = ["--rpc", devnet.rpc, "--deployments", devnet.deploymentsDir, "--data-dir", devnet.dataDir];
    return new Promise((resolve) => {
      execFile("node", [MTCLI, ...global, ...args], { cwd: ROOT, env, timeout: CLI_TIMEOUT_MS }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      });
    });
  }

  async function ok(args: string[], key?: string): Promise<CliResult> {
    const r = await mtcli(args, key);
    expect(r.code, `mtcli ${args.join(" ")}\n${r.stderr}`).to.equal(0);
    return r;
  }

  async function json<T>(args: string[], key?: string): Promise<T> {
    return JSON.parse((await ok(["--json", ...args], key)).stdout) as T;
  }

  async function mineBlocks(n: number): Promise<void> {
    await rpcCall(devnet.rpc, "hardhat_mine", [`0x${n.toString(16)}`]);
  }

  before(async function () {
    devnet = await startDevnet();
  });

  after(async function () {
    await devnet?.stop();
  });

  it("status and validators describe the fresh devnet", async function () {
    const status = await ok(["status"]);
    expect(status.stdout).to.match(/chain 31337/).and.to.match(/validators 1 registered/);
    const validators = await json<{ validators: { address: string }[] }>(["validators"]);
    expect(validators.validators.map((v) => v.address)).to.deep.equal([ADDRESSES[0]]);
  });

  it("balance shows human MDT, and wei with --json", async function () {
    const human = await ok(["balance", ADDRESSES[1]]);
    expect(human.stdout).to.match(/MDT\s+10000\.0 MDT/);
    const b = await json<{ mdt: string }>(["balance"], KEYS[1]);
    expect(b.mdt).to.equal(parseEther("10000").toString());
  });

  it("miner register, stake, delegate and unstake change balances", async function () {
    await ok(["miner", "register"], KEYS[1]);
    const miner = await json<{ mdt: string }>(["balance", ADDRESSES[1]]);
    expect(BigInt(miner.mdt)).to.equal(parseEther("9999")); // 1 MDT registration fee

    await ok(["stake", "10"], KEYS[0]);
    await ok(["delegate", ADDRESSES[0], "5.5"], KEYS[2]);
    const delegator = await json<{ staked: string; mdt: string }>(["balance"], KEYS[2]);
    expect(delegator.staked).to.equal(parseEther("5.5").toString());
    expect(delegator.mdt).to.equal(parseEther("9994.5").toString());

    const unstake = await ok(["unstake", "1"], KEYS[0]);
    expect(unstake.stdout).to.match(/unbonding 1\.0 MDT/);
    const validator = await json<{ staked: string; unbonding: string }>(["balance"], KEYS[0]);
    expect(validator.unbonding).to.equal(parseEther("1").toString());
    expect(validator.staked).to.equal(parseEther("1009").toString());
  });

  it("withdraw before the unbonding period ends exits 5 naming NothingToWithdraw", async function () {
    const r = await mtcli(["withdraw"], KEYS[0]);
    expect(r.code).to.equal(5);
    expect(r.stderr).to.match(/NothingToWithdraw/);
  });

  it("weights set, epoch run, epoch show and claim pay the miner and the validator", async function () {
    await mineBlocks(4); // make sure the validator's stake change is in force
    const weights = await json<{ miners: string[] }>(["weights", "set", `${ADDRESSES[1]}=10`], KEYS[0]);
    expect(weights.miners).to.deep.equal([ADDRESSES[1]]);
    await ok(["tasks", "report", "8000", "0.7"], KEYS[0]);
    const status = await json<{ currentEpoch: string }>(["status"]);
    const epoch = BigInt(status.currentEpoch);
    await mineBlocks(4);

    const run = await json<{ epochs: { epoch: string; outcome: string; emission: string }[] }>(["epoch", "run"], KEYS[0]);
    const ours = run.epochs.find((e) => BigInt(e.epoch) === epoch);
    expect(ours?.outcome).to.equal("distributed");
    expect(BigInt(ours?.emission ?? "0")).to.be.greaterThan(0n);

    const show = await json<{ distributed: boolean; funded: string }>(["epoch", "show", epoch.toString()]);
    expect(show.distributed).to.equal(true);
    const human = await ok(["epoch", "show", epoch.toString()]);
    expect(human.stdout).to.match(/distributed/).and.to.match(/utility/);

    // A second run distributes nothing again.
    const again = await json<{ epochs: { epoch: string; outcome: string }[] }>(["epoch", "run", "--from", epoch.toString()], KEYS[0]);
    expect(again.epochs.find((e) => BigInt(e.epoch) === epoch)?.outcome).to.equal("skipped");

    const before = await json<{ mdt: string }>(["balance", ADDRESSES[1]]);
    const claimed = await json<{ total: string }>(["claim"], KEYS[1]);
    expect(BigInt(claimed.total)).to.be.greaterThan(0n);
    const after = await json<{ mdt: string }>(["balance", ADDRESSES[1]]);
    expect(BigInt(after.mdt) - BigInt(before.mdt)).to.equal(BigInt(claimed.total));

    const validatorClaim = await ok(["claim", "--epoch", epoch.toString()], KEYS[0]);
    expect(validatorClaim.stdout).to.match(new RegExp(`claimed [0-9.]+ MDT for epoch ${epoch}`));
    const twice = await mtcli(["claim", "--epoch", epoch.toString()], KEYS[0]);
    expect(twice.code).to.equal(5);
    expect(twice.stderr).to.match(/AlreadyClaimed/);

    // The claim window (1000 epochs by default) is still open: sweep refuses, naming the deadline.
    const early = await mtcli(["sweep", epoch.toString()], KEYS[2]);
    expect(early.code).to.equal(5);
    expect(early.stderr).to.match(/ClaimWindowOpen/);
  });

  it("sweep and validator unjail name the contract error when they cannot run", async function () {
    const [undistributed, badEpoch, notJailed] = await Promise.all([
      mtcli(["sweep", "99999"], KEYS[2]),
      mtcli(["sweep", "-1"], KEYS[2]),
      mtcli(["validator", "unjail"], KEYS[0]),
    ]);
    expect(undistributed.code).to.equal(5);
    expect(undistributed.stderr).to.match(/EpochNotDistributed/);
    expect(badEpoch.code).to.equal(2);
    expect(notJailed.code).to.equal(5);
    expect(notJailed.stderr).to.match(/NotJailed/);
  });

  it("exits non-zero with clear messages on bad input", async function () {
    const [badAddress, badAmount, missingKey, poor, revert] = await Promise.all([
      mtcli(["balance", "0x1234"]),
      mtcli(["stake", "1.2.3"], KEYS[0]),
      mtcli(["stake", "1"]),
      mtcli(["delegate", ADDRESSES[0], "20000"], KEYS[3]),
      mtcli(["miner", "register"], KEYS[1]),
    ]);
    expect(badAddress.code).to.equal(2);
    expect(badAddress.stderr).to.match(/INVALID_ARGUMENT.*address/);
    expect(badAmount.code).to.equal(2);
    expect(badAmount.stderr).to.match(/INVALID_AMOUNT.*"1\.2\.3"/);
    expect(missingKey.code).to.equal(3);
    expect(missingKey.stderr).to.match(/MTCLI_PRIVATE_KEY/);
    expect(poor.code).to.equal(4);
    expect(poor.stderr).to.match(/INSUFFICIENT_BALANCE.*20000\.0 MDT/);
    expect(revert.code).to.equal(5);
    expect(revert.stderr).to.match(/MinerAlreadyRegistered/);
    const usage = await mtcli(["frobnicate"]);
    expect(usage.code).to.equal(2);
  });

  it("validator commission set/show, rotate-key, deregister and prune", async function () {
    const before = await json<{ commission: string; scheduled: string }>(["validator", "commission", "show", ADDRESSES[0]]);
    expect(before.commission).to.equal(parseEther("0.18").toString());
    const set = await ok(["validator", "commission", "set", "5%"], KEYS[0]);
    expect(set.stdout).to.match(/commission 5% from epoch \d+/);
    const after = await json<{ commission: string; scheduled: string }>(["validator", "commission", "show", ADDRESSES[0]]);
    expect(after.commission).to.equal(parseEther("0.18").toString());
    expect(after.scheduled).to.equal(parseEther("0.05").toString());
    const key = HDNodeWallet.createRandom().address;
    const rotated = await ok(["validator", "rotate-key", key], KEYS[0]);
    expect(rotated.stdout).to.contain(key);
    // One at a time: each is a node process, and the machine may be busy.
    const tooHigh = await mtcli(["validator", "commission", "set", "51"], KEYS[0]);
    const notExited = await mtcli(["validator", "deregister"], KEYS[0]);
    const notPrunable = await mtcli(["validator", "prune", ADDRESSES[0]], KEYS[3]);
    const notMine = await mtcli(["validator", "rotate-key", key], KEYS[3]);
    expect(tooHigh.code).to.equal(2);
    expect(tooHigh.stderr).to.match(/at most 50%/);
    expect(notExited.code).to.equal(5);
    expect(notExited.stderr).to.match(/ValidatorNotExited/);
    expect(notPrunable.code).to.equal(5);
    expect(notPrunable.stderr).to.match(/NotPrunable/);
    expect(notMine.code).to.equal(5);
    expect(notMine.stderr).to.match(/NotRegistered/);
  });
});
