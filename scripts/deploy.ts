/**
 * Deploys and wires the ModernTensor contract suite, then writes deployments/<chainId>.json.
 *
 *   npx hardhat run scripts/deploy.ts --network <name>
 *
 * Environment:
 *   DEPLOY_DEV_MODE=1        devnet/test conveniences: mint a genesis allocation of DEPLOY_DEV_MDT (default
 *                            10000) MDT to each signer, register the first DEPLOY_VALIDATORS (default 1)
 *                            signers as validators (signer key = own address), keep the deployer's
 *                            governance and slasher roles.
 *   DEPLOY_EPOCH_LENGTH      blocks per tokenomics epoch (default 32)
 */
import { ethers, network } from "hardhat";
import { parseEther } from "ethers";
import { defaultSuiteConfig } from "./lib/config";
import { deploySuite, suiteAddresses } from "./lib/deploySuite";
import { writeDeployment } from "./lib/deployments";

const DEFAULT_DEV_MDT = "10000";
const DEV_VALIDATOR_STAKE = parseEther("1000");

async function main(): Promise<void> {
  const signers = await ethers.getSigners();
  const deployer = signers[0];
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  const devMode = process.env.DEPLOY_DEV_MODE === "1";
  const config = defaultSuiteConfig(deployer.address);
  if (process.env.DEPLOY_EPOCH_LENGTH) config.epochLength = BigInt(process.env.DEPLOY_EPOCH_LENGTH);
  if (devMode) {
    const each = parseEther(process.env.DEPLOY_DEV_MDT ?? DEFAULT_DEV_MDT);
    config.genesisAllocations = signers.map((s) => ({ account: s.address, amount: each }));
    config.keepDeployerRoles = true;
  }

  const deployBlock = await ethers.provider.getBlockNumber();
  const suite = await deploySuite(deployer, config);
  const contracts = await suiteAddresses(suite);

  if (devMode) {
    const count = Math.min(Number(process.env.DEPLOY_VALIDATORS ?? "1"), signers.length);
    for (const validator of signers.slice(0, count)) {
      await (await suite.token.connect(validator).approve(contracts.StakingManager, DEV_VALIDATOR_STAKE)).wait();
      await (await suite.staking.connect(validator).registerValidator(validator.address, DEV_VALIDATOR_STAKE)).wait();
    }
  }

  const file = writeDeployment({
    chainId,
    deployer: deployer.address,
    deployBlock: deployBlock + 1,
    epochLength: Number(config.epochLength),
    contracts,
  });
  console.log(`Deployed the ModernTensor suite on ${network.name} (chain ${chainId}):`);
  for (const [name, address] of Object.entries(contracts)) console.log(`  ${name.padEnd(20)} ${address}`);
  console.log(`Wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
