/** The runner's cursor: the first epoch not yet done, so a restart does not rescan from genesis. */
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../client/rewardStore";

interface RunnerState {
  nextEpoch: string;
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
