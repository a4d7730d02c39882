import type { Logger } from "../chain/types";

/**
 * Last line of defence: an error that escapes every handler (a callback of a socket, a timer, a
 * forgotten promise) is logged instead of ending the process. Node's default is to exit, which on a
 * node means one bad request takes the chain down; the RPC layer catches its own errors, so reaching
 * this is a bug worth a log line, not an outage.
 */
export function installCrashGuard(log: Logger): void {
  process.on("uncaughtException", (err) => log.error(`uncaught exception (kept running): ${err.stack ?? err.message}`));
  process.on("unhandledRejection", (reason) => {
    log.error(`unhandled rejection (kept running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  });
}
