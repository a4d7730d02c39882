import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { call, sleep } from "./rpc";
import { freePort } from "../../node/cli/freePort";

/** Repo root: every server starts from there. */
export const ROOT = path.resolve(__dirname, "../..");
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;

/** How to start one server under test. */
export interface ServerSpec {
  /** Label in the tables. */
  name: string;
  /** Chain id it runs (every load is signed for it). */
  chainId: bigint;
  /**
   * True when eth_sendRawTransaction answers only once the transaction is in a block (hardhat's automine,
   * our devnet's): the answer is then the inclusion time. Otherwise (anvil answers before it mines, even
   * with automine) a WebSocket newHeads watcher tells when each transaction landed.
   */
  answersWhenMined: boolean;
  /** Command and arguments for a given port and scratch dir. */
  command(port: number, dir: string): { cmd: string; args: string[] };
}

/** A started server. */
export interface Server {
  spec: ServerSpec;
  url: string;
  wsUrl: string;
  /** Everything it printed (tail). */
  output(): string;
  /** CPU time (user + system, ms) used so far by the server's process group; NaN where /proc is missing. */
  cpuMs(): number;
  stop(): Promise<void>;
}


const TICKS_PER_SECOND = 100; // USER_HZ on Linux
// /proc/<pid>/stat fields after the command name: state is field 3, pgrp 5, utime 14, stime 15.
const STAT_PGRP = 2;
const STAT_UTIME = 11;
const STAT_STIME = 12;

/** CPU ms of every live process in process group `pgid` (the server and, for npx, its child). */
function groupCpuMs(pgid: number | undefined): number {
  if (pgid === undefined) return Number.NaN;
  let ticks = 0;
  try {
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue;
      }
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[STAT_PGRP]) !== pgid) continue;
      ticks += Number(f[STAT_UTIME]) + Number(f[STAT_STIME]);
    }
  } catch {
    return Number.NaN;
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Starts a server in its own process group and waits until it answers eth_chainId. */
export async function startServer(spec: ServerSpec): Promise<Server> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lux-bench-"));
  const { cmd, args } = spec.command(port, dir);
  // Own process group: `npx hardhat node` runs the server as a grandchild, which must stop too.
  const proc = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: process.env, detached: true });
  let out = "";
  const keep = (d: Buffer): void => {
    out += d.toString();
    if (out.length > 5_000_000) out = out.slice(-1_000_000);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  let exited = false;
  proc.once("exit", () => (exited = true));
  const signalGroup = (sig: NodeJS.Signals): void => {
    try {
      if (proc.pid !== undefined) process.kill(-proc.pid, sig);
    } catch {
      // Already gone.
    }
  };
  const stop = async (): Promise<void> => {
    if (!exited) {
      signalGroup("SIGTERM");
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (!exited && Date.now() < deadline) await sleep(50);
    }
    // npx may exit before the server it started: make sure nothing of the group is left.
    signalGroup("SIGKILL");
    // BENCH_LOG_DIR: keep each server's output (our node then logs every block) for diagnosis.
    if (process.env.BENCH_LOG_DIR) fs.writeFileSync(path.join(process.env.BENCH_LOG_DIR, `${spec.name.replace(/[^a-z0-9.-]+/gi, "_")}.log`), out);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`${spec.name} exited before answering:\n${out.slice(-2000)}`);
    }
    try {
      const id = BigInt(await call<string>(url, "eth_chainId"));
      if (id !== spec.chainId) throw new Error(`${spec.name} runs chain id ${id}, expected ${spec.chainId}`);
      break;
    } catch (err) {
      if (err instanceof Error && err.message.includes("expected")) {
        await stop();
        throw err;
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`${spec.name} did not answer within ${START_TIMEOUT_MS} ms:\n${out.slice(-2000)}`);
      }
      await sleep(200);
    }
  }
  return { spec, url, wsUrl: `ws://127.0.0.1:${port}`, output: () => out, stop, cpuMs: () => groupCpuMs(proc.pid) };
}

/** Hardhat's and anvil's default chain id; our devnet is started with it too so one signed load fits all. */
export const BENCH_CHAIN_ID = 31337n;

const tsNode = (entry: string, extra: string[]): { cmd: string; args: string[] } => ({
  cmd: process.execPath,
  args: ["--max-semi-space-size=64", ...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean), "-r", "ts-node/register/transpile-only", entry, ...extra],
});

/** Block interval of interval mining, matched to anvil's `--block-time 0.2` so the two are compared block for block. */
const INTERVAL_SLOT_MS = 200;

const devnet = (name: string, automine: boolean): ServerSpec => ({
  name,
  chainId: BENCH_CHAIN_ID,
  answersWhenMined: automine,
  command: (port, dir) =>
    tsNode("node/cli/devnet.ts", [
      "--port", String(port), "--data-dir", path.join(dir, "data"), "--no-deploy", "--no-compile", ...(process.env.BENCH_LOG_DIR ? [] : ["--quiet"]),
      "--chain-id", String(BENCH_CHAIN_ID), ...(automine ? [] : ["--no-automine", "--slot-time", String(INTERVAL_SLOT_MS)]),
      ...(process.env.BENCH_LUX_FLAGS ?? "").split(" ").filter(Boolean),
    ]),
});

// The npm package's launcher runs the platform binary it ships (no download, works offline).
const anvilBin = (): string => path.join(ROOT, "node_modules/.bin/anvil");

/** Every server the comparison knows, by key. */
export const SERVERS: Record<string, ServerSpec> = {
  devnet: devnet("devnet (automine)", true),
  "devnet-no-automine": devnet(`devnet --no-automine --slot-time ${INTERVAL_SLOT_MS}`, false),
  hardhat: {
    name: "hardhat node",
    chainId: BENCH_CHAIN_ID,
    answersWhenMined: true,
    command: (port) => ({ cmd: process.platform === "win32" ? "npx.cmd" : "npx", args: ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)] }),
  },
  anvil: {
    name: "anvil (automine)",
    chainId: BENCH_CHAIN_ID,
    answersWhenMined: false,
    command: (port) => ({ cmd: anvilBin(), args: ["--host", "127.0.0.1", "--port", String(port), "--accounts", "20", "--silent"] }),
  },
  "anvil-0.2s": {
    name: "anvil 0.2 s blocks",
    chainId: BENCH_CHAIN_ID,
    answersWhenMined: false,
    command: (port) => ({ cmd: anvilBin(), args: ["--host", "127.0.0.1", "--port", String(port), "--accounts", "20", "--silent", "--block-time", "0.2"] }),
  },
};

export { freePort };
