/** Display formatting (no DOM here: the browser tests import it to compare the page with the chain). Amounts stay bigint wei; charts get MDT as numbers only at the last step. */
import { formatUnits } from "ethers";
import { formatMdt } from "../../sdk/client/units";
import { WAD } from "../../sdk/tokenomics/constants";

/** "1,234.5678 MDT"-style text with at most `decimals` fraction digits (exact, no float rounding). */
export function mdt(wei: bigint, decimals = 4, unit = "MDT"): string {
  const [int, frac = ""] = formatMdt(wei).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const f = frac.slice(0, decimals).replace(/0+$/, "");
  return `${grouped}${f ? `.${f}` : ""}${unit ? ` ${unit}` : ""}`;
}

/** MDT as a JS number, for chart axes only. */
export function mdtNumber(wei: bigint): number {
  return Number(formatUnits(wei, 18));
}

/** A WAD fraction (1e18 = 1) as a number for charts. */
export function wadNumber(v: bigint): number {
  return Number(formatUnits(v, 18));
}

/** A WAD fraction as a percentage string. */
export function wadPct(v: bigint, decimals = 2): string {
  const scaled = (v * 100n * 10n ** BigInt(decimals)) / WAD;
  if (decimals === 0) return `${scaled}%`;
  const s = scaled.toString().padStart(decimals + 1, "0");
  return `${s.slice(0, -decimals)}.${s.slice(-decimals)}%`;
}

/** 0x1234…abcd. */
export function short(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}
