/** Registers the caller as a miner: approves the registration fee, then registers. */
import { ensureAllowance, read, requireMdtBalance, requireSigner, write } from "../../call";
import type { Client, TxResult } from "../../types";

/** Result of {@link registerMiner}. */
export interface RegisterMinerReturnType extends TxResult {
  /** The fee paid (part burned, part recycled). */
  fee: bigint;
  approval: TxResult | null;
}

/** Pays the registration fee and registers the caller as a miner. */
export async function registerMiner(client: Client): Promise<RegisterMinerReturnType> {
  const { account } = requireSigner(client, "registerMiner");
  const { registry } = client.contracts;
  const fee = await read(client, "SubnetRegistry.registrationFee", () => registry.registrationFee());
  let approval: TxResult | null = null;
  if (fee > 0n) {
    await requireMdtBalance(client, account, fee, "registerMiner");
    approval = await ensureAllowance(client, await registry.getAddress(), fee);
  }
  const tx = await write(client, "SubnetRegistry.registerMiner", () => registry.registerMiner());
  return { ...tx, fee, approval };
}
