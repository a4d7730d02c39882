/** Argument checks shared by the actions; each failure names the argument and what is expected. */
import { getAddress, isAddress } from "ethers";
import { clientError } from "./errors";

/** The checksummed address, or INVALID_ARGUMENT. */
export function requireAddress(name: string, value: string): string {
  if (typeof value !== "string" || !isAddress(value)) {
    throw clientError("INVALID_ARGUMENT", `${name} must be a 0x-prefixed 20-byte address, got "${value}"`, { [name]: value });
  }
  return getAddress(value);
}

/** INVALID_AMOUNT unless `value > 0`. */
export function requirePositive(name: string, value: bigint): void {
  if (value <= 0n) throw clientError("INVALID_AMOUNT", `${name} must be greater than 0, got ${value}`, { [name]: value });
}

/** INVALID_ARGUMENT unless `value >= 0`. */
export function requireNonNegative(name: string, value: bigint): void {
  if (value < 0n) throw clientError("INVALID_ARGUMENT", `${name} must be >= 0, got ${value}`, { [name]: value });
}
