/** The client object every action takes first. */
import type { Provider, Signer } from "ethers";
import type { SuiteContracts } from "./contracts";
import type { Deployment } from "./deployments";
import type { RpcPolicy } from "./rpc";

/** A connection to one deployed suite; created by `createClient`, passed to every action. */
export interface Client {
  /** Chain id of the connected node. */
  chainId: bigint;
  /** Reads go through this provider. */
  provider: Provider;
  /** Sends transactions; null for a read-only client. */
  signer: Signer | null;
  /** The signer's address; null for a read-only client. */
  account: string | null;
  /** The suite's addresses (from deployments/<chainId>.json). */
  deployment: Deployment;
  /** Typed contracts bound to the signer (or the provider when read-only). */
  contracts: SuiteContracts;
  /** Timeouts and retries of every RPC call. */
  rpc: RpcPolicy;
  /** Milliseconds a transaction may take to be mined before TX_FAILED. */
  txTimeoutMs: number;
  /** Polling interval of receipts and event watchers, ms. */
  pollIntervalMs: number;
  /** Where the epoch runner stores reward trees (claims read proofs from here). */
  dataDir: string;
  /** Releases the provider's resources (a no-op for a provider the caller owns). */
  close(): void;
}

/** Result of a transaction sent by an action. */
export interface TxResult {
  /** Transaction hash. */
  hash: string;
  /** Block it was mined in. */
  blockNumber: number;
  /** Gas it used. */
  gasUsed: bigint;
}
