/** Shared fixtures of the SDK tests: an in-process suite with funded accounts, and block mining helpers. */
import { ethers, network } from "hardhat";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { defaultSuiteConfig, type SuiteConfig } from "../../../scripts/lib/config";
import { deploySuite, suiteAddresses, type Suite } from "../../../scripts/lib/deploySuite";
import { expect } from "chai";
import { createClient, isClientError, type Client, type Deployment } from "../../../sdk/client";
import { tempDir } from "../../tempDir";

/** MDT minted to every test account at genesis. */
export const GENESIS_MDT = ethers.parseEther("10000");

/** A deployed suite plus what the SDK needs to connect to it. */
export interface TestSuite {
  suite: Suite;
  deployment: Deployment;
  signers: HardhatEthersSigner[];
  dataDir: string;
}

/** Deploys the suite with dev conveniences (deployer keeps roles, every signer gets GENESIS_MDT). */
export async function deployTestSuite(epochLength: bigint, tweak: (c: SuiteConfig) => void = () => undefined): Promise<TestSuite> {
  const signers = await ethers.getSigners();
  const deployer = signers[0];
  const config = defaultSuiteConfig(deployer.address);
  config.epochLength = epochLength;
  config.keepDeployerRoles = true;
  config.genesisAllocations = signers.slice(0, 10).map((s) => ({ account: s.address, amount: GENESIS_MDT }));
  tweak(config);
  const deployBlock = (await ethers.provider.getBlockNumber()) + 1;
  const suite = await deploySuite(deployer, config);
  const deployment: Deployment = {
    chainId: Number(network.config.chainId ?? 31337),
    deployer: deployer.address,
    deployBlock,
    epochLength: Number(epochLength),
    contracts: await suiteAddresses(suite),
  };
  const dataDir = tempDir("mt-sdk-");
  return { suite, deployment, signers, dataDir };
}

/** A client for `signer` on the in-process network (fast polling, short timeouts). */
export function clientFor(t: TestSuite, signer: HardhatEthersSigner | null): Promise<Client> {
  return createClient({
    provider: ethers.provider,
    ...(signer === null ? {} : { signer }),
    deployment: t.deployment,
    dataDir: t.dataDir,
    pollIntervalMs: 10,
    rpc: { timeoutMs: 10_000, retries: 1, baseDelayMs: 10 },
  });
}

/** Mines up to the first block of the next epoch; returns the new current epoch. */
export async function mineToNextEpoch(t: TestSuite): Promise<bigint> {
  const { clock } = t.suite;
  const current = await clock.currentEpoch();
  const start = await clock.epochStartBlock(current + 1n);
  const now = BigInt(await ethers.provider.getBlockNumber());
  if (start > now) await mine(start - now);
  return clock.currentEpoch();
}

/** Awaits `promise` and asserts it fails with a CONTRACT_REVERT naming the custom error `name`. */
export async function expectContractRevert(promise: Promise<unknown>, name: string): Promise<void> {
  try {
    await promise;
    expect.fail(`expected ${name}`);
  } catch (error) {
    expect(isClientError(error, "CONTRACT_REVERT"), String(error)).to.equal(true);
    expect((error as { details: { error: string } }).details.error).to.equal(name);
    expect((error as Error).message).to.include(name);
  }
}
