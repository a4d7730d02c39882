/**
 * Connects to a ModernTensor suite from an RPC URL, or an ethers provider/signer, and finds its
 * contract addresses from `deployments/<chainId>.json` by the node's chain id.
 */
import os from "node:os";
import path from "node:path";
import { FetchRequest, JsonRpcProvider, Network, Wallet, type Provider, type Signer } from "ethers";
import { connectContracts } from "./contracts";
import { defaultDeploymentsDir, loadDeployment, type Deployment } from "./deployments";
import { clientError } from "./errors";
import { DEFAULT_RPC_POLICY, withRetry, type RpcPolicy } from "./rpc";
import type { Client } from "./types";

/** Default receipt wait: two minutes covers a congested public chain; a devnet mines at once. */
export const DEFAULT_TX_TIMEOUT_MS = 120_000;
/** Default receipt and event polling interval. */
export const DEFAULT_POLL_INTERVAL_MS = 250;

/** Parameters of {@link createClient}: give `rpcUrl`, or `provider`, or a `signer` with a provider. */
export interface CreateClientParameters {
  /** JSON-RPC endpoint, e.g. http://127.0.0.1:8545. */
  rpcUrl?: string;
  /** An ethers provider (e.g. hardhat's `ethers.provider`). */
  provider?: Provider;
  /** Signs transactions; its provider is used when neither `rpcUrl` nor `provider` is given. */
  signer?: Signer;
  /** Hex private key; builds a Wallet on the provider (ignored when `signer` is given). */
  privateKey?: string;
  /** Directory holding `<chainId>.json`; default the repository's `deployments/` (env DEPLOYMENTS_DIR). */
  deploymentsDir?: string;
  /** Use this record instead of reading the deployments directory. */
  deployment?: Deployment;
  /** Where reward trees live; default `~/.moderntensor` (env MODERNTENSOR_DATA_DIR). */
  dataDir?: string;
  /** Overrides of the RPC timeout/retry policy. */
  rpc?: Partial<RpcPolicy>;
  /** Receipt timeout in ms. */
  txTimeoutMs?: number;
  /** Receipt/event polling interval in ms. */
  pollIntervalMs?: number;
}

/** The data directory used when none is given. */
export function defaultDataDir(): string {
  return process.env.MODERNTENSOR_DATA_DIR
    ? path.resolve(process.env.MODERNTENSOR_DATA_DIR)
    : path.join(os.homedir(), ".moderntensor");
}

interface JsonRpcReply {
  result?: string;
  error?: { code: number; message: string };
}

// Asked before the provider exists: an ethers JsonRpcProvider that cannot detect its network retries
// forever and logs every second, so the chain id is fetched here under our timeout and retry policy.
async function fetchChainId(url: string, policy: RpcPolicy): Promise<bigint> {
  return withRetry(`eth_chainId at ${url}`, policy, async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(policy.timeoutMs),
    });
    if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status} from ${url}`), { status: response.status });
    const reply = (await response.json()) as JsonRpcReply;
    if (reply.result === undefined) throw new Error(`eth_chainId failed: ${reply.error?.message ?? "no result"}`);
    return BigInt(reply.result);
  }).catch((error: unknown) => {
    const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
    throw clientError("RPC_ERROR", `cannot reach the node at ${url}${cause?.code ? ` (${cause.code})` : ""}; check --rpc and that the node runs`, { url }, error);
  });
}

function connectRpc(url: string, chainId: bigint, policy: RpcPolicy, pollIntervalMs: number): JsonRpcProvider {
  const request = new FetchRequest(url);
  request.timeout = policy.timeoutMs;
  const network = Network.from(chainId);
  // cacheTimeout -1: the default 250 ms request cache would hand a Wallet a stale nonce between
  // back-to-back transactions (approve, then the action).
  return new JsonRpcProvider(request, network, { staticNetwork: network, pollingInterval: pollIntervalMs, batchMaxCount: 1, cacheTimeout: -1 });
}

function walletFrom(privateKey: string, provider: Provider): Wallet {
  const key = privateKey.startsWith("0x") ? privateKey : `0x${privateKey}`;
  try {
    return new Wallet(key, provider);
  } catch (error) {
    throw clientError("INVALID_ARGUMENT", "the private key is not a 32-byte hex string", {}, error);
  }
}

/** Connects to the suite; reads the chain id and the deployment record. */
export async function createClient(params: CreateClientParameters): Promise<Client> {
  const rpc: RpcPolicy = { ...DEFAULT_RPC_POLICY, ...params.rpc };
  const pollIntervalMs = params.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  let provider: Provider | null = params.provider ?? params.signer?.provider ?? null;
  let owned: JsonRpcProvider | null = null;
  let chainId: bigint;
  if (params.rpcUrl !== undefined && params.provider === undefined) {
    chainId = await fetchChainId(params.rpcUrl, rpc);
    owned = connectRpc(params.rpcUrl, chainId, rpc, pollIntervalMs);
    provider = owned;
  } else if (provider !== null) {
    const p = provider;
    chainId = (await withRetry("eth_chainId", rpc, () => p.getNetwork())).chainId;
  } else {
    throw clientError("INVALID_ARGUMENT", "createClient needs rpcUrl, provider or a signer connected to a provider");
  }

  let signer: Signer | null = params.signer ?? null;
  if (signer !== null && owned !== null) signer = signer.connect(owned);
  if (signer === null && params.privateKey !== undefined) signer = walletFrom(params.privateKey, provider);
  const account = signer === null ? null : await signer.getAddress();
  const deployment = params.deployment ?? loadDeployment(chainId, params.deploymentsDir ?? defaultDeploymentsDir());

  return {
    chainId,
    provider,
    signer,
    account,
    deployment,
    contracts: connectContracts(deployment, signer ?? provider),
    rpc,
    txTimeoutMs: params.txTimeoutMs ?? DEFAULT_TX_TIMEOUT_MS,
    pollIntervalMs,
    dataDir: params.dataDir ?? defaultDataDir(),
    close: () => owned?.destroy(),
  };
}
