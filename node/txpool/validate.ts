import type { Common } from "@ethereumjs/common";
import { RLP } from "@ethereumjs/rlp";
import { Capability, TransactionType, createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { Address, bytesToBigInt, equalsBytes } from "@ethereumjs/util";
import { LuxError, errorMessage } from "../errors";
import { keccak } from "../execution/crypto";

const LEGACY_V_INDEX = 6;
const EIP155_V_OFFSET = 35n;
const RLP_LIST_START = 0xc0;

/**
 * The chain id a raw transaction claims, read before full decoding so a wrong chain gets its own error
 * (ethereumjs would only say the Common does not match). Undefined for pre-EIP-155 legacy transactions.
 */
export function peekChainId(raw: Uint8Array): bigint | undefined {
  try {
    if (raw.length === 0) return undefined;
    if (raw[0] >= RLP_LIST_START) {
      const f = RLP.decode(raw) as Uint8Array[];
      const v = bytesToBigInt(f[LEGACY_V_INDEX]);
      return v >= EIP155_V_OFFSET ? (v - EIP155_V_OFFSET) / 2n : undefined;
    }
    const f = RLP.decode(raw.subarray(1)) as Uint8Array[];
    return bytesToBigInt(f[0]);
  } catch {
    return undefined;
  }
}

/** Decodes a raw transaction with the chain's Common, mapping decode failures to pool errors. */
export function decodeRawTx(raw: Uint8Array, common: Common, chainId: bigint): TypedTransaction {
  let tx: TypedTransaction;
  try {
    // Unfrozen so the pool can pin the recovered sender on it (see `pinSender`); frozen right after.
    tx = createTxFromRLP(raw, { common, freeze: false });
  } catch (err) {
    // Only a failed decode pays for the second look that tells a wrong chain from other faults.
    const claimed = peekChainId(raw);
    if (claimed !== undefined && claimed !== chainId) {
      throw new LuxError("WRONG_CHAIN_ID", `invalid chain id: have ${claimed}, want ${chainId}`, { cause: err });
    }
    const msg = errorMessage(err);
    const low = /minimum gas limit of (\d+).*the gas limit is: (\d+)/.exec(msg);
    if (low) throw new LuxError("INTRINSIC_GAS_TOO_LOW", `intrinsic gas too low: have ${low[2]}, want ${low[1]}`, { cause: err });
    if (/Invalid Signature|Invalid signature/i.test(msg)) throw new LuxError("INVALID_SIGNATURE", "invalid sender", { cause: err });
    if (/maxFeePerGas cannot be less than maxPriorityFeePerGas/.test(msg)) {
      throw new LuxError("TIP_ABOVE_FEE_CAP", "max priority fee per gas higher than max fee per gas", { cause: err });
    }
    throw new LuxError("INVALID_TRANSACTION", `invalid transaction: ${msg.split(" (")[0]}`, { cause: err });
  }
  if (tx.type === TransactionType.BlobEIP4844) throw new LuxError("INVALID_TRANSACTION", "transaction type not supported");
  if (!tx.isSigned()) throw new LuxError("INVALID_SIGNATURE", "invalid sender");
  // Only canonical encodings enter: then the raw bytes *are* the serialization every importer computes,
  // so they can stand in for it in the hash (cached by ethereumjs) and in the transactions root.
  if (!equalsBytes(tx.serialize(), raw)) throw new LuxError("INVALID_TRANSACTION", "invalid transaction: non-canonical encoding");
  tx.cache.hash = keccak(raw);
  // A typed transaction's serialization is its raw bytes: blocks (stored, gossiped, hashed) reuse them
  // instead of re-encoding every field. Legacy ones enter a block body as their field list (`raw()`).
  if (tx.type !== TransactionType.Legacy) Object.defineProperty(tx, "serialize", { value: () => raw, enumerable: false });
  return tx;
}

/**
 * Pins the sender (recovered once at admission, or the impersonated account) on the transaction, then
 * freezes it (which also turns on ethereumjs' hash cache). Execution asks for the sender again; without
 * the pin each ask recovers the public key anew.
 */
export function pinSender(tx: TypedTransaction, sender: Address): Address {
  Object.defineProperty(tx, "getSenderAddress", { value: () => sender, enumerable: false });
  Object.freeze(tx);
  return sender;
}

/** Max fee and tip of any transaction type. */
export function feesOf(tx: TypedTransaction): { maxFee: bigint; tip: bigint } {
  if (tx.supports(Capability.EIP1559FeeMarket)) {
    const t = tx as TypedTransaction & { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
    return { maxFee: t.maxFeePerGas, tip: t.maxPriorityFeePerGas };
  }
  const p = (tx as TypedTransaction & { gasPrice: bigint }).gasPrice;
  return { maxFee: p, tip: p };
}
