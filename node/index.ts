/**
 * Luxtensor node: a proof-of-stake Ethereum node on @ethereumjs/vm. `createNode(opts)` (node.ts) is the
 * composition root; the folders hold one concern each — config, execution, storage, consensus, chain
 * (head, producer, follower), txpool, rpc, metrics, cli.
 */
export { createNode, consoleLogger, CLIENT_VERSION, DEFAULT_PORT, DEFAULT_LIMITS, DEFAULT_BLOCK_BATCH_MS, type LuxNode } from "./node";
export type { NodeOptions } from "./types";
export { devChainConfig, createChainCommon, devAccounts, DEV_MNEMONIC, DEV_DERIVATION_PATH, type ChainConfig } from "./config";
export { LuxError, type LuxErrorCode } from "./errors";
