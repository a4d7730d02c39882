/**
 * `npm run devnet` as a user runs it: the first run starts the chain and deploys the suite, Ctrl-C
 * (SIGINT) stops it cleanly, the next run continues the same chain without redeploying, and --reset
 * starts over. The devnet's --json mode prints machine-readable events we wait on.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { NODE_V8_FLAGS, ROOT, devKeys, rpc, tempDataDir, waitFor } from "./helpers";

const DEVNET_ENTRY = path.join(ROOT, "node/cli/devnet.ts");
const EVENT_TIMEOUT_MS = 150_000;
const STOP_TIMEOUT_MS = 20_000;

interface DevnetEvent {
  event?: string;
  msg?: string;
  rpcUrl?: string;
  head?: string;
  contracts?: Record<string, string>;
}

interface Devnet {
  proc: ChildProcess;
  events: DevnetEvent[];
  waitForEvent(name: string): Promise<DevnetEvent>;
  /** Ctrl-C; resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

function startDevnet(dataDir: string, deploymentsDir: string, extra: string[] = []): Devnet {
  const proc = spawn(
    process.execPath,
    [...NODE_V8_FLAGS, "-r", "ts-node/register/transpile-only", DEVNET_ENTRY, "--port", "0", "--data-dir", dataDir, "--no-compile", "--json", "--slot-time", "200", ...extra],
    { cwd: ROOT, env: { ...process.env, DEPLOYMENTS_DIR: deploymentsDir }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const events: DevnetEvent[] = [];
  let buffered = "";
  proc.stdout?.on("data", (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      try {
        events.push(JSON.parse(line) as DevnetEvent);
      } catch {
        events.push({ msg: line }); // the deploy script's own output is plain text
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return {
    proc,
    events,
    waitForEvent: (name) => waitFor(async () => events.find((e) => e.event === name), EVENT_TIMEOUT_MS, `devnet event "${name}"`),
    interrupt: async () => {
      proc.kill("SIGINT");
      const timer = setTimeout(() => proc.kill("SIGKILL"), STOP_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

const deployingMessages = (d: Devnet): DevnetEvent[] => d.events.filter((e) => e.msg?.startsWith("Deploying the contract suite"));

describe("node: npm run devnet", function () {
  this.timeout(EVENT_TIMEOUT_MS * 3);
  const dataDir = tempDataDir("devnet");
  const deploymentsDir = tempDataDir("devnet-deployments");
  let running: Devnet | undefined;
  let firstHead = 0;

  afterEach(async () => {
    if (running && running.proc.exitCode === null) await running.interrupt();
    running = undefined;
  });

  it("starts a chain, deploys the suite, prints MetaMask settings and keeps producing; Ctrl-C exits 0", async () => {
    running = startDevnet(dataDir, deploymentsDir);
    const started = await running.waitForEvent("started");
    expect(started.head).to.equal("0");
    const deployed = await running.waitForEvent("deployed");
    await running.waitForEvent("metamask");
    const url = started.rpcUrl as string;
    const file = JSON.parse(fs.readFileSync(path.join(deploymentsDir, "8898.json"), "utf8")) as { contracts: Record<string, string> };
    expect(file.contracts).to.deep.equal(deployed.contracts);
    expect((await rpc<string>(url, "eth_getCode", [file.contracts.RewardDistributor, "latest"])).length).to.be.greaterThan(2);
    // hardhat_reset goes back to the chain as deployed: a transfer made since is gone, the suite stays.
    const to = Wallet.createRandom().address;
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from: new Wallet(devKeys(1)[0]).address, to, value: "0x1" }]);
    await waitFor(() => rpc(url, "eth_getTransactionReceipt", [hash]), 30_000, "the transfer's receipt");
    expect(await rpc(url, "hardhat_reset", [])).to.equal(true);
    expect(await rpc(url, "eth_getTransactionReceipt", [hash])).to.equal(null);
    expect(await rpc(url, "eth_getBalance", [to, "latest"])).to.equal("0x0");
    expect((await rpc<string>(url, "eth_getCode", [file.contracts.RewardDistributor, "latest"])).length).to.be.greaterThan(2);
    const head = Number(await rpc<string>(url, "eth_blockNumber"));
    firstHead = await waitFor(async () => {
      const now = Number(await rpc<string>(url, "eth_blockNumber"));
      return now > head + 2 ? now : undefined;
    }, 30_000, "blocks after the deployment");
    expect(await running.interrupt()).to.equal(0);
  });

  it("continues the same chain on the next run, without redeploying", async () => {
    running = startDevnet(dataDir, deploymentsDir);
    const started = await running.waitForEvent("started");
    expect(Number(started.head)).to.be.at.least(firstHead);
    await running.waitForEvent("metamask");
    expect(deployingMessages(running)).to.have.length(0);
    const url = started.rpcUrl as string;
    const file = JSON.parse(fs.readFileSync(path.join(deploymentsDir, "8898.json"), "utf8")) as { contracts: Record<string, string> };
    expect((await rpc<string>(url, "eth_getCode", [file.contracts.MDTToken, "latest"])).length).to.be.greaterThan(2);
  });

  it("--reset starts a new chain and deploys again", async () => {
    running = startDevnet(dataDir, deploymentsDir, ["--reset"]);
    const started = await running.waitForEvent("started");
    expect(started.head).to.equal("0");
    await running.waitForEvent("deployed");
    expect(deployingMessages(running)).to.have.length(1);
  });
});
