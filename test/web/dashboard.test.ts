/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against a spawned
 * devnet with simulated validators and miners: every chart draws data (canvas pixels in the series
 * colour, not just an HTTP 200), a wallet announced through EIP-6963 connects, the wrong chain is
 * explained and fixed (switch → 4902 → add), a claim and a delegation go through with pending and
 * confirmed states and the page's balances follow the chain, and a revert shows its decoded error.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { parseEther } from "ethers";
import type { Browser, Page } from "playwright-core";
import { devAccounts } from "../../node/config";
import { getEvents } from "../../sdk/client/actions/events/getEvents";
import type { Client } from "../../sdk/client";
import { createSimulation, type Simulation } from "../../scripts/demo/simulate";
import { mdt } from "../../web/src/format";
import { ROOT, waitFor } from "../node/helpers";
import { SCREENSHOT_DIR, launchChromium } from "./browser";
import { installDevWallet, type DevWallet } from "./devWallet";
import { startTestDevnet, type TestDevnet } from "./devnet";

// The callbacks of page.evaluate / waitForFunction run in the page. The repository's tsconfig has no
// DOM library (it type-checks Node code), so the little of the DOM they touch is declared here.
interface PageElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  width: number;
  height: number;
  getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
declare const document: {
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
};
declare const window: { __txStates: string[]; __txObserver?: { disconnect(): void } };
declare class MutationObserver {
  constructor(fn: () => void);
  observe(target: PageElement, options: { attributes: boolean; attributeFilter: string[] }): void;
  disconnect(): void;
}

const CHARTS = ["chart-utility", "chart-emission", "chart-split", "chart-claims", "chart-supply", "chart-plan", "chart-pools", "chart-fairness"];
/** The first series colour of web/src/charts.ts; every chart plots its main series in it. */
const SERIES_COLOR = "#4f8cff";
/** More pixels than a legend swatch alone: the series itself was drawn. */
const MIN_SERIES_PIXELS = 400;
const UI_TIMEOUT_MS = 60_000;
const WALLET_ACCOUNT = 4; // a miner of the simulation: it has rewards to claim
const OTHER_VALIDATOR = 1;

async function seriesPixels(page: Page, id: string): Promise<number> {
  return page.evaluate(
    ([canvasId, hex]) => {
      const canvas = document.getElementById(canvasId);
      if (!canvas || canvas.width === 0) return 0;
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 200 && Math.abs(data[i] - rgb[0]) < 24 && Math.abs(data[i + 1] - rgb[1]) < 24 && Math.abs(data[i + 2] - rgb[2]) < 24) n++;
      }
      return n;
    },
    [id, SERIES_COLOR] as const,
  );
}

const text = (page: Page, selector: string): Promise<string> => page.locator(selector).innerText();

describe("web: the dashboard in Chromium", function () {
  this.timeout(600_000);
  let devnet: TestDevnet | undefined;
  let sim: Simulation | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let wallet: DevWallet;
  let reader: Client;
  const keys = devAccounts();
  const account = keys[WALLET_ACCOUNT].address;

  before(async function () {
    // Build the page from the repository as `npm run build:web` does (it bundles the current SDK).
    const build = spawnSync(process.execPath, [path.join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--config", "web/vite.config.mts", "--logLevel", "error"], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
    expect(build.status, `vite build failed:\n${build.stdout}\n${build.stderr}`).to.equal(0);
    // Launch first: a missing browser fails here, before minutes of chain setup.
    browser = await launchChromium();
    devnet = await startTestDevnet({ DEPLOY_EPOCH_LENGTH: "12" });
    sim = createSimulation({
      rpcUrl: devnet.rpcUrl,
      deploymentsDir: devnet.deploymentsDir,
      dataDir: devnet.rewardsDir,
      validators: [{ account: OTHER_VALIDATOR, selfStake: parseEther("1000") }],
      miners: [WALLET_ACCOUNT, 5, 6],
    });
    await sim.setup();
    reader = await sim.client(0);
    // Play until two epochs with emission are distributed (the fairness and supply lines need two points).
    await waitFor(
      async () => {
        await sim!.step();
        const events = await getEvents(reader, { label: "EpochDistributed", query: (f, t) => reader.contracts.distributor.queryFilter(reader.contracts.distributor.filters.EpochDistributed(), f, t) });
        return events.filter((e) => e.args.emission > 0n).length >= 2;
      },
      240_000,
      "two distributed epochs with emission",
    );
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 2400 } });
    page.on("pageerror", (err) => console.error(`page error: ${err.message}`));
    wallet = await installDevWallet(page, { rpcUrl: devnet.rpcUrl, privateKey: keys[WALLET_ACCOUNT].privateKey, nodeChainId: 8898n, startChainId: 1n });
  });

  after(async () => {
    await browser?.close();
    sim?.close();
    await devnet?.stop();
  });

  it("serves the page from the node and draws every chart with data", async () => {
    const res = await page.goto(devnet!.dashboardUrl);
    expect(res?.status()).to.equal(200);
    await page.waitForSelector("body[data-refreshes]", { timeout: UI_TIMEOUT_MS });
    await page.waitForSelector("#validators-body tr", { timeout: UI_TIMEOUT_MS });
    const distributed = await getEvents(reader, { label: "EpochDistributed", query: (f, t) => reader.contracts.distributor.queryFilter(reader.contracts.distributor.filters.EpochDistributed(), f, t) });
    // Three bar series per distributed epoch in the split chart: the page charts exactly the chain's epochs.
    await waitFor(async () => Number(await page.getAttribute("#chart-split", "data-points")) >= 3 * distributed.length, UI_TIMEOUT_MS, "the split chart to hold every distributed epoch");
    for (const id of CHARTS) {
      const points = Number(await page.getAttribute(`#${id}`, "data-points"));
      expect(points, `${id} data points`).to.be.greaterThan(0);
      expect(await seriesPixels(page, id), `${id} series pixels`).to.be.greaterThan(MIN_SERIES_PIXELS);
    }
    const registered = await reader.contracts.staking.registeredValidators();
    expect(await page.locator("#validators-body tr").count()).to.equal(registered.length);
    expect(await text(page, "#conn-status")).to.equal("live");
    expect(Number((await text(page, "#head-number")).slice(1))).to.be.greaterThan(0);
    expect(await text(page, "#stat-finalized")).to.match(/^#\d+|^n\/a/);
    expect(await text(page, "#stat-peers")).to.match(/^\d+$|^n\/a/);
    expect(await text(page, "#stat-gini")).to.match(/^0\.\d{3}$/);
    expect(await page.locator("#earners-body tr").count()).to.be.greaterThan(0);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "dashboard.png"), fullPage: true });
  });

  it("follows new blocks live over the WebSocket", async () => {
    const before = Number((await text(page, "#head-number")).slice(1));
    await waitFor(async () => Number((await text(page, "#head-number")).slice(1)) > before, UI_TIMEOUT_MS, "the head to move on the page");
  });

  it("connects an EIP-6963 wallet, explains the wrong chain and switches (adding it on 4902)", async () => {
    await page.click("button.connect[data-rdns='org.moderntensor.devwallet']", { timeout: UI_TIMEOUT_MS });
    await page.waitForSelector("#wallet-status[data-state='wrong-chain']", { timeout: UI_TIMEOUT_MS });
    expect(await text(page, "#wallet-status")).to.contain("Wrong network").and.contain("chain 1 ").and.contain("chain 8898");
    // Acting on the wrong chain is refused with an explanation, and nothing is sent.
    await page.click("#btn-delegate");
    await page.waitForSelector("#tx-error:not([hidden])", { timeout: UI_TIMEOUT_MS });
    expect(await text(page, "#tx-error")).to.contain("switch to chain 8898");
    await page.click("#switch-chain");
    await page.waitForSelector("#wallet-status[data-state='connected']", { timeout: UI_TIMEOUT_MS });
    const methods = wallet.calls.map((c) => c.method);
    const sw = methods.indexOf("wallet_switchEthereumChain");
    const add = methods.indexOf("wallet_addEthereumChain");
    expect(sw, "switch tried first").to.be.greaterThan(-1);
    expect(add, "added after the 4902").to.be.greaterThan(sw);
    const params = wallet.calls[add].params as { chainId: string; rpcUrls: string[]; nativeCurrency: { symbol: string; decimals: number } }[];
    expect(params[0].chainId).to.equal("0x22c2");
    expect(params[0].rpcUrls[0]).to.equal(devnet!.rpcUrl);
    expect(params[0].nativeCurrency).to.include({ symbol: "LUX", decimals: 18 });
    expect(wallet.chainId()).to.equal(8898n);
    expect(methods).to.not.include("eth_sendTransaction");
    expect(await text(page, "#wallet-status")).to.contain(account);
    await page.waitForFunction((a) => document.getElementById("acct-address")?.textContent === a, account, { timeout: UI_TIMEOUT_MS });
  });

  it("claims a reward from the page: pending, then confirmed, and the balance follows the chain", async () => {
    await page.waitForSelector("#rewards-body button.claim", { timeout: UI_TIMEOUT_MS });
    const row = page.locator("#rewards-body tr", { has: page.locator("button.claim") }).first();
    const epoch = BigInt((await row.getAttribute("data-epoch"))!);
    const balanceBefore = await reader.contracts.token.balanceOf(account);
    await recordTxStates(page);
    await row.locator("button.claim").click();
    await page.waitForSelector("#tx-status[data-state='confirmed']", { timeout: UI_TIMEOUT_MS });
    expect(await page.evaluate(() => window.__txStates)).to.include.members(["wallet", "pending", "confirmed"]);
    const claimed = await reader.contracts.distributor.queryFilter(reader.contracts.distributor.filters.Claimed(epoch, undefined, account));
    expect(claimed, "one Claimed event for the epoch and account").to.have.length(1);
    const balanceAfter = await reader.contracts.token.balanceOf(account);
    expect(balanceAfter > balanceBefore).to.equal(true);
    await page.waitForFunction((want) => document.getElementById("acct-mdt")?.textContent === want, mdt(balanceAfter, 4), { timeout: UI_TIMEOUT_MS });
    await page.waitForFunction((e) => document.querySelector(`#rewards-body tr[data-epoch='${e}'] td:nth-child(3)`)?.textContent === "claimed", String(epoch), { timeout: UI_TIMEOUT_MS });
  });

  it("delegates from the page and the stake shown follows the chain", async () => {
    const validator = keys[OTHER_VALIDATOR].address;
    const before = await reader.contracts.staking.stakeOf(validator, account);
    await page.selectOption("#action-validator", validator);
    await page.fill("#action-amount", "5");
    await recordTxStates(page);
    await page.click("#btn-delegate");
    await page.waitForSelector("#tx-status[data-state='confirmed']", { timeout: UI_TIMEOUT_MS });
    expect(await page.evaluate(() => window.__txStates)).to.include.members(["wallet", "pending", "confirmed"]);
    const after = await reader.contracts.staking.stakeOf(validator, account);
    expect(after - before).to.equal(parseEther("5"));
    await page.waitForFunction((want) => document.getElementById("acct-staked")?.textContent === want, mdt(after, 4), { timeout: UI_TIMEOUT_MS });
    await page.waitForFunction((v) => [...document.querySelectorAll("#delegations-body td.addr")].some((td) => td.textContent === v), validator, { timeout: UI_TIMEOUT_MS });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "account.png"), fullPage: true });
  });

  it("shows a revert as the contract's decoded custom error, and a rejection in plain words", async () => {
    const sent = wallet.calls.filter((c) => c.method === "eth_sendTransaction").length;
    await page.selectOption("#action-validator", keys[0].address);
    await page.fill("#action-amount", "1000");
    await page.click("#btn-undelegate");
    await page.waitForSelector("#tx-status[data-state='failed']", { timeout: UI_TIMEOUT_MS });
    const error = await text(page, "#tx-error");
    expect(error).to.contain("InsufficientStake(").and.contain(account).and.contain("You have 0.0 MDT staked with this validator and asked to take out 1000.0 MDT");
    expect(wallet.calls.filter((c) => c.method === "eth_sendTransaction").length, "the revert was caught before sending").to.equal(sent);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "revert.png") });

    wallet.rejectNext();
    await page.selectOption("#action-validator", keys[OTHER_VALIDATOR].address);
    await page.fill("#action-amount", "1");
    await page.click("#btn-undelegate");
    await page.waitForSelector("#tx-status[data-state='failed']", { timeout: UI_TIMEOUT_MS });
    expect(await text(page, "#tx-error")).to.contain("You rejected the request in your wallet");
  });

  it("refuses a malformed amount with a clear message", async () => {
    await page.fill("#action-amount", "-3");
    await page.click("#btn-delegate");
    await page.waitForSelector("#tx-error:not([hidden])", { timeout: UI_TIMEOUT_MS });
    expect(await text(page, "#tx-error")).to.match(/amount/i);
  });
});

/** Records every state the transaction status goes through (the page changes it in place). */
async function recordTxStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window;
    w.__txStates = [];
    w.__txObserver?.disconnect();
    const el = document.getElementById("tx-status")!;
    const observer = new MutationObserver(() => w.__txStates.push(el.dataset.state ?? ""));
    observer.observe(el, { attributes: true, attributeFilter: ["data-state"] });
    w.__txObserver = observer;
  });
}
