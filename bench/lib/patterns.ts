import { JsonRpcProvider, keccak256 } from "ethers";
import { post } from "./rpc";
import type { Server } from "./servers";
import { ownCpuMs, quantile, type PhaseResult } from "./stats";
import { InclusionWatcher } from "./watch";
import type { Load } from "./workload";

/** Max time one phase may take. */
const PHASE_TIMEOUT_MS = Number(process.env.BENCH_PHASE_TIMEOUT_MS ?? 300_000);
/** Concurrent batch posters of the batched pattern. */
const WORKERS = 4;

interface Timing {
  sendLatency: number[];
  sentAt: Map<string, number>;
  /** Hash → when it was known to be in a block (automine: the answer; otherwise the watcher). */
  inBlockAt: Map<string, number>;
}

/** CPU counters at a phase's start: the server's processes and this (client) process. */
interface CpuStart {
  server: number;
  client: number;
}

const cpuNow = (server: Server): CpuStart => ({ server: server.cpuMs(), client: ownCpuMs() });

async function finish(server: Server, load: Load, t: Timing, start: number, cpu0: CpuStart, watcher: InclusionWatcher | undefined): Promise<PhaseResult> {
  const hashes = load.bySender.flat().map((r) => keccak256(r));
  if (watcher) {
    await watcher.waitAll(hashes, PHASE_TIMEOUT_MS);
    for (const h of hashes) t.inBlockAt.set(h, watcher.seen.get(h) as number);
  }
  let end = start;
  const inclusion: number[] = [];
  for (const h of hashes) {
    const at = t.inBlockAt.get(h) as number;
    if (at > end) end = at;
    inclusion.push(at - (t.sentAt.get(h) as number));
  }
  return {
    count: load.count,
    tps: load.count / ((end - start) / 1000),
    sendP50: quantile(t.sendLatency, 0.5),
    sendP99: quantile(t.sendLatency, 0.99),
    inclusionP50: quantile(inclusion, 0.5),
    cpuPerTx: (server.cpuMs() - cpu0.server) / load.count,
    clientCpuPerTx: (ownCpuMs() - cpu0.client) / load.count,
  };
}

async function openWatcher(server: Server): Promise<InclusionWatcher | undefined> {
  if (server.spec.answersWhenMined) return undefined;
  const w = new InclusionWatcher();
  await w.open(server.wsUrl, server.url);
  return w;
}

/**
 * The ordinary client: ethers v6 `JsonRpcProvider` (no request batching), one `eth_sendRawTransaction`
 * HTTP request per transaction, every sender with one request in flight, nonces strictly in order.
 */
export async function runClientPattern(server: Server, load: Load): Promise<PhaseResult> {
  const provider = new JsonRpcProvider(server.url, Number(server.spec.chainId), { staticNetwork: true, batchMaxCount: 1 });
  const watcher = await openWatcher(server);
  const t: Timing = { sendLatency: [], sentAt: new Map(), inBlockAt: new Map() };
  const cpu0 = cpuNow(server);
  const start = performance.now();
  try {
    await Promise.all(load.bySender.map(async (list) => {
      for (const raw of list) {
        const t0 = performance.now();
        const hash = ((await provider.send("eth_sendRawTransaction", [raw])) as string).toLowerCase();
        const t1 = performance.now();
        t.sendLatency.push(t1 - t0);
        t.sentAt.set(hash, t0);
        if (server.spec.answersWhenMined) t.inBlockAt.set(hash, t1);
      }
    }));
    return await finish(server, load, t, start, cpu0, watcher);
  } finally {
    watcher?.close();
    provider.destroy();
  }
}

/**
 * The batched pattern of `npm run bench:node`: senders split among 4 workers, each posting one JSON-RPC
 * batch holding the next transaction of each of its senders and waiting for the reply.
 */
export async function runBatchedPattern(server: Server, load: Load): Promise<PhaseResult> {
  const watcher = await openWatcher(server);
  const t: Timing = { sendLatency: [], sentAt: new Map(), inBlockAt: new Map() };
  const cpu0 = cpuNow(server);
  const start = performance.now();
  try {
    await sendBatched(server.url, load.bySender, (raws, t0, t1) => {
      t.sendLatency.push(t1 - t0);
      for (const raw of raws) {
        const h = keccak256(raw);
        t.sentAt.set(h, t0);
        if (server.spec.answersWhenMined) t.inBlockAt.set(h, t1);
      }
    });
    return await finish(server, load, t, start, cpu0, watcher);
  } finally {
    watcher?.close();
  }
}

/** Posts every sender's transactions in nonce order as batches (one per sender per batch); throws on a rejection. */
export async function sendBatched(url: string, bySender: string[][], onBatch?: (raws: string[], t0: number, t1: number) => void): Promise<void> {
  const groups: string[][][] = Array.from({ length: WORKERS }, () => []);
  bySender.forEach((list, i) => groups[i % WORKERS].push(list));
  const worker = async (lists: string[][]): Promise<void> => {
    for (let round = 0; ; round++) {
      const batch = lists.filter((l) => round < l.length).map((l) => l[round]);
      if (batch.length === 0) return;
      const t0 = performance.now();
      const out = (await post(url, batch.map((raw, id) => ({ jsonrpc: "2.0", id, method: "eth_sendRawTransaction", params: [raw] })))) as { error?: { message: string } }[];
      onBatch?.(batch, t0, performance.now());
      const failed = out.find((r) => r.error);
      if (failed) throw new Error(`send failed: ${failed.error?.message}`);
    }
  };
  await Promise.all(groups.filter((g) => g.length > 0).map(worker));
}
