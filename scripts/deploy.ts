/**
 * Deploys and wires the ModernTensor contract suite, then writes deployments/<chainId>.json.
 *
 *   npx hardhat run scripts/deploy.ts --network <name>
 *
 * Environment:
 *   DEPLOY_CONFIG=<file>     genesis file (JSON; format in scripts/lib/deployConfig.ts and
 *                            config/genesis.example.json): allocations (with optional vesting), epoch
 *                            length, distributor. How a production network gets its first supply.
 *   DEPLOY_DEV_MODE=1        devnet/test conveniences: without DEPLOY_CONFIG mint DEPLOY_DEV_MDT (default
 *                            10000) MDT to each signer, register the first DEPLOY_VALIDATORS (default 1)
 *                            signers as validators (signer key = own address), keep the deployer's
 *                            governance and slasher roles (never an admin role from which minting
 *                            could be granted).
 *   DEPLOY_EPOCH_LENGTH      blocks per tokenomics epoch (default 32)
 */
import { ethers, network } from "hardhat";
import { parseEther } from "ethers";
import { buildDeployConfig } from "./lib/deployConfig";
import { deploySuite, suiteAddresses } from "./lib/deploySuite";
import { writeDeployment } from "./lib/deployments";

const DEV_VALIDATOR_STAKE = parseEther("1000");
/** Gas limit over the estimate for calls whose cost depends on the epoch they land in (forge's default multiplier). */
const GAS_HEADROOM_PERCENT = 130n;

async function main(): Promise<void> {
  const signers = await ethers.getSigners();
  const deployer = signers[0];
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  const devMode = process.env.DEPLOY_DEV_MODE === "1";
  const config = buildDeployConfig(process.env, deployer.address, signers.map((s) => s.address));

  const deployBlock = await ethers.provider.getBlockNumber();
  const suite = await deploySuite(deployer, config);
  const contracts = await suiteAddresses(suite);

  if (devMode) {
    const count = Math.min(Number(process.env.DEPLOY_VALIDATORS ?? "1"), signers.length);
    for (const validator of signers.slice(0, count)) {
      await (await suite.token.connect(validator).approve(contracts.StakingManager, DEV_VALIDATOR_STAKE)).wait();
      // Estimated in the next block's environment, it may run blocks later, in another epoch of the
      // staking clock (a devnet's slots can be 100 ms): headroom as forge scripts give (130%).
      const staking = suite.staking.connect(validator);
      const gas = await staking.registerValidator.estimateGas(validator.address, DEV_VALIDATOR_STAKE);
      await (await staking.registerValidator(validator.address, DEV_VALIDATOR_STAKE, { gasLimit: (gas * GAS_HEADROOM_PERCENT) / 100n })).wait();
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
  for (const v of suite.vestingWallets) console.log(`  vesting wallet of ${v.beneficiary}: ${v.wallet}`);
  console.log(`Wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
