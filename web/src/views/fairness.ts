/** Gini and top-10 share per epoch, and the top earners. */
import { line, upsertChart } from "../charts";
import type { FairnessData } from "../data/fairness";
import { mdt, wadNumber, wadPct } from "../format";
import { setText, td } from "../dom";

/** Draws the Fairness section. */
export function renderFairness(data: FairnessData): void {
  // An epoch without recipients (no utility, nothing emitted) has no distribution to measure.
  const epochs = data.epochs.filter((e) => e.recipients > 0);
  const latest = epochs[epochs.length - 1];
  setText("stat-gini", latest ? (wadNumber(latest.gini)).toFixed(3) : "–");
  setText("stat-top10", latest ? wadPct(latest.top10) : "–");
  setText("stat-recipients", latest ? String(latest.recipients) : "–");
  const note = data.source === null
    ? "This node serves no reward trees (start it with --rewards-dir): per-recipient rewards are not on-chain."
    : `${epochs.length} epochs from the ${data.source}.${data.rejected.length ? ` Rejected (root does not match the chain): ${data.rejected.join(", ")}.` : ""}`;
  setText("fairness-note", note);
  upsertChart("chart-fairness", {
    labels: epochs.map((e) => `${e.epoch}`),
    yMax: 1,
    datasets: [line("Gini", epochs.map((e) => wadNumber(e.gini)), 0), line("top-10 share", epochs.map((e) => wadNumber(e.top10)), 2)],
  });
  document.getElementById("earners-body")?.replaceChildren(
    ...data.earners.map((e, i) => {
      const tr = document.createElement("tr");
      tr.append(td(String(i + 1)), td(e.account, "addr"), td(mdt(e.amount, 4)), td(String(e.epochs)));
      return tr;
    }),
  );
}
