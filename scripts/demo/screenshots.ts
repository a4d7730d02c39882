/**
 * Takes the README's pictures of a running demo: `npm run demo` in one terminal, then
 *   npx ts-node scripts/demo/screenshots.ts http://127.0.0.1:8545/dashboard/
 * writes docs/img/dashboard.png (read-only view) and docs/img/account.png (dev account #16 connected
 * through the test wallet, a delegation, and a refused undelegation with its decoded error).
 */
import fs from "node:fs";
import path from "node:path";
import { devAccounts } from "../../node/config";
import { launchChromium } from "../../test/web/browser";
import { installDevWallet } from "../../test/web/devWallet";

const OUT = path.resolve(__dirname, "../../docs/img");
const ACCOUNT = 16; // a demo delegator that never claims: its rewards wait on the page

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error("usage: screenshots.ts <dashboard URL>");
  fs.mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const rpcUrl = new URL(url).origin;
    await installDevWallet(page, { rpcUrl, privateKey: devAccounts()[ACCOUNT].privateKey, nodeChainId: 8898n, startChainId: 8898n });
    await page.goto(url);
    await page.waitForSelector("body[data-refreshes]", { timeout: 60_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(OUT, "dashboard.png"), fullPage: true });
    await page.click("button.connect");
    await page.waitForSelector("#wallet-status[data-state='connected']", { timeout: 60_000 });
    await page.selectOption("#action-validator", devAccounts()[1].address);
    await page.fill("#action-amount", "25");
    await page.click("#btn-delegate");
    await page.waitForSelector("#tx-status[data-state='confirmed']", { timeout: 60_000 });
    await page.fill("#action-amount", "1000");
    await page.click("#btn-undelegate");
    await page.waitForSelector("#tx-status[data-state='failed']", { timeout: 60_000 });
    // Let the page finish the refresh that the delegation's events started.
    const seen = Number(await page.getAttribute("body", "data-refreshes"));
    await page.waitForFunction(`Number(document.body.dataset.refreshes) >= ${seen + 1}`, undefined, { timeout: 60_000 });
    await page.addStyleTag({ content: "header { position: static; }" }); // the sticky header would cover the section
    await page.locator("#account").screenshot({ path: path.join(OUT, "account.png") });
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
