/**
 * `npm run bench:pipeline`: CPU cost of the node's own transaction path without HTTP or a client, in one
 * process: txpool admission (decode, sender recovery, checks, journal) and block building in blocks of
 * BENCH_BLOCK_TXS, for LUX and ERC20 transfers. Reports ms per transaction for each stage, which is far
 * less sensitive to the machine's load than end-to-end tx/s. A tool for profiling the node.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet, getBytes } from "ethers";
import { createNode, type LuxNode } from "../node/node";
import { devAccounts, devChainConfig } from "../node/config";
import type { Logger } from "../node/chain/types";
import { buildWorkload, type Load } from "./lib/workload";

const N = Number(process.env.BENCH_TRANSFERS ?? 4000);
const BLOCK_TXS = Number(process.env.BENCH_BLOCK_TXS ?? 16);
const silent: Logger = { info: () => {}, warn: () => {}, error: (m) => console.error(m) };

let signers: string[] = [];

async function build(node: LuxNode, keys: string[]): Promise<number> {
  const chain = node.chain;
  const duty = await chain.engine.duty(chain.parentInfo(), chain.head.slot + 1n);
  if (signers.length === 0) signers = keys.map((k) => new Wallet(k).address.toLowerCase());
  const i = signers.indexOf(duty.proposer.signer.toLowerCase());
  const head = await chain.produce(duty, getBytes(keys[i]), node.pool.source(chain.head.block.header.calcNextBaseFee()));
  return head.record.block.transactions.length;
}

/** CPU time of this process (user + system) in ms: steadier than wall time on a shared machine. */
function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

async function stage(node: LuxNode, keys: string[], label: string, load: Load): Promise<void> {
  // Feed the pool in rounds of BLOCK_TXS (one tx per sender per round) and build after each round.
  const rounds = Math.max(...load.bySender.map((l) => l.length));
  let addMs = 0;
  let buildMs = 0;
  let blocks = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let pending = 0;
  for (let r = 0; r < rounds; r++) {
    for (const list of load.bySender) {
      if (r >= list.length) continue;
      const a = cpuMs();
      await node.pool.add(getBytes(list[r]));
      addMs += cpuMs() - a;
      if (++pending >= BLOCK_TXS) {
        const b = cpuMs();
        pending -= await build(node, keys);
        buildMs += cpuMs() - b;
        blocks++;
      }
    }
  }
  while (node.pool.size > 0) {
    const b = cpuMs();
    await build(node, keys);
    buildMs += cpuMs() - b;
    blocks++;
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const n = load.count;
  console.log(`${label.padEnd(8)} ${n} tx, ${blocks} blocks: admit ${(addMs / n).toFixed(3)} cpu-ms/tx, build ${(buildMs / n).toFixed(3)} cpu-ms/tx (${(buildMs / blocks).toFixed(2)} ms/block), wall ${(n / (wall / 1000)).toFixed(0)} tx/s, cpu ${((cpu.user + cpu.system) / 1000 / n).toFixed(3)} ms/tx`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lux-pipeline-"));
  const keys = devAccounts().map((a) => a.privateKey);
  const chainId = 31337n;
  const w = buildWorkload(chainId, { clientSenders: 16, clientTransfers: N, clientErc20: Number(process.env.BENCH_ERC20 ?? 2000), batchSenders: 0, batchTransfers: 0, batchErc20: 0 });
  const node = await createNode({ dataDir: dir, chain: devChainConfig({ chainId }), port: 0, signerKeys: keys, produce: false, logBlocks: false, log: silent });
  try {
    for (const list of w.setup.bySender) for (const raw of list) await node.pool.add(getBytes(raw));
    while (node.pool.size > 0) await build(node, keys);
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; blocks of ${BLOCK_TXS} transactions`);
    await stage(node, keys, "LUX", w.client.transfers);
    await stage(node, keys, "ERC20", w.client.erc20);
  } finally {
    await node.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
