/** Rotates the caller's block-signing key; the new key signs from the next epoch on. */
import { requireSigner, write } from "../../call";
import { requireAddress } from "../../validate";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link rotateSigner}. */
export interface RotateSignerParameters {
  /** The new block-signing key address (unused by any other validator). */
  signer: string;
}

/** Result of {@link rotateSigner}. */
export type RotateSignerReturnType = TxResult;

/** Rotates the key; reverts with InvalidSigner(signer, owner) for a key another validator holds. */
export async function rotateSigner(client: Client, params: RotateSignerParameters): Promise<RotateSignerReturnType> {
  requireSigner(client, "rotateSigner");
  const signer = requireAddress("signer", params.signer);
  const { staking } = client.contracts;
  return write(client, "StakingManager.rotateSigner", () => staking.rotateSigner(signer));
}
