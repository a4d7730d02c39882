/**
 * Builds the dashboard (`npm run build:web`, Vite) when web/dist is missing or older than its
 * sources, so `npm install && npm run devnet` serves a current page without a separate step.
 */
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../chain/types";
import { REPO_ROOT, npx, run } from "./deploy";

const WEB_DIR = path.join(REPO_ROOT, "web");
// The page bundles these SDK folders too; a change there must rebuild it.
const SOURCES = [path.join(WEB_DIR, "src"), path.join(WEB_DIR, "index.html"), path.join(WEB_DIR, "vite.config.mts"), path.join(REPO_ROOT, "sdk")];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return fs.readdirSync(p).reduce((m, name) => Math.max(m, newestMtime(path.join(p, name))), st.mtimeMs);
}

/** True when web/dist/index.html is missing or older than a source of the page. */
export function webBuildStale(distDir: string): boolean {
  const index = path.join(distDir, "index.html");
  if (!fs.existsSync(index)) return true;
  const built = fs.statSync(index).mtimeMs;
  return SOURCES.some((s) => newestMtime(s) > built);
}

/** Runs the Vite build when stale; a failed build is logged, not fatal (the RPC still works). */
export async function ensureWebBuilt(distDir: string, log: Logger, quiet: boolean): Promise<boolean> {
  if (!fs.existsSync(WEB_DIR)) return false;
  if (!webBuildStale(distDir)) return true;
  log.info("Building the dashboard (vite build web/)…");
  const code = await run(npx(), ["vite", "build", "--config", path.join(WEB_DIR, "vite.config.mts"), "--logLevel", quiet ? "error" : "warn"], process.env, quiet);
  if (code !== 0) log.error(`dashboard build failed with exit code ${code}; run "npm run build:web" to see why`);
  return code === 0;
}
