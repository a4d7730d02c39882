/** Takes the caller's validator out of jail once its jail period is over. */
import { requireSigner, write } from "../../call";
import type { Client, TxResult } from "../../types";

/** Result of {@link unjail}. */
export type UnjailReturnType = TxResult;

/**
 * Unjails the caller's validator; it rejoins the active set from the next epoch. Reverts with
 * NotJailed or ValidatorJailedUntil(validator, untilEpoch), named in the thrown ClientError.
 */
export async function unjail(client: Client): Promise<UnjailReturnType> {
  requireSigner(client, "unjail");
  const { staking } = client.contracts;
  return write(client, "StakingManager.unjail", () => staking.unjail());
}
