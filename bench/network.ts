/**
 * `npm run bench:network`: a measurement, not a test. Starts (1) one node as the single-validator devnet
 * runs it (blocks as soon as transactions wait) and (2) four validator processes connected over libp2p
 * on 127.0.0.1 (blocks follow 1 s slots), then prints side by side: end-to-end tx/s of native transfers
 * sent through one node's RPC until all are mined, finality latency (slots and seconds from a block's
 * arrival at the head to its arrival at `finalized`), and the range-sync speed of a late non-validator in
 * blocks/s. Every process is stopped at the end; every wait is bounded.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { hexToBytes } from "@ethereumjs/util";
import { Wallet } from "ethers";
import { devAccounts } from "../node/config/devAccounts";
import { peerIdOfSignerKey } from "../node/p2p";
import { freePort } from "../node/cli/freePort";

const ROOT = path.resolve(__dirname, "..");
const ENTRY = path.join(ROOT, "node/cli/node.ts");
const TXS = Number(process.env.BENCH_NET_TXS ?? 2000);
const SENDERS = 10;
const SLOT_MS = 1000;
const FINALITY_SAMPLES = Number(process.env.BENCH_NET_FINALITY_BLOCKS ?? 8);
const TIMEOUT_MS = 240_000;

interface Proc {
  proc: ChildProcess;
  url: string;
  startedAt: number;
}


async function start(args: string[]): Promise<Proc> {
  const startedAt = Date.now();
  const proc = spawn(process.execPath, ["--max-semi-space-size=64", "-r", "ts-node/register/transpile-only", ENTRY, "--port", "0", "--quiet", ...args], {
    cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" }, stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const port = await until(async () => /Listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1], 120_000, `node start:\n${out}`);
  return { proc, url: `http://127.0.0.1:${port}`, startedAt };
}

async function until<T>(fn: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

const blockNumber = async (url: string): Promise<number> => Number(await rpc<string>(url, "eth_blockNumber"));

/** Sends TXS pre-signed transfers in batches and times until every sender's last one is mined. */
async function throughput(url: string): Promise<number> {
  const chainId = BigInt(await rpc<string>(url, "eth_chainId"));
  const senders = devAccounts(20).slice(20 - SENDERS).map((a) => new Wallet(a.privateKey));
  const per = Math.ceil(TXS / SENDERS);
  const nonces = await Promise.all(senders.map(async (w) => Number(await rpc<string>(url, "eth_getTransactionCount", [w.address, "pending"]))));
  const raws: string[] = [];
  for (let i = 0; i < per; i++) {
    for (const [k, w] of senders.entries()) {
      raws.push(await w.signTransaction({ to: "0x000000000000000000000000000000000000dEaD", value: 1n, nonce: nonces[k] + i, gasLimit: 21000, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, chainId, type: 2 }));
    }
  }
  const t0 = Date.now();
  for (let i = 0; i < raws.length; i += 200) {
    const batch = raws.slice(i, i + 200).map((r, j) => ({ jsonrpc: "2.0", id: i + j, method: "eth_sendRawTransaction", params: [r] }));
    await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch) });
  }
  await until(async () => {
    const counts = await Promise.all(senders.map((w) => rpc<string>(url, "eth_getTransactionCount", [w.address, "latest"])));
    return counts.every((c, k) => Number(c) >= nonces[k] + per);
  }, TIMEOUT_MS, "all transfers mined");
  return (per * SENDERS) / ((Date.now() - t0) / 1000);
}

/** For FINALITY_SAMPLES new head blocks: how long until `finalized` reaches them. */
async function finality(url: string): Promise<{ slots: number; seconds: number } | undefined> {
  const seen = new Map<number, number>();
  const latencies: number[] = [];
  const deadline = Date.now() + TIMEOUT_MS;
  const first = await blockNumber(url);
  while (latencies.length < FINALITY_SAMPLES && Date.now() < deadline) {
    const [head, fin] = await Promise.all([
      rpc<{ number: string }>(url, "eth_getBlockByNumber", ["latest", false]),
      rpc<{ number: string } | null>(url, "eth_getBlockByNumber", ["finalized", false]),
    ]);
    const h = Number(head.number);
    if (!seen.has(h)) seen.set(h, Date.now());
    const f = fin ? Number(fin.number) : 0;
    if (f === h && seen.size < 3) return undefined; // finalized is simply the head: no finality gadget running
    for (const [n, t] of seen) {
      if (n <= f && n > first) {
        latencies.push(Date.now() - t);
        seen.delete(n);
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (latencies.length === 0) return undefined;
  const ms = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  return { seconds: ms / 1000, slots: ms / SLOT_MS };
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lux-bench-net-"));
  const procs: Proc[] = [];
  try {
    console.log(`Single-validator devnet node (blocks on transactions), ${TXS} transfers…`);
    const single = await start(["--data-dir", path.join(tmp, "single"), "--validator-key", devAccounts()[0].privateKey, "--no-p2p"]);
    procs.push(single);
    const singleTps = await throughput(single.url);
    single.proc.kill("SIGTERM");

    console.log("Four validators over libp2p (1 s slots)…");
    const keys = devAccounts(4).map((a) => a.privateKey);
    const ports = await Promise.all(keys.map(() => freePort()));
    const addrs = await Promise.all(keys.map(async (k, i) => `/ip4/127.0.0.1/tcp/${ports[i]}/p2p/${await peerIdOfSignerKey(hexToBytes(k as `0x${string}`))}`));
    const vs = await Promise.all(
      keys.map((k, i) =>
        start([
          "--data-dir", path.join(tmp, `v${i}`), "--validator-key", k, "--genesis-validators", "4", "--slot-time", String(SLOT_MS),
          "--no-produce-on-tx", "--no-dev-mode", "--p2p-port", String(ports[i]), ...addrs.filter((_, j) => j !== i).flatMap((a) => ["--peer", a]),
        ]),
      ),
    );
    procs.push(...vs);
    await until(async () => (await Promise.all(vs.map((v) => blockNumber(v.url)))).every((n) => n >= 5), 120_000, "four validators at block 5");
    const fin = await finality(vs[0].url);
    const netTps = await throughput(vs[0].url);
    await until(async () => (await blockNumber(vs[0].url)) >= 40, 120_000, "40 blocks");
    const target = await blockNumber(vs[0].url);
    const late = await start(["--data-dir", path.join(tmp, "late"), "--validator-key", devAccounts(12)[11].privateKey, "--genesis-validators", "4", "--no-dev-mode", "--slot-time", String(SLOT_MS), ...addrs.flatMap((a) => ["--peer", a])]);
    procs.push(late);
    const listening = Date.now();
    await until(async () => (await blockNumber(late.url)) >= target, TIMEOUT_MS, "the late node to sync");
    const syncSeconds = (Date.now() - listening) / 1000;

    const row = (k: string, a: string, b: string): string => `${k.padEnd(34)} ${a.padEnd(22)} ${b}`;
    console.log("");
    console.log(row("", "single-node devnet", "4 validators (libp2p)"));
    console.log(row("end-to-end tx/s through one RPC", singleTps.toFixed(0), netTps.toFixed(0)));
    console.log(row("finality latency", "final = head", fin ? `${fin.slots.toFixed(1)} slots / ${fin.seconds.toFixed(1)} s` : "n/a (finalized = head)"));
    console.log(row("late node range sync", "-", `${target} blocks in ${syncSeconds.toFixed(1)} s = ${(target / syncSeconds).toFixed(0)} blocks/s`));
  } finally {
    for (const p of procs) if (p.proc.exitCode === null) p.proc.kill("SIGKILL");
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
