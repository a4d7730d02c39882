import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { tempDir } from "../tempDir";

/** Repo root (the node CLI is started from there). */
export const ROOT = path.resolve(__dirname, "../..");
const NODE_ENTRY = path.join(ROOT, "node/cli/node.ts");
const START_TIMEOUT_MS = 60_000;
/** Same V8 young-generation size as `npm run node` (block building allocates heavily). */
export const NODE_V8_FLAGS = ["--max-semi-space-size=64"];
const STOP_TIMEOUT_MS = 15_000;

/** A node running in a child process on a random port. */
export interface SpawnedNode {
  /** Child process. */
  proc: ChildProcess;
  /** HTTP RPC URL. */
  url: string;
  /** WebSocket URL. */
  wsUrl: string;
  /** Port. */
  port: number;
  /** Data dir. */
  dataDir: string;
  /** Everything the process printed. */
  output: () => string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill9(): Promise<void>;
}

/** A fresh temporary data dir. */
export function tempDataDir(tag: string): string {
  return tempDir(`lux-${tag}-`);
}

function waitExit(proc: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const t = setTimeout(() => {
      proc.kill("SIGKILL");
      resolve();
    }, timeoutMs);
    proc.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** Starts `node/cli/node.ts` on port 0 and waits for its "Listening on" line. */
export async function startNode(opts: { dataDir?: string; args?: string[]; timeoutMs?: number } = {}): Promise<SpawnedNode> {
  const dataDir = opts.dataDir ?? tempDataDir("node");
  const proc = spawn(process.execPath, [...NODE_V8_FLAGS, "-r", "ts-node/register/transpile-only", NODE_ENTRY, "--port", "0", "--data-dir", dataDir, ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const limit = opts.timeoutMs ?? START_TIMEOUT_MS;
    // A node that did not start in time is killed: nothing is left running behind a failed test.
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`node did not start within ${limit} ms:\n${out}`));
    }, limit);
    const check = (): void => {
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout?.on("data", check);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    proc,
    port,
    dataDir,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    output: () => out,
    stop: async () => {
      proc.kill("SIGTERM");
      await waitExit(proc, STOP_TIMEOUT_MS);
    },
    kill9: async () => {
      proc.kill("SIGKILL");
      await waitExit(proc, STOP_TIMEOUT_MS);
    },
  };
}

/** One raw JSON-RPC call; returns the whole response object. */
export async function rawRpc(url: string, body: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** Calls a method and returns `result` or throws the RPC error. */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params });
  const r = json as { result?: T; error?: { code: number; message: string } };
  if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.result as T;
}

/** Polls `fn` until it returns a truthy value or the timeout passes. */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Compiles Solidity sources with the pinned solc npm package (offline) for evm prague. */
export function compileSolidity(sources: Record<string, string>): Record<string, { abi: unknown[]; bytecode: string }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, { content: v }])),
    settings: { evmVersion: "prague", optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const result: Record<string, { abi: unknown[]; bytecode: string }> = {};
  for (const file of Object.values(out.contracts)) {
    for (const [name, c] of Object.entries(file)) result[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  }
  return result;
}

/** The dev accounts' private keys (test mnemonic), first n. */
export function devKeys(n: number): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { devAccounts } = require("../../node/config/devAccounts") as typeof import("../../node/config/devAccounts");
  return devAccounts(n).map((a) => a.privateKey);
}

/** Runs `npx <args>` in the repo root; resolves with its exit code and combined output, killed after `timeoutMs`. */
export function runNpx(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.platform === "win32" ? "npx.cmd" : "npx", args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, out });
    });
  });
}
