/** Sets the caller's operator commission; it applies from two epochs ahead (StakingManager). */
import { assertCommission } from "../../../tokenomics/commission";
import { COMMISSION_DELAY_EPOCHS } from "../../../tokenomics/constants";
import { read, requireSigner, write } from "../../call";
import { clientError } from "../../errors";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link setCommission}. */
export interface SetCommissionParameters {
  /** Commission as a WAD fraction in [0, MAX_COMMISSION] (0.5e18). */
  commission: bigint;
}

/** Result of {@link setCommission}. */
export interface SetCommissionReturnType extends TxResult {
  /** First epoch the new commission applies to. */
  fromEpoch: bigint;
}

/**
 * Sets the commission of the caller's validator. Throws COMMISSION_TOO_HIGH before sending when the rate
 * is above the maximum, INVALID_ARGUMENT when the caller is not a registered validator.
 */
export async function setCommission(client: Client, params: SetCommissionParameters): Promise<SetCommissionReturnType> {
  const { account } = requireSigner(client, "setCommission");
  assertCommission(params.commission);
  const { staking, clock } = client.contracts;
  const info = await read(client, "StakingManager.validatorInfo", () => staking.validatorInfo(account));
  if (!info.registered) throw clientError("INVALID_ARGUMENT", `${account} is not a registered validator: register first`, { account });
  const tx = await write(client, "StakingManager.setCommission", () => staking.setCommission(params.commission));
  const epoch = await read(client, "EpochClock.currentEpoch", () => clock.currentEpoch({ blockTag: tx.blockNumber }));
  return { ...tx, fromEpoch: epoch + COMMISSION_DELAY_EPOCHS };
}
