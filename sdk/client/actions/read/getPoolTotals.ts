/** MDT burned and recycled, in total and per source. */
import { read } from "../../call";
import type { Client } from "../../types";

/** The sources of the PoolSource enum, in enum order. */
export const POOL_SOURCES = ["RegistrationFee", "Slashing", "ExpiredRewards", "TaskFees", "Penalty"] as const;

/** One of {@link POOL_SOURCES}. */
export type PoolSourceName = (typeof POOL_SOURCES)[number];

/** Result of {@link getPoolTotals}; amounts in wei. */
export interface GetPoolTotalsReturnType {
  burned: { total: bigint; bySource: Record<PoolSourceName, bigint> };
  recycled: {
    total: bigint;
    bySource: Record<PoolSourceName, bigint>;
    /** Released to fund emission so far. */
    released: bigint;
    /** Held now, spent before anything new is minted. */
    balance: bigint;
  };
}

/** Reads both pools' totals. */
export async function getPoolTotals(client: Client): Promise<GetPoolTotalsReturnType> {
  const { burnPool, recyclingPool } = client.contracts;
  const burnedBy = await Promise.all(POOL_SOURCES.map((_, i) => read(client, "BurnPool.burnedBy", () => burnPool.burnedBy(i))));
  const recycledBy = await Promise.all(POOL_SOURCES.map((_, i) => read(client, "RecyclingPool.recycledBy", () => recyclingPool.recycledBy(i))));
  const [burnedTotal, recycledTotal, released, balance] = await Promise.all([
    read(client, "BurnPool.totalBurned", () => burnPool.totalBurned()),
    read(client, "RecyclingPool.totalRecycled", () => recyclingPool.totalRecycled()),
    read(client, "RecyclingPool.totalReleased", () => recyclingPool.totalReleased()),
    read(client, "RecyclingPool.balance", () => recyclingPool.balance()),
  ]);
  const bySource = (values: bigint[]): Record<PoolSourceName, bigint> =>
    Object.fromEntries(POOL_SOURCES.map((name, i) => [name, values[i]])) as Record<PoolSourceName, bigint>;
  return {
    burned: { total: burnedTotal, bySource: bySource(burnedBy) },
    recycled: { total: recycledTotal, bySource: bySource(recycledBy), released, balance },
  };
}
