/** Reads a validator's operator commission for an epoch (the one the reward tree uses). */
import { read } from "../../call";
import { requireAddress } from "../../validate";
import type { Client } from "../../types";

/** Parameters of {@link getCommission}. */
export interface GetCommissionParameters {
  /** The validator (operator) address. */
  validator: string;
  /** Epoch to read; default the current one. Later epochs show changes already scheduled. */
  epoch?: bigint;
}

/** Result of {@link getCommission}. */
export interface GetCommissionReturnType {
  validator: string;
  epoch: bigint;
  /** Commission in force in `epoch` (WAD). */
  commission: bigint;
  /** Commission scheduled for two epochs after `epoch` (equal to `commission` when nothing changes). */
  scheduled: bigint;
}

/** Reads StakingManager.commissionAt for `epoch` and two epochs later. */
export async function getCommission(client: Client, params: GetCommissionParameters): Promise<GetCommissionReturnType> {
  const validator = requireAddress("validator", params.validator);
  const { staking, clock } = client.contracts;
  const epoch = params.epoch ?? (await read(client, "EpochClock.currentEpoch", () => clock.currentEpoch()));
  const [commission, scheduled] = await Promise.all([
    read(client, "StakingManager.commissionAt", () => staking.commissionAt(validator, epoch)),
    read(client, "StakingManager.commissionAt", () => staking.commissionAt(validator, epoch + 2n)),
  ]);
  return { validator, epoch, commission, scheduled };
}
