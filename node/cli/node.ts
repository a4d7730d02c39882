/**
 * `npm run node`: a Luxtensor node without contract deployment. Prints "Listening on host:port" once
 * the RPC is up (tests parse it), one line per block, and stops cleanly on SIGINT/SIGTERM.
 */
import fs from "node:fs";
import { createNode } from "../node";
import { SenderRecovery } from "../txpool/senderRecovery";
import { installCrashGuard } from "./crashGuard";
import { cliLogger } from "./logger";
import { buildCommand, nodeOptions, readFlags } from "./options";

async function main(): Promise<void> {
  const cmd = buildCommand("luxtensor-node", "Run a Luxtensor proof-of-stake node", false);
  cmd.parse(process.argv);
  const flags = readFlags(cmd);
  if (flags.reset) fs.rmSync(flags.dataDir, { recursive: true, force: true });
  const log = cliLogger(flags);
  installCrashGuard(log);
  const node = await createNode({ ...nodeOptions(flags), log, logBlocks: !flags.quiet });
  // Always printed (even with --quiet): parents and tests wait for this line.
  const p2p = node.p2p ? { peerId: node.p2p.net.peerId, p2pAddresses: node.p2p.net.addresses } : {};
  if (flags.json) process.stdout.write(`${JSON.stringify({ event: "listening", rpcUrl: node.rpcUrl, wsUrl: node.wsUrl, chainId: node.config.chainId.toString(), ...p2p })}\n`);
  else {
    process.stdout.write(`Listening on ${flags.host}:${node.port}\n`);
    if (node.p2p) process.stdout.write(`P2P listening on ${node.p2p.net.addresses.join(" ")}\n`);
  }
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await node.stop();
    await SenderRecovery.closeShared();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
