/**
 * The connected wallet: account and chain (kept current through accountsChanged / chainChanged), a
 * signer-backed SDK client while the wallet is on the dashboard's chain, and transactions run with
 * visible states — waiting for the wallet, pending (hash known), confirmed (block), or failed.
 */
import { BrowserProvider, getAddress, type Signer, type TransactionRequest, type TransactionResponse } from "ethers";
import type { Deployment } from "../../../sdk/client/deployments";
import type { Client, TxResult } from "../../../sdk/client/types";
import { makeClient, nodeRpcUrl } from "../env";
import { ensureChain, walletChainId } from "./chain";
import type { WalletChoice } from "./discovery";
import { explainError } from "./errors";

/** What the header shows. */
export type WalletState = "disconnected" | "wrong-chain" | "connected";

/** Transaction status shown under the actions. */
export type TxState = "idle" | "wallet" | "pending" | "confirmed" | "failed";

function setTxStatus(state: TxState, text: string): void {
  const el = document.getElementById("tx-status");
  if (!el) return;
  el.dataset.state = state;
  el.textContent = text;
}

function setTxError(text: string | null): void {
  const el = document.getElementById("tx-error");
  if (!el) return;
  el.hidden = text === null;
  el.textContent = text ?? "";
}

/** Gas margin over the estimate, in percent (a call that crosses an epoch boundary does checkpoint work). */
export const GAS_MARGIN_PERCENT = 30n;

/**
 * Reports every broadcast transaction (the SDK actions send through this signer) and adds a gas margin
 * to the estimate, as MetaMask does: the StakingManager's epoch checkpoint runs in the first
 * transaction of an epoch, so an estimate taken a block earlier can fall short.
 */
function notifyOnSend(signer: Signer, onSent: (hash: string) => void): Signer {
  const send = signer.sendTransaction.bind(signer);
  signer.sendTransaction = async (tx: TransactionRequest): Promise<TransactionResponse> => {
    if (tx.gasLimit == null) {
      const estimate = await signer.estimateGas(tx);
      tx = { ...tx, gasLimit: (estimate * (100n + GAS_MARGIN_PERCENT)) / 100n };
    }
    const response = await send(tx);
    onSent(response.hash);
    return response;
  };
  return signer;
}

/** One wallet connection. */
export class WalletSession {
  private choice: WalletChoice | null = null;
  account: string | null = null;
  chainId: bigint | null = null;
  client: Client | null = null;

  constructor(
    private readonly deployment: Deployment,
    private readonly onChange: (s: WalletSession) => void,
  ) {}

  get state(): WalletState {
    if (!this.choice || !this.account) return "disconnected";
    return this.chainId === BigInt(this.deployment.chainId) ? "connected" : "wrong-chain";
  }

  /** Asks the wallet for accounts and reads its chain. */
  async connect(choice: WalletChoice): Promise<void> {
    this.choice = choice;
    const accounts = (await choice.provider.request({ method: "eth_requestAccounts" })) as string[];
    choice.provider.on?.("accountsChanged", (a) => void this.update((a as string[])[0] ?? null));
    choice.provider.on?.("chainChanged", () => void this.update(this.account));
    await this.update(accounts[0] ?? null);
  }

  /** Switches the wallet to the dashboard's chain (adding it when unknown). */
  async switchChain(): Promise<void> {
    if (!this.choice) return;
    setTxError(null);
    try {
      await ensureChain(this.choice.provider, BigInt(this.deployment.chainId), nodeRpcUrl());
    } catch (err) {
      setTxError(explainError(err));
    }
    await this.update(this.account);
  }

  private async update(account: string | null): Promise<void> {
    if (!this.choice) return;
    this.account = account ? getAddress(account) : null;
    this.chainId = await walletChainId(this.choice.provider);
    this.client = null;
    if (this.state === "connected" && this.account) {
      // A fresh BrowserProvider per chain: ethers pins a provider to the network it first saw.
      const provider = new BrowserProvider(this.choice.provider, "any");
      const signer = notifyOnSend(await provider.getSigner(this.account), (hash) => setTxStatus("pending", `Pending: transaction ${hash} sent, waiting to be mined…`));
      this.client = makeClient(this.deployment, provider, signer, this.account);
    }
    this.render();
    this.onChange(this);
  }

  private render(): void {
    const status = document.getElementById("wallet-status");
    const sw = document.getElementById("switch-chain");
    const expected = BigInt(this.deployment.chainId);
    if (status) {
      status.dataset.state = this.state;
      status.textContent =
        this.state === "disconnected"
          ? "no wallet connected"
          : this.state === "wrong-chain"
            ? `Wrong network: your wallet is on chain ${this.chainId} but this dashboard shows chain ${expected}. Switch to act here.`
            : `${this.choice?.info.name}: ${this.account}`;
    }
    if (sw) sw.hidden = this.state !== "wrong-chain";
  }

  /** Runs an action with visible states; returns its result, or null when it failed (error shown). */
  async run<T extends TxResult>(label: string, action: (client: Client) => Promise<T>): Promise<T | null> {
    setTxError(null);
    if (!this.client) {
      setTxError(this.state === "wrong-chain" ? `Your wallet is on chain ${this.chainId}; switch to chain ${this.deployment.chainId} first.` : "Connect a wallet first.");
      return null;
    }
    setTxStatus("wallet", `${label}: confirm in your wallet…`);
    try {
      const result = await action(this.client);
      setTxStatus("confirmed", `${label}: confirmed in block ${result.blockNumber} (${result.hash})`);
      return result;
    } catch (err) {
      setTxStatus("failed", `${label}: failed`);
      setTxError(explainError(err));
      return null;
    }
  }
}
