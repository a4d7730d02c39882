/** Withdraws every unbonding entry of the caller that has matured. */
import { requireSigner, write } from "../../call";
import type { Client, TxResult } from "../../types";

/** Result of {@link withdraw}. */
export type WithdrawReturnType = TxResult;

/** Withdraws matured unbondings; reverts with NothingToWithdraw when none has matured. */
export async function withdraw(client: Client): Promise<WithdrawReturnType> {
  requireSigner(client, "withdraw");
  const { staking } = client.contracts;
  return write(client, "StakingManager.withdraw", () => staking.withdraw());
}
