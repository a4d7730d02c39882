/**
 * `npm run test:devnet`: the project's whole contract suite (every file of test/contracts: loadFixture
 * snapshots, time helpers, `mine`, impersonation) run by Hardhat against a spawned `--dev` node through the
 * `devnet` network entry — what a user does with `npx hardhat test --network devnet`.
 *
 * It must pass exactly the tests the in-process Hardhat network passes: the expected count comes from a
 * mocha dry run of the same files. The node runs on a free port on 127.0.0.1 with a temporary data dir,
 * in its own process group, and is always stopped. The last line is `devnet suite: N passed, N failed`
 * (`.ci/run` adds it to `npm test`'s counts); the exit code is 0 only when every test passed.
 * `npm run test:devnet -- <files>` runs only those files. The files are shared by DEVNET_SUITE_JOBS (default
 * 2) workers, each with its own node, slowest files first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const NODE_ENTRY = path.join(ROOT, "node/cli/node.ts");
const CONTRACT_TESTS = path.join(ROOT, "test/contracts");
/** The dev chain's id (node/config). */
const DEV_CHAIN_ID = "8898";
const NODE_START_TIMEOUT_MS = 60_000;
const NODE_STOP_TIMEOUT_MS = 15_000;
const DRY_RUN_TIMEOUT_MS = 300_000;
/** The whole suite on a loaded 2-core machine, with a wide margin. */
const SUITE_TIMEOUT_MS = Number(process.env.DEVNET_SUITE_TIMEOUT_MS ?? 5_400_000);
/** Nodes (each with its own `hardhat test` runs) working through the files at once: the node and the client
 * take turns on one request, so two of them keep both cores of the CI machine busy. */
const JOBS = Number(process.env.DEVNET_SUITE_JOBS ?? 2);
/** The files slowest on the devnet, started first. */
const SLOW_FILES = ["invariants.test.ts", "governance/Governance.test.ts", "staking/Slots.test.ts", "staking/StakingManager.test.ts"];
/** Per-test mocha time-out of the run (256-validator fixtures and 50,400-block voting periods over RPC). */
const MOCHA_TIMEOUT_MS = "1800000";
/**
 * eth_call/eth_estimateGas time-out of the node: a registration among 256 validators runs the EVM for
 * seconds on a loaded machine, where geth's 5 s default would fail it.
 */
const EVM_TIMEOUT_MS = "120000";

interface MochaCounts {
  passing: number;
  failing: number;
  pending: number;
}

function contractTestFiles(dir = CONTRACT_TESTS): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...contractTestFiles(p));
    else if (e.name.endsWith(".test.ts")) out.push(path.relative(ROOT, p));
  }
  return out.sort();
}

/** mocha's first summary ("N passing", "N failing", "N pending"); 0 when absent. */
function mochaCounts(out: string): MochaCounts {
  const count = (word: string): number => Number(new RegExp(`^\\s*(\\d+) ${word}\\b`, "m").exec(out)?.[1] ?? 0);
  return { passing: count("passing"), failing: count("failing"), pending: count("pending") };
}

/** Kills a detached child's whole process group (the node, or npx with hardhat below it). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      killGroup(child, "SIGKILL");
      resolve();
    }, timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Runs `npx <args>` in the repo root, echoing its output (line by line, after `prefix`) when `echo` is set; killed after `timeoutMs`. */
function runNpx(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, echo: boolean, prefix = ""): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("npx", args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    let partial = "";
    const take = (d: Buffer): void => {
      out += d.toString();
      if (!echo) return;
      // Whole lines only, so two workers' outputs interleave by line.
      const lines = (partial + d.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    const timer = setTimeout(() => {
      out += `\nkilled: npx ${args[0]} ${args[1]} ran longer than ${timeoutMs} ms\n`;
      killGroup(child, "SIGKILL");
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (echo && partial) process.stdout.write(`${prefix}${partial}\n`);
      resolve({ code: code ?? 1, out });
    });
  });
}

interface DevNode {
  url: string;
  /** False once the process has exited. */
  alive(): boolean;
  /** The end of what it printed. */
  tail(): string;
  stop(): Promise<void>;
}

/** Starts a `--dev` node on a free port of 127.0.0.1 and waits for its "Listening on" line. */
async function startDevNode(dataDir: string): Promise<DevNode> {
  const args = ["--max-semi-space-size=64", "-r", "ts-node/register/transpile-only", NODE_ENTRY, "--port", "0", "--data-dir", dataDir, "--quiet", "--dev", "--rpc-evm-timeout", EVM_TIMEOUT_MS];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const stop = async (): Promise<void> => {
    killGroup(child, "SIGTERM");
    await waitExit(child, NODE_STOP_TIMEOUT_MS);
  };
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the devnet node did not start within ${NODE_START_TIMEOUT_MS} ms:\n${out}`)), NODE_START_TIMEOUT_MS);
    child.stdout?.on("data", () => {
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the devnet node exited with ${code} before listening:\n${out}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { url: `http://127.0.0.1:${port}`, alive: () => child.exitCode === null && child.signalCode === null, tail: () => out.slice(-4_000), stop };
}

/** The files named on the command line (each must exist), else every file of test/contracts. */
function selectedFiles(argv: string[]): string[] {
  if (argv.length === 0) return contractTestFiles();
  for (const f of argv) {
    if (!f.endsWith(".test.ts") || !fs.existsSync(path.resolve(ROOT, f))) throw new Error(`${f} is not a test file (usage: npm run test:devnet -- [test/contracts/<file>.test.ts ...])`);
  }
  return argv;
}

async function main(): Promise<number> {
  const files = selectedFiles(process.argv.slice(2));
  if (files.length === 0) throw new Error(`no *.test.ts files under ${CONTRACT_TESTS}`);
  const compiled = await runNpx(["hardhat", "compile", "--quiet"], {}, DRY_RUN_TIMEOUT_MS, false);
  if (compiled.code !== 0) throw new Error(`hardhat compile failed:\n${compiled.out}`);
  const dry = await runNpx(["hardhat", "test", "--no-compile", ...files], { MOCHA_DRY_RUN: "1" }, DRY_RUN_TIMEOUT_MS, false);
  const expected = mochaCounts(dry.out);
  if (dry.code !== 0 || expected.passing === 0) throw new Error(`the dry run listing the suite failed:\n${dry.out.slice(-5_000)}`);
  console.log(`devnet suite: ${files.length} files, ${expected.passing} tests (counted by a mocha dry run)`);

  const jobs = Math.max(1, Math.min(JOBS, files.length));
  const started = Date.now();
  const queue = scheduled(files);
  const results = await Promise.all(Array.from({ length: jobs }, (_, w) => worker(w, jobs, queue)));
  const got = results.reduce((a, r) => ({ passing: a.passing + r.counts.passing, failing: a.failing + r.counts.failing, pending: a.pending + r.counts.pending }), { passing: 0, failing: 0, pending: 0 });
  const broken = results.flatMap((r) => r.broken);
  // Tests that never ran (a crash, a time-out, a hook failing for a whole file) count as failed.
  const missing = Math.max(0, expected.passing - got.passing - got.failing);
  const failed = got.failing + missing + got.pending;
  console.log(`devnet suite: ${got.passing}/${expected.passing} passed in ${Math.round((Date.now() - started) / 1000)} s with ${jobs} node(s)${missing > 0 ? `, ${missing} never ran` : ""}${broken.length > 0 ? `; hardhat failed on ${broken.join(", ")}` : ""}`);
  console.log(`devnet suite: ${got.passing} passed, ${failed} failed`);
  return failed === 0 && broken.length === 0 && got.passing === expected.passing ? 0 : 1;
}

/**
 * The files in the order workers take them: the slowest on the devnet first (measured: the fast-check
 * invariants, governance's three 50,400-block voting periods, the 256-validator fixtures), then the
 * rest by size, so the workers finish close together.
 */
function scheduled(files: string[]): string[] {
  const rank = (f: string): number => {
    const i = SLOW_FILES.findIndex((s) => f.endsWith(s));
    return i === -1 ? SLOW_FILES.length : i;
  };
  const size = (f: string): number => fs.statSync(path.resolve(ROOT, f)).size;
  return [...files].sort((a, b) => rank(a) - rank(b) || size(b) - size(a) || a.localeCompare(b));
}

/**
 * One worker: its own node (a fresh data dir on a free port), then `hardhat test --network devnet` for
 * each file it takes from the shared queue — with one worker, a single run of every file.
 */
async function worker(index: number, jobs: number, queue: string[]): Promise<{ counts: MochaCounts; broken: string[] }> {
  const prefix = jobs > 1 ? `[${index + 1}] ` : "";
  const counts: MochaCounts = { passing: 0, failing: 0, pending: 0 };
  const broken: string[] = [];
  const dataDirs: string[] = [];
  const fresh = async (): Promise<DevNode> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lux-devnet-suite-"));
    dataDirs.push(dir);
    const n = await startDevNode(dir);
    console.log(`${prefix}devnet suite: node at ${n.url}`);
    return n;
  };
  let node = await fresh();
  try {
    for (let batch = take(queue, jobs); batch.length > 0; batch = take(queue, jobs)) {
      // A node that died (its crash fails the file that was running) is replaced, so one crash does not
      // fail every file this worker takes afterwards.
      if (!node.alive()) {
        console.log(`${prefix}devnet suite: the node exited; its last output:\n${node.tail()}`);
        broken.push("(node crashed)");
        node = await fresh();
      }
      const env = { DEVNET_RPC_URL: node.url, DEVNET_CHAIN_ID: DEV_CHAIN_ID, MOCHA_TIMEOUT: MOCHA_TIMEOUT_MS };
      const run = await runNpx(["hardhat", "test", "--no-compile", "--network", "devnet", ...batch], env, SUITE_TIMEOUT_MS, true, prefix);
      const c = mochaCounts(run.out);
      counts.passing += c.passing;
      counts.failing += c.failing;
      counts.pending += c.pending;
      if (run.code !== 0) broken.push(batch.join(" "));
    }
    if (!node.alive()) {
      console.log(`${prefix}devnet suite: the node exited; its last output:\n${node.tail()}`);
      broken.push("(node crashed)");
    }
  } finally {
    await node.stop();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  return { counts, broken };
}

/** The next files for a worker: one at a time when several share the queue, all of them for a lone worker. */
function take(queue: string[], jobs: number): string[] {
  return queue.splice(0, jobs > 1 ? 1 : queue.length);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    console.log("devnet suite: 0 passed, 1 failed");
    process.exit(1);
  },
);
