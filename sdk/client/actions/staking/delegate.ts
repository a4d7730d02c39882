/** Bonds MDT of the caller to a validator (approving the StakingManager first if needed). */
import { ensureAllowance, requireMdtBalance, requireSigner, write } from "../../call";
import { requireAddress, requirePositive } from "../../validate";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link delegate}. */
export interface DelegateParameters {
  /** The validator to bond to. */
  validator: string;
  /** MDT wei to bond (> 0). */
  amount: bigint;
}

/** Result of {@link delegate}. */
export interface DelegateReturnType extends TxResult {
  approval: TxResult | null;
}

/** Delegates `amount` to `validator`. */
export async function delegate(client: Client, params: DelegateParameters): Promise<DelegateReturnType> {
  const { account } = requireSigner(client, "delegate");
  const validator = requireAddress("validator", params.validator);
  requirePositive("amount", params.amount);
  const { staking } = client.contracts;
  await requireMdtBalance(client, account, params.amount, "delegate");
  const approval = await ensureAllowance(client, await staking.getAddress(), params.amount);
  const tx = await write(client, "StakingManager.delegate", () => staking.delegate(validator, params.amount));
  return { ...tx, approval };
}
