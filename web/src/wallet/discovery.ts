/**
 * Wallet discovery: EIP-6963 (every installed wallet announces itself with a name, icon and an
 * EIP-1193 provider), with the legacy `window.ethereum` as a fallback for wallets that do not announce.
 */

/** An EIP-1193 provider (MetaMask and friends). */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | Record<string, unknown> }): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): void;
  removeListener?(event: string, listener: (...args: unknown[]) => void): void;
}

/** EIP-6963 provider info. */
export interface Eip6963ProviderInfo {
  uuid: string;
  name: string;
  icon: string;
  rdns: string;
}

/** A wallet the user can pick. */
export interface WalletChoice {
  info: Eip6963ProviderInfo;
  provider: Eip1193Provider;
}

interface AnnounceEvent extends Event {
  detail: { info: Eip6963ProviderInfo; provider: Eip1193Provider };
}

const LEGACY_WAIT_MS = 500;

/** Collects announced wallets; calls `onChange` with the list each time it grows. */
export function discoverWallets(onChange: (wallets: WalletChoice[]) => void): void {
  const wallets = new Map<string, WalletChoice>();
  window.addEventListener("eip6963:announceProvider", (event) => {
    const { detail } = event as AnnounceEvent;
    if (!detail?.info?.uuid || typeof detail.provider?.request !== "function") return;
    wallets.set(detail.info.uuid, { info: detail.info, provider: detail.provider });
    onChange([...wallets.values()]);
  });
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  // A wallet that only injects window.ethereum (no EIP-6963) still gets a button.
  setTimeout(() => {
    const legacy = (window as unknown as { ethereum?: Eip1193Provider }).ethereum;
    if (wallets.size === 0 && legacy && typeof legacy.request === "function") {
      wallets.set("legacy", { info: { uuid: "legacy", name: "Browser wallet", icon: "", rdns: "window.ethereum" }, provider: legacy });
      onChange([...wallets.values()]);
    }
  }, LEGACY_WAIT_MS);
}
