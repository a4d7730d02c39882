import { Signature, Transaction, getBytes, keccak256, type TransactionLike } from "ethers";

interface NativeSecp {
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const secp = require("secp256k1") as NativeSecp;

/**
 * Signs like ethers' `Wallet.signTransaction` (same encoding, checked against it in setup) but with the
 * native secp256k1 binding: pre-signing tens of thousands of transactions with pure-JS signing would
 * take minutes on a loaded 2-core machine. Signing is never timed.
 */
export function fastSign(privateKey: string, tx: TransactionLike<string>): string {
  const t = Transaction.from(tx);
  const { signature, recid } = secp.ecdsaSign(getBytes(t.unsignedHash), getBytes(privateKey));
  t.signature = Signature.from({ r: hex32(signature.subarray(0, 32)), s: hex32(signature.subarray(32, 64)), yParity: recid as 0 | 1 });
  return t.serialized;
}

function hex32(b: Uint8Array): string {
  return `0x${Buffer.from(b).toString("hex")}`;
}

/** 0x-hash of a signed raw transaction. */
export function txHash(raw: string): string {
  return keccak256(raw);
}
