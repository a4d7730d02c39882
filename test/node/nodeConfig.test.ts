/**
 * `npm run node -- --config file.json` with bad files: the process stops at once with a message that
 * names the file and the setting. (A good config file starts the late node of `network.test.ts`.)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { LuxError } from "../../node/errors";
import { buildCommand, readFlags } from "../../node/cli/options";
import { devAccounts } from "../../node/config";
import { NODE_V8_FLAGS, ROOT, rawRpc, rpc, startNode, tempDataDir } from "./helpers";

const ENTRY = path.join(ROOT, "node/cli/node.ts");

/** Runs the node CLI with `args` (on `dir`, a fresh data dir by default) until it exits; resolves with its exit code and output. */
function runNode(args: string[], dir = tempDataDir("cli")): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...NODE_V8_FLAGS, "-r", "ts-node/register/transpile-only", ENTRY, "--port", "0", "--data-dir", dir, ...args], {
      cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`the node did not stop within 120 s:\n${out}`));
    }, 120_000);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** Runs the node CLI with a config file holding `content`; resolves with its exit code and output. */
async function runWithConfig(content: string): Promise<{ code: number | null; out: string; file: string }> {
  const file = path.join(tempDataDir("cfg"), "node.json");
  fs.writeFileSync(file, content);
  return { ...(await runNode(["--config", file])), file };
}

/** Parses `--config <file with content>` plus `extra` flags the way `npm run node` does; returns the error. */
function configError(content: string, extra: string[] = []): { error: unknown; file: string } {
  const file = path.join(tempDataDir("cfg"), "node.json");
  fs.writeFileSync(file, content);
  const cmd = buildCommand("luxtensor-node", "test", false);
  cmd.parse(["node", "node.ts", "--config", file, ...extra]);
  try {
    readFlags(cmd);
    return { error: undefined, file };
  } catch (error) {
    return { error, file };
  }
}

describe("node: a bad --config file stops the node with a clear error", function () {
  this.timeout(180_000);

  it("refuses an unknown setting, a value of the wrong type, a switch that is not a boolean and a file that is not a JSON object", () => {
    const cases: [string, RegExp][] = [
      ['{"slotTim": 1000}', /unknown setting "slotTim" \(settings are the flags in camelCase: .*slotTime/],
      ['{"slotTime": "fast"}', /setting "slotTime" \(--slot-time <ms>\) not a non-negative integer: fast/],
      ['{"slotTime": -5}', /setting "slotTime" \(--slot-time <ms>\) not a non-negative integer: -5/],
      ['{"devMode": "no"}', /setting "devMode" \(--no-dev-mode\) must be true or false, got "no"/],
      ['{"peer": [{"ip": "10.0.0.1"}]}', /setting "peer" \(--peer <multiaddr>\) must be a string or a list of strings/],
      ['{"config": "other.json"}', /unknown setting "config"/],
      ["[1, 2]", /must hold a JSON object/],
      ["{not json", /cannot read config file .*JSON/],
    ];
    for (const [content, re] of cases) {
      const { error, file } = configError(content);
      expect(error, content).to.be.instanceOf(LuxError);
      expect((error as LuxError).code).to.equal("P2P_CONFIG");
      expect((error as LuxError).message, content).to.match(re);
      expect((error as LuxError).message).to.include(file);
    }
  });

  it("takes good values from the file (a peer list, numbers, switches), and lets command-line flags win", () => {
    const file = path.join(tempDataDir("cfg"), "node.json");
    fs.writeFileSync(file, JSON.stringify({ slotTime: 1500, devMode: false, peer: ["/ip4/10.0.0.1/tcp/9000/p2p/a", "/ip4/10.0.0.2/tcp/9000/p2p/b"], genesisValidators: "4", p2pPort: 9001 }));
    const cmd = buildCommand("luxtensor-node", "test", false);
    cmd.parse(["node", "node.ts", "--config", file, "--p2p-port", "9005"]);
    const f = readFlags(cmd);
    expect(f.slotTime).to.equal(1500);
    expect(f.devMode).to.equal(false);
    expect(f.peer).to.deep.equal(["/ip4/10.0.0.1/tcp/9000/p2p/a", "/ip4/10.0.0.2/tcp/9000/p2p/b"]);
    expect(f.genesisValidators).to.equal(4);
    expect(f.p2pPort).to.equal(9005);
    // The file's bad value is never parsed when the flag is given.
    expect(configError('{"slotTime": "fast"}', ["--slot-time", "1000"]).error).to.equal(undefined);
  });

  it("a spawned `node` with a bad file exits 1 at once, printing the reason", async () => {
    const r = await runWithConfig('{"slotTime": "fast"}');
    expect(r.code, r.out).to.equal(1);
    expect(r.out).to.include(`fatal: config file ${r.file}: setting "slotTime" (--slot-time <ms>) not a non-negative integer: fast`);
    expect(r.out).to.not.match(/Listening on/);
  });
});

describe("node: a new chain's dev accounts, balances and gas limit (--accounts, --balance, --gas-limit)", function () {
  this.timeout(120_000);

  it("funds and unlocks the first n dev accounts with the balance given, under the gas limit given", async () => {
    const node = await startNode({ args: ["--quiet", "--dev", "--accounts", "3", "--balance", "1.5", "--gas-limit", "12000000"] });
    try {
      const accounts = await rpc<string[]>(node.url, "eth_accounts");
      expect(accounts).to.deep.equal(devAccounts(3).map((a) => a.address.toLowerCase()));
      for (const a of accounts) expect(BigInt(await rpc<string>(node.url, "eth_getBalance", [a, "latest"]))).to.equal(1_500_000_000_000_000_000n);
      // The fourth dev account is neither funded nor unlocked.
      const fourth = devAccounts(4)[3].address;
      expect(BigInt(await rpc<string>(node.url, "eth_getBalance", [fourth, "latest"]))).to.equal(0n);
      const sent = await rawRpc(node.url, { jsonrpc: "2.0", id: 1, method: "eth_sendTransaction", params: [{ from: fourth, to: fourth }] });
      expect((sent.json as { error: { message: string } }).error.message).to.match(/not an unlocked dev account/);
      const genesis = await rpc<{ gasLimit: string }>(node.url, "eth_getBlockByNumber", ["0x0", false]);
      expect(BigInt(genesis.gasLimit)).to.equal(12_000_000n);
      // A transaction above it is refused by the pool.
      const big = await rawRpc(node.url, { jsonrpc: "2.0", id: 1, method: "eth_sendTransaction", params: [{ from: accounts[0], to: fourth, gas: "0xb71b01" }] });
      expect((big.json as { error: { message: string } }).error.message).to.match(/gas limit/i);
    } finally {
      await node.stop();
    }
    // Restarted on the same data dir with other values: the chain stays as it was made, and the node says so.
    const again = await startNode({ dataDir: node.dataDir, args: ["--dev", "--accounts", "5", "--gas-limit", "15000000"] });
    try {
      expect(BigInt((await rpc<{ gasLimit: string }>(again.url, "eth_getBlockByNumber", ["0x0", false])).gasLimit)).to.equal(12_000_000n);
      expect(again.output()).to.match(/--accounts, --balance, --gas-limit and the code size flags apply to a new chain/);
    } finally {
      await again.stop();
    }
  });

  it("--code-size-limit and --disable-code-size-limit set the chain's contract size limit, which its genesis commits to", async () => {
    // Init code that returns `size` zero bytes: a contract of that size.
    const initOf = (size: number): string => `0x61${size.toString(16).padStart(4, "0")}6000f3`;
    const from = devAccounts(1)[0].address;
    const deploy = async (url: string, size: number): Promise<{ status: string; code: number }> => {
      // A mined transaction that failed is answered with an error naming its hash (as hardhat node does).
      const sent = (await rawRpc(url, { jsonrpc: "2.0", id: 1, method: "eth_sendTransaction", params: [{ from, data: initOf(size), gas: "0xe4e1c0" }] })).json as { result?: string; error?: { data?: { txHash: string } } };
      const hash = sent.result ?? sent.error?.data?.txHash;
      const r = await rpc<{ status: string; contractAddress: string | null }>(url, "eth_getTransactionReceipt", [hash]);
      const code = r.contractAddress ? await rpc<string>(url, "eth_getCode", [r.contractAddress, "latest"]) : "0x";
      return { status: r.status, code: (code.length - 2) / 2 };
    };
    const plain = await startNode({ args: ["--quiet", "--dev"] });
    const raised = await startNode({ args: ["--quiet", "--dev", "--code-size-limit", "40000"] });
    const unlimited = await startNode({ args: ["--quiet", "--dev", "--disable-code-size-limit"] });
    try {
      expect(await deploy(plain.url, 24_576)).to.deep.equal({ status: "0x1", code: 24_576 });
      expect(await deploy(plain.url, 24_577)).to.deep.equal({ status: "0x0", code: 0 });
      expect(await deploy(raised.url, 40_000)).to.deep.equal({ status: "0x1", code: 40_000 });
      expect(await deploy(raised.url, 40_001)).to.deep.equal({ status: "0x0", code: 0 });
      expect(await deploy(unlimited.url, 65_000)).to.deep.equal({ status: "0x1", code: 65_000 });
      // Different rules, different chains: the genesis blocks differ.
      const genesis = async (url: string): Promise<string> => (await rpc<{ hash: string }>(url, "eth_getBlockByNumber", ["0x0", false])).hash;
      const hashes = new Set([await genesis(plain.url), await genesis(raised.url), await genesis(unlimited.url)]);
      expect(hashes.size).to.equal(3);
    } finally {
      await Promise.all([plain.stop(), raised.stop(), unlimited.stop()]);
    }
  });

  it("a second node on a data dir in use exits 1 saying so, and the first keeps running", async () => {
    const first = await startNode({ args: ["--quiet", "--dev"] });
    try {
      const r = await runNode(["--dev"], first.dataDir);
      expect(r.code).to.equal(1);
      expect(r.out).to.include(`fatal: data dir ${first.dataDir} is in use by another running node (LevelDB lock held)`);
      expect(await rpc<string>(first.url, "eth_blockNumber")).to.match(/^0x/);
    } finally {
      await first.stop();
    }
  });

  it("refuses bad values at once with the reason, starting nothing", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--accounts", "0"], /--accounts <n>.*not between 1 and 1000: 0/s],
      [["--accounts", "1001"], /not between 1 and 1000/],
      [["--balance", "-1"], /--balance <lux>.*not an amount of LUX/s],
      [["--balance", "1e5"], /not an amount of LUX/],
      [["--balance", `0.${"1".repeat(19)}`], /not an amount of LUX/],
      [["--gas-limit", "20999"], /--gas-limit <n>.*not between 21000/s],
      [["--gas-limit", "lots"], /not a gas limit/],
      [["--code-size-limit", "0"], /--code-size-limit <bytes>.*not a size in bytes/s],
      [["--code-size-limit", "100", "--disable-code-size-limit"], /cannot be used with/],
    ];
    for (const [args, why] of cases) {
      const cmd = buildCommand("luxtensor-node", "test", false).exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
      expect(() => cmd.parse(["node", "node.ts", ...args]), args.join(" ")).to.throw(why);
    }
    // The process itself: exit 1 with the reason, nothing started.
    const r = await runNode(["--dev", "--accounts", "0"]);
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/option '--accounts <n>' argument '0' is invalid\. not between 1 and 1000: 0/);
    expect(r.out).to.not.match(/Listening on/);
  });
});
