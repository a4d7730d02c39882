/** Input checks shared by the tokenomics functions (internal; not re-exported). */
import { isAddress } from "ethers";
import { ModernTensorError, type ModernTensorErrorCode } from "../errors";
import { WAD } from "./constants";

/** Throws NEGATIVE_AMOUNT unless `value >= 0`. */
export function assertNonNegative(name: string, value: bigint): void {
  if (value < 0n) {
    throw new ModernTensorError("NEGATIVE_AMOUNT", `${name} must be >= 0, got ${value}`, {
      details: { [name]: value },
    });
  }
}

/** Throws `code` unless `value` is a WAD fraction in [0, WAD]. */
export function assertWadFraction(
  name: string,
  value: bigint,
  code: ModernTensorErrorCode = "INVALID_FRACTION",
): void {
  if (value < 0n || value > WAD) {
    throw new ModernTensorError(code, `${name} must be in [0, 1e18], got ${value}`, {
      details: { [name]: value },
    });
  }
}

/** Throws INVALID_EPOCH unless `epoch >= 0`. */
export function assertEpoch(epoch: bigint): void {
  if (epoch < 0n) {
    throw new ModernTensorError("INVALID_EPOCH", `epoch must be >= 0, got ${epoch}`, {
      details: { epoch },
    });
  }
}

/** Throws INVALID_ADDRESS unless `account` is a 0x-prefixed 20-byte hex address. */
export function assertAddress(name: string, account: string): void {
  if (!isAddress(account)) {
    throw new ModernTensorError("INVALID_ADDRESS", `${name} must be a 0x-prefixed 20-byte address, got "${account}"`, {
      details: { [name]: account },
    });
  }
}

/** Throws DUPLICATE_ENTRY if `key` is already in `seen`; otherwise records it. */
export function assertUnique(seen: Set<string>, key: string, what: string): void {
  if (seen.has(key)) {
    throw new ModernTensorError("DUPLICATE_ENTRY", `${what} ${key} appears more than once`, {
      details: { duplicate: key },
    });
  }
  seen.add(key);
}

/** Deterministic, locale-independent ordering of addresses: ascending by lowercase hex. */
export function compareAddresses(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
