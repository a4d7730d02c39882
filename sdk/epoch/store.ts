/**
 * The runner's own files. Reward trees are shared by everyone using a data directory (they are named by
 * root, and every honest validator builds the same one); the cursor and the done markers belong to one
 * attesting account, so several validators (or a claims-only observer) can share a data directory:
 *
 *   <dataDir>/<chainId>-<distributor>/runners/<account>/runner-state.json   first epoch not yet done
 *   <dataDir>/<chainId>-<distributor>/runners/<account>/done/epoch-<N>.json  accepted, verified, tree stored
 */
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../client/rewardStore";

interface RunnerState {
  nextEpoch: string;
}

/** The state directory of `account` (or of a read-only observer) under the deployment's data directory. */
export function runnerStateDir(deploymentDir: string, account: string | null): string {
  return path.join(deploymentDir, "runners", account === null ? "observer" : account.toLowerCase());
}

/** Path of the cursor file. */
export function statePath(dir: string): string {
  return path.join(dir, "runner-state.json");
}

/** The stored cursor, or null. */
export function readCursor(dir: string): bigint | null {
  const file = statePath(dir);
  if (!fs.existsSync(file)) return null;
  return BigInt((JSON.parse(fs.readFileSync(file, "utf8")) as RunnerState).nextEpoch);
}

/** Stores the cursor atomically. */
export function writeCursor(dir: string, nextEpoch: bigint): void {
  const state: RunnerState = { nextEpoch: nextEpoch.toString() };
  writeFileAtomic(statePath(dir), `${JSON.stringify(state)}\n`);
}
