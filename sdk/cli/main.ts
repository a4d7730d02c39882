/**
 * mtcli: the ModernTensor command line. Global flags: --rpc, --key (or env MTCLI_PRIVATE_KEY), --json,
 * --deployments, --data-dir. Results go to stdout, progress and errors to stderr; exit codes are in
 * ./exitCodes.ts.
 */
import { Command, CommanderError } from "commander";
import { registerAccount } from "./commands/account";
import { registerEpoch } from "./commands/epoch";
import { registerRewards } from "./commands/rewards";
import { registerStaking } from "./commands/staking";
import { registerStatus } from "./commands/status";
import { registerSubnet } from "./commands/subnet";
import { DEFAULT_RPC, KEY_ENV } from "./context";
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from "./exitCodes";
import { printError, type GlobalOptions } from "./output";

/** Builds the command tree (exported for tests and help generation). */
export function buildProgram(): Command {
  const program = new Command("mtcli")
    .description("ModernTensor command line: staking, mining, weights, epoch distribution and claims")
    .option("--rpc <url>", "JSON-RPC endpoint", DEFAULT_RPC)
    .option("--key <hex>", `private key that signs transactions (or env ${KEY_ENV})`)
    .option("--json", "print results as JSON (amounts in wei, as strings)")
    .option("--deployments <dir>", "directory with <chainId>.json (default: the repository's deployments/)")
    .option("--data-dir <dir>", "where the epoch runner keeps reward trees (default ~/.moderntensor)")
    .option("--quiet", "no progress or log lines on stderr")
    .showHelpAfterError()
    .exitOverride();
  registerStatus(program);
  registerAccount(program);
  registerStaking(program);
  registerSubnet(program);
  registerRewards(program);
  registerEpoch(program);
  for (const sub of program.commands) {
    sub.exitOverride();
    for (const leaf of sub.commands) leaf.exitOverride();
  }
  return program;
}

/** Runs mtcli with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end in a CommanderError with exit code 0; usage errors were printed already.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    printError(program.opts<GlobalOptions>(), error);
    return exitCodeFor(error);
  }
}
