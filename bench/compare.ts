/**
 * `npm run bench`: our devnet (automine and --no-automine), `hardhat node` and anvil (automine and 0.2 s
 * blocks), one after the other in one invocation, each fresh, under the same pre-signed load:
 *  - client pattern: ethers v6, one eth_sendRawTransaction HTTP request per transaction, 16 senders,
 *    one request in flight per sender, strict nonce order (what wallets and scripts do);
 *  - batched pattern: the one of `npm run bench:node` (JSON-RPC batches, 200 senders, 4 posters).
 * Prints tx/s, p50/p99 send latency and p50 send→in-block latency side by side, and checks every
 * receipt succeeded. Sizes and the server list come from the environment (see README, Benchmark).
 */
import os from "node:os";
import { keccak256 } from "ethers";
import { countSuccess, waitNonces } from "./lib/rpc";
import { runBatchedPattern, runClientPattern, sendBatched } from "./lib/patterns";
import { BENCH_CHAIN_ID, SERVERS, startServer, type Server } from "./lib/servers";
import type { PhaseResult } from "./lib/stats";
import { buildWorkload, type Load, type Workload } from "./lib/workload";

/** Width of the server-name column (the longest name fits). */
const NAME_WIDTH = 36;

const env = (name: string, dflt: number): number => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer, got ${process.env[name]}`);
  return v;
};

const SIZES = {
  clientSenders: env("BENCH_CLIENT_SENDERS", 16),
  clientTransfers: env("BENCH_CLIENT_TRANSFERS", 10_000),
  clientErc20: env("BENCH_CLIENT_ERC20", 4_000),
  batchSenders: env("BENCH_SENDERS", 200),
  batchTransfers: env("BENCH_TRANSFERS", 6_000),
  batchErc20: env("BENCH_ERC20", 6_000),
};
const SETUP_TIMEOUT_MS = 180_000;

type Phase = "client LUX" | "client ERC20" | "batched LUX" | "batched ERC20";
const PHASES: Phase[] = ["client LUX", "client ERC20", "batched LUX", "batched ERC20"];

async function phase(server: Server, name: Phase, load: Load, run: (s: Server, l: Load) => Promise<PhaseResult>): Promise<PhaseResult | undefined> {
  if (load.count === 0) return undefined;
  const r = await run(server, load);
  const ok = await countSuccess(server.url, load.bySender.flat().map((raw) => keccak256(raw)));
  if (ok !== load.count) throw new Error(`${server.spec.name} ${name}: only ${ok}/${load.count} receipts succeeded`);
  console.log(`  ${server.spec.name.padEnd(NAME_WIDTH)} ${name.padEnd(14)} ${fmtRow(r)}`);
  return r;
}

async function runOne(key: string, w: Workload): Promise<Partial<Record<Phase, PhaseResult>>> {
  const spec = SERVERS[key];
  if (!spec) throw new Error(`unknown server "${key}" (known: ${Object.keys(SERVERS).join(", ")})`);
  const server = await startServer(spec);
  try {
    await sendBatched(server.url, w.setup.bySender);
    await waitNonces(server.url, w.setupNonces, SETUP_TIMEOUT_MS);
    const out: Partial<Record<Phase, PhaseResult>> = {};
    out["client LUX"] = await phase(server, "client LUX", w.client.transfers, runClientPattern);
    out["client ERC20"] = await phase(server, "client ERC20", w.client.erc20, runClientPattern);
    out["batched LUX"] = await phase(server, "batched LUX", w.batched.transfers, runBatchedPattern);
    out["batched ERC20"] = await phase(server, "batched ERC20", w.batched.erc20, runBatchedPattern);
    return out;
  } finally {
    await server.stop();
  }
}

const num = (v: number, digits = 0): string => (Number.isFinite(v) ? v.toFixed(digits) : "-");

function fmtRow(r: PhaseResult): string {
  return `${num(r.tps).padStart(7)} tx/s  send p50 ${num(r.sendP50, 1).padStart(6)} ms  p99 ${num(r.sendP99, 1).padStart(7)} ms  in block p50 ${num(r.inclusionP50, 0).padStart(6)} ms  server cpu ${num(r.cpuPerTx, 2)} ms/tx  client cpu ${num(r.clientCpuPerTx, 2)} ms/tx`;
}

function load(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(" ");
}

async function main(): Promise<void> {
  const keys = (process.env.BENCH_SERVERS ?? "devnet,devnet-no-automine,hardhat,anvil,anvil-0.2s").split(",").map((s) => s.trim()).filter(Boolean);
  console.log(`Benchmark on ${os.cpus().length} cores, load average ${load()} at start`);
  console.log(`client pattern: ${SIZES.clientTransfers} LUX + ${SIZES.clientErc20} ERC20 transfers, ${SIZES.clientSenders} senders (ethers v6, 1 request per tx, 1 in flight per sender)`);
  console.log(`batched pattern: ${SIZES.batchTransfers} LUX + ${SIZES.batchErc20} ERC20 transfers, ${SIZES.batchSenders} senders (JSON-RPC batches, 4 posters)`);
  const w = buildWorkload(BENCH_CHAIN_ID, SIZES);
  const results = new Map<string, Partial<Record<Phase, PhaseResult>> | Error>();
  for (const key of keys) {
    try {
      results.set(key, await runOne(key, w));
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      console.log(`  ${key}: FAILED: ${e.message.split("\n")[0]}`);
      results.set(key, e);
    }
  }
  console.log(`\nload average ${load()} at the end\n`);
  for (const p of PHASES) {
    console.log(`${p}`);
    console.log(`  ${"node".padEnd(NAME_WIDTH)} ${"tx/s".padStart(7)}  ${"send p50".padStart(9)}  ${"send p99".padStart(9)}  ${"in block p50".padStart(12)}  ${"cpu ms/tx".padStart(9)}  ${"client cpu".padStart(10)}`);
    for (const key of keys) {
      const r = results.get(key);
      const name = SERVERS[key]?.name ?? key;
      if (r instanceof Error || !r) console.log(`  ${name.padEnd(NAME_WIDTH)} failed`);
      else if (r[p]) {
        const x = r[p] as PhaseResult;
        console.log(`  ${name.padEnd(NAME_WIDTH)} ${num(x.tps).padStart(7)}  ${`${num(x.sendP50, 1)} ms`.padStart(9)}  ${`${num(x.sendP99, 1)} ms`.padStart(9)}  ${`${num(x.inclusionP50)} ms`.padStart(12)}  ${num(x.cpuPerTx, 2).padStart(9)}  ${num(x.clientCpuPerTx, 2).padStart(10)}`);
      }
    }
  }
  if ([...results.values()].some((r) => r instanceof Error)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
