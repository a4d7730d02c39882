import fs from "node:fs";
import type { Message } from "@ethereumjs/evm";
import { bytesToHex } from "@ethereumjs/util";
import { AbiCoder, id } from "ethers";
import type { Logger } from "../chain/types";
import { errorMessage } from "../errors";

/** Address hardhat/console.sol sends its payloads to ("console.log" in ASCII). */
export const CONSOLE_ADDRESS = "0x000000000000000000636f6e736f6c652e6c6f67";
const SELECTOR_CHARS = 10;

/**
 * Reads the signatures console.sol encodes (`abi.encodeWithSignature("log(string,uint256)", …)`) from
 * the console.sol that contracts import, so the table matches the library exactly; selector → types.
 */
export function loadConsoleSignatures(file = require.resolve("hardhat/console.sol")): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const text = fs.readFileSync(file, "utf8");
  for (const m of text.matchAll(/encodeWithSignature\("(log\(([^)]*)\))"/g)) {
    const types = m[2] === "" ? [] : m[2].split(",");
    table.set(id(m[1]).slice(0, SELECTOR_CHARS), types);
  }
  return table;
}

function show(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return v;
  return String(v);
}

/** Formats one console.log payload as Hardhat prints it (a format string with %s/%d/%i/%o, else space-joined). */
export function formatConsoleLog(data: Uint8Array, table: Map<string, string[]>): string {
  const hex = bytesToHex(data);
  const types = table.get(hex.slice(0, SELECTOR_CHARS));
  if (!types) return `console.log: unknown payload ${hex}`;
  const values = AbiCoder.defaultAbiCoder().decode(types, `0x${hex.slice(SELECTOR_CHARS)}`).map((v: unknown) => v);
  if (typeof values[0] === "string" && /%[sdio]/.test(values[0]) && values.length > 1) {
    let i = 1;
    const head = values[0].replace(/%[sdio]/g, (s) => (i < values.length ? show(values[i++]) : s));
    return [head, ...values.slice(i).map(show)].join(" ");
  }
  return values.map(show).join(" ");
}

/** A beforeMessage listener printing contracts' console.log calls to the node's log (dev mode) while `enabled`. */
export function consoleLogger(log: Logger, enabled: () => boolean = () => true): (m: Message) => void {
  let table: Map<string, string[]> | undefined;
  return (m) => {
    if (m.to?.toString() !== CONSOLE_ADDRESS || !enabled()) return;
    try {
      table ??= loadConsoleSignatures();
      log.info(`console.log: ${formatConsoleLog(m.data, table)}`);
    } catch (err) {
      log.warn(`console.log payload not decoded: ${errorMessage(err)}`);
    }
  };
}
