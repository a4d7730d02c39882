import { Option, type Command } from "commander";
import type { RpcLimits } from "../rpc/types";

type NumericLimit = Exclude<keyof RpcLimits, "allowUnprotectedTxs">;

/** One RPC limit flag: its name, the limit it sets, and the one-line doc shown in help. */
interface LimitFlag {
  flag: string;
  key: NumericLimit;
  doc: string;
}

/** The RPC limit flags (defaults in node.ts DEFAULT_LIMITS; the table with errors is in node/README.md). */
export const LIMIT_FLAGS: LimitFlag[] = [
  { flag: "rpc-gas-cap", key: "gasCap", doc: "gas cap of eth_call / eth_estimateGas (default 50000000)" },
  { flag: "rpc-evm-timeout", key: "evmTimeoutMs", doc: "ms one eth_call / eth_estimateGas may run (default 5000)" },
  { flag: "rpc-timeout", key: "requestTimeoutMs", doc: "ms one request or batch may take (default 30000)" },
  { flag: "rpc-max-concurrent-calls", key: "maxConcurrentCalls", doc: "simulations run at once, the rest queue (default 4)" },
  { flag: "rpc-batch-limit", key: "maxBatch", doc: "max requests in a batch (default 1000)" },
  { flag: "rpc-max-body", key: "maxBodyBytes", doc: "max HTTP request bytes (default 5 MiB)" },
  { flag: "rpc-max-response", key: "maxResponseBytes", doc: "max response or batch-response bytes (default 25 MiB)" },
  { flag: "rpc-logs-max-results", key: "maxLogs", doc: "max logs one eth_getLogs returns (default 10000)" },
  { flag: "rpc-logs-max-range", key: "maxLogRange", doc: "max blocks an eth_getLogs range spans, 0 = any (default 0)" },
  { flag: "rpc-logs-max-criteria", key: "maxLogCriteria", doc: "max addresses / alternatives per topic in a log filter (default 1000)" },
  { flag: "rpc-feehistory-max-blocks", key: "maxFeeHistoryBlocks", doc: "eth_feeHistory covers at most this many blocks (default 1024)" },
  { flag: "rpc-feehistory-max-percentiles", key: "maxFeeHistoryPercentiles", doc: "max eth_feeHistory reward percentiles (default 100)" },
  { flag: "ws-max-message", key: "wsMaxMessageBytes", doc: "max WebSocket message bytes (default 5 MiB)" },
  { flag: "ws-max-pending", key: "wsMaxPending", doc: "max requests in flight per WebSocket connection (default 100)" },
  { flag: "ws-max-subscriptions", key: "wsMaxSubscriptions", doc: "max subscriptions per WebSocket connection (default 1000)" },
  { flag: "ws-max-buffered", key: "wsMaxBufferedBytes", doc: "disconnect a WebSocket client with this many unread bytes (default 64 MiB)" },
];

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

const positive = (v: string): bigint => {
  if (!/^[0-9]+$/.test(v)) throw new Error(`not a non-negative integer: ${v}`);
  return BigInt(v);
};

/** Adds the RPC limit flags to a command, in their own help group. */
export function addLimitFlags(cmd: Command): void {
  cmd.optionsGroup?.("RPC limits:");
  for (const f of LIMIT_FLAGS) cmd.addOption(new Option(`--${f.flag} <n>`, f.doc).argParser(positive));
  cmd.addOption(new Option("--allow-unprotected-txs", "accept transactions without EIP-155 replay protection over RPC").default(false));
}

/** The limits the flags set (only those given). */
export function readLimitFlags(cmd: Command): Partial<RpcLimits> {
  const o = cmd.opts() as Record<string, unknown>;
  const out: Partial<Record<keyof RpcLimits, unknown>> = {};
  for (const f of LIMIT_FLAGS) {
    const v = o[camel(f.flag)];
    if (typeof v !== "bigint") continue;
    out[f.key] = f.key === "gasCap" || f.key === "maxLogRange" || f.key === "maxFeeHistoryBlocks" ? v : Number(v);
  }
  if (o.allowUnprotectedTxs === true) out.allowUnprotectedTxs = true;
  return out as Partial<RpcLimits>;
}
