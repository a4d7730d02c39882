import { createBlockFromBytesArray, type Block } from "@ethereumjs/block";
import type { BlockBytes } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt, bytesToHex } from "@ethereumjs/util";
import { SigningKey, recoverAddress } from "ethers";
import { LuxError, errorMessage } from "../errors";
import { keccak } from "../execution/crypto";
import type { Envelope } from "./types";

/** Length of an r ‖ s ‖ v signature. */
export const SIGNATURE_BYTES = 65;
/** Domain tag of block signatures, so a block signature can never be replayed as anything else. */
const BLOCK_SIGNING_DOMAIN = new TextEncoder().encode("luxtensor-block-v1");

/** Serializes an envelope as RLP([executionBlock, slot, signature]). */
export function encodeEnvelope(env: Envelope): Uint8Array {
  return RLP.encode([env.block.raw(), bigIntToUnpaddedBytes(env.slot), env.signature]);
}

/** Decodes an envelope; throws INVALID_BLOCK on malformed input. */
export function decodeEnvelope(data: Uint8Array, common: Common): Envelope {
  try {
    const f = RLP.decode(data) as unknown[];
    if (!Array.isArray(f) || f.length !== 3) throw new Error("envelope must have 3 fields");
    const block = createBlockFromBytesArray(f[0] as BlockBytes, { common });
    return { block, slot: bytesToBigInt(f[1] as Uint8Array), signature: f[2] as Uint8Array };
  } catch (err) {
    throw new LuxError("INVALID_BLOCK", `malformed block envelope: ${errorMessage(err)}`, { cause: err });
  }
}

/** The digest a proposer signs: keccak(rlp([domain, chainId, blockHash, slot])). */
export function signingRoot(chainId: bigint, blockHash: Uint8Array, slot: bigint): Uint8Array {
  return keccak(RLP.encode([BLOCK_SIGNING_DOMAIN, bigIntToUnpaddedBytes(chainId), blockHash, bigIntToUnpaddedBytes(slot)]));
}

interface NativeSigner {
  ecdsaSign(msg32: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
}

let native: NativeSigner | null | undefined;
function nativeSigner(): NativeSigner | null {
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
  try {
    return recoverAddress(bytesToHex(digest), bytesToHex(signature));
  } catch (err) {
    throw new LuxError("BAD_SIGNATURE", `unrecoverable signature: ${errorMessage(err)}`, { cause: err });
  }
}

/** The execution block of an envelope, re-exported for callers that only need its type. */
export type { Block };
