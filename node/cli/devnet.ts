/**
 * `npm run devnet`: compiles the contracts, starts a node with the 20 dev accounts, prints accounts,
 * keys, chain values and validators, deploys the suite with the Hardhat deploy script when it is not
 * deployed yet, prints the contract addresses and MetaMask values, then keeps producing blocks.
 * Ctrl-C stops cleanly; the next run continues the chain; --reset starts over.
 */
import fs from "node:fs";
import { createNode } from "../node";
import { SenderRecovery } from "../txpool/senderRecovery";
import { bannerText, devnetInfo, metamaskText } from "./banner";
import { ensureDeployed, npx, run } from "./deploy";
import { installCrashGuard } from "./crashGuard";
import { cliLogger } from "./logger";
import { ensureWebBuilt } from "./webBuild";
import { WEB_DIST_DIR, buildCommand, nodeOptions, readFlags, type CliFlags } from "./options";
import { ensureNetworkDeployed, networkBanner, startValidators, stopValidators } from "./devnetNetwork";
import type { Logger } from "../chain/types";

/** `--validators N` with N > 1: N validator processes connected peer to peer. */
async function runNetwork(flags: CliFlags, log: Logger, quietChildren: boolean): Promise<void> {
  let showBlocks = false;
  const vs = await startValidators(flags, log, () => showBlocks);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (!flags.json && !flags.quiet) process.stdout.write("\nStopping…\n");
    await stopValidators(vs);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  const info = vs.map((v) => ({ index: v.index, address: v.address, rpcUrl: v.rpcUrl, wsUrl: v.wsUrl, p2pAddress: v.p2pAddress, dataDir: v.dataDir, pid: v.proc.pid, args: v.args }));
  if (flags.json) process.stdout.write(`${JSON.stringify({ event: "started", chainId: flags.chainId, validators: info })}\n`);
  else if (!flags.quiet) process.stdout.write(networkBanner(vs, flags));
  else process.stdout.write(`Listening on ${vs[0].rpcUrl.replace("http://", "")}\n`);
  showBlocks = !flags.quiet && !flags.json;
  if (!flags.deploy) return;
  const dep = await ensureNetworkDeployed(vs[0], flags, log, quietChildren);
  if (!dep) return;
  if (flags.json) process.stdout.write(`${JSON.stringify({ event: "deployed", ...dep })}\n`);
  else if (!flags.quiet) {
    const lines = ["", "Contracts", "========="];
    for (const [name, addr] of Object.entries(dep.contracts)) lines.push(`${name.padEnd(22)} ${addr}`);
    lines.push("", `${flags.validators} validators registered in StakingManager; they share the slots from the next epoch boundary.`);
    process.stdout.write(`${lines.join("\n")}\n\n`);
  }
}

async function main(): Promise<void> {
  const cmd = buildCommand("luxtensor-devnet", "Start a local Luxtensor devnet with the ModernTensor contracts deployed", true);
  cmd.parse(process.argv);
  const flags = readFlags(cmd);
  const log = cliLogger(flags);
  installCrashGuard(log);
  const quietChildren = flags.quiet || flags.json;
  if (flags.reset) {
    fs.rmSync(flags.dataDir, { recursive: true, force: true });
    log.info(`Reset: removed ${flags.dataDir}`);
  }
  if (flags.compile && flags.deploy) {
    log.info("Compiling contracts (hardhat compile)…");
    const code = await run(npx(), ["hardhat", "compile", "--quiet"], process.env, quietChildren);
    if (code !== 0) throw new Error(`hardhat compile failed with exit code ${code}`);
  }
  if (flags.validators > 1) return runNetwork(flags, log, quietChildren);
  if (flags.dashboard && flags.compile) await ensureWebBuilt(WEB_DIST_DIR, log, quietChildren);
  // Block lines wait until the banner is out, so the banner reads in one piece.
  let showBlocks = false;
  const node = await createNode({
    ...nodeOptions(flags, true),
    log: { ...log, info: (m) => (m.startsWith("block #") && !showBlocks ? undefined : log.info(m)) },
  });
  const duty = await node.chain.engine.duty(node.chain.parentInfo(), node.chain.head.slot + 1n);
  const info = await devnetInfo(node, duty.epoch, flags.dashboard, flags.accounts);
  if (flags.json) process.stdout.write(`${JSON.stringify({ event: "started", ...info })}\n`);
  else if (!flags.quiet) process.stdout.write(bannerText(info));
  else process.stdout.write(`Listening on ${flags.host}:${node.port}\n`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (!flags.json && !flags.quiet) process.stdout.write("\nStopping…\n");
    await node.stop();
    await SenderRecovery.closeShared();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  showBlocks = !flags.quiet;
  if (flags.deploy) {
    const dep = await ensureDeployed(node, log, quietChildren);
    // hardhat_reset returns here, so deployments/<chainId>.json stays true after a reset.
    node.dev?.markResetPoint();
    if (dep) {
      if (flags.json) process.stdout.write(`${JSON.stringify({ event: "deployed", ...dep })}\n`);
      else if (!flags.quiet) {
        const lines = ["", "Contracts", "========="];
        for (const [name, addr] of Object.entries(dep.contracts)) lines.push(`${name.padEnd(22)} ${addr}`);
        process.stdout.write(`${lines.join("\n")}\n\n`);
      }
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ event: "metamask", networkName: "Luxtensor Devnet", rpcUrl: node.rpcUrl, chainId: info.chainId, currencySymbol: "LUX", dashboardUrl: info.dashboardUrl })}\n`);
  else if (!flags.quiet) process.stdout.write(`\n${metamaskText(info)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
