/** Adds MDT to the caller's own validator stake (approving the StakingManager first if needed). */
import { ensureAllowance, read, requireMdtBalance, requireSigner, write } from "../../call";
import { clientError } from "../../errors";
import { requirePositive } from "../../validate";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link stake}. */
export interface StakeParameters {
  /** MDT wei to add (> 0). */
  amount: bigint;
}

/** Result of {@link stake}: the stake transaction and the approval, if one was needed. */
export interface StakeReturnType extends TxResult {
  approval: TxResult | null;
}

/** Stakes `amount` on the caller's own validator; delegators use `delegate` instead. */
export async function stake(client: Client, params: StakeParameters): Promise<StakeReturnType> {
  const { account } = requireSigner(client, "stake");
  requirePositive("amount", params.amount);
  const { staking } = client.contracts;
  const info = await read(client, "StakingManager.validatorInfo", () => staking.validatorInfo(account));
  if (!info.registered) {
    throw clientError("INVALID_ARGUMENT", `${account} is not a registered validator: register first, or delegate to a validator`, { account });
  }
  await requireMdtBalance(client, account, params.amount, "stake");
  const approval = await ensureAllowance(client, await staking.getAddress(), params.amount);
  const tx = await write(client, "StakingManager.stake", () => staking.stake(params.amount));
  return { ...tx, approval };
}
