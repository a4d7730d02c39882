/** Every registered validator with its stake and status, and the current active set. */
import { read } from "../../call";
import type { Client } from "../../types";

/** One registered validator. */
export interface ValidatorInfo {
  address: string;
  /** Block-signing key. */
  signer: string;
  /** Total stake (own + delegated), wei. */
  totalStake: bigint;
  /** The validator's own stake, wei. */
  selfStake: bigint;
  jailed: boolean;
  jailedUntil: bigint;
  /** In the active set of the current epoch. */
  active: boolean;
}

/** Result of {@link getValidators}. */
export interface GetValidatorsReturnType {
  /** The current epoch. */
  epoch: bigint;
  /** Registered validators in registration order. */
  validators: ValidatorInfo[];
  /** The active set of the current epoch, by stake descending. */
  activeSet: { validator: string; stake: bigint }[];
}

/** Reads the validators and the active set. */
export async function getValidators(client: Client): Promise<GetValidatorsReturnType> {
  const { staking, clock } = client.contracts;
  const epoch = await read(client, "EpochClock.currentEpoch", () => clock.currentEpoch());
  const [addresses, active] = await Promise.all([
    read(client, "StakingManager.registeredValidators", () => staking.registeredValidators()),
    read(client, "StakingManager.activeValidatorsAt", () => staking.activeValidatorsAt(epoch)),
  ]);
  const activeSet = active.validators.map((validator, i) => ({ validator, stake: active.stakes[i] }));
  const activeAddresses = new Set(active.validators.map((a) => a.toLowerCase()));
  const validators = await Promise.all(
    addresses.map(async (address): Promise<ValidatorInfo> => {
      const [info, selfStake] = await Promise.all([
        read(client, "StakingManager.validatorInfo", () => staking.validatorInfo(address)),
        read(client, "StakingManager.stakeOf", () => staking.stakeOf(address, address)),
      ]);
      return {
        address,
        signer: info.signer,
        totalStake: info.totalStake,
        selfStake,
        jailed: info.jailed,
        jailedUntil: info.jailedUntil,
        active: activeAddresses.has(address.toLowerCase()),
      };
    }),
  );
  return { epoch, validators, activeSet };
}
