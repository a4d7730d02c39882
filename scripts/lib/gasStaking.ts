/** Gas rows of the staking entry points for `npm run gas` (scripts/gas-report.ts), on a fresh suite. */
import { ethers, network } from "hardhat";
import { parseEther, type ContractTransactionResponse } from "ethers";
import { defaultSuiteConfig } from "./config";
import { deploySuite, type Suite } from "./deploySuite";

/** One line of the gas report. */
export interface GasRow {
  operation: string;
  gas: bigint;
  note: string;
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

async function mineToNextEpoch(suite: Suite): Promise<void> {
  const latest = BigInt(await ethers.provider.getBlockNumber());
  const start = await suite.clock.epochStartBlock((await suite.clock.currentEpoch()) + 1n);
  if (start > latest + 1n) await network.provider.send("hardhat_mine", [ethers.toQuantity(start - latest - 1n)]);
}

/** Registration, stake, delegation, commission, key rotation, and a slash that reaches 7 unbonding pools. */
export async function measureStaking(rows: GasRow[]): Promise<void> {
  const signers = await ethers.getSigners();
  const [deployer, v1, v2, delegator, v3] = signers;
  const config = defaultSuiteConfig(deployer.address);
  config.keepDeployerRoles = true;
  config.genesisAllocations = signers.slice(0, 5).map((s) => ({ account: s.address, amount: parseEther("10000") }));
  const suite = await deploySuite(deployer, config);
  const { token, staking } = suite;
  for (const s of [v1, v2, delegator, v3]) await (await token.connect(s).approve(staking, ethers.MaxUint256)).wait();
  const push = (operation: string, gas: bigint, note: string) => rows.push({ operation: `StakingManager.${operation}`, gas, note });
  push("registerValidator", await gasOf(staking.connect(v1).registerValidator(v1.address, parseEther("100"))), "first validator");
  push("registerValidator", await gasOf(staking.connect(v2).registerValidator(v2.address, parseEther("100"))), "second validator");
  push("stake", await gasOf(staking.connect(v1).stake(parseEther("10"))), "top-up");
  push("delegate", await gasOf(staking.connect(delegator).delegate(v1.address, parseEther("50"))), "first delegation");
  await mineToNextEpoch(suite);
  push("delegate", await gasOf(staking.connect(delegator).delegate(v1.address, parseEther("5"))), "first change of an epoch (records the active set)");
  push("setCommission", await gasOf(staking.connect(v1).setCommission(parseEther("0.1"))), "applies from epoch + 2");
  push("rotateSigner", await gasOf(staking.connect(v2).rotateSigner(ethers.Wallet.createRandom().address)), "from the next epoch");
  // A validator whose delegator unbonds a little in each of 7 epochs after an offence, then is slashed.
  await (await staking.connect(v3).registerValidator(v3.address, parseEther("100"))).wait();
  await (await staking.connect(delegator).delegate(v3.address, parseEther("70"))).wait();
  const offence = await suite.clock.currentEpoch();
  for (let k = 0; k < 7; k++) {
    const g = await gasOf(staking.connect(delegator).undelegate(v3.address, parseEther("1")));
    if (k === 0) push("undelegate", g, "opens an unbonding pool");
    await mineToNextEpoch(suite);
  }
  push("slash", await gasOf(staking.slash(v3.address, parseEther("0.1"), offence, ethers.encodeBytes32String("double-sign"))), "bonded pool + 7 unbonding pools");
  push("slashAndJail", await gasOf(staking.slashAndJail(v1.address, parseEther("0.01"), offence, ethers.encodeBytes32String("double-sign"))), "consensus evidence entry point");
}
