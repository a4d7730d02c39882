/** Finds the suite's contract addresses for a chain id in `deployments/<chainId>.json`. */
import fs from "node:fs";
import path from "node:path";
import { isAddress } from "ethers";
import { clientError } from "./errors";

/** Contract names as written to the deployments file by scripts/deploy.ts. */
export const CONTRACT_NAMES = [
  "MDTToken",
  "EpochClock",
  "BurnPool",
  "RecyclingPool",
  "StakingManager",
  "DAOTreasury",
  "MDTGovernor",
  "EmissionController",
  "SubnetRegistry",
  "RewardDistributor",
] as const;

/** One of {@link CONTRACT_NAMES}. */
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** What `deployments/<chainId>.json` holds. */
export interface Deployment {
  /** Chain id the suite lives on. */
  chainId: number;
  /** Account that deployed it. */
  deployer: string;
  /** Block of the first deployment transaction: where event scans start. */
  deployBlock: number;
  /** Blocks per epoch at deployment. */
  epochLength: number;
  /** Address of every contract. */
  contracts: Record<ContractName, string>;
}

/** The repository's `deployments/` directory, or env `DEPLOYMENTS_DIR` when set. */
export function defaultDeploymentsDir(): string {
  const fromEnv = process.env.DEPLOYMENTS_DIR;
  return fromEnv ? path.resolve(fromEnv) : path.resolve(__dirname, "..", "..", "deployments");
}

/** Reads and checks the deployment record of `chainId` from `dir`. */
export function loadDeployment(chainId: bigint | number, dir: string = defaultDeploymentsDir()): Deployment {
  const file = path.join(dir, `${chainId}.json`);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw clientError(
      "DEPLOYMENT_NOT_FOUND",
      `no deployment for chain ${chainId} at ${file}; deploy with "npx hardhat run scripts/deploy.ts --network <net>" or pass the deployments directory`,
      { chainId: BigInt(chainId), file },
      error,
    );
  }
  const record = JSON.parse(text) as Deployment;
  if (BigInt(record.chainId) !== BigInt(chainId)) {
    throw clientError("DEPLOYMENT_NOT_FOUND", `${file} is for chain ${record.chainId}, not ${chainId}`, { file });
  }
  for (const name of CONTRACT_NAMES) {
    const address = record.contracts?.[name];
    if (typeof address !== "string" || !isAddress(address)) {
      throw clientError("DEPLOYMENT_NOT_FOUND", `${file} has no valid address for ${name}`, { file, name });
    }
  }
  return record;
}
