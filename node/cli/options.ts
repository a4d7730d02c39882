import os from "node:os";
import path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { formatUnits, parseUnits } from "ethers";
import { DEFAULT_CHAIN_ID, DEFAULT_GAS_LIMIT, DEFAULT_SLOT_TIME_MS, DEV_ACCOUNT_COUNT, DEV_BALANCE, GENESIS_VALIDATOR_STAKE, devAccounts, devChainConfig, type ChainConfig } from "../config";
import type { NodeOptions } from "../types";
import type { DashboardOptions } from "../rpc/static";
import { addNetworkOptions, applyConfigFile, readNetworkFlags, type NetworkFlags } from "./networkOptions";
import { DEFAULT_BLOCK_BATCH_MS, DEFAULT_PORT } from "../node";
import type { RpcLimits } from "../rpc/types";
import { addLimitFlags, readLimitFlags } from "./limitFlags";

/** Parsed command-line flags shared by `node` and `devnet`. */
export interface CliFlags extends NetworkFlags {
  port: number;
  host: string;
  dataDir: string;
  slotTime: number;
  chainId: string;
  reset: boolean;
  quiet: boolean;
  json: boolean;
  produce: boolean;
  produceOnTx: boolean;
  automine: boolean;
  follow?: string;
  devMode: boolean;
  allowImportBlock: boolean;
  blockBatchMs?: number;
  logTxs: boolean;
  txpoolPerSender?: number;
  txpoolMax?: number;
  deploy: boolean;
  compile: boolean;
  /** Development mode (always on for the devnet). */
  dev: boolean;
  /** Dev mode: no block per slot, only on demand (transactions with automine, evm_mine). */
  onDemand: boolean;
  /** Serve the web dashboard at /dashboard/. */
  dashboard: boolean;
  /** Epoch runner data directory whose reward trees the dashboard may read. */
  rewardsDir?: string;
  /** RPC limits given on the command line. */
  limits: Partial<RpcLimits>;
  /** A new chain's funded, unlocked dev accounts (the test mnemonic's first n). */
  accounts: number;
  /** A new chain's genesis balance of each dev account, in LUX as given (decimal). */
  balance: string;
  /** A new chain's block gas limit. */
  gasLimit: bigint;
  /** A new chain's largest contract code in bytes (absent: EIP-170's). */
  codeSizeLimit?: number;
}

/** What --disable-code-size-limit sets: more than any block's gas could deploy (200 gas a byte). */
export const UNLIMITED_CODE_SIZE = 2 ** 32 - 1;

/** Most dev accounts `--accounts` may fund (each is derived and listed by eth_accounts). */
export const MAX_DEV_ACCOUNTS = 1000;
const MIN_GAS_LIMIT = 21_000n;
const MAX_GAS_LIMIT = 2n ** 63n - 1n;

const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`not a non-negative integer: ${v}`);
  return n;
};

const accountCount = (v: string): number => {
  const n = int(v);
  if (n < 1 || n > MAX_DEV_ACCOUNTS) throw new InvalidArgumentError(`not between 1 and ${MAX_DEV_ACCOUNTS}: ${v}`);
  return n;
};

// LUX as a decimal (anvil's --balance takes ether): "10000", "0.5"; parsed to wei when the chain is made.
const luxAmount = (v: string): string => {
  if (!/^\d{1,30}(\.\d{1,18})?$/.test(v)) throw new InvalidArgumentError(`not an amount of LUX (a decimal with at most 18 places): ${v}`);
  return v;
};

const codeSize = (v: string): number => {
  const n = Number(v);
  if (!/^\d{1,10}$/.test(v) || n < 1 || n > UNLIMITED_CODE_SIZE) throw new InvalidArgumentError(`not a size in bytes between 1 and ${UNLIMITED_CODE_SIZE}: ${v}`);
  return n;
};

const gasLimit = (v: string): bigint => {
  if (!/^\d{1,19}$/.test(v)) throw new InvalidArgumentError(`not a gas limit: ${v}`);
  const n = BigInt(v);
  if (n < MIN_GAS_LIMIT || n > MAX_GAS_LIMIT) throw new InvalidArgumentError(`not between ${MIN_GAS_LIMIT} and ${MAX_GAS_LIMIT}: ${v}`);
  return n;
};

/** Declares the flags, grouped in help with a one-line doc each. */
export function buildCommand(name: string, description: string, withDeploy: boolean): Command {
  const cmd = new Command(name).description(description);
  cmd.optionsGroup?.("Network:");
  cmd
    .addOption(new Option("--port <n>", "RPC port for HTTP and WebSocket (0 = any free port)").default(DEFAULT_PORT).argParser(int))
    .addOption(new Option("--host <addr>", "interface to bind").default("127.0.0.1"))
    .addOption(new Option("--chain-id <id>", "chain id of a new chain").default(DEFAULT_CHAIN_ID.toString()));
  cmd.optionsGroup?.("Chain:");
  cmd
    .addOption(new Option("--data-dir <dir>", "LevelDB data directory").default(".devnet"))
    .addOption(new Option("--reset", "delete the data directory and start a new chain").default(false))
    .addOption(new Option("--slot-time <ms>", "slot time in milliseconds").default(DEFAULT_SLOT_TIME_MS).argParser(int))
    .addOption(new Option("--accounts <n>", `funded, unlocked dev accounts of a new chain (the test mnemonic's first n, as anvil's --accounts)`).default(DEV_ACCOUNT_COUNT).argParser(accountCount))
    .addOption(new Option("--balance <lux>", "genesis balance of each dev account of a new chain, in LUX (as anvil's --balance)").default(formatUnits(DEV_BALANCE, 18).replace(/\.0$/, "")).argParser(luxAmount))
    .addOption(new Option("--gas-limit <n>", "block gas limit of a new chain").default(DEFAULT_GAS_LIMIT.toString()).argParser(gasLimit))
    .addOption(new Option("--code-size-limit <bytes>", "largest contract code of a new chain (default EIP-170's 24576; init code may be twice it)").argParser(codeSize).conflicts("disableCodeSizeLimit"))
    .addOption(new Option("--disable-code-size-limit", "no contract code size limit on a new chain (Hardhat's allowUnlimitedContractSize)").default(false))
    .addOption(new Option("--no-produce", "do not produce blocks (follower: import only)"))
    .addOption(new Option("--follow <url>", "follow another node's RPC: import and re-validate its blocks"))
    .addOption(new Option("--no-produce-on-tx", "dev mode: wait for the next slot instead of building as soon as transactions wait"))
    .addOption(new Option("--no-dev-mode", "follow the clock strictly (one block per slot, timestamp = slot start, slot time >= 1000 ms), as a network of validators does"))
    .addOption(new Option("--allow-import-block", "enable lux_importBlock (import a signed block envelope over RPC)").default(false))
    .addOption(
      withDeploy
        ? new Option("--no-automine", "answer eth_sendRawTransaction at once instead of when the transaction is mined")
        : new Option("--automine", "answer eth_sendRawTransaction when the transaction is mined, like hardhat node").default(false),
    )
    .addOption(
      withDeploy
        ? new Option("--on-demand", "mine only on demand (transactions with automine, evm_mine, hardhat_mine), no block per slot").default(false)
        : new Option("--dev", "development mode: Hardhat/anvil dev methods (evm_*, hardhat_*, anvil_*), unlocked dev accounts, automine, mining on demand").default(false),
    )
    .addOption(new Option("--block-batch-ms <ms>", `min ms between transaction-triggered blocks under load (default ${DEFAULT_BLOCK_BATCH_MS}, 0 with automine; idle chains still mine at once)`).argParser(int))
    .addOption(new Option("--txpool-per-sender <n>", "max pooled transactions per sender").argParser(int))
    .addOption(new Option("--txpool-max <n>", "max pooled transactions in total").argParser(int));
  cmd.optionsGroup?.("Dashboard:");
  cmd
    .addOption(
      withDeploy
        ? new Option("--no-dashboard", "do not serve the web dashboard at /dashboard/")
        : new Option("--dashboard", "serve the web dashboard at /dashboard/ (build it with npm run build:web)").default(false),
    )
    .addOption(new Option("--rewards-dir <dir>", "epoch runner data dir whose reward trees the dashboard reads (default: $MODERNTENSOR_DATA_DIR or ~/.moderntensor)"));
  addNetworkOptions(cmd, withDeploy);
  addLimitFlags(cmd);
  cmd.optionsGroup?.("Output:");
  cmd
    .addOption(new Option("--quiet", "print nothing but errors").default(false))
    .addOption(new Option("--json", "print the startup information and events as JSON lines").default(false))
    .addOption(new Option("--log-txs", "log one line per accepted transaction").default(false));
  if (withDeploy) {
    cmd.optionsGroup?.("Contracts:");
    cmd
      .addOption(new Option("--no-deploy", "do not run the Hardhat deploy script"))
      .addOption(new Option("--no-compile", "do not run `hardhat compile` first"));
  }
  return cmd;
}

/** Reads the flags after parsing. */
export function readFlags(cmd: Command): CliFlags {
  applyConfigFile(cmd);
  const o = cmd.opts() as Partial<CliFlags> & { disableCodeSizeLimit?: boolean };
  return {
    ...readNetworkFlags(cmd),
    port: o.port ?? DEFAULT_PORT,
    host: o.host ?? "127.0.0.1",
    dataDir: path.resolve(o.dataDir ?? ".devnet"),
    slotTime: o.slotTime ?? DEFAULT_SLOT_TIME_MS,
    chainId: o.chainId ?? DEFAULT_CHAIN_ID.toString(),
    reset: o.reset ?? false,
    quiet: o.quiet ?? false,
    json: o.json ?? false,
    produce: o.produce ?? true,
    produceOnTx: o.produceOnTx ?? true,
    automine: o.automine ?? false,
    follow: o.follow,
    devMode: o.devMode ?? true,
    allowImportBlock: o.allowImportBlock ?? false,
    blockBatchMs: o.blockBatchMs,
    logTxs: o.logTxs ?? false,
    txpoolPerSender: o.txpoolPerSender,
    txpoolMax: o.txpoolMax,
    deploy: o.deploy ?? true,
    compile: o.compile ?? true,
    dev: o.dev ?? false,
    onDemand: o.onDemand ?? false,
    dashboard: o.dashboard ?? false,
    rewardsDir: o.rewardsDir,
    limits: readLimitFlags(cmd),
    accounts: o.accounts ?? DEV_ACCOUNT_COUNT,
    balance: o.balance ?? formatUnits(DEV_BALANCE, 18),
    gasLimit: BigInt(o.gasLimit ?? DEFAULT_GAS_LIMIT),
    codeSizeLimit: o.disableCodeSizeLimit ? UNLIMITED_CODE_SIZE : o.codeSizeLimit,
  };
}

/** The repository root (this file lives in node/cli). */
const REPO_ROOT = path.resolve(__dirname, "../..");
/** Where `npm run build:web` writes the dashboard. */
export const WEB_DIST_DIR = path.join(REPO_ROOT, "web", "dist");

/** What the dashboard serves: the built app, deployments/ (DEPLOYMENTS_DIR) and the runner's trees. */
export function dashboardOptions(f: CliFlags): DashboardOptions {
  const env = process.env;
  return {
    webDir: WEB_DIST_DIR,
    deploymentsDir: env.DEPLOYMENTS_DIR ? path.resolve(env.DEPLOYMENTS_DIR) : path.join(REPO_ROOT, "deployments"),
    // Same default as the SDK's createClient (sdk/client/createClient.ts defaultDataDir).
    rewardsDir: path.resolve(f.rewardsDir ?? env.MODERNTENSOR_DATA_DIR ?? path.join(os.homedir(), ".moderntensor")),
  };
}

// Dev accounts 0..n-1 as the genesis validator set (n = 1 is the default devnet chain).
function genesisValidatorsOf(n: number): Partial<ChainConfig> {
  if (n <= 1) return {};
  if (n > DEV_ACCOUNT_COUNT) throw new Error(`--genesis-validators must be 1..${DEV_ACCOUNT_COUNT}, got ${n}`);
  return { genesisValidators: devAccounts(n).map((a) => ({ address: a.address, signer: a.address, stake: GENESIS_VALIDATOR_STAKE })) };
}

/** Node options from flags: the dev chain, all dev keys as signer keys; dev mode for the devnet and `node --dev`. */
export function nodeOptions(f: CliFlags, devnet = false): NodeOptions {
  const txpool: NodeOptions["txpool"] = {};
  if (f.txpoolPerSender !== undefined) txpool.maxPerSender = f.txpoolPerSender;
  if (f.txpoolMax !== undefined) txpool.maxTotal = f.txpoolMax;
  return {
    dataDir: f.dataDir,
    chain: devChainConfig({
      chainId: BigInt(f.chainId), slotTimeMs: f.slotTime, devMode: f.devMode, gasLimit: f.gasLimit, ...genesisValidatorsOf(f.genesisValidators),
      alloc: devAccounts(f.accounts).map((a) => ({ address: a.address, balance: parseUnits(f.balance, 18) })),
      ...(f.codeSizeLimit === undefined ? {} : { maxCodeSize: f.codeSizeLimit }),
    }),
    allowImportBlock: f.allowImportBlock,
    host: f.host,
    port: f.port,
    signerKeys: f.validatorKey ? [f.validatorKey] : devAccounts().map((a) => a.privateKey),
    produce: f.produce,
    produceOnTx: f.produceOnTx,
    automine: f.automine || f.dev,
    dev: devnet || f.dev ? { accounts: devAccounts(f.accounts).map((a) => a.privateKey), automine: f.automine || f.dev, slotBlocks: devnet && !f.onDemand } : undefined,
    follow: f.follow,
    // `node --dev` mines like Hardhat's automine: every transaction at once, no batching gap.
    blockBatchMs: f.dev ? 0 : f.blockBatchMs,
    txpool,
    limits: f.limits,
    logTxs: f.logTxs,
    dashboard: f.dashboard ? dashboardOptions(f) : undefined,
    p2p: f.p2p ? { host: f.p2pHost, port: f.p2pPort, bootstrap: f.peer } : undefined,
  };
}
