/**
 * The slow multi-validator scenarios, run once: `npm run devnet -- --validators 4` as a user runs it
 * (four processes, deploy with four staked validators), then against those processes: one chain with
 * every node on the same head and state root, a transaction sent to one node mined by the proposers,
 * kill -9 of one validator (the others go on; the restarted one syncs and proposes again), a late
 * non-validator that syncs from genesis and answers RPC like the others, and Ctrl-C stopping them all.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { NODE_V8_FLAGS, ROOT, devKeys, rpc, startNode, tempDataDir, waitFor, type SpawnedNode } from "../node/helpers";

const DEVNET_ENTRY = path.join(ROOT, "node/cli/devnet.ts");
const DEPLOY_TIMEOUT_MS = 600_000;
const SLOT_MS = 1000;

interface ValidatorInfo {
  index: number;
  address: string;
  rpcUrl: string;
  p2pAddress: string;
  pid: number;
  args: string[];
}
interface DevnetEvent {
  event?: string;
  validators?: ValidatorInfo[];
  contracts?: Record<string, string>;
  msg?: string;
}
interface RpcBlock {
  number: string;
  hash: string;
  stateRoot: string;
  miner: string;
}

const head = async (url: string): Promise<number> => Number(await rpc<string>(url, "eth_blockNumber"));
const block = (url: string, n: number | string): Promise<RpcBlock> =>
  rpc<RpcBlock>(url, "eth_getBlockByNumber", [typeof n === "number" ? `0x${n.toString(16)}` : n, false]);

function alive(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

describe("network: four validator processes from `npm run devnet -- --validators 4`", function () {
  this.timeout(DEPLOY_TIMEOUT_MS + 300_000);
  let devnet: ChildProcess;
  const events: DevnetEvent[] = [];
  let vs: ValidatorInfo[] = [];
  let urls: string[] = [];
  let restarted: ChildProcess | undefined;
  let late: SpawnedNode | undefined;
  const dataDir = tempDataDir("net4");

  before(async () => {
    devnet = spawn(
      process.execPath,
      [...NODE_V8_FLAGS, "-r", "ts-node/register/transpile-only", DEVNET_ENTRY, "--validators", "4", "--port", "0", "--data-dir", dataDir, "--no-compile", "--json", "--slot-time", String(SLOT_MS)],
      { cwd: ROOT, env: { ...process.env, DEPLOYMENTS_DIR: tempDataDir("net4-deployments") }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let buffered = "";
    devnet.stdout?.on("data", (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        try {
          events.push(JSON.parse(line) as DevnetEvent);
        } catch {
          events.push({ msg: line });
        }
      }
    });
    const started = await waitFor(async () => events.find((e) => e.event === "started"), 180_000, "the started event");
    vs = started.validators ?? [];
    urls = vs.map((v) => v.rpcUrl);
    await waitFor(async () => events.find((e) => e.event === "deployed"), DEPLOY_TIMEOUT_MS, "the deployed event");
  });

  after(async () => {
    late?.proc.kill("SIGKILL");
    restarted?.kill("SIGKILL");
    if (devnet && alive(devnet)) devnet.kill("SIGKILL");
    for (const v of vs) {
      try {
        process.kill(v.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  it("prints four validators with their own RPC ports; all four are staked and propose on one chain", async () => {
    expect(vs).to.have.length(4);
    expect(new Set(urls).size).to.equal(4);
    expect(new Set(vs.map((v) => v.p2pAddress.split("/p2p/")[1])).size).to.equal(4);
    const set = await waitFor(async () => {
      const r = await rpc<{ source: string; validators: { address: string }[] }>(urls[0], "lux_getValidators");
      return r.source === "contract" && r.validators.length === 4 ? r : undefined;
    }, 120_000, "the contract's four validators to take over");
    expect(set.validators.map((v) => v.address.toLowerCase()).sort()).to.deep.equal(vs.map((v) => v.address.toLowerCase()).sort());
    const from = await head(urls[0]);
    const proposers = new Set<string>();
    await waitFor(async () => {
      const h = await head(urls[0]);
      for (let n = from + 1; n <= h; n++) proposers.add((await block(urls[0], n)).miner.toLowerCase());
      return proposers.size >= 3;
    }, 120_000, "blocks from at least three different validators");
    // Every node reports the same block hash and state root at a common height.
    const common = Math.min(...(await Promise.all(urls.map(head))));
    const blocks = await Promise.all(urls.map((u) => block(u, common)));
    for (const b of blocks) {
      expect(b.hash).to.equal(blocks[0].hash);
      expect(b.stateRoot).to.equal(blocks[0].stateRoot);
    }
    for (const u of urls) expect(await rpc(u, "net_peerCount")).to.equal("0x3");
  });

  it("a transaction sent to one validator is mined, and every node has its receipt", async () => {
    const provider = new JsonRpcProvider(urls[3], undefined, { staticNetwork: true, pollingInterval: 200 });
    try {
      const tx = await new Wallet(devKeys(10)[9], provider).sendTransaction({ to: "0x000000000000000000000000000000000000dEaD", value: 1n });
      for (const u of urls) await waitFor(() => rpc<{ blockHash: string } | null>(u, "eth_getTransactionReceipt", [tx.hash]), 60_000, `the receipt on ${u}`);
    } finally {
      provider.destroy();
    }
  });

  it("kill -9 of one validator: the others go on; restarted, it syncs to the same head and proposes again", async () => {
    const victim = vs[2];
    process.kill(victim.pid, "SIGKILL");
    const others = urls.filter((_, i) => i !== 2);
    const before = await head(others[0]);
    await waitFor(async () => (await head(others[0])) >= before + 6, 60_000, "the three others to produce six more blocks");
    restarted = spawn(process.execPath, victim.args, { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    restarted.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    restarted.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    const port = await waitFor(async () => /Listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1], 120_000, "the restarted validator to listen");
    const url = `http://127.0.0.1:${port}`;
    const target = await head(others[0]);
    await waitFor(async () => (await head(url)) >= target, 90_000, "the restarted validator to sync");
    expect((await block(url, target)).hash).to.equal((await block(others[0], target)).hash);
    expect((await block(url, target)).stateRoot).to.equal((await block(others[0], target)).stateRoot);
    const after = await head(url);
    await waitFor(async () => {
      const h = await head(others[0]);
      for (let n = after + 1; n <= h; n++) if ((await block(others[0], n)).miner.toLowerCase() === victim.address.toLowerCase()) return true;
      return false;
    }, 120_000, "a block proposed by the restarted validator");
    urls[2] = url;
  });

  it("a late non-validator syncs from genesis and answers RPC like the validators", async () => {
    late = await startNode({ args: ["--quiet", "--slot-time", String(SLOT_MS), "--validator-key", devKeys(12)[11], ...vs.flatMap((v) => ["--peer", v.p2pAddress])] });
    const target = await head(urls[0]);
    await waitFor(async () => (await head(late!.url)) >= target, 120_000, "the late node to sync");
    const [a, b] = await Promise.all([block(late.url, target), block(urls[0], target)]);
    expect(a).to.deep.equal(b);
    const staking = (events.find((e) => e.event === "deployed")?.contracts ?? {}).StakingManager;
    const tag = `0x${target.toString(16)}`;
    expect(await rpc(late.url, "eth_getCode", [staking, tag])).to.equal(await rpc(urls[0], "eth_getCode", [staking, tag]));
    expect(await rpc(late.url, "eth_getBalance", [vs[1].address, tag])).to.equal(await rpc(urls[0], "eth_getBalance", [vs[1].address, tag]));
    expect(await rpc(late.url, "lux_getValidators")).to.deep.equal(await rpc(urls[0], "lux_getValidators"));
  });

  it("Ctrl-C stops the devnet and its validator processes", async () => {
    const exited = new Promise<number | null>((resolve) => devnet.once("exit", (code) => resolve(code)));
    devnet.kill("SIGINT");
    expect(await exited).to.equal(0);
    for (const [i, v] of vs.entries()) {
      if (i === 2) continue; // the killed one was restarted by the test, not by the devnet
      await waitFor(async () => {
        try {
          process.kill(v.pid, 0);
          return false;
        } catch {
          return true;
        }
      }, 20_000, `validator ${i} to exit`);
    }
  });
});
