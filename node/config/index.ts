/**
 * Chain configuration: the values that define a chain (chain id, hardfork, genesis alloc and timestamp,
 * gas limit, slot and epoch lengths, staking contract and genesis validators) and the ethereumjs
 * `Common` built from them with native crypto plugged in. Two nodes with equal configs agree on genesis.
 */
import { Mainnet, createCustomCommon, type Common } from "@ethereumjs/common";
import { paramsBlock } from "@ethereumjs/block";
import { paramsEVM } from "@ethereumjs/evm";
import { paramsTx } from "@ethereumjs/tx";
import { paramsVM } from "@ethereumjs/vm";
import { loadNativeCrypto } from "../execution/crypto";
import { DEV_ACCOUNT_COUNT, defaultStakingContract, devAccounts } from "./devAccounts";
import type { ChainConfig } from "./types";

export * from "./types";
export * from "./devAccounts";

/** Default chain id of the devnet. */
export const DEFAULT_CHAIN_ID = 8898n;
/** Hardfork of the node and of the contracts' evmVersion. */
export const DEFAULT_HARDFORK = "prague";
/** 1 LUX in wei. */
export const LUX = 10n ** 18n;
/** Genesis balance of each dev account. */
export const DEV_BALANCE = 10_000n * LUX;
/** Block gas limit. */
export const DEFAULT_GAS_LIMIT = 30_000_000n;
/** Base fee of block 1 (1 gwei). */
export const DEFAULT_INITIAL_BASE_FEE = 1_000_000_000n;
/** Fixed genesis time (2025-01-01T00:00:00Z) so every node derives the same genesis block. */
export const DEFAULT_GENESIS_TIMESTAMP = 1_735_689_600n;
/** Devnet slot time. */
export const DEFAULT_SLOT_TIME_MS = 1000;
/** Slots per epoch. */
export const DEFAULT_SLOTS_PER_EPOCH = 32;
/** Stake weight of the devnet's genesis validator (1,000 MDT). */
export const GENESIS_VALIDATOR_STAKE = 1_000n * LUX;

/**
 * Sender of the chain's end-of-block system calls: the EIP-4788/7002 system address. No key exists for
 * it, so only the node itself can act as it; the deploy grants it SLASHER_ROLE on the StakingManager.
 */
export const DEFAULT_SYSTEM_ADDRESS = "0xfffffffffffffffffffffffffffffffffffffffe";

/** Overrides accepted by `devChainConfig`. */
export type ChainConfigOverrides = Partial<ChainConfig>;

/** The devnet chain: 20 funded dev accounts, dev account #0 as the single genesis validator. */
export function devChainConfig(overrides: ChainConfigOverrides = {}): ChainConfig {
  const accounts = devAccounts(DEV_ACCOUNT_COUNT);
  return {
    chainId: DEFAULT_CHAIN_ID,
    hardfork: DEFAULT_HARDFORK,
    genesisTimestamp: DEFAULT_GENESIS_TIMESTAMP,
    gasLimit: DEFAULT_GAS_LIMIT,
    initialBaseFee: DEFAULT_INITIAL_BASE_FEE,
    slotTimeMs: DEFAULT_SLOT_TIME_MS,
    devMode: true,
    systemAddress: DEFAULT_SYSTEM_ADDRESS,
    slotsPerEpoch: DEFAULT_SLOTS_PER_EPOCH,
    stakingContract: defaultStakingContract(),
    genesisValidators: [
      { address: accounts[0].address, signer: accounts[0].address, stake: GENESIS_VALIDATOR_STAKE },
    ],
    alloc: accounts.map((a) => ({ address: a.address, balance: DEV_BALANCE })),
    ...overrides,
  };
}

/**
 * The ethereumjs Common of a chain, at its fixed hardfork, with native crypto when available.
 *
 * Every transaction and header constructor copies the Common and calls `updateParams` with its
 * package's parameter set, which deep-copies them through JSON and rebuilds the parameter cache: that was
 * the largest single cost of decoding a transaction. We merge every package's parameters once here and
 * make `updateParams` a no-op on this instance; `copy()` is a shallow Object.assign, so copies inherit it.
 */
export function createChainCommon(config: ChainConfig): Common {
  const common = createCustomCommon(
    { name: "luxtensor", chainId: Number(config.chainId) },
    Mainnet,
    { hardfork: config.hardfork, customCrypto: loadNativeCrypto().customCrypto },
  );
  for (const params of [paramsTx, paramsBlock, paramsVM, paramsEVM]) common.updateParams(params);
  // The chain's code size limit replaces EIP-170's (in Spurious Dragon's meta EIP, 607); EIP-3860's init code limit stays twice it.
  if (config.maxCodeSize !== undefined) common.updateParams({ 607: { maxCodeSize: config.maxCodeSize }, 3860: { maxInitCodeSize: 2 * config.maxCodeSize } });
  Object.defineProperty(common, "updateParams", { value: () => {}, enumerable: true, writable: true });
  return common;
}

/** JSON-safe form of a chain config (bigints as decimal strings), for the data dir and `--json`. */
export function chainConfigToJson(config: ChainConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(config, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}

/** Inverse of `chainConfigToJson`. */
export function chainConfigFromJson(json: Record<string, unknown>): ChainConfig {
  const j = json as unknown as ChainConfig & Record<string, string>;
  return {
    ...j,
    chainId: BigInt(j.chainId),
    genesisTimestamp: BigInt(j.genesisTimestamp),
    gasLimit: BigInt(j.gasLimit),
    initialBaseFee: BigInt(j.initialBaseFee),
    // Data dirs from before network mode existed were all single-validator devnets.
    devMode: j.devMode === undefined ? true : Boolean(j.devMode),
    systemAddress: j.systemAddress ?? DEFAULT_SYSTEM_ADDRESS,
    genesisValidators: j.genesisValidators.map((v) => ({ ...v, stake: BigInt(v.stake) })),
    alloc: j.alloc.map((a) => ({ ...a, balance: BigInt(a.balance), nonce: a.nonce === undefined ? undefined : BigInt(a.nonce) })),
  };
}
