import { HDNodeWallet, getCreateAddress } from "ethers";

/** The well-known test mnemonic of Hardhat and Anvil: tools' default accounts just work on the devnet. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** BIP-44 path prefix of the dev accounts (account i is `${DEV_DERIVATION_PATH}/i`). */
export const DEV_DERIVATION_PATH = "m/44'/60'/0'/0";
/** How many dev accounts the devnet funds. */
export const DEV_ACCOUNT_COUNT = 20;
/** The StakingManager is the contract account #0 creates at this nonce in the fixed deploy order. */
export const STAKING_MANAGER_DEPLOY_NONCE = 4;

/** One derived dev account. */
export interface DevAccount {
  /** Checksummed address. */
  address: string;
  /** 0x-prefixed private key. */
  privateKey: string;
}

let cache: DevAccount[] | undefined;

/** Derives the dev accounts from the test mnemonic (PBKDF2 once, then cheap child derivations). */
export function devAccounts(count = DEV_ACCOUNT_COUNT): DevAccount[] {
  if (!cache || cache.length < count) {
    const root = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, DEV_DERIVATION_PATH);
    cache = Array.from({ length: count }, (_, i) => {
      const w = root.deriveChild(i);
      return { address: w.address, privateKey: w.privateKey };
    });
  }
  return cache.slice(0, count);
}

/** Where the deploy script's StakingManager lands (account #0, nonce 4). */
export function defaultStakingContract(): string {
  return getCreateAddress({ from: devAccounts(1)[0].address, nonce: STAKING_MANAGER_DEPLOY_NONCE });
}
