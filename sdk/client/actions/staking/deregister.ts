/** Validator slots: leave the registered list after exiting, or prune an inactive validator. */
import { requireSigner, write } from "../../call";
import { requireAddress } from "../../validate";
import type { Client, TxResult } from "../../types";

/** Result of {@link deregister} and {@link prune}. */
export type DeregisterReturnType = TxResult;

/** The caller's validator leaves the list; reverts with ValidatorNotExited while it has own stake bonded. */
export async function deregister(client: Client): Promise<DeregisterReturnType> {
  requireSigner(client, "deregister");
  const { staking } = client.contracts;
  return write(client, "StakingManager.deregister", () => staking.deregister());
}

/** Parameters of {@link prune}. */
export interface PruneParameters {
  /** A registered validator below the minimum own stake and inactive for `inactivityEpochs`. */
  validator: string;
}

/** Removes an inactive validator from the list (anyone may); reverts with NotPrunable otherwise. */
export async function prune(client: Client, params: PruneParameters): Promise<DeregisterReturnType> {
  requireSigner(client, "prune");
  const validator = requireAddress("validator", params.validator);
  const { staking } = client.contracts;
  return write(client, "StakingManager.prune", () => staking.prune(validator));
}
