import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { LuxNode } from "../node";
import type { Logger } from "../chain/types";
import { createAddressFromString } from "@ethereumjs/util";

/** Repo root: the CLI lives at node/cli. */
export const REPO_ROOT = path.resolve(__dirname, "../..");
const DEPLOY_SCRIPT = path.join(REPO_ROOT, "scripts/deploy.ts");

/** The deployments record the deploy script writes. */
export interface DeploymentFile {
  chainId: number;
  deployBlock?: number;
  contracts: Record<string, string>;
}

/** deployments/<chainId>.json (honours DEPLOYMENTS_DIR like the deploy script). */
export function deploymentFile(chainId: bigint): string {
  const dir = process.env.DEPLOYMENTS_DIR ? path.resolve(process.env.DEPLOYMENTS_DIR) : path.join(REPO_ROOT, "deployments");
  return path.join(dir, `${chainId}.json`);
}

/** Runs a command in the repo root; resolves with its exit code. Output is shown unless quiet. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, quiet: boolean): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: quiet ? "ignore" : ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => resolve(code ?? 1));
    child.on("error", () => resolve(1));
  });
}

/** Reads the deployments file if it exists and every contract in it has code on this chain. */
export async function liveDeployment(node: LuxNode): Promise<DeploymentFile | undefined> {
  const file = deploymentFile(node.config.chainId);
  if (!fs.existsSync(file)) return undefined;
  const rec = JSON.parse(fs.readFileSync(file, "utf8")) as DeploymentFile;
  const sm = await node.chain.headState();
  for (const addr of Object.values(rec.contracts ?? {})) {
    if ((await sm.getCode(createAddressFromString(addr))).length === 0) return undefined;
  }
  return Object.keys(rec.contracts ?? {}).length > 0 ? rec : undefined;
}

/**
 * Deploys the suite with the Hardhat deploy script against the node unless a deployments file with
 * live code exists. Skips with a warning when the script is not in the repo.
 */
export async function ensureDeployed(node: LuxNode, log: Logger, quiet: boolean): Promise<DeploymentFile | undefined> {
  const existing = await liveDeployment(node);
  if (existing) return existing;
  if (!fs.existsSync(DEPLOY_SCRIPT)) {
    log.warn("scripts/deploy.ts not found: skipping contract deployment");
    return undefined;
  }
  log.info("Deploying the contract suite (scripts/deploy.ts --network devnet)…");
  const env = { ...process.env, DEVNET_RPC_URL: node.rpcUrl, DEVNET_CHAIN_ID: node.config.chainId.toString(), DEPLOY_DEV_MODE: process.env.DEPLOY_DEV_MODE ?? "1" };
  const code = await run(npx(), ["hardhat", "run", "scripts/deploy.ts", "--network", "devnet"], env, quiet);
  if (code !== 0) {
    log.error(`deploy script failed with exit code ${code}`);
    return undefined;
  }
  return liveDeployment(node);
}

/** npx executable name for this platform. */
export function npx(): string {
  return process.platform === "win32" ? "npx.cmd" : "npx";
}
