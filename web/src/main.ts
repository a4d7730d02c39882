/**
 * Dashboard entry: connects to the serving node, follows new heads and the suite's logs over the
 * WebSocket, and re-reads the sections when something changed (debounced). The wallet part acts
 * through the SDK's actions with a signer from the user's EIP-1193 wallet.
 */
import { getAddress, isAddress } from "ethers";
import { delegate } from "../../sdk/client/actions/staking/delegate";
import { stake } from "../../sdk/client/actions/staking/stake";
import { undelegate } from "../../sdk/client/actions/staking/undelegate";
import { read, write } from "../../sdk/client/call";
import { parsePositiveMdt } from "../../sdk/client/units";
import { ChainWatcher, type ChainState } from "./data/chain";
import { loadEpochSeries } from "./data/epochs";
import { loadFairness, type FairnessData } from "./data/fairness";
import { connectEnv, type Env } from "./env";
import { setText } from "./dom";
import { accountRewards, renderAccount, type AccountReward } from "./views/account";
import { renderChain } from "./views/chain";
import { renderEpochs } from "./views/epochs";
import { renderFairness } from "./views/fairness";
import { renderSupply } from "./views/supply";
import { renderValidators } from "./views/validators";
import { discoverWallets, type WalletChoice } from "./wallet/discovery";
import { explainError } from "./wallet/errors";
import { WalletSession } from "./wallet/session";

const REFRESH_DEBOUNCE_MS = 300;

function setConn(state: "live" | "down" | "connecting", text: string): void {
  const el = document.getElementById("conn-status");
  if (el) {
    el.dataset.state = state;
    el.textContent = text;
  }
}

function showError(where: string, err: unknown): void {
  console.error(where, err);
  setConn("down", `${where}: ${explainError(err)}`);
}

async function start(): Promise<void> {
  setConn("connecting", "connecting…");
  const env: Env = await connectEnv();
  setText("chain-id", String(env.deployment.chainId));
  let chain: ChainState | null = null;
  let fairness: FairnessData | null = null;
  let validators: string[] = [];
  let lastEpoch: bigint | null = null;
  const viewAccount = new URLSearchParams(location.search).get("account");
  const wallet = new WalletSession(env.deployment, () => scheduleRefresh());

  // One refresh at a time; a request during a refresh runs once more after it.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let refreshes = 0;
  function scheduleRefresh(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void refresh(), REFRESH_DEBOUNCE_MS);
  }
  async function refresh(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const client = env.client;
      const series = await loadEpochSeries(client);
      renderEpochs(series);
      const luxBurned = await env.provider.send("lux_getSupply", []).then((s: { burned: string }) => BigInt(s.burned), () => null);
      const [vals, fair] = await Promise.all([
        chain ? renderValidators(client, chain) : Promise.resolve(null),
        loadFairness(client),
        renderSupply(client, series, luxBurned),
      ]);
      if (vals) validators = vals.validators.map((v) => v.address);
      fairness = fair;
      renderFairness(fair);
      const account = wallet.account ?? (viewAccount && isAddress(viewAccount) ? getAddress(viewAccount) : null);
      if (account) await renderAccount(wallet.client ?? client, account, validators, fair.trees, wallet.client && wallet.account === account ? claimOne : null);
      setConn("live", "live");
      document.body.dataset.refreshes = String(++refreshes);
    } catch (err) {
      showError("refresh failed", err);
    } finally {
      running = false;
      if (again) {
        again = false;
        scheduleRefresh();
      }
    }
  }

  async function claimOne(r: AccountReward): Promise<void> {
    await wallet.run(`Claim epoch ${r.claim.epoch}`, (client) =>
      write(client, "RewardDistributor.claim", () => client.contracts.distributor.claim(r.claim.epoch, r.claim.index, r.claim.account, r.claim.amount, r.claim.proof)),
    );
    scheduleRefresh();
  }

  async function claimAll(): Promise<void> {
    if (!wallet.client || !wallet.account || !fairness) return void wallet.run("Claim all", () => Promise.reject(new Error("Connect a wallet on this chain first.")));
    const open = (await accountRewards(wallet.client, wallet.account, fairness.trees)).filter((r) => !r.claimed && !r.expired);
    await wallet.run(`Claim ${open.length} epoch(s)`, async (client) => {
      if (open.length === 0) throw new Error("Nothing to claim: every reward of this account is claimed or expired.");
      const claims = open.map((r) => ({ epoch: r.claim.epoch, index: r.claim.index, account: r.claim.account, amount: r.claim.amount, proof: r.claim.proof }));
      return write(client, "RewardDistributor.claimMany", () => client.contracts.distributor.claimMany(claims));
    });
    scheduleRefresh();
  }

  function amountInput(): bigint | null {
    const raw = (document.getElementById("action-amount") as HTMLInputElement).value.trim();
    try {
      return parsePositiveMdt(raw);
    } catch (err) {
      void wallet.run("Amount", () => Promise.reject(err));
      return null;
    }
  }
  const validatorInput = (): string => (document.getElementById("action-validator") as HTMLSelectElement).value;
  const on = (id: string, fn: () => Promise<unknown>): void => {
    document.getElementById(id)?.addEventListener("click", () => void fn().finally(scheduleRefresh));
  };
  on("btn-delegate", async () => {
    const amount = amountInput();
    if (amount !== null) await wallet.run("Delegate", (c) => delegate(c, { validator: validatorInput(), amount }));
  });
  on("btn-undelegate", async () => {
    const amount = amountInput();
    if (amount !== null) await wallet.run("Undelegate", (c) => undelegate(c, { validator: validatorInput(), amount }));
  });
  on("btn-stake", async () => {
    const amount = amountInput();
    if (amount !== null) await wallet.run("Stake", (c) => stake(c, { amount }));
  });
  on("btn-claim-all", claimAll);
  document.getElementById("switch-chain")?.addEventListener("click", () => void wallet.switchChain());

  discoverWallets((list: WalletChoice[]) => {
    document.getElementById("wallet-list")?.replaceChildren(
      ...list.map((w) => {
        const b = document.createElement("button");
        b.className = "connect";
        b.dataset.rdns = w.info.rdns;
        b.textContent = `Connect ${w.info.name}`;
        b.addEventListener("click", () => void wallet.connect(w).catch((err) => showError("wallet", err)));
        return b;
      }),
    );
  });

  const watcher = new ChainWatcher(env.provider, (s) => {
    chain = s;
    renderChain(s);
    void read(env.client, "EpochClock.currentEpoch", () => env.client.contracts.clock.currentEpoch()).then((e) => {
      setText("epoch-number", String(e));
      if (lastEpoch !== e) {
        lastEpoch = e;
        scheduleRefresh(); // claim windows and the active set move with the epoch
      }
    });
  });
  await watcher.start();
  // Any event of a suite contract (stake, claim, distribution, report…) re-reads the sections.
  await env.provider.on({ address: Object.values(env.deployment.contracts) }, () => scheduleRefresh());
  // In a browser ethers uses the native WebSocket.
  (env.provider.websocket as unknown as WebSocket).addEventListener("close", () => setConn("down", "connection to the node lost — reload when it is back"));
  scheduleRefresh();
}

start().catch((err) => showError("cannot load the dashboard", err));
