/** MDT supply: total, cap, what remains mintable, and what is bonded. */
import { read } from "../../call";
import type { Client } from "../../types";

/** Result of {@link getSupply}; amounts in wei. */
export interface GetSupplyReturnType {
  totalSupply: bigint;
  cap: bigint;
  /** cap − totalSupply. */
  mintable: bigint;
  /** Bonded to validators. */
  totalBonded: bigint;
  /** Waiting in unbonding entries. */
  totalUnbonding: bigint;
}

/** Reads the supply figures. */
export async function getSupply(client: Client): Promise<GetSupplyReturnType> {
  const { token, staking } = client.contracts;
  const [totalSupply, cap, totalBonded, totalUnbonding] = await Promise.all([
    read(client, "MDTToken.totalSupply", () => token.totalSupply()),
    read(client, "MDTToken.cap", () => token.cap()),
    read(client, "StakingManager.totalBonded", () => staking.totalBonded()),
    read(client, "StakingManager.totalUnbonding", () => staking.totalUnbonding()),
  ]);
  return { totalSupply, cap, mintable: cap > totalSupply ? cap - totalSupply : 0n, totalBonded, totalUnbonding };
}
