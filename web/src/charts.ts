/**
 * Chart.js, registered piece by piece (tree-shaken, bundled; no CDN). `upsertChart` creates a chart on
 * first data and updates it in place afterwards; the canvas carries `data-points` (how many values it
 * plots) so tests and people can tell an empty chart from one with data.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);
Chart.defaults.color = "#8b93ad";
Chart.defaults.borderColor = "#252c45";
Chart.defaults.animation = false;

/** Series colours; tests look for the first one's pixels on each canvas. */
export const COLORS = ["#4f8cff", "#3ecf8e", "#f5a524", "#ff5d6c", "#b07cff", "#2ec4d6"] as const;

type AnyDataset = ChartDataset<"bar" | "line", number[]>;

/** One chart's content. */
export interface ChartSpec {
  labels: string[];
  datasets: AnyDataset[];
  /** Stack the bars (and stacked y axis). */
  stacked?: boolean;
  /** A second y axis "y1" on the right (datasets opt in with yAxisID). */
  rightAxis?: boolean;
  /** Y axis maximum (e.g. 1 for fractions). */
  yMax?: number;
  /** Let the y axis start near the data instead of at zero (slowly moving totals). */
  fitY?: boolean;
}

const charts = new Map<string, Chart<"bar" | "line", number[], string>>();

/** Draws or updates the chart on canvas `id`. */
export function upsertChart(id: string, spec: ChartSpec): void {
  const canvas = document.getElementById(id) as HTMLCanvasElement | null;
  if (!canvas) return;
  const points = spec.datasets.reduce((n, d) => n + d.data.length, 0);
  canvas.dataset.points = String(points);
  const existing = charts.get(id);
  if (existing) {
    existing.data.labels = spec.labels;
    existing.data.datasets = spec.datasets;
    existing.update();
    return;
  }
  const chart = new Chart<"bar" | "line", number[], string>(canvas, {
    type: "bar",
    data: { labels: spec.labels, datasets: spec.datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { labels: { boxWidth: 12 } } },
      scales: {
        x: { stacked: spec.stacked ?? false },
        y: { stacked: spec.stacked ?? false, beginAtZero: !spec.fitY, max: spec.yMax },
        ...(spec.rightAxis ? { y1: { position: "right" as const, beginAtZero: true, grid: { drawOnChartArea: false } } } : {}),
      },
    },
  });
  charts.set(id, chart);
}

/** A bar dataset in colour `i`. */
export function bars(label: string, data: number[], i: number, extra: Partial<AnyDataset> = {}): AnyDataset {
  return { type: "bar", label, data, backgroundColor: COLORS[i % COLORS.length], ...extra } as AnyDataset;
}

/** A line dataset in colour `i`. */
export function line(label: string, data: number[], i: number, extra: Partial<AnyDataset> = {}): AnyDataset {
  const color = COLORS[i % COLORS.length];
  return { type: "line", label, data, borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 2, tension: 0.2, ...extra } as AnyDataset;
}
