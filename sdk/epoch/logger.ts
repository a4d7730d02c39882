/** Structured logs: one JSON object per line (bigints as decimal strings), for humans and log shippers. */
import type { Writable } from "node:stream";

/** A log entry: a short message plus the values that explain it. */
export interface LogEntry {
  level: "info" | "warn" | "error";
  msg: string;
  step?: string;
  epoch?: bigint;
  [key: string]: unknown;
}

/** Receives log entries. */
export type Logger = (entry: LogEntry) => void;

/** JSON.stringify replacer keeping bigints exact. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** Writes each entry as one JSON line with a timestamp to `stream` (default stderr). */
export function createJsonLineLogger(stream: Writable = process.stderr): Logger {
  return (entry) => {
    stream.write(`${JSON.stringify({ ts: new Date().toISOString(), ...entry }, bigintReplacer)}\n`);
  };
}

/** Discards everything (tests, --quiet). */
export const silentLogger: Logger = () => undefined;
