/** An account's MDT, native LUX, staked, unbonding and withdrawable amounts. */
import { read } from "../../call";
import { resolveAccount } from "../rewards/getClaimable";
import type { Client } from "../../types";

/** Parameters of {@link getBalances}. */
export interface GetBalancesParameters {
  /** Default: the client's account. */
  account?: string;
}

/** Result of {@link getBalances}; all amounts in wei. */
export interface GetBalancesReturnType {
  account: string;
  /** Liquid MDT. */
  mdt: bigint;
  /** Native coin of the chain (LUX), pays gas. */
  lux: bigint;
  /** MDT bonded to any validator (own stake and delegations), at current share prices. */
  staked: bigint;
  /** MDT in unbonding entries (matured or not). */
  unbonding: bigint;
  /** Part of `unbonding` that can be withdrawn now. */
  withdrawable: bigint;
}

/** Reads the account's balances. */
export async function getBalances(client: Client, params: GetBalancesParameters = {}): Promise<GetBalancesReturnType> {
  const account = resolveAccount(client, params.account);
  const { token, staking } = client.contracts;
  const [mdt, lux, validators, entries, withdrawable] = await Promise.all([
    read(client, "MDTToken.balanceOf", () => token.balanceOf(account)),
    read(client, "eth_getBalance", () => client.provider.getBalance(account)),
    read(client, "StakingManager.registeredValidators", () => staking.registeredValidators()),
    read(client, "StakingManager.unbondingOf", () => staking.unbondingOf(account)),
    read(client, "StakingManager.withdrawable", () => staking.withdrawable(account)),
  ]);
  const stakes = await Promise.all(
    validators.map((v) => read(client, "StakingManager.stakeOf", () => staking.stakeOf(v, account))),
  );
  return {
    account,
    mdt,
    lux,
    staked: stakes.reduce((sum, s) => sum + s, 0n),
    unbonding: entries.reduce((sum, e) => sum + e.amount, 0n),
    withdrawable,
  };
}
