/** The per-epoch charts: utility inputs, emission vs policy, split, claims. */
import { bars, line, upsertChart } from "../charts";
import type { EpochSeries } from "../data/epochs";
import { mdtNumber, wadNumber } from "../format";

/** Draws the Epochs section. */
export function renderEpochs({ rows }: EpochSeries): void {
  const labels = rows.map((r) => `${r.epoch}`);
  upsertChart("chart-utility", {
    labels,
    rightAxis: true,
    datasets: [
      line("utility", rows.map((r) => wadNumber(r.utility)), 0),
      line("difficulty", rows.map((r) => wadNumber(r.difficulty)), 2),
      line("participation", rows.map((r) => wadNumber(r.participation)), 1),
      bars("tasks", rows.map((r) => Number(r.tasks)), 5, { yAxisID: "y1", order: 10 }),
    ],
  });
  upsertChart("chart-emission", {
    labels,
    stacked: true,
    datasets: [
      bars("minted", rows.map((r) => mdtNumber(r.minted)), 0, { stack: "emitted" }),
      bars("from recycling pool", rows.map((r) => mdtNumber(r.recycled)), 1, { stack: "emitted" }),
      line("allowed at this utility", rows.map((r) => mdtNumber(r.allowed)), 2, { stack: "allowed" }),
      line("policy maximum (utility 1)", rows.map((r) => mdtNumber(r.full)), 3, { stack: "full", borderDash: [6, 4] }),
    ],
  });
  upsertChart("chart-split", {
    labels,
    stacked: true,
    datasets: [
      bars("miners", rows.map((r) => mdtNumber(r.miners)), 0),
      bars("validators", rows.map((r) => mdtNumber(r.validators)), 1),
      bars("DAO", rows.map((r) => mdtNumber(r.dao)), 4),
    ],
  });
  upsertChart("chart-claims", {
    labels,
    datasets: [bars("funded", rows.map((r) => mdtNumber(r.funded)), 0), bars("claimed", rows.map((r) => mdtNumber(r.claimed)), 1)],
  });
}
