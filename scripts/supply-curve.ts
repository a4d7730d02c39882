/**
 * Writes docs/supply-curve.svg: the planned MDT supply at full utility (no recycling, no genesis
 * allocation) against the 21M cap, for the default policy and for the seed's figures.
 *
 *   npm run supply-curve [-- <out.svg>]
 *
 * The numbers come from sdk/tokenomics (`fullEmission`, the same integer math as the contract), summed
 * per halving era in closed form; the cap is applied as the contract applies it (mint up to the cap).
 */
import fs from "node:fs";
import path from "node:path";
import {
  DEFAULT_EMISSION_POLICY,
  fullEmission,
  ONE_MDT,
  SEED_HALVING_INTERVAL,
  type EmissionPolicy,
} from "../sdk/tokenomics";

/** Seconds per epoch at the defaults: 32 slots of 12 s. */
const EPOCH_SECONDS = 32 * 12;
const WIDTH = 860;
const HEIGHT = 460;
const MARGIN = { left: 80, right: 30, top: 40, bottom: 60 };

/** Planned supply (wei) after `epochs` epochs at full utility, capped. */
export function plannedSupply(policy: EmissionPolicy, epochs: bigint): bigint {
  let total = 0n;
  for (let start = 0n; start < epochs; start += policy.halvingInterval) {
    const perEpoch = fullEmission(start, policy);
    if (perEpoch === 0n) break;
    const end = start + policy.halvingInterval < epochs ? start + policy.halvingInterval : epochs;
    total += perEpoch * (end - start);
    if (total >= policy.supplyCap) return policy.supplyCap;
  }
  return total;
}

/** First epoch count at which the planned supply reaches `fraction` (per mille) of the cap, or null. */
function epochsTo(policy: EmissionPolicy, perMille: bigint, limit: bigint): bigint | null {
  const target = (policy.supplyCap * perMille) / 1000n;
  let lo = 0n;
  let hi = limit;
  if (plannedSupply(policy, hi) < target) return null;
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    if (plannedSupply(policy, mid) >= target) hi = mid;
    else lo = mid + 1n;
  }
  return lo;
}

interface Series {
  label: string;
  color: string;
  policy: EmissionPolicy;
}

function svg(series: Series[], maxEpochs: bigint): string {
  const cap = Number(DEFAULT_EMISSION_POLICY.supplyCap / ONE_MDT);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (epoch: number): number => MARGIN.left + (epoch / Number(maxEpochs)) * plotW;
  const y = (mdt: number): number => MARGIN.top + plotH - (mdt / (cap * 1.1)) * plotH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">Planned MDT supply at full utility vs. the 21M cap</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (cap * 1.1 * i) / 5;
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`);
    parts.push(`<text x="${MARGIN.left - 8}" y="${y(v) + 4}" text-anchor="end">${(v / 1e6).toFixed(1)}M</text>`);
  }
  const step = Number(maxEpochs) / 8;
  for (let i = 0; i <= 8; i++) {
    const e = step * i;
    const years = (e * EPOCH_SECONDS) / (365 * 24 * 3600);
    parts.push(`<line x1="${x(e)}" x2="${x(e)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${x(e)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${Math.round(e).toLocaleString("en-US")}</text>`);
    parts.push(`<text x="${x(e)}" y="${MARGIN.top + plotH + 30}" text-anchor="middle" fill="#777">${years.toFixed(2)} y</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">epochs (years at 32 slots × 12 s)</text>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(cap)}" y2="${y(cap)}" stroke="#c00" stroke-dasharray="6 4"/>`);
  parts.push(`<text x="${WIDTH - MARGIN.right - 4}" y="${y(cap) - 6}" text-anchor="end" fill="#c00">cap 21,000,000 MDT</text>`);
  series.forEach((s, i) => {
    const points: string[] = [];
    for (let k = 0; k <= 400; k++) {
      const e = (maxEpochs * BigInt(k)) / 400n;
      points.push(`${x(Number(e)).toFixed(1)},${y(Number(plannedSupply(s.policy, e) / ONE_MDT)).toFixed(1)}`);
    }
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${points.join(" ")}"/>`);
    // Legend in the empty lower right, clear of the curves and the cap line.
    const lx = MARGIN.left + plotW * 0.3;
    const ly = MARGIN.top + plotH * 0.62 + i * 20;
    parts.push(`<rect x="${lx}" y="${ly - 6}" width="14" height="4" fill="${s.color}"/>`);
    parts.push(`<text x="${lx + 20}" y="${ly}">${s.label}</text>`);
  });
  parts.push(`</svg>`);
  return `${parts.join("\n")}\n`;
}

function main(): void {
  const out = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "docs", "supply-curve.svg"));
  const seed: EmissionPolicy = { ...DEFAULT_EMISSION_POLICY, halvingInterval: SEED_HALVING_INTERVAL };
  const series: Series[] = [
    { label: "default: 1000 MDT/epoch, halving every 10,500 epochs (series → cap)", color: "#1f6feb", policy: DEFAULT_EMISSION_POLICY },
    { label: "seed: 1000 MDT/epoch, halving every 210,000 epochs (cap binds at 21,000)", color: "#e3a008", policy: seed },
  ];
  const maxEpochs = DEFAULT_EMISSION_POLICY.halvingInterval * 8n;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, svg(series, maxEpochs));
  console.log(`Wrote ${out}`);
  for (const s of series) {
    const marks = [500n, 900n, 990n, 1000n].map((pm) => {
      const e = epochsTo(s.policy, pm, s.policy.halvingInterval * 300n);
      return `${Number(pm) / 10}% at ${e === null ? "never" : `epoch ${e.toLocaleString("en-US")}`}`;
    });
    console.log(`  ${s.label}: ${marks.join(", ")}`);
  }
}

if (require.main === module) main();
