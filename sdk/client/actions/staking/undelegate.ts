/** Starts unbonding MDT the caller delegated to a validator. */
import { requireSigner, write } from "../../call";
import { requireAddress, requirePositive } from "../../validate";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link undelegate}. */
export interface UndelegateParameters {
  /** The validator delegated to. */
  validator: string;
  /** MDT wei to unbond (> 0). */
  amount: bigint;
}

/** Result of {@link undelegate}. */
export type UndelegateReturnType = TxResult;

/** Unbonds `amount` delegated to `validator`. */
export async function undelegate(client: Client, params: UndelegateParameters): Promise<UndelegateReturnType> {
  requireSigner(client, "undelegate");
  const validator = requireAddress("validator", params.validator);
  requirePositive("amount", params.amount);
  const { staking } = client.contracts;
  return write(client, "StakingManager.undelegate", () => staking.undelegate(validator, params.amount));
}
