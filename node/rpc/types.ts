import type { PoolTx } from "../txpool/types";
import type { DevMode } from "../dev/devMode";
import type { Chain } from "../chain/chain";
import type { Logger } from "../chain/types";
import type { ChainConfig } from "../config/types";
import type { NodeMetrics } from "../metrics";
import type { TxPool } from "../txpool/pool";
import type { FilterManager } from "./filters";
import type { Json } from "./format";
import type { Param } from "./params";

/** A client connection able to receive notifications (WebSocket); HTTP requests have none. */
export interface Connection {
  /** Unique id. */
  id: number;
  /** Sends a JSON message. */
  send(msg: Json): void;
  /** Registers cleanup for when the connection closes. */
  onClose(fn: () => void): void;
}

/** What RPC methods read and act on. */
export interface RpcContext {
  /** Chain configuration. */
  config: ChainConfig;
  /** The chain. */
  chain: Chain;
  /** The pool. */
  pool: TxPool;
  /** Filters and subscriptions. */
  filters: FilterManager;
  /** Metrics, or null. */
  metrics: NodeMetrics | null;
  /** web3_clientVersion. */
  clientVersion: string;
  /** Limits enforced by methods. */
  limits: RpcLimits;
  /** Logger. */
  log: Logger;
  /** Total LUX burned as base fees up to the head. */
  totalBurned(): bigint;
  /** Development mode (`--dev` node, devnet): absent on a validator of a real network. */
  dev?: DevMode;
  /** Automine: resolves once an accepted transaction is mined (absent when the node does not automine). */
  awaitMined?: (tx: PoolTx) => Promise<void>;
}

/** A registered method: declared params and a handler receiving them parsed. */
export interface MethodSpec {
  /** Declared parameters in order. */
  params: Param<unknown>[];
  /** Handler. */
  handler(ctx: RpcContext, args: unknown[], conn: Connection | undefined): Promise<Json> | Json;
}

/** Declares a method with typed parsed arguments. */
export function method<T extends unknown[]>(
  params: { [K in keyof T]: Param<T[K]> },
  handler: (ctx: RpcContext, args: T, conn: Connection | undefined) => Promise<Json> | Json,
): MethodSpec {
  return { params: params as Param<unknown>[], handler: handler as MethodSpec["handler"] };
}

/** Request and range limits. */
export interface RpcLimits {
  /** Max HTTP body / WebSocket message bytes. */
  maxBodyBytes: number;
  /** Max requests in a batch. */
  maxBatch: number;
  /** Max blocks an eth_getLogs range may span. */
  maxLogRange: bigint;
  /** Max logs eth_getLogs returns. */
  maxLogs: number;
  /** Gas cap of eth_call / eth_estimateGas. */
  gasCap: bigint;
}

/** Options of the RPC server. */
export interface RpcServerOptions {
  /** Host to bind (default 127.0.0.1). */
  host: string;
  /** Port (0 = any free port). */
  port: number;
  /** Allowed CORS origin ("*" by default). */
  corsOrigin: string;
}

/** The transport seam: something that answers a parsed JSON-RPC body. */
export interface RpcHandler {
  /** Answers a request or batch; undefined when only notifications were sent. */
  handle(body: unknown, conn: Connection | undefined): Promise<Json | undefined>;
}
