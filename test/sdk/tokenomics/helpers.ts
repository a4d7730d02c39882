/** Shared test helpers for the tokenomics and rewards tests (no tests here). */
import { expect } from "chai";
import fc from "fast-check";
import { getAddress, hexlify } from "ethers";
import { ModernTensorError, type ModernTensorErrorCode } from "../../../sdk/errors";

/** 1.0 in WAD as a shorthand for readable vectors: `wad(79, 2)` is 0.79e18. */
export function wad(units: bigint | number, decimals = 0): bigint {
  return (BigInt(units) * 10n ** 18n) / 10n ** BigInt(decimals);
}

/** `n` MDT in wei. */
export function mdt(n: bigint | number): bigint {
  return BigInt(n) * 10n ** 18n;
}

/** Deterministic test address from a small number: addr(1) = 0x000...0001 (checksummed). */
export function addr(n: number): string {
  return getAddress("0x" + n.toString(16).padStart(40, "0"));
}

/** Asserts that `fn` throws a ModernTensorError with `code` (and a message matching `message`). */
export function expectError(fn: () => unknown, code: ModernTensorErrorCode, message?: RegExp): ModernTensorError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ModernTensorError);
    const mtError = error as ModernTensorError;
    expect(mtError.code, mtError.message).to.equal(code);
    if (message !== undefined) expect(mtError.message).to.match(message);
    return mtError;
  }
  expect.fail(`expected a ModernTensorError ${code}, but nothing was thrown`);
}

/** Random checksummed addresses. */
export const addressArb: fc.Arbitrary<string> = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((bytes) => getAddress(hexlify(bytes)));

/** A WAD fraction in [0, 1e18]. */
export const fractionArb: fc.Arbitrary<bigint> = fc.bigInt({ min: 0n, max: 10n ** 18n });

/** Fast-check settings that keep the whole suite well under the time budget. */
export const FAST: fc.Parameters<unknown> = { numRuns: 200 };
