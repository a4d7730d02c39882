import { AbiCoder, getAddress } from "ethers";
import type { Validator } from "./types";

/** Selector of `getActiveValidators()`. */
export const GET_ACTIVE_VALIDATORS_SELECTOR = "0x9de70258";
const RETURN_TYPES = ["address[]", "address[]", "uint256[]"];

/**
 * Decodes `getActiveValidators() returns (address[] validators, address[] signers, uint256[] stakes)`.
 * Returns undefined for malformed or inconsistent data: the genesis set then applies.
 */
export function decodeActiveSet(returnData: Uint8Array): Validator[] | undefined {
  try {
    const [validators, signers, stakes] = AbiCoder.defaultAbiCoder().decode(RETURN_TYPES, returnData) as unknown as [string[], string[], bigint[]];
    if (validators.length !== signers.length || validators.length !== stakes.length) return undefined;
    return validators.map((v, i) => ({ address: getAddress(v), signer: getAddress(signers[i]), stake: BigInt(stakes[i]) }));
  } catch {
    return undefined;
  }
}
