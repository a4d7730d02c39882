/**
 * Putting the wallet on the dashboard's chain: `wallet_switchEthereumChain`, and when the wallet does
 * not know the chain (error 4902) `wallet_addEthereumChain` with the node's parameters, then switch.
 */
import type { Eip1193Provider } from "./discovery";

/** The error code of EIP-3326 for "unrecognized chain". */
export const UNRECOGNIZED_CHAIN = 4902;

/** Parameters of wallet_addEthereumChain for this node (EIP-3085). */
export function addChainParams(chainId: bigint, rpcUrl: string): Record<string, unknown> {
  return {
    chainId: `0x${chainId.toString(16)}`,
    chainName: chainId === 8898n ? "Luxtensor Devnet" : `Luxtensor ${chainId}`,
    nativeCurrency: { name: "Lux", symbol: "LUX", decimals: 18 },
    rpcUrls: [rpcUrl],
  };
}

function errorCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; data?: { originalError?: { code?: unknown } } } | null;
  // MetaMask Mobile nests the code under data.originalError.
  const code = e?.data?.originalError?.code ?? e?.code;
  return typeof code === "number" ? code : undefined;
}

/** The wallet's chain id. */
export async function walletChainId(provider: Eip1193Provider): Promise<bigint> {
  return BigInt((await provider.request({ method: "eth_chainId" })) as string);
}

/** Switches (adding first when unknown); resolves once the wallet reports the chain. */
export async function ensureChain(provider: Eip1193Provider, chainId: bigint, rpcUrl: string): Promise<void> {
  const hex = `0x${chainId.toString(16)}`;
  try {
    await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId: hex }] });
  } catch (err) {
    if (errorCode(err) !== UNRECOGNIZED_CHAIN) throw err;
    await provider.request({ method: "wallet_addEthereumChain", params: [addChainParams(chainId, rpcUrl)] });
    // Wallets usually switch after adding; ask again for those that do not.
    if ((await walletChainId(provider)) !== chainId) await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId: hex }] });
  }
  const now = await walletChainId(provider);
  if (now !== chainId) throw new Error(`WRONG_CHAIN: the wallet stayed on chain ${now}`);
}
