/**
 * `npm run demo`: a devnet (own data under .demo/) with the dashboard, plus simulated validators,
 * miners, delegators and the epoch runner, so the dashboard shows emission following utility,
 * recycling, burns and claims as they happen. Runs until Ctrl-C.
 *
 *   npm run demo                         # http://127.0.0.1:8545/dashboard/
 *   npm run demo -- --reset              # start a new demo chain
 *   npm run demo -- --port 0 --slot-time 250
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { parseEther } from "ethers";
import { createSimulation } from "./simulate";

const ROOT = path.resolve(__dirname, "../..");
const STEP_MS = 1_000;
const START_TIMEOUT_MS = 300_000;

interface DevnetEvent {
  event?: string;
  dashboardUrl?: string;
  rpcUrl?: string;
  level?: string;
  msg?: string;
}

async function main(): Promise<void> {
  const cmd = new Command("demo")
    .description("Devnet + dashboard + simulated validators, miners and the epoch runner")
    .addOption(new Option("--port <n>", "RPC and dashboard port (0 = any free port)").default("8545"))
    .addOption(new Option("--dir <dir>", "demo data: chain, deployments, reward trees").default(".demo"))
    .addOption(new Option("--slot-time <ms>", "slot time of the devnet").default("500"))
    .addOption(new Option("--reset", "start a new demo chain").default(false));
  cmd.parse(process.argv);
  const o = cmd.opts<{ port: string; dir: string; slotTime: string; reset: boolean }>();
  const dir = path.resolve(ROOT, o.dir);
  if (o.reset) fs.rmSync(dir, { recursive: true, force: true });
  const deploymentsDir = path.join(dir, "deployments");
  const rewardsDir = path.join(dir, "rewards");
  fs.mkdirSync(deploymentsDir, { recursive: true });

  const log = (line: string): void => void process.stdout.write(`[demo] ${line}\n`);
  log(`starting the devnet (data in ${path.relative(ROOT, dir) || "."}/)…`);
  const child = spawn(
    process.execPath,
    ["--max-semi-space-size=64", "-r", "ts-node/register/transpile-only", path.join(ROOT, "node/cli/devnet.ts"), "--json", "--port", o.port, "--data-dir", path.join(dir, "chain"), "--slot-time", o.slotTime, "--rewards-dir", rewardsDir],
    { cwd: ROOT, env: { ...process.env, DEPLOYMENTS_DIR: deploymentsDir, TS_NODE_TRANSPILE_ONLY: "1" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let stopping = false;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<DevnetEvent>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error(`the devnet did not come up within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    child.stdout?.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const line of lines) {
        let ev: DevnetEvent;
        try {
          ev = JSON.parse(line) as DevnetEvent;
        } catch {
          continue; // the deploy script's own output
        }
        if (ev.event === "metamask") {
          clearTimeout(timer);
          resolve(ev);
        } else if (ev.level === "error") log(`devnet: ${ev.msg ?? line}`);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (!stopping) reject(new Error(`the devnet exited with code ${code}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log("stopping…");
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());

  const info = await ready;
  const rpcUrl = info.rpcUrl!;
  log(`RPC ${rpcUrl}  chain id 8898`);
  log(`Dashboard: ${info.dashboardUrl ?? `${rpcUrl}/dashboard/`}`);
  log("MetaMask: import a dev key printed by `npm run devnet` (e.g. account #17) and connect on the dashboard.");
  const sim = createSimulation({
    rpcUrl,
    deploymentsDir,
    dataDir: rewardsDir,
    validators: [
      { account: 1, selfStake: parseEther("2000") },
      { account: 2, selfStake: parseEther("1500") },
      { account: 3, selfStake: parseEther("800") },
    ],
    miners: [4, 5, 6, 7, 8, 9],
    lateMiners: [10, 11, 12, 13],
    lateMinerEvery: 3,
    delegations: [
      { account: 14, validator: 1, amount: parseEther("500") },
      { account: 15, validator: 3, amount: parseEther("1200") },
      { account: 16, validator: 0, amount: parseEther("300") },
    ],
    claimers: [4, 5, 6, 14],
    slash: { afterEpochs: 6, validator: 3, fraction: parseEther("0.05") },
    log,
  });
  await sim.setup();
  log("participants ready; playing one epoch after the other (Ctrl-C to stop)");
  while (!stopping) {
    try {
      await sim.step();
    } catch (err) {
      if (!stopping) log(`step failed (retrying): ${err instanceof Error ? err.message : String(err)}`);
    }
    await new Promise((r) => setTimeout(r, STEP_MS));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
