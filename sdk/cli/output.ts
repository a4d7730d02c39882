/** Output of mtcli: results on stdout (human text or `--json`), progress and errors on stderr. */
import { bigintReplacer } from "../epoch/logger";
import { isModernTensorError } from "../errors";
import { formatMdt } from "../client/units";

/** Global options every command sees. */
export interface GlobalOptions {
  rpc: string;
  key?: string;
  json?: boolean;
  deployments?: string;
  dataDir?: string;
  quiet?: boolean;
}

/** Prints a command's result: `data` as JSON with --json (bigints as wei strings), else `human`. */
export function printResult(opts: GlobalOptions, human: string | string[], data: unknown): void {
  if (opts.json) process.stdout.write(`${JSON.stringify(data, bigintReplacer, 2)}\n`);
  else process.stdout.write(`${Array.isArray(human) ? human.join("\n") : human}\n`);
}

/** A progress line on stderr (never on stdout, so --json output stays parseable). */
export function progress(opts: GlobalOptions, message: string): void {
  if (!opts.quiet) process.stderr.write(`… ${message}\n`);
}

/** "1.5 MDT". */
export function mdt(wei: bigint): string {
  return `${formatMdt(wei)} MDT`;
}

/** Prints a failure on stderr (and as JSON on stdout with --json). */
export function printError(opts: Partial<GlobalOptions>, error: unknown): void {
  const code = isModernTensorError(error) ? (error as { code: string }).code : "UNEXPECTED";
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`mtcli: error [${code}]: ${message}\n`);
  if (opts.json) {
    const details = isModernTensorError(error) ? error.details : undefined;
    process.stdout.write(`${JSON.stringify({ error: { code, message, details } }, bigintReplacer, 2)}\n`);
  }
}
