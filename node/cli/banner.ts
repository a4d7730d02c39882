import { formatEther } from "ethers";
import type { LuxNode } from "../node";
import { DEV_ACCOUNT_COUNT, DEV_DERIVATION_PATH, DEV_MNEMONIC, devAccounts } from "../config";
import type { EpochInfo } from "../consensus/types";
import { DASHBOARD_PATH } from "../rpc/static";

/** Everything the devnet prints at startup, as data (for --json) and as text. */
export interface DevnetInfo {
  rpcUrl: string;
  wsUrl: string;
  chainId: string;
  baseFeeWei: string;
  gasLimit: string;
  slotTimeMs: number;
  slotsPerEpoch: number;
  mnemonic: string;
  derivationPath: string;
  accounts: { address: string; privateKey: string; balance: string }[];
  validators: { address: string; signer: string; stake: string }[];
  validatorSource: string;
  stakingContract: string;
  head: string;
  /** Where the node serves the web dashboard (absent when it does not). */
  dashboardUrl?: string;
}

/** Collects the startup information of a running devnet node (`accounts`: how many dev accounts it unlocks). */
export async function devnetInfo(node: LuxNode, epoch: EpochInfo, dashboard = false, accounts = DEV_ACCOUNT_COUNT): Promise<DevnetInfo> {
  const sm = await node.chain.headState();
  const { createAddressFromString } = await import("@ethereumjs/util");
  const unlocked = await Promise.all(
    devAccounts(accounts).map(async (a) => ({
      address: a.address,
      privateKey: a.privateKey,
      balance: ((await sm.getAccount(createAddressFromString(a.address)))?.balance ?? 0n).toString(),
    })),
  );
  return {
    rpcUrl: node.rpcUrl,
    wsUrl: node.wsUrl,
    chainId: node.config.chainId.toString(),
    baseFeeWei: node.chain.head.block.header.calcNextBaseFee().toString(),
    gasLimit: node.config.gasLimit.toString(),
    slotTimeMs: node.config.slotTimeMs,
    slotsPerEpoch: node.config.slotsPerEpoch,
    mnemonic: DEV_MNEMONIC,
    derivationPath: `${DEV_DERIVATION_PATH}/{index}`,
    accounts: unlocked,
    validators: epoch.validators.map((v) => ({ address: v.address, signer: v.signer, stake: v.stake.toString() })),
    validatorSource: epoch.source,
    stakingContract: node.config.stakingContract,
    head: node.chain.head.block.header.number.toString(),
    dashboardUrl: dashboard ? `${node.rpcUrl}${DASHBOARD_PATH}` : undefined,
  };
}

/** The anvil/hardhat-node style text banner. */
export function bannerText(i: DevnetInfo): string {
  const lines: string[] = [];
  const section = (title: string): void => {
    lines.push("", title, "=".repeat(title.length));
  };
  lines.push("Luxtensor devnet (proof of stake, ethereumjs VM)");
  section("Available Accounts");
  i.accounts.forEach((a, n) => lines.push(`(${n}) ${a.address} (${formatEther(a.balance)} LUX)`));
  section("Private Keys");
  i.accounts.forEach((a, n) => lines.push(`(${n}) ${a.privateKey}`));
  section("Wallet");
  lines.push(`Mnemonic:        ${i.mnemonic}`, `Derivation path: ${i.derivationPath}`);
  section("Chain");
  lines.push(
    `Chain ID:        ${i.chainId}`,
    `Base fee:        ${i.baseFeeWei} wei`,
    `Gas limit:       ${i.gasLimit}`,
    `Block time:      ${i.slotTimeMs} ms slots (blocks also as soon as transactions wait), ${i.slotsPerEpoch} slots per epoch`,
    `Head block:      ${i.head}`,
    `Staking contract: ${i.stakingContract}`,
  );
  section(`Validators (${i.validatorSource})`);
  i.validators.forEach((v) => lines.push(`${v.address} signer ${v.signer} stake ${formatEther(v.stake)} MDT`));
  lines.push("", `Listening on ${i.rpcUrl.replace("http://", "")}`, `RPC URL: ${i.rpcUrl}   WebSocket: ${i.wsUrl}`);
  if (i.dashboardUrl) lines.push(`Dashboard: ${i.dashboardUrl}`);
  lines.push("");
  return lines.join("\n");
}

/** MetaMask "add network" values. */
export function metamaskText(i: DevnetInfo): string {
  return [
    "MetaMask (Settings → Networks → Add network)",
    `  Network name:    Luxtensor Devnet`,
    `  RPC URL:         ${i.rpcUrl}`,
    `  Chain ID:        ${i.chainId}`,
    `  Currency symbol: LUX`,
    ...(i.dashboardUrl ? ["", `Dashboard: ${i.dashboardUrl}  (connect MetaMask there to stake, delegate and claim)`] : []),
    "",
  ].join("\n");
}
