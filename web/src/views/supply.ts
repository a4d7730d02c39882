/** Supply against the cap and the planned curve; burned and recycled by source. */
import { getPoolTotals, POOL_SOURCES } from "../../../sdk/client/actions/read/getPoolTotals";
import { getSupply } from "../../../sdk/client/actions/read/getSupply";
import type { Client } from "../../../sdk/client/types";
import { bars, line, upsertChart } from "../charts";
import { halvingCurve, plannedSupply, type EpochSeries } from "../data/epochs";
import { mdt, mdtNumber } from "../format";
import { setText } from "../dom";

/** Reads the supply and pool totals and draws the Supply section. */
export async function renderSupply(client: Client, series: EpochSeries, luxBurned: bigint | null): Promise<void> {
  const [supply, pools] = await Promise.all([getSupply(client), getPoolTotals(client)]);
  setText("stat-supply", mdt(supply.totalSupply, 2));
  setText("stat-cap", mdt(supply.cap, 0));
  setText("stat-bonded", mdt(supply.totalBonded, 2));
  setText("stat-burned", mdt(pools.burned.total, 4));
  setText("stat-recycling", `${mdt(pools.recycled.balance, 4)} (${mdt(pools.recycled.released, 2)} released so far)`);
  setText("stat-lux-burned", luxBurned === null ? "–" : mdt(luxBurned, 6, "LUX"));

  const { rows, policy } = series;
  const planned = plannedSupply(rows, policy);
  upsertChart("chart-supply", {
    fitY: true,
    labels: rows.map((r) => `${r.epoch}`),
    datasets: [
      line("total supply", rows.map((r) => mdtNumber(r.supply)), 0),
      line("planned maximum", planned.map(mdtNumber), 2, { borderDash: [6, 4] }),
    ],
  });
  const last = rows[rows.length - 1];
  const curve = halvingCurve(supply.totalSupply, last ? last.epoch + 1n : 0n, policy);
  upsertChart("chart-plan", {
    labels: curve.map(([e]) => `${e}`),
    datasets: [
      line("planned supply (utility 1)", curve.map(([, s]) => mdtNumber(s)), 0, { fill: false }),
      line("cap", curve.map(() => mdtNumber(supply.cap)), 3, { borderDash: [4, 4], pointRadius: 0 }),
    ],
  });
  upsertChart("chart-pools", {
    labels: [...POOL_SOURCES],
    datasets: [
      bars("burned", POOL_SOURCES.map((s) => mdtNumber(pools.burned.bySource[s])), 0),
      bars("recycled", POOL_SOURCES.map((s) => mdtNumber(pools.recycled.bySource[s])), 1),
    ],
  });
}
