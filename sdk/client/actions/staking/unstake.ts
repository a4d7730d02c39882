/** Starts unbonding part of the caller's own validator stake. */
import { requireSigner, write } from "../../call";
import { requirePositive } from "../../validate";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link unstake}. */
export interface UnstakeParameters {
  /** MDT wei to unbond (> 0). */
  amount: bigint;
}

/** Result of {@link unstake}. */
export type UnstakeReturnType = TxResult;

/** Unbonds `amount` of the caller's own stake; withdrawable after the unbonding period. */
export async function unstake(client: Client, params: UnstakeParameters): Promise<UnstakeReturnType> {
  requireSigner(client, "unstake");
  requirePositive("amount", params.amount);
  const { staking } = client.contracts;
  return write(client, "StakingManager.unstake", () => staking.unstake(params.amount));
}
