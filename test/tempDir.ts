import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Set to keep the temporary dirs of a test run for a look afterwards (data dirs, logs). */
const KEEP_ENV = "KEEP_TEST_DIRS";

const created: string[] = [];

/**
 * A fresh directory under the system's temp dir, removed when the test process exits (by then every node
 * a test spawned has been stopped; a run of the whole suite otherwise leaves ~100 data dirs behind).
 */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (created.length === 0 && !process.env[KEEP_ENV]) process.once("exit", removeCreated);
  created.push(dir);
  return dir;
}

function removeCreated(): void {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
}
