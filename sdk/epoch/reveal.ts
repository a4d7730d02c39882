/**
 * Commit–reveal from the runner's seat: during epoch e + 1 it reveals, by itself, the weights this
 * validator committed in epoch e (the salt is in the data directory, written before the commit was sent).
 */
import { read } from "../client/call";
import { readCommit } from "../client/commitStore";
import { revealWeights } from "../client/actions/subnet/revealWeights";
import type { SettleContext } from "./settle";

/** Reveals the caller's commitment of the previous epoch if it is on-chain, stored here and not revealed yet. */
export async function revealPending(ctx: SettleContext, currentEpoch: bigint): Promise<void> {
  const { client } = ctx;
  const account = client.account;
  if (account === null || currentEpoch === 0n) return;
  const epoch = currentEpoch - 1n;
  const { registry } = client.contracts;
  const [enabled, onChain, revealed] = await Promise.all([
    read(client, "SubnetRegistry.commitRevealAt", () => registry.commitRevealAt(epoch)),
    read(client, "SubnetRegistry.commitmentOf", () => registry.commitmentOf(epoch, account)),
    read(client, "SubnetRegistry.hasSubmittedWeights", () => registry.hasSubmittedWeights(epoch, account)),
  ]);
  if (!enabled || revealed || /^0x0+$/.test(onChain)) return;
  const stored = readCommit(ctx.dir, account, epoch);
  if (stored === null || stored.commitment.toLowerCase() !== onChain.toLowerCase()) {
    ctx.log({ level: "warn", msg: `epoch ${epoch}: ${account} committed ${onChain} but ${ctx.dir} holds no matching salt; cannot reveal`, step: "reveal", epoch });
    return;
  }
  const tx = await revealWeights(client, { epoch });
  ctx.log({ level: "info", msg: `epoch ${epoch}: revealed weights for ${tx.miners.length} miners`, step: "reveal", epoch, txHash: tx.hash });
}
