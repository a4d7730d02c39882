/**
 * A devnet for the dashboard tests, spawned like a user runs it (`node/cli/devnet.ts`), on a free
 * port with its own data, deployments and reward-tree directories, serving the dashboard.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { NODE_V8_FLAGS, ROOT, tempDataDir, waitFor } from "../node/helpers";

const DEVNET_ENTRY = path.join(ROOT, "node/cli/devnet.ts");
const START_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 20_000;

/** A running test devnet. */
export interface TestDevnet {
  proc: ChildProcess;
  rpcUrl: string;
  dashboardUrl: string;
  deploymentsDir: string;
  rewardsDir: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the devnet and waits until the suite is deployed (its "metamask" JSON event). */
export async function startTestDevnet(extraEnv: Record<string, string> = {}): Promise<TestDevnet> {
  const dataDir = tempDataDir("web-devnet");
  const deploymentsDir = tempDataDir("web-deployments");
  const rewardsDir = tempDataDir("web-rewards");
  const proc = spawn(
    process.execPath,
    [...NODE_V8_FLAGS, "-r", "ts-node/register/transpile-only", DEVNET_ENTRY, "--port", "0", "--data-dir", dataDir, "--no-compile", "--json", "--slot-time", "250", "--rewards-dir", rewardsDir],
    { cwd: ROOT, env: { ...process.env, ...extraEnv, DEPLOYMENTS_DIR: deploymentsDir, TS_NODE_TRANSPILE_ONLY: "1" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    try {
      process.kill(-proc.pid!, "SIGINT"); // the process group: the devnet and any deploy child
    } catch {
      return;
    }
    const t = setTimeout(() => {
      try {
        process.kill(-proc.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(t);
  };
  try {
    const ev = await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`devnet exited with ${proc.exitCode}:\n${out}`);
        const line = out.split("\n").find((l) => l.includes('"event":"metamask"'));
        return line ? (JSON.parse(line) as { rpcUrl: string; dashboardUrl?: string }) : undefined;
      },
      START_TIMEOUT_MS,
      "the devnet to deploy the suite",
    );
    if (!ev.dashboardUrl) throw new Error(`the devnet printed no dashboard URL:\n${out}`);
    return { proc, rpcUrl: ev.rpcUrl, dashboardUrl: ev.dashboardUrl, deploymentsDir, rewardsDir, output: () => out, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
