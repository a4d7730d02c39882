/** Parsers of command-line arguments; each failure says what was expected. */
import { clientError } from "../client/errors";
import { parsePositiveMdt } from "../client/units";
import { requireAddress } from "../client/validate";
import type { MinerWeightInput } from "../client/actions/subnet/submitWeights";

/** A positive MDT amount ("1.5") in wei. */
export function parseAmountArg(text: string): bigint {
  return parsePositiveMdt(text);
}

/** A checksummed address. */
export function parseAddressArg(name: string, text: string): string {
  return requireAddress(name, text);
}

const UINT = /^\d+$/;

/** A non-negative integer (epoch, task count). */
export function parseUintArg(name: string, text: string): bigint {
  if (!UINT.test(text)) throw clientError("INVALID_ARGUMENT", `${name} must be a non-negative integer, got "${text}"`, { [name]: text });
  return BigInt(text);
}

/** `<miner>=<weight>` pairs, e.g. `0xabc…=10 0xdef…=5`. */
export function parseWeightArgs(pairs: readonly string[]): MinerWeightInput[] {
  if (pairs.length === 0) throw clientError("INVALID_ARGUMENT", "give at least one <miner>=<weight> pair");
  return pairs.map((pair) => {
    const [miner, weight, extra] = pair.split("=");
    if (weight === undefined || extra !== undefined) {
      throw clientError("INVALID_ARGUMENT", `"${pair}" is not <miner>=<weight>, e.g. 0x70997970C51812dc3A010C7d01b50e0d17dc79C8=10`, { pair });
    }
    return { miner: requireAddress("miner", miner), weight: parseUintArg("weight", weight) };
  });
}

const DIFFICULTY = /^(0(\.\d{1,18})?|1(\.0{1,18})?)$/;

/** A difficulty in [0, 1] as a decimal ("0.7") into WAD. */
export function parseDifficultyArg(text: string): bigint {
  if (!DIFFICULTY.test(text)) throw clientError("INVALID_ARGUMENT", `difficulty must be a decimal in [0, 1] such as 0.7, got "${text}"`, { difficulty: text });
  const [whole, fraction = ""] = text.split(".");
  return BigInt(whole) * 10n ** 18n + BigInt(fraction.padEnd(18, "0"));
}
