import type { Logger } from "../chain/types";

/** Logger for the CLI modes: plain lines, JSON lines, or errors only. */
export function cliLogger(mode: { quiet: boolean; json: boolean }): Logger {
  const stamp = (): string => new Date().toISOString().slice(11, 23);
  if (mode.json) {
    const line = (level: string) => (msg: string) => process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg })}\n`);
    return { info: mode.quiet ? () => {} : line("info"), warn: line("warn"), error: line("error") };
  }
  return {
    info: mode.quiet ? () => {} : (m) => process.stdout.write(`${stamp()} ${m}\n`),
    warn: mode.quiet ? () => {} : (m) => process.stderr.write(`${stamp()} WARN ${m}\n`),
    error: (m) => process.stderr.write(`${stamp()} ERROR ${m}\n`),
  };
}
