/** Registers the caller as a validator with its self-stake (approving the StakingManager first). */
import { ensureAllowance, requireMdtBalance, requireSigner, write } from "../../call";
import { requireAddress, requirePositive } from "../../validate";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link registerValidator}. */
export interface RegisterValidatorParameters {
  /** MDT wei of self-stake (at least the StakingManager's minSelfStake). */
  selfStake: bigint;
  /** Block-signing key; default the caller's own address. */
  signer?: string;
}

/** Result of {@link registerValidator}. */
export interface RegisterValidatorReturnType extends TxResult {
  approval: TxResult | null;
}

/** Registers the caller as a validator. */
export async function registerValidator(
  client: Client,
  params: RegisterValidatorParameters,
): Promise<RegisterValidatorReturnType> {
  const { account } = requireSigner(client, "registerValidator");
  const signerKey = requireAddress("signer", params.signer ?? account);
  requirePositive("selfStake", params.selfStake);
  const { staking } = client.contracts;
  await requireMdtBalance(client, account, params.selfStake, "registerValidator");
  const approval = await ensureAllowance(client, await staking.getAddress(), params.selfStake);
  const tx = await write(client, "StakingManager.registerValidator", () => staking.registerValidator(signerKey, params.selfStake));
  return { ...tx, approval };
}
