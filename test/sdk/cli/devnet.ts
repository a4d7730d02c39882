/** A throwaway `hardhat node` on a free loopback port with the suite deployed, for the CLI tests. */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "../../../node/cli/freePort";
import { tempDir } from "../../tempDir";

/** Repository root. */
export const ROOT = path.resolve(__dirname, "..", "..", "..");
const HARDHAT_BIN = path.join(ROOT, "node_modules", ".bin", "hardhat");
/** How long the node may take to start, and the deploy to finish. */
const NODE_START_TIMEOUT_MS = 60_000;
const DEPLOY_TIMEOUT_MS = 120_000;
const POLL_MS = 200;

/** A running devnet. */
export interface Devnet {
  rpc: string;
  deploymentsDir: string;
  dataDir: string;
  process: ChildProcess;
  /** Kills the node (process group) and removes the temp directories. */
  stop(): Promise<void>;
}


/** One JSON-RPC call to `rpc`. */
export async function rpcCall(rpc: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(rpc, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(5_000),
  });
  const reply = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
  return reply.result;
}

async function waitForRpc(rpc: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + NODE_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with ${child.exitCode}`);
    try {
      await rpcCall(rpc, "eth_chainId");
      return;
    } catch {
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
  throw new Error(`hardhat node did not answer at ${rpc} within ${NODE_START_TIMEOUT_MS} ms`);
}

function deploy(rpc: string, deploymentsDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      HARDHAT_BIN,
      ["run", "scripts/deploy.ts", "--network", "devnet"],
      {
        cwd: ROOT,
        timeout: DEPLOY_TIMEOUT_MS,
        env: {
          ...process.env,
          DEVNET_RPC_URL: rpc,
          DEVNET_CHAIN_ID: "31337",
          DEPLOY_DEV_MODE: "1",
          DEPLOY_EPOCH_LENGTH: "4",
          DEPLOYMENTS_DIR: deploymentsDir,
        },
      },
      (error, stdout, stderr) => (error ? reject(new Error(`deploy failed: ${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

/** Starts `hardhat node` on a free port and deploys the suite into a temp deployments directory. */
export async function startDevnet(): Promise<Devnet> {
  const port = await freePort();
  const rpc = `http://127.0.0.1:${port}`;
  const tmp = tempDir("mtcli-");
  const deploymentsDir = path.join(tmp, "deployments");
  const dataDir = path.join(tmp, "data");
  // Own process group, so stop() kills hardhat and anything it spawned, and nothing else.
  const child = spawn(HARDHAT_BIN, ["node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    detached: true,
    stdio: "ignore",
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await waitForRpc(rpc, child);
    await deploy(rpc, deploymentsDir);
  } catch (error) {
    await stop();
    throw error;
  }
  return { rpc, deploymentsDir, dataDir, process: child, stop };
}

export { freePort };
