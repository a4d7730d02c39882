import { createHash } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1";
import { bigIntToBytes, bytesToBigInt, bytesToHex, concatBytes, setLengthLeft } from "@ethereumjs/util";
import { computeAddress, getAddress } from "ethers";
import { LuxError } from "../errors";
import { keccak } from "../execution/crypto";
import { nativeSigner, type NativeSigner } from "./signing";

/**
 * A verifiable random function on the validators' secp256k1 keys (the ECVRF construction of RFC 9381:
 * Gamma = sk·H(pk ‖ alpha) with a Chaum–Pedersen proof that log_H(Gamma) = log_G(pk)). Unlike an ECDSA
 * signature, whose nonce the signer may choose freely, the output is unique for a key and a message:
 * a proposer cannot grind its RANDAO reveal. Hashing to the curve is RFC 9381's try-and-increment
 * (§5.4.1.1): the first counter whose SHA-256 is the x of a point with even y. Its inputs (key, slot) are
 * public, so its variable time leaks nothing; with libsecp256k1 decompressing the candidates it costs
 * microseconds where the SSWU map in JS (V1) cost ~1.5 ms per block — hardhat_mine seals thousands.
 */

const Point = secp256k1.ProjectivePoint;
const N = secp256k1.CURVE.n;
/** Suite string of the hash to the curve (domain separation from every other use of SHA-256). */
const SUITE = new TextEncoder().encode("LUXTENSOR-VRF-V2-secp256k1-SHA256-TAI");
/** RFC 9381 gives up after 256 counters; the chance of getting there is 2^-256. */
const TAI_MAX = 256;
/** Proof layout: compressed pk (33) ‖ compressed Gamma (33) ‖ c (32) ‖ s (32). */
export const VRF_PROOF_BYTES = 130;

type P = InstanceType<typeof Point>;

/** H(pk ‖ alpha) as a compressed point, by try-and-increment (RFC 9381 §5.4.1.1). */
function hashPoint(pk: Uint8Array, alpha: Uint8Array, n: NativeSigner | null): Uint8Array {
  for (let ctr = 0; ctr < TAI_MAX; ctr++) {
    const x = createHash("sha256").update(SUITE).update(ONE).update(pk).update(alpha).update(Uint8Array.of(ctr)).update(ZERO).digest();
    const candidate = concatBytes(EVEN_Y, x);
    try {
      if (n) n.publicKeyConvert(candidate, true);
      else Point.fromHex(candidate);
      return candidate;
    } catch {
      // x is not on the curve (or not below p): next counter.
    }
  }
  throw new LuxError("BAD_SIGNATURE", `no curve point found for the VRF input after ${TAI_MAX} tries`);
}

const ONE = Uint8Array.of(1);
const ZERO = Uint8Array.of(0);
const EVEN_Y = Uint8Array.of(2);

function challenge(...points: P[]): bigint {
  return challengeOf(...points.map((p) => p.toRawBytes(true)));
}

/** The challenge over compressed point encodings (the same bytes `challenge` hashes). */
function challengeOf(...compressed: Uint8Array[]): bigint {
  return bytesToBigInt(keccak(concatBytes(...compressed))) % N;
}

const u256 = (n: bigint): Uint8Array => setLengthLeft(bigIntToBytes(n), 32);

/**
 * Proves VRF(sk, alpha): a 130-byte proof that carries the public key. Deterministic. `n` is the native
 * secp256k1 (tests pass null to check that the JS fallback gives the same bytes).
 */
export function vrfProve(sk: Uint8Array, alpha: Uint8Array, n: NativeSigner | null = nativeSigner()): Uint8Array {
  const x = bytesToBigInt(sk);
  const pk = n ? n.publicKeyCreate(sk, true) : secp256k1.getPublicKey(sk, true);
  const hb = hashPoint(pk, alpha, n);
  // Deterministic secret nonce (as RFC 6979 would give): a function of the key and the point only.
  const k = (bytesToBigInt(keccak(concatBytes(sk, hb))) % (N - 1n)) + 1n;
  const kb = u256(k);
  let gammaBytes: Uint8Array;
  let c: bigint;
  if (n) {
    // libsecp256k1 returns the compressed encodings the challenge hashes: no JS point decompression
    // (a field square root each) — every produced block proves one reveal.
    gammaBytes = n.publicKeyTweakMul(hb, sk, true);
    c = challengeOf(hb, pk, gammaBytes, n.publicKeyCreate(kb, true), n.publicKeyTweakMul(hb, kb, true));
  } else {
    const H = Point.fromHex(hb);
    const gamma = H.multiply(x);
    gammaBytes = gamma.toRawBytes(true);
    c = challenge(H, Point.fromHex(pk), gamma, Point.BASE.multiply(k), H.multiply(k));
  }
  const s = (k + c * x) % N;
  return concatBytes(pk, gammaBytes, u256(c), u256(s));
}

/**
 * The output of a proof this node just made with `vrfProve` (keccak of Gamma), without verifying it.
 * Proofs from others go through `vrfVerify`.
 */
export function vrfOwnOutput(proof: Uint8Array): Uint8Array {
  return keccak(proof.subarray(33, 66));
}

/** The verified output of a proof: keccak(Gamma). */
export interface VrfResult {
  /** 32-byte random output. */
  output: Uint8Array;
  /** Checksummed address of the proving key. */
  signer: string;
}

/** Verifies a proof for `alpha`; returns the output and the key's address, or throws BAD_SIGNATURE. */
export function vrfVerify(proof: Uint8Array, alpha: Uint8Array, n: NativeSigner | null = nativeSigner()): VrfResult {
  if (proof.length !== VRF_PROOF_BYTES) throw new LuxError("BAD_SIGNATURE", `VRF proof must be ${VRF_PROOF_BYTES} bytes, got ${proof.length}`);
  const pkb = proof.subarray(0, 33);
  const gb = proof.subarray(33, 66);
  const cb = proof.subarray(66, 98);
  const sb = proof.subarray(98, 130);
  const c = bytesToBigInt(cb);
  const s = bytesToBigInt(sb);
  if (n) return verifyNative(n, pkb, gb, cb, sb, c, s, alpha);
  let pk: P;
  let gamma: P;
  try {
    pk = Point.fromHex(pkb);
    gamma = Point.fromHex(gb);
  } catch (err) {
    throw new LuxError("BAD_SIGNATURE", "VRF proof holds an invalid curve point", { cause: err });
  }
  if (c === 0n || s === 0n || c >= N || s >= N) throw new LuxError("BAD_SIGNATURE", "VRF proof scalar out of range");
  const H = Point.fromHex(hashPoint(pkb, alpha, null));
  const U = Point.BASE.multiplyUnsafe(s).subtract(pk.multiplyUnsafe(c));
  const V = H.multiplyUnsafe(s).subtract(gamma.multiplyUnsafe(c));
  if (U.equals(Point.ZERO) || V.equals(Point.ZERO) || challenge(H, pk, gamma, U, V) !== c) {
    throw new LuxError("BAD_SIGNATURE", "VRF proof does not verify");
  }
  return { output: keccak(gamma.toRawBytes(true)), signer: computeAddress(bytesToHex(pk.toRawBytes(true))) };
}

/**
 * The same equations with libsecp256k1's point operations (~10x faster than JS), on compressed
 * encodings throughout: libsecp256k1 parses (and so validates) pk and Gamma, and a valid compressed
 * encoding is unique, so hashing the proof's bytes equals hashing the re-encoded points.
 */
function verifyNative(n: NativeSigner, pkb: Uint8Array, gb: Uint8Array, cb: Uint8Array, sb: Uint8Array, c: bigint, s: bigint, alpha: Uint8Array): VrfResult {
  let pkFull: Uint8Array;
  try {
    pkFull = n.publicKeyConvert(pkb, false);
    n.publicKeyConvert(gb, true);
  } catch (err) {
    throw new LuxError("BAD_SIGNATURE", "VRF proof holds an invalid curve point", { cause: err });
  }
  if (c === 0n || s === 0n || c >= N || s >= N) throw new LuxError("BAD_SIGNATURE", "VRF proof scalar out of range");
  const hb = hashPoint(pkb, alpha, n);
  let ub: Uint8Array;
  let vb: Uint8Array;
  try {
    ub = n.publicKeyCombine([n.publicKeyCreate(sb, true), n.publicKeyNegate(n.publicKeyTweakMul(pkb, cb, true), true)], true);
    vb = n.publicKeyCombine([n.publicKeyTweakMul(hb, sb, true), n.publicKeyNegate(n.publicKeyTweakMul(gb, cb, true), true)], true);
  } catch (err) {
    // A sum at infinity (libsecp256k1 refuses to combine to it) cannot come from an honest proof.
    throw new LuxError("BAD_SIGNATURE", "VRF proof does not verify", { cause: err });
  }
  if (challengeOf(hb, pkb, gb, ub, vb) !== c) throw new LuxError("BAD_SIGNATURE", "VRF proof does not verify");
  return { output: keccak(gb), signer: getAddress(bytesToHex(keccak(pkFull.subarray(1)).subarray(12))) };
}
