import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToHex } from "@ethereumjs/util";
import { SigningKey, getAddress, recoverAddress } from "ethers";
import { LuxError, errorMessage } from "../errors";
import { keccak } from "../execution/crypto";

/** Length of an r ‖ s ‖ v signature. */
export const SIGNATURE_BYTES = 65;
/** Domain tag of block signatures, so a block signature can never be replayed as anything else. */
const BLOCK_SIGNING_DOMAIN = new TextEncoder().encode("luxtensor-block-v1");

/** The digest a proposer signs: keccak(rlp([domain, chainId, blockHash, slot])). */
export function signingRoot(chainId: bigint, blockHash: Uint8Array, slot: bigint): Uint8Array {
  return keccak(RLP.encode([BLOCK_SIGNING_DOMAIN, bigIntToUnpaddedBytes(chainId), blockHash, bigIntToUnpaddedBytes(slot)]));
}

/** The native secp256k1 API (the `secp256k1` package's binding, wrapped by its lib). */
export interface NativeSigner {
  ecdsaSign(msg32: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaRecover(sig64: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyCreate(seckey: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyTweakMul(pubkey: Uint8Array, tweak: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyCombine(pubkeys: Uint8Array[], compressed?: boolean): Uint8Array;
  publicKeyNegate(pubkey: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyConvert(pubkey: Uint8Array, compressed?: boolean): Uint8Array;
}

let native: NativeSigner | null | undefined;
export function nativeSigner(): NativeSigner | null {
  if (native === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      native = require("secp256k1/bindings") as NativeSigner;
    } catch {
      native = null;
    }
  }
  return native;
}

/** v of a recoverable signature: 27 + recovery id. */
const V_OFFSET = 27;

/** Signs a digest with a private key: 65 bytes r ‖ s ‖ v (v = 27/28); native secp256k1 when loaded. */
export function signDigest(digest: Uint8Array, key: Uint8Array): Uint8Array {
  const n = nativeSigner();
  if (n) {
    const { signature, recid } = n.ecdsaSign(digest, key);
    const out = new Uint8Array(SIGNATURE_BYTES);
    out.set(signature, 0);
    out[64] = V_OFFSET + recid;
    return out;
  }
  const sig = new SigningKey(key).sign(digest);
  const out = new Uint8Array(SIGNATURE_BYTES);
  out.set(Buffer.from(sig.r.slice(2), "hex"), 0);
  out.set(Buffer.from(sig.s.slice(2), "hex"), 32);
  out[64] = sig.v;
  return out;
}

/** Recovers the signer address (checksummed) of a 65-byte signature, or throws BAD_SIGNATURE. */
export function recoverSigner(digest: Uint8Array, signature: Uint8Array): string {
  if (signature.length !== SIGNATURE_BYTES) throw new LuxError("BAD_SIGNATURE", `signature must be ${SIGNATURE_BYTES} bytes, got ${signature.length}`);
  const v = signature[64];
  const n = nativeSigner();
  try {
    if (n && (v === 27 || v === 28)) {
      // Native recovery (~0.1 ms against ~2 ms in JS): every vote in every envelope is recovered.
      const pub = n.ecdsaRecover(signature.subarray(0, 64), v - V_OFFSET, digest, false);
      return getAddress(bytesToHex(keccak(pub.subarray(1)).subarray(12)));
    }
    return recoverAddress(bytesToHex(digest), bytesToHex(signature));
  } catch (err) {
    throw new LuxError("BAD_SIGNATURE", `unrecoverable signature: ${errorMessage(err)}`, { cause: err });
  }
}

