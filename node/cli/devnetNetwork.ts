/**
 * `npm run devnet -- --validators N` (N > 1): N validator processes of `node/cli/node.ts` on 127.0.0.1,
 * each with its own data dir (<data-dir>/node-<i>), signer key (dev account i), RPC port (first on
 * --port) and libp2p port, every node listing the others as static peers (peer ids follow from the
 * keys). The suite is deployed through node 0 with all N dev accounts registered and staked in
 * `StakingManager`; from the next epoch boundary they propose by stake. Ctrl-C stops every process;
 * the next run continues the same chains from the same data dirs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { hexToBytes } from "@ethereumjs/util";
import { DEV_DERIVATION_PATH, DEV_MNEMONIC, devAccounts } from "../config";
import type { Logger } from "../chain/types";
import { LuxError } from "../errors";
import { peerIdOfSignerKey } from "../p2p";
import { REPO_ROOT, deploymentFile, npx, run, type DeploymentFile } from "./deploy";
import type { CliFlags } from "./options";
import { freePort } from "./freePort";

const NODE_ENTRY = path.join(REPO_ROOT, "node/cli/node.ts");
const START_TIMEOUT_MS = 120_000;

/** One validator process of the network. */
export interface ValidatorProcess {
  index: number;
  address: string;
  dataDir: string;
  rpcUrl: string;
  wsUrl: string;
  p2pAddress: string;
  /** The full command line (to restart it by hand). */
  args: string[];
  proc: ChildProcess;
}


/** The command line of validator i. */
export function validatorArgs(f: CliFlags, i: number, rpcPort: number, p2pPort: number, peers: string[]): string[] {
  const args = [
    "--max-semi-space-size=64", "-r", "ts-node/register/transpile-only", NODE_ENTRY,
    "--host", f.host, "--port", String(rpcPort), "--data-dir", path.join(f.dataDir, `node-${i}`),
    "--chain-id", f.chainId, "--slot-time", String(f.slotTime),
    // The same genesis on every validator: accounts, balances and gas limit are in its hash.
    "--accounts", String(f.accounts), "--balance", f.balance, "--gas-limit", f.gasLimit.toString(),
    ...(f.codeSizeLimit === undefined ? [] : ["--code-size-limit", String(f.codeSizeLimit)]),
    "--validator-key", devAccounts()[i].privateKey,
    // All N propose from block 1; the deploy then stakes the same N in StakingManager, whose set takes over.
    "--genesis-validators", String(f.validators),
    "--p2p-host", f.p2pHost, "--p2p-port", String(p2pPort),
    // A network follows the clock: building ahead of it when transactions wait would take other validators' slots.
    "--no-produce-on-tx", "--no-dev-mode",
  ];
  for (const p of peers) args.push("--peer", p);
  if (f.logTxs) args.push("--log-txs");
  // Like the single devnet: eth_sendRawTransaction answers once the transaction is in a block (whoever
  // proposed it), so scripts that send without waiting (the deploy script does) see their earlier contracts.
  if (f.automine) args.push("--automine");
  return args;
}

function startProcess(args: string[], index: number, log: Logger, showBlocks: () => boolean): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  const tag = `[v${index}]`;
  let buffered = "";
  const forward = (stream: "stdout" | "stderr") => (d: Buffer) => {
    const text = d.toString();
    buffered += text;
    for (const line of text.split("\n")) {
      if (!line || line.startsWith("Listening on") || line.startsWith("P2P listening") || /is not a local key; waiting/.test(line)) continue;
      // Block lines of node 0 show the chain; the other nodes print only warnings and errors.
      if (/ block #/.test(line) && (index !== 0 || !showBlocks())) continue;
      if (stream === "stdout") process.stdout.write(`${tag} ${line}\n`);
      else process.stderr.write(`${tag} ${line}\n`);
    }
  };
  proc.stdout?.on("data", forward("stdout"));
  proc.stderr?.on("data", forward("stderr"));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new LuxError("P2P_CONFIG", `validator ${index} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const check = (): void => {
      const m = /Listening on [^:\s]+:(\d+)/.exec(buffered);
      if (m && /P2P listening/.test(buffered)) {
        clearTimeout(timer);
        proc.stdout?.off("data", check);
        resolve({ proc, port: Number(m[1]) });
      }
    };
    proc.stdout?.on("data", check);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new LuxError("P2P_CONFIG", `validator ${index} exited with code ${code} before listening:\n${buffered.slice(-2000)}`));
    });
    proc.on("exit", (code, signal) => {
      if (!stopping) log.warn(`validator ${index} exited (${signal ?? code}); restart it with: node ${args.join(" ")}`);
    });
  });
}

/** Starts the N processes, fully meshed by static peers. */
export async function startValidators(f: CliFlags, log: Logger, showBlocks: () => boolean): Promise<ValidatorProcess[]> {
  const n = f.validators;
  const accounts = devAccounts();
  if (n < 2 || n > accounts.length) throw new LuxError("P2P_CONFIG", `--validators must be 1..${accounts.length}, got ${n}`);
  // Each validator pays for its own registration from its dev account.
  if (f.accounts < n) throw new LuxError("P2P_CONFIG", `--accounts ${f.accounts} funds fewer dev accounts than the ${n} validators need (each registers from its own); use --accounts ${n} or more`);
  fs.mkdirSync(f.dataDir, { recursive: true });
  const p2pPorts: number[] = [];
  for (let i = 0; i < n; i++) p2pPorts.push(f.p2pPort === 0 ? await freePort() : f.p2pPort + i);
  const rpcPorts = Array.from({ length: n }, (_, i) => (f.port === 0 ? 0 : f.port + i));
  const addrs = await Promise.all(
    accounts.slice(0, n).map(async (a, i) => `/ip4/${f.p2pHost}/tcp/${p2pPorts[i]}/p2p/${await peerIdOfSignerKey(hexToBytes(a.privateKey as `0x${string}`))}`),
  );
  const started = await Promise.all(
    addrs.map(async (addr, i) => {
      const args = validatorArgs(f, i, rpcPorts[i], p2pPorts[i], addrs.filter((_, j) => j !== i));
      const { proc, port } = await startProcess(args, i, log, showBlocks);
      const host = f.host;
      return {
        index: i, address: accounts[i].address, dataDir: path.join(f.dataDir, `node-${i}`), args, proc,
        rpcUrl: `http://${host}:${port}`, wsUrl: `ws://${host}:${port}`, p2pAddress: addr,
      };
    }),
  );
  return started;
}

let stopping = false;

/** Stops every process (SIGTERM, then SIGKILL after a grace period). */
export async function stopValidators(vs: ValidatorProcess[]): Promise<void> {
  stopping = true;
  await Promise.all(
    vs.map(
      (v) =>
        new Promise<void>((resolve) => {
          if (v.proc.exitCode !== null || v.proc.signalCode !== null) return resolve();
          const t = setTimeout(() => v.proc.kill("SIGKILL"), 15_000);
          v.proc.once("exit", () => {
            clearTimeout(t);
            resolve();
          });
          v.proc.kill("SIGTERM");
        }),
    ),
  );
}

async function rpcCall<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** The deployments file, if every contract in it has code on the chain behind `rpcUrl`. */
export async function liveDeploymentRpc(rpcUrl: string, chainId: bigint): Promise<DeploymentFile | undefined> {
  const file = deploymentFile(chainId);
  if (!fs.existsSync(file)) return undefined;
  const rec = JSON.parse(fs.readFileSync(file, "utf8")) as DeploymentFile;
  const addrs = Object.values(rec.contracts ?? {});
  if (addrs.length === 0) return undefined;
  for (const a of addrs) if ((await rpcCall<string>(rpcUrl, "eth_getCode", [a, "latest"])) === "0x") return undefined;
  return rec;
}

/** Deploys the suite through node 0 with the N validators registered, unless it is deployed already. */
export async function ensureNetworkDeployed(v0: ValidatorProcess, f: CliFlags, log: Logger, quiet: boolean): Promise<DeploymentFile | undefined> {
  const chainId = BigInt(f.chainId);
  const existing = await liveDeploymentRpc(v0.rpcUrl, chainId);
  if (existing) return existing;
  log.info(`Deploying the contract suite through validator 0, registering ${f.validators} validators…`);
  const env = {
    ...process.env, DEVNET_RPC_URL: v0.rpcUrl, DEVNET_CHAIN_ID: f.chainId,
    DEPLOY_DEV_MODE: process.env.DEPLOY_DEV_MODE ?? "1", DEPLOY_VALIDATORS: String(f.validators),
  };
  const code = await run(npx(), ["hardhat", "run", "scripts/deploy.ts", "--network", "devnet"], env, quiet);
  if (code !== 0) {
    log.error(`deploy script failed with exit code ${code}`);
    return undefined;
  }
  return liveDeploymentRpc(v0.rpcUrl, chainId);
}

/** The banner of a validator network. */
export function networkBanner(vs: ValidatorProcess[], f: CliFlags): string {
  const lines = ["Luxtensor devnet: a network of validators (proof of stake, libp2p, ethereumjs VM)", ""];
  lines.push("Accounts: the 20 dev accounts of `npm run devnet` (10000 LUX each)", `Mnemonic:        ${DEV_MNEMONIC}`, `Derivation path: ${DEV_DERIVATION_PATH}/{index}`, "");
  lines.push(`Chain ID: ${f.chainId}   Slot time: ${f.slotTime} ms (blocks follow the clock)`, "", "Validators", "==========");
  for (const v of vs) {
    lines.push(`(${v.index}) ${v.address}`, `    RPC ${v.rpcUrl}   WebSocket ${v.wsUrl}`, `    P2P ${v.p2pAddress}`, `    data ${v.dataDir}`);
  }
  lines.push("", `Listening on ${vs[0].rpcUrl.replace("http://", "")}`, `RPC URL: ${vs[0].rpcUrl}   WebSocket: ${vs[0].wsUrl}`, "");
  return lines.join("\n");
}
