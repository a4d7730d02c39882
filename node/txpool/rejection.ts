import { LuxError, errorMessage } from "../errors";

/** What the pool does with a transaction the block builder could not include. */
export type RejectionVerdict =
  /** It may run in a later block: keep it, skip its sender for the rest of this block. */
  | { kind: "skip" }
  /** The sender's nonce moved past it: drop it (and resynchronise the sender's nonce). */
  | { kind: "stale"; accountNonce: bigint }
  /** The chain is behind the pool's view of the sender (its nonce is lower): keep, resynchronise. */
  | { kind: "ahead"; accountNonce: bigint }
  /** It can never run: drop it alone (the sender's later nonces wait for a replacement). */
  | { kind: "drop" };

const NONCE_MISMATCH = /account has nonce of: (\d+) tx has nonce of: (\d+)/;
// Conditions that change with time: the gas left in this block, the sender's balance, the base fee.
const TRANSIENT = [
  /higher gas limit than the (block|remaining)/,
  /doesn't have enough funds/,
  /is less than the block's baseFeePerGas/,
];

/**
 * Sorts a build-time rejection into transient (the block's gas, the base fee or the sender's balance
 * may allow it later) and permanent (its nonce is used, the sender is a contract, it is malformed).
 * Only permanent failures cost a transaction its place in the pool.
 */
export function classifyRejection(reason: Error): RejectionVerdict {
  if (reason instanceof LuxError && reason.code === "GAS_LIMIT_EXCEEDED") return { kind: "skip" };
  const msg = errorMessage(reason);
  const nonce = NONCE_MISMATCH.exec(msg);
  if (nonce) {
    const accountNonce = BigInt(nonce[1]);
    return BigInt(nonce[2]) < accountNonce ? { kind: "stale", accountNonce } : { kind: "ahead", accountNonce };
  }
  if (TRANSIENT.some((re) => re.test(msg))) return { kind: "skip" };
  return { kind: "drop" };
}
