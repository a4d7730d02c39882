/**
 * `npm run bench:node`: end-to-end throughput of the Luxtensor node against `hardhat node`, side by side
 * on this machine. For each server: pre-sign a load of native transfers and then of ERC20 transfers,
 * send them through JSON-RPC (batched HTTP requests, a few in flight), and time from the first send
 * until every sender's confirmed nonce reached its last transaction; then verify every receipt.
 * Prints tx/s per server and the ratio. Bounded counts and time; both servers are always stopped.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AbiCoder, Interface, Wallet, getCreateAddress, keccak256, parseEther, toUtf8Bytes } from "ethers";
import { DEV_ACCOUNT_COUNT, devAccounts } from "../node/config/devAccounts";
import { freePort } from "./lib/servers";
import { GAS_ERC20, GAS_TRANSFER, MAX_FEE, TIP, TOKEN_SOURCE } from "./lib/workload";

const ROOT = path.resolve(__dirname, "..");
/** Native transfers per run (bounded). */
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 6000);
/** ERC20 transfers per run (bounded). */
const ERC20_TRANSFERS = Number(process.env.BENCH_ERC20 ?? 6000);
/** Funded bench senders (each batch holds one transaction per sender of a worker). */
const SENDERS = Number(process.env.BENCH_SENDERS ?? 200);
/** Concurrent senders of batches. */
const WORKERS = 4;
/** Max seconds one phase may take before it is reported as timed out. */
const PHASE_TIMEOUT_MS = 180_000;
const START_TIMEOUT_MS = 90_000;

interface Server {
  name: string;
  url: string;
  chainId: bigint;
  proc: ChildProcess;
  stop(): Promise<void>;
}

function startProcess(name: string, cmd: string, args: string[], ready: RegExp, url: string, chainId: bigint): Promise<Server> {
  // Own process group: `npx hardhat node` runs the server as a grandchild, which must stop too.
  const proc = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: process.env, detached: true });
  let out = "";
  const signalGroup = (sig: NodeJS.Signals): void => {
    try {
      if (proc.pid !== undefined) process.kill(-proc.pid, sig);
    } catch {
      // Already gone.
    }
  };
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      signalGroup("SIGKILL");
      return;
    }
    signalGroup("SIGTERM");
    await new Promise<void>((r) => {
      const t = setTimeout(() => {
        signalGroup("SIGKILL");
        r();
      }, 10_000);
      proc.once("exit", () => {
        clearTimeout(t);
        r();
      });
    });
    // npx may exit before the server it started: make sure nothing of the group is left.
    signalGroup("SIGKILL");
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} did not start:\n${out.slice(-2000)}`));
    }, START_TIMEOUT_MS);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        proc.stdout?.off("data", onData);
        proc.stdout?.resume();
        resolve({ name, url, chainId, proc, stop });
      }
      if (out.length > 100_000) out = out.slice(-10_000);
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${out.slice(-2000)}`));
    });
  });
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return res.json();
}

async function call<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const r = (await post(url, { jsonrpc: "2.0", id: 1, method, params })) as { result?: T; error?: { message: string } };
  if (r.error) throw new Error(`${method}: ${r.error.message}`);
  return r.result as T;
}

interface Load {
  /** Signed raw transactions per sender, in nonce order. */
  bySender: string[][];
  /** All hashes. */
  hashes: string[];
  /** Total count. */
  count: number;
  /** Expected final nonce per sender. */
  finalNonce: Map<string, bigint>;
}

async function signLoad(server: Server, senders: Wallet[], count: number, make: (from: Wallet, i: number) => { to: string; data?: string; value?: bigint; gasLimit: bigint }): Promise<Load> {
  const nonces: bigint[] = [];
  for (let i = 0; i < senders.length; i += 100) {
    const out = (await post(server.url, senders.slice(i, i + 100).map((w, id) => ({ jsonrpc: "2.0", id, method: "eth_getTransactionCount", params: [w.address, "latest"] })))) as { id: number; result: string }[];
    out.sort((a, b) => a.id - b.id).forEach((r) => nonces.push(BigInt(r.result)));
  }
  const bySender: string[][] = senders.map(() => []);
  const finalNonce = new Map<string, bigint>();
  for (let i = 0; i < count; i++) {
    const s = i % senders.length;
    const w = senders[s];
    const nonce = nonces[s]++;
    bySender[s].push(await w.signTransaction({ type: 2, chainId: server.chainId, nonce, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: TIP, ...make(w, i) }));
    finalNonce.set(w.address, nonce + 1n);
  }
  const hashes = bySender.flat().map((r) => keccak256(r));
  return { bySender, hashes, count, finalNonce };
}

/**
 * Sends every sender's transactions in nonce order. Senders are split among workers; each worker posts
 * batches holding the next transaction of each of its senders, waiting for each reply. No sender ever
 * has two transactions in flight, which hardhat node's automine requires.
 */
async function sendAll(url: string, bySender: string[][]): Promise<void> {
  const groups: string[][][] = Array.from({ length: WORKERS }, () => []);
  bySender.forEach((list, i) => groups[i % WORKERS].push(list));
  const worker = async (lists: string[][]): Promise<void> => {
    for (let round = 0; ; round++) {
      const batch = lists.filter((l) => round < l.length).map((l) => l[round]);
      if (batch.length === 0) return;
      const out = (await post(url, batch.map((raw, id) => ({ jsonrpc: "2.0", id, method: "eth_sendRawTransaction", params: [raw] })))) as { error?: { message: string } }[];
      const failed = out.find((r) => r.error);
      if (failed) throw new Error(`send failed: ${failed.error?.message}`);
    }
  };
  await Promise.all(groups.map(worker));
}

async function waitMined(url: string, finalNonce: Map<string, bigint>, deadline: number): Promise<void> {
  const pending = new Map(finalNonce);
  while (pending.size > 0) {
    if (Date.now() > deadline) throw new Error("timed out waiting for receipts");
    const entries = [...pending];
    const out = (await post(url, entries.map(([a], id) => ({ jsonrpc: "2.0", id, method: "eth_getTransactionCount", params: [a, "latest"] })))) as { id: number; result: string }[];
    for (const r of out) if (BigInt(r.result) >= entries[r.id][1]) pending.delete(entries[r.id][0]);
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 20));
  }
}

async function verifyReceipts(url: string, hashes: string[]): Promise<number> {
  let ok = 0;
  for (let i = 0; i < hashes.length; i += 200) {
    const out = (await post(url, hashes.slice(i, i + 200).map((h, id) => ({ jsonrpc: "2.0", id, method: "eth_getTransactionReceipt", params: [h] })))) as { result: { status: string } | null }[];
    ok += out.filter((r) => r.result?.status === "0x1").length;
  }
  return ok;
}

async function phase(server: Server, label: string, load: Load): Promise<number> {
  const start = performance.now();
  await sendAll(server.url, load.bySender);
  await waitMined(server.url, load.finalNonce, Date.now() + PHASE_TIMEOUT_MS);
  const seconds = (performance.now() - start) / 1000;
  const ok = await verifyReceipts(server.url, load.hashes);
  if (ok !== load.count) throw new Error(`${server.name} ${label}: only ${ok}/${load.count} receipts succeeded`);
  const tps = load.count / seconds;
  console.log(`  ${server.name.padEnd(14)} ${label.padEnd(16)} ${String(load.count).padStart(6)} tx in ${seconds.toFixed(2)} s = ${tps.toFixed(0)} tx/s`);
  return tps;
}

function compileToken(): { abi: unknown[]; bytecode: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { compile(input: string): string };
  const out = JSON.parse(solc.compile(JSON.stringify({
    language: "Solidity",
    sources: { "BenchToken.sol": { content: TOKEN_SOURCE } },
    settings: { evmVersion: "prague", optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  }))) as { contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>> };
  const c = out.contracts["BenchToken.sol"].BenchToken;
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}

async function runServer(server: Server, wallets: Wallet[], senders: Wallet[], token: { abi: unknown[]; bytecode: string }): Promise<{ transfers: number; erc20: number }> {
  const [deployer, ...funders] = wallets;
  // Setup (not timed): each funder pays its share of the bench senders.
  const funding = await signLoad(server, funders, senders.length, (_w, i) => ({ to: senders[i].address, value: parseEther("100"), gasLimit: GAS_TRANSFER }));
  await sendAll(server.url, funding.bySender);
  await waitMined(server.url, funding.finalNonce, Date.now() + PHASE_TIMEOUT_MS);
  const recipients = Array.from({ length: 64 }, (_, i) => getCreateAddress({ from: deployer.address, nonce: 1000 + i }));
  const transfers = await signLoad(server, senders, TRANSFERS, (_w, i) => ({ to: recipients[i % recipients.length], value: 1n, gasLimit: GAS_TRANSFER }));
  const t1 = await phase(server, "LUX transfers", transfers);
  // ERC20 setup (not timed): deploy a token holding balances for every sender.
  const nonce = BigInt(await call<string>(server.url, "eth_getTransactionCount", [deployer.address, "latest"]));
  const args = AbiCoder.defaultAbiCoder().encode(["address[]", "uint256"], [senders.map((s) => s.address), parseEther("1000000")]);
  const deployRaw = await deployer.signTransaction({ type: 2, chainId: server.chainId, nonce, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: TIP, gasLimit: 12_000_000n, data: token.bytecode + args.slice(2) });
  const deployHash = await call<string>(server.url, "eth_sendRawTransaction", [deployRaw]);
  await waitMined(server.url, new Map([[deployer.address, nonce + 1n]]), Date.now() + 60_000);
  const tokenAddress = getCreateAddress({ from: deployer.address, nonce });
  const deployed = await call<{ status: string }>(server.url, "eth_getTransactionReceipt", [deployHash]);
  const code = await call<string>(server.url, "eth_getCode", [tokenAddress, "latest"]);
  if (deployed.status !== "0x1" || code.length <= 2) throw new Error(`${server.name}: token deployment failed`);
  const iface = new Interface(token.abi as never);
  const erc = await signLoad(server, senders, ERC20_TRANSFERS, (_w, i) => ({ to: tokenAddress, data: iface.encodeFunctionData("transfer", [recipients[i % recipients.length], 1n]), gasLimit: GAS_ERC20 }));
  const t2 = await phase(server, "ERC20 transfers", erc);
  return { transfers: t1, erc20: t2 };
}

async function main(): Promise<void> {
  const wallets = devAccounts(DEV_ACCOUNT_COUNT).map((a) => new Wallet(a.privateKey));
  const senders = Array.from({ length: SENDERS }, (_, i) => new Wallet(keccak256(toUtf8Bytes(`luxtensor-bench-sender-${i}`))));
  const token = compileToken();
  const servers: Server[] = [];
  const results: Record<string, { transfers: number; erc20: number }> = {};
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lux-bench-"));
  try {
    console.log(`Benchmark: ${TRANSFERS} LUX transfers then ${ERC20_TRANSFERS} ERC20 transfers from ${SENDERS} senders, ${WORKERS} concurrent batch senders (${os.cpus().length} cores)`);
    const luxPort = await freePort();
    // BENCH_NODE_ARGS: extra node flags for profiling runs (e.g. "--cpu-prof").
    const nodeFlags = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
    const lux = await startProcess("luxtensor", process.execPath, ["--max-semi-space-size=64", ...nodeFlags, "-r", "ts-node/register/transpile-only", "node/cli/node.ts", "--port", String(luxPort), "--data-dir", dataDir, "--quiet", ...(process.env.BENCH_LUX_FLAGS ?? "").split(" ").filter(Boolean)], /Listening on/, `http://127.0.0.1:${luxPort}`, 8898n);
    servers.push(lux);
    results.luxtensor = await runServer(lux, wallets, senders, token);
    await lux.stop();
    if (process.env.BENCH_SKIP_HARDHAT === "1") return;
    const hhPort = await freePort();
    const hh = await startProcess("hardhat node", process.platform === "win32" ? "npx.cmd" : "npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(hhPort)], /Started HTTP and WebSocket JSON-RPC server/, `http://127.0.0.1:${hhPort}`, 31337n);
    servers.push(hh);
    results["hardhat node"] = await runServer(hh, wallets, senders, token);
    await hh.stop();
    const l = results.luxtensor;
    const h = results["hardhat node"];
    console.log("");
    console.log("workload          luxtensor tx/s   hardhat node tx/s   ratio");
    console.log(`LUX transfers     ${l.transfers.toFixed(0).padStart(14)}   ${h.transfers.toFixed(0).padStart(17)}   ${(l.transfers / h.transfers).toFixed(2)}x`);
    console.log(`ERC20 transfers   ${l.erc20.toFixed(0).padStart(14)}   ${h.erc20.toFixed(0).padStart(17)}   ${(l.erc20 / h.erc20).toFixed(2)}x`);
  } finally {
    for (const s of servers) await s.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
