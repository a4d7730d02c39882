/**
 * Registers the caller as a miner: approves the registration fee, then registers. When every slot is
 * taken it replaces the miner the registry allows to be replaced (past its immunity period, no weight
 * for the previous or current epoch) that was weighted longest ago, earliest registration first.
 */
import { ensureAllowance, read, requireMdtBalance, requireSigner, write } from "../../call";
import { clientError } from "../../errors";
import type { Client, TxResult } from "../../types";

/** Result of {@link registerMiner}. */
export interface RegisterMinerReturnType extends TxResult {
  /** The fee paid (part burned, part recycled). */
  fee: bigint;
  approval: TxResult | null;
  /** The miner whose slot was taken (slots were full), or null. */
  replaced: string | null;
}

/** The replaceable miner with the oldest last weight (ties: earliest registration), or null if none. */
export async function findReplaceableMiner(client: Client): Promise<string | null> {
  const { registry, clock } = client.contracts;
  const [miners, current, immunity] = await Promise.all([
    read(client, "SubnetRegistry.miners", () => registry.miners()),
    read(client, "EpochClock.currentEpoch", () => clock.currentEpoch()),
    read(client, "SubnetRegistry.immunityEpochs", () => registry.immunityEpochs()),
  ]);
  let best: { miner: string; lastWeighted: bigint; registeredAt: bigint } | null = null;
  const CHUNK = 64;
  for (let i = 0; i < miners.length; i += CHUNK) {
    const slice = miners.slice(i, i + CHUNK);
    const infos = await Promise.all(slice.map((m) => read(client, "SubnetRegistry.minerInfo", () => registry.minerInfo(m))));
    infos.forEach((info, j) => {
      // Mirrors SubnetRegistry.isReplaceable.
      if (current < info.registeredAt + immunity || current <= info.lastWeighted + 1n) return;
      const better = best === null || info.lastWeighted < best.lastWeighted || (info.lastWeighted === best.lastWeighted && info.registeredAt < best.registeredAt);
      if (better) best = { miner: slice[j], lastWeighted: info.lastWeighted, registeredAt: info.registeredAt };
    });
  }
  return best === null ? null : (best as { miner: string }).miner;
}

/** Pays the registration fee and registers the caller as a miner (replacing one if slots are full). */
export async function registerMiner(client: Client): Promise<RegisterMinerReturnType> {
  const { account } = requireSigner(client, "registerMiner");
  const { registry } = client.contracts;
  const [fee, count, max] = await Promise.all([
    read(client, "SubnetRegistry.registrationFee", () => registry.registrationFee()),
    read(client, "SubnetRegistry.minerCount", () => registry.minerCount()),
    read(client, "SubnetRegistry.maxMiners", () => registry.maxMiners()),
  ]);
  const replaced = count >= max ? await findReplaceableMiner(client) : null;
  if (count >= max && replaced === null) {
    throw clientError("INVALID_ARGUMENT", `all ${max} miner slots are taken and no miner is replaceable yet (each is immune or was weighted recently); try again in a later epoch`, { max });
  }
  let approval: TxResult | null = null;
  if (fee > 0n) {
    await requireMdtBalance(client, account, fee, "registerMiner");
    approval = await ensureAllowance(client, await registry.getAddress(), fee);
  }
  const tx = replaced === null
    ? await write(client, "SubnetRegistry.registerMiner", () => registry.registerMiner())
    : await write(client, "SubnetRegistry.registerMinerReplacing", () => registry.registerMinerReplacing(replaced));
  return { ...tx, fee, approval, replaced };
}
