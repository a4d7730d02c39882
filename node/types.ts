import type { Logger } from "./chain/types";
import type { P2POptions } from "./p2p";
import type { ChainConfig } from "./config/types";
import type { RpcLimits } from "./rpc/types";
import type { DashboardOptions } from "./rpc/static";
import type { TxPoolOptions } from "./txpool/types";
import type { DevOptions } from "./dev/types";

/** Options of `createNode`. */
export interface NodeOptions {
  /** LevelDB directory. */
  dataDir: string;
  /** Chain configuration for a new data dir (an existing one keeps the config it was created with). */
  chain: ChainConfig;
  /** RPC host (default 127.0.0.1). */
  host?: string;
  /** RPC port (0 = any free port; default 8545). */
  port?: number;
  /** Private keys (0x-hex) this node may sign blocks with. */
  signerKeys?: string[];
  /** Produce blocks (default true); false makes a follower that only imports. */
  produce?: boolean;
  /** RPC URL of a node to follow: import (and re-validate) its blocks instead of producing. */
  follow?: string;
  /** Enable `lux_importBlock` (default false: blocks come from peers, which validate the same way). */
  allowImportBlock?: boolean;
  /** Build as soon as transactions wait (default true; dev mode only). */
  produceOnTx?: boolean;
  /**
   * Answer eth_sendRawTransaction only once the transaction is mined, like Hardhat's and Anvil's
   * automine (default false). A transaction held back by a nonce gap is answered at once.
   */
  automine?: boolean;
  /** Min ms between transaction-triggered blocks under load, so arrivals gather into fuller blocks (default 50; 0 with automine). */
  blockBatchMs?: number;
  /** Txpool limits. */
  txpool?: Partial<TxPoolOptions>;
  /** RPC limits. */
  limits?: Partial<RpcLimits>;
  /** Serve the web dashboard at /dashboard/ (off when absent). */
  dashboard?: DashboardOptions;
  /** CORS origin (default "*"). */
  corsOrigin?: string;
  /** Logger (default console). */
  log?: Logger;
  /** Log one line per block (default true). */
  logBlocks?: boolean;
  /** Log one line per accepted transaction (default false). */
  logTxs?: boolean;
  /**
   * Development mode (the devnet, `node --dev`): Hardhat's and anvil's dev methods, unlocked accounts,
   * on-demand mining. Absent on a validator of a real network.
   */
  dev?: DevOptions;
  /** Peer-to-peer networking (libp2p gossip and range sync); off when absent. */
  p2p?: P2POptions;
}
