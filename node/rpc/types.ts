import type { PeerInfo } from "../p2p/types";
import type { PoolTx } from "../txpool/types";
import type { DevMode } from "../dev/devMode";
import type { Chain } from "../chain/chain";
import type { Logger } from "../chain/types";
import type { InclusionWaiter } from "../chain/inclusion";
import type { ChainConfig } from "../config/types";
import type { NodeMetrics } from "../metrics";
import type { TxPool } from "../txpool/pool";
import type { FilterManager } from "./filters";
import type { Json } from "./format";
import type { Param } from "./params";
import type { HttpRoute } from "./static";
import type { Semaphore } from "./semaphore";

/** A client connection able to receive notifications (WebSocket); HTTP requests have none. */
export interface Connection {
  /** Unique id. */
  id: number;
  /** Sends a JSON message. */
  send(msg: Json): void;
  /** Registers cleanup for when the connection closes. */
  onClose(fn: () => void): void;
  /** Subscriptions this connection holds (counted against wsMaxSubscriptions). */
  subscriptions: number;
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
  /** Slots for simulations (eth_call, eth_estimateGas, tracing): at most limits.maxConcurrentCalls at once. */
  simulations: Semaphore;
  /** Logger. */
  log: Logger;
  /** Total LUX burned as base fees up to the head. */
  totalBurned(): bigint;
  /** Development mode (`--dev` node, devnet): absent on a validator of a real network. */
  dev?: DevMode;
  /** Whether `lux_importBlock` is enabled (flag --allow-import-block). */
  allowImportBlock?: boolean;
  /** Peer-to-peer state for net_ and lux_peers (absent: no networking). */
  network?: () => { listening: boolean; peerId?: string; addresses: string[]; peers: PeerInfo[] };
  /** Automine: resolves once an accepted transaction is mined (absent when the node does not automine). */
  awaitMined?: (tx: PoolTx) => Promise<void>;
  /** Waits for transactions to land in a block (EIP-7966's synchronous sends; absent in some tests). */
  inclusion?: InclusionWaiter;
}

/** One request in flight: long-running handlers watch its signal and stop when it fires. */
export interface RequestScope {
  /** Aborted (with a LuxError as reason) when the client disconnects or the request times out. */
  signal: AbortSignal;
}

/** A registered method: declared params and a handler receiving them parsed. */
export interface MethodSpec {
  /** Declared parameters in order. */
  params: Param<unknown>[];
  /** Handler. */
  handler(ctx: RpcContext, args: unknown[], conn: Connection | undefined, scope: RequestScope): Promise<Json> | Json;
  /**
   * Dev methods whose work the caller sized on purpose (hardhat_mine of a 50,400-block voting period):
   * the request time-out (--rpc-timeout) does not cut them; a client disconnect still ends the wait.
   */
  untimed?: true;
  /** The params may also be one object, not an array (anvil_reorg's, as alloy sends it): it is the first argument. */
  objectParams?: true;
}

/** The same method, exempt from the request time-out (see `MethodSpec.untimed`). */
export function untimed(spec: MethodSpec): MethodSpec {
  return { ...spec, untimed: true };
}

/** Declares a method with typed parsed arguments. */
export function method<T extends unknown[]>(
  params: { [K in keyof T]: Param<T[K]> },
  handler: (ctx: RpcContext, args: T, conn: Connection | undefined, scope: RequestScope) => Promise<Json> | Json,
): MethodSpec {
  return { params: params as Param<unknown>[], handler: handler as MethodSpec["handler"] };
}

/**
 * Request, response and execution limits (defaults in node.ts, flags in cli/options.ts, the table in
 * node/README.md). Each one, when hit, is a JSON-RPC error that names the limit and its value.
 */
export interface RpcLimits {
  /** Max HTTP body bytes. */
  maxBodyBytes: number;
  /** Max requests in a batch. */
  maxBatch: number;
  /** Max bytes of one response or of a whole batch response (geth: 25 MB). */
  maxResponseBytes: number;
  /** Wall-clock budget of one request or batch, in ms (geth's HTTP write time-out: 30 s). */
  requestTimeoutMs: number;
  /** Max blocks an eth_getLogs range may span; 0 = no limit (results are limited instead). */
  maxLogRange: bigint;
  /** Max logs eth_getLogs returns. */
  maxLogs: number;
  /** Max addresses, and max alternatives per topic position, of a log filter (geth: 1000). */
  maxLogCriteria: number;
  /** Max blocks eth_feeHistory covers (larger counts are clipped, like geth). */
  maxFeeHistoryBlocks: bigint;
  /** Max reward percentiles of eth_feeHistory (geth: 100). */
  maxFeeHistoryPercentiles: number;
  /** Gas cap of eth_call / eth_estimateGas (geth: 50M); bounds their memory too. */
  gasCap: bigint;
  /** Wall-clock budget of one eth_call / eth_estimateGas, in ms (geth: 5 s). */
  evmTimeoutMs: number;
  /** Simulations (eth_call, eth_estimateGas) running at once; the rest wait their turn. */
  maxConcurrentCalls: number;
  /** Max bytes of one WebSocket message. */
  wsMaxMessageBytes: number;
  /** Max requests one WebSocket connection may have in flight. */
  wsMaxPending: number;
  /** Max subscriptions of one WebSocket connection. */
  wsMaxSubscriptions: number;
  /** A WebSocket client that lets this many bytes pile up unread is disconnected. */
  wsMaxBufferedBytes: number;
  /** Accept legacy transactions without EIP-155 replay protection (geth: --rpc.allow-unprotected-txs). */
  allowUnprotectedTxs: boolean;
}

/** Options of the RPC server. */
export interface RpcServerOptions {
  /** Host to bind (default 127.0.0.1). */
  host: string;
  /** Port (0 = any free port). */
  port: number;
  /** Allowed CORS origin ("*" by default). */
  corsOrigin: string;
  /** Extra GET routes tried first (the dashboard, node/rpc/static.ts). */
  route?: HttpRoute;
}

/** The transport seam: something that answers a parsed JSON-RPC body. */
export interface RpcHandler {
  /** Answers a request or batch; undefined when only notifications were sent. `signal` cancels the work. */
  handle(body: unknown, conn: Connection | undefined, signal: AbortSignal): Promise<Json | undefined>;
}
