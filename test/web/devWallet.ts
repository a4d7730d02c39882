/**
 * An injected EIP-1193 wallet for the browser tests, announced through EIP-6963 like MetaMask. It is
 * backed by a dev key held in the test process: account and chain requests are answered as MetaMask
 * answers them (4902 for an unknown chain until `wallet_addEthereumChain`), `eth_sendTransaction` is
 * signed with the key and sent to the node, and every other call is forwarded to the node's RPC — the
 * same calls MetaMask makes on the user's behalf.
 */
import { JsonRpcProvider, Wallet, toBeHex, type TransactionRequest } from "ethers";
import type { Page } from "playwright-core";

/** What the page-side shim gets back for one request. */
interface WalletReply {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
  /** EIP-1193 events to emit after the reply (chainChanged, accountsChanged). */
  events?: [string, unknown][];
}

/** The test's handle on the wallet. */
export interface DevWallet {
  address: string;
  /** Methods the page called, in order. */
  calls: { method: string; params: unknown }[];
  /** Chain id the wallet is on. */
  chainId(): bigint;
  /** The user rejects the next transaction (error 4001). */
  rejectNext(): void;
}

interface RpcCallTx {
  from?: string;
  to?: string;
  data?: string;
  value?: string;
  gas?: string;
}

const SHIM = `(() => {
  const listeners = {};
  const emit = (ev, arg) => (listeners[ev] || []).slice().forEach((fn) => fn(arg));
  const provider = {
    request: async ({ method, params }) => {
      const r = await window.__devWalletRequest(method, params === undefined ? [] : params);
      if (r.error) {
        const e = new Error(r.error.message);
        e.code = r.error.code;
        if (r.error.data !== undefined) e.data = r.error.data;
        throw e;
      }
      setTimeout(() => (r.events || []).forEach(([ev, arg]) => emit(ev, arg)), 0);
      return r.result;
    },
    on: (ev, fn) => { (listeners[ev] = listeners[ev] || []).push(fn); return provider; },
    removeListener: (ev, fn) => { listeners[ev] = (listeners[ev] || []).filter((f) => f !== fn); return provider; },
  };
  const info = Object.freeze({ uuid: "5d3c3f0e-7a52-4c1e-9a0e-devwallet0001", name: "Dev Wallet", icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E", rdns: "org.moderntensor.devwallet" });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();`;

async function forward(rpcUrl: string, method: string, params: unknown): Promise<WalletReply> {
  const res = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: unknown; error?: WalletReply["error"] };
  return body.error ? { error: body.error } : { result: body.result };
}

/** Installs the wallet into `page` (before navigation) on chain `startChainId`. */
export async function installDevWallet(page: Page, opts: { rpcUrl: string; privateKey: string; nodeChainId: bigint; startChainId: bigint }): Promise<DevWallet> {
  const provider = new JsonRpcProvider(opts.rpcUrl, undefined, { cacheTimeout: -1, batchMaxCount: 1 });
  const signer = new Wallet(opts.privateKey, provider);
  let chainId = opts.startChainId;
  const known = new Set<bigint>([opts.startChainId]);
  let reject = false;
  const calls: DevWallet["calls"] = [];

  async function handle(method: string, params: unknown[]): Promise<WalletReply> {
    calls.push({ method, params });
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return { result: [signer.address] };
      case "eth_chainId":
        return { result: toBeHex(chainId) };
      case "net_version":
        return { result: chainId.toString() };
      case "wallet_switchEthereumChain": {
        const target = BigInt((params[0] as { chainId: string }).chainId);
        if (!known.has(target)) return { error: { code: 4902, message: `Unrecognized chain ID "${toBeHex(target)}". Try adding the chain using wallet_addEthereumChain first.` } };
        chainId = target;
        return { result: null, events: [["chainChanged", toBeHex(target)]] };
      }
      case "wallet_addEthereumChain": {
        const p = params[0] as { chainId: string; rpcUrls?: string[]; nativeCurrency?: { symbol?: string } };
        const target = BigInt(p.chainId);
        // MetaMask checks the RPC answers with the chain id it is told; so do we.
        const answered = await forward(p.rpcUrls?.[0] ?? "", "eth_chainId", []).catch(() => ({ result: undefined }));
        if (answered.result === undefined || BigInt(answered.result as string) !== target) {
          return { error: { code: -32602, message: `RPC ${p.rpcUrls?.[0]} does not serve chain ${p.chainId}` } };
        }
        known.add(target);
        chainId = target; // the user accepts MetaMask's "switch to the new network" prompt
        return { result: null, events: [["chainChanged", toBeHex(target)]] };
      }
      case "eth_sendTransaction": {
        if (reject) {
          reject = false;
          return { error: { code: 4001, message: "MetaMask Tx Signature: User denied transaction signature." } };
        }
        if (chainId !== opts.nodeChainId) return { error: { code: 4100, message: `wallet is on chain ${chainId}` } };
        const tx = params[0] as RpcCallTx;
        const request: TransactionRequest = { to: tx.to, data: tx.data, value: tx.value ? BigInt(tx.value) : undefined, gasLimit: tx.gas ? BigInt(tx.gas) : undefined };
        try {
          const sent = await signer.sendTransaction(request);
          return { result: sent.hash };
        } catch (err) {
          const e = err as { info?: { error?: WalletReply["error"] }; message?: string };
          return { error: e.info?.error ?? { code: -32603, message: e.message ?? String(err) } };
        }
      }
      case "personal_sign":
        return { result: await signer.signMessage(typeof params[0] === "string" && params[0].startsWith("0x") ? Buffer.from(params[0].slice(2), "hex") : String(params[0])) };
      default:
        return forward(opts.rpcUrl, method, params);
    }
  }

  await page.exposeFunction("__devWalletRequest", (method: string, params: unknown[]) => handle(method, params));
  await page.addInitScript(SHIM);
  return { address: signer.address, calls, chainId: () => chainId, rejectNext: () => void (reject = true) };
}
