/**
 * Headless Chromium for the dashboard tests: Debian's /usr/bin/chromium (never a downloaded browser)
 * driven by playwright-core. A missing browser is an error that fails the run, not a skip.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

/** Where Debian's chromium package installs the browser (override with CHROMIUM_PATH). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Screenshots written by the tests (gitignored). */
export const SCREENSHOT_DIR = path.resolve(__dirname, "screenshots");

/** Flags that keep Chromium from reaching outside hosts (TOOLCHAIN.md). */
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Launches Chromium; throws with the install command when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`BROWSER_MISSING: no Chromium at ${CHROMIUM_PATH}; install it with "apt-get update && apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, timeout: 60_000 });
}
