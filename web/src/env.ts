/**
 * The page's connection to the node that serves it: the deployment record (from the node, see
 * node/rpc/static.ts), a WebSocket provider for subscriptions and reads, and an SDK `Client` built on
 * it so the page calls the same actions as mtcli (getValidators, getBalances, getPoolTotals, …).
 */
import { Network, WebSocketProvider, type Provider, type Signer } from "ethers";
import { connectContracts } from "../../sdk/client/contracts";
import type { Deployment } from "../../sdk/client/deployments";
import { DEFAULT_RPC_POLICY } from "../../sdk/client/rpc";
import type { Client } from "../../sdk/client/types";

/** Where the page's API lives relative to the page (served under /dashboard/). */
export const API_BASE = "./api";

/** Reads a JSON resource of the dashboard API; throws with the server's message on failure. */
export async function fetchJson<T>(path: string): Promise<T> {
  const res = await fetch(`${API_BASE}/${path}`, { cache: "no-store" });
  const body = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new Error(body.message ?? `GET ${path} answered ${res.status}`);
  return body;
}

/** The node's WebSocket URL: the page is served by the node, so it is the page's own host. */
export function nodeWsUrl(): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}`;
}

/** The node's HTTP JSON-RPC URL (what a wallet is told to add). */
export function nodeRpcUrl(): string {
  return `${location.protocol}//${location.host}`;
}

/** Builds an SDK client from a provider (reads) and an optional signer (writes). */
export function makeClient(deployment: Deployment, provider: Provider, signer: Signer | null, account: string | null): Client {
  return {
    chainId: BigInt(deployment.chainId),
    provider,
    signer,
    account,
    deployment,
    contracts: connectContracts(deployment, signer ?? provider),
    rpc: DEFAULT_RPC_POLICY,
    txTimeoutMs: 120_000,
    pollIntervalMs: 250,
    dataDir: "",
    close: () => undefined,
  };
}

/** Requests in flight at once on the page's WebSocket (the node refuses more than --ws-max-pending, 100 by default). */
export const MAX_IN_FLIGHT = 24;

/** A WebSocket provider that keeps at most {@link MAX_IN_FLIGHT} requests in flight and queues the rest. */
export class LimitedWebSocketProvider extends WebSocketProvider {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  override async send(method: string, params: unknown[] | Record<string, unknown>): Promise<unknown> {
    if (this.active >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await super.send(method, params);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Everything the dashboard reads through. */
export interface Env {
  deployment: Deployment;
  provider: WebSocketProvider;
  client: Client;
}

/** Connects to the serving node: deployment record first, then the WebSocket. */
export async function connectEnv(): Promise<Env> {
  const deployment = await fetchJson<Deployment>("deployment.json");
  const provider = new LimitedWebSocketProvider(nodeWsUrl(), Network.from(BigInt(deployment.chainId)), { staticNetwork: true });
  return { deployment, provider, client: makeClient(deployment, provider, null, null) };
}
