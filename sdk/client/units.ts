/** MDT amounts between human strings ("1.5") and bigint wei, exact (ethers parseUnits/formatUnits). */
import { formatUnits, parseUnits } from "ethers";
import { clientError } from "./errors";

/** MDT has 18 decimals. */
export const MDT_DECIMALS = 18;

// Plain decimal only: no sign, exponent, hex or separators, so "1e3" or "-1" are rejected early.
const DECIMAL_AMOUNT = /^(\d+)(\.\d+)?$/;

/** Parses a human MDT amount ("1.5", "1000", "0.000000000000000001") into wei. */
export function parseMdt(amount: string): bigint {
  const text = amount.trim();
  if (!DECIMAL_AMOUNT.test(text)) {
    throw clientError("INVALID_AMOUNT", `"${amount}" is not an MDT amount; use a plain decimal such as 1.5`, {
      amount,
    });
  }
  const fraction = text.split(".")[1] ?? "";
  if (fraction.length > MDT_DECIMALS) {
    throw clientError("INVALID_AMOUNT", `"${amount}" has more than ${MDT_DECIMALS} decimals (1 wei = 1e-18 MDT)`, {
      amount,
    });
  }
  return parseUnits(text, MDT_DECIMALS);
}

/** Formats wei as MDT ("1.5", "1000.0"); exact, no rounding. */
export function formatMdt(wei: bigint): string {
  return formatUnits(wei, MDT_DECIMALS);
}

/** Parses an amount and requires it to be positive (for stake, delegate, ...). */
export function parsePositiveMdt(amount: string): bigint {
  const wei = parseMdt(amount);
  if (wei === 0n) throw clientError("INVALID_AMOUNT", `amount must be greater than 0, got "${amount}"`, { amount });
  return wei;
}
