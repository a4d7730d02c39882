/**
 * What the deploy script deploys, from its environment and an optional genesis file.
 *
 * A genesis file (DEPLOY_CONFIG=path, JSON) is how a production network starts with a supply: without
 * one nobody holds MDT, nobody can stake the minimum, and no proposal can ever pass. Its format:
 *
 *   {
 *     "epochLength": 32,                       // optional, blocks per epoch
 *     "allocations": [                         // minted once, at most genesisAllocationLimit in all
 *       { "account": "0x…", "amount": "5000" },                       // MDT, decimal string
 *       { "account": "0x…", "amount": "250000",
 *         "vesting": { "start": 1767225600, "durationSeconds": 63072000 } }  // OpenZeppelin VestingWallet
 *     ]
 *   }
 */
import fs from "node:fs";
import { getAddress, isAddress, parseEther } from "ethers";
import { defaultSuiteConfig, type GenesisAllocation, type SuiteConfig } from "./config";

/** A problem with the deploy configuration; `code` says which, the message how to fix it. */
export class DeployConfigError extends Error {
  override readonly name = "DeployConfigError";
  constructor(
    readonly code: "CONFIG_UNREADABLE" | "CONFIG_INVALID" | "ALLOCATION_TOO_LARGE",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The environment variables the deploy script reads. */
export interface DeployEnv {
  DEPLOY_DEV_MODE?: string;
  DEPLOY_DEV_MDT?: string;
  DEPLOY_EPOCH_LENGTH?: string;
  DEPLOY_CONFIG?: string;
}

/** A parsed genesis file. */
export interface GenesisFile {
  epochLength?: bigint;
  allocations: GenesisAllocation[];
}

function invalid(where: string, message: string): DeployConfigError {
  return new DeployConfigError("CONFIG_INVALID", `${where}: ${message}`);
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(where, "must be an object");
  return value as Record<string, unknown>;
}

function positiveInteger(value: unknown, where: string): bigint {
  if (typeof value !== "number" && typeof value !== "string") throw invalid(where, "must be a positive integer");
  const text = String(value);
  if (!/^\d+$/.test(text) || BigInt(text) === 0n) throw invalid(where, `must be a positive integer, got ${JSON.stringify(value)}`);
  return BigInt(text);
}

function address(value: unknown, where: string): string {
  if (typeof value !== "string" || !isAddress(value)) throw invalid(where, `must be a 0x address, got ${JSON.stringify(value)}`);
  return getAddress(value);
}

function mdtAmount(value: unknown, where: string): bigint {
  if (typeof value !== "string" || !/^\d+(\.\d{1,18})?$/.test(value)) {
    throw invalid(where, `must be an MDT amount as a decimal string such as "1500.5", got ${JSON.stringify(value)}`);
  }
  const wei = parseEther(value);
  if (wei === 0n) throw invalid(where, "must be more than 0");
  return wei;
}

/** Parses and checks a genesis file's JSON text (`source` names it in errors). */
export function parseGenesisFile(text: string, source: string): GenesisFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DeployConfigError("CONFIG_INVALID", `${source} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const root = record(json, source);
  for (const key of Object.keys(root)) {
    if (!["epochLength", "allocations"].includes(key)) throw invalid(source, `unknown field "${key}"`);
  }
  if (!Array.isArray(root.allocations) || root.allocations.length === 0) throw invalid(`${source}.allocations`, "must be a non-empty array");
  const allocations = root.allocations.map((raw, i): GenesisAllocation => {
    const where = `${source}.allocations[${i}]`;
    const a = record(raw, where);
    const allocation: GenesisAllocation = { account: address(a.account, `${where}.account`), amount: mdtAmount(a.amount, `${where}.amount`) };
    if (a.vesting !== undefined) {
      const v = record(a.vesting, `${where}.vesting`);
      allocation.vesting = {
        startTimestamp: positiveInteger(v.start, `${where}.vesting.start`),
        durationSeconds: positiveInteger(v.durationSeconds, `${where}.vesting.durationSeconds`),
      };
    }
    return allocation;
  });
  return {
    allocations,
    ...(root.epochLength === undefined ? {} : { epochLength: positiveInteger(root.epochLength, `${source}.epochLength`) }),
  };
}

/** Reads and parses the genesis file at `file`. */
export function readGenesisFile(file: string): GenesisFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new DeployConfigError("CONFIG_UNREADABLE", `cannot read DEPLOY_CONFIG file ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseGenesisFile(text, file);
}

/**
 * The suite configuration for `deployer` from the environment: defaults, then the genesis file, then
 * DEPLOY_EPOCH_LENGTH, then dev mode (every dev account funded when no genesis file
 * gives allocations; the deployer keeps governance and slasher roles, never a role that can mint).
 */
export function buildDeployConfig(env: DeployEnv, deployer: string, devAccounts: readonly string[]): SuiteConfig {
  const config = defaultSuiteConfig(deployer);
  if (env.DEPLOY_CONFIG) {
    const genesis = readGenesisFile(env.DEPLOY_CONFIG);
    config.genesisAllocations = genesis.allocations;
    if (genesis.epochLength !== undefined) config.epochLength = genesis.epochLength;
  }
  if (env.DEPLOY_EPOCH_LENGTH) config.epochLength = BigInt(env.DEPLOY_EPOCH_LENGTH);
  if (env.DEPLOY_DEV_MODE === "1") {
    if (!env.DEPLOY_CONFIG) {
      const each = parseEther(env.DEPLOY_DEV_MDT ?? "10000");
      config.genesisAllocations = devAccounts.map((account) => ({ account, amount: each }));
    }
    config.keepDeployerRoles = true;
  }
  const total = config.genesisAllocations.reduce((sum, a) => sum + a.amount, 0n);
  if (total > config.genesisAllocationLimit) {
    throw new DeployConfigError(
      "ALLOCATION_TOO_LARGE",
      `genesis allocations total ${total} wei, above the limit of ${config.genesisAllocationLimit} wei (EmissionController.genesisAllocationLimit); lower the amounts`,
    );
  }
  return config;
}
