import { hashToCurve, secp256k1 } from "@noble/curves/secp256k1";
import { bigIntToBytes, bytesToBigInt, bytesToHex, concatBytes, equalsBytes, setLengthLeft } from "@ethereumjs/util";
import { computeAddress, getAddress } from "ethers";
import { LuxError } from "../errors";
import { keccak } from "../execution/crypto";
import { nativeSigner, type NativeSigner } from "./signing";
import { hashToCurveBatch, hashToCurveCompressed } from "./hashToCurve";
import { randaoMessage } from "./messages";
import { ProofRun } from "./vrfPrecompute";

/**
 * A verifiable random function on the validators' secp256k1 keys (the ECVRF construction of RFC 9381:
 * Gamma = sk·H(pk ‖ alpha) with a Chaum–Pedersen proof that log_H(Gamma) = log_G(pk)). Unlike an ECDSA
 * signature, whose nonce the signer may choose freely, the output is unique for a key and a message:
 * a proposer cannot grind its RANDAO reveal. Hashing to the curve is RFC 9380 (SSWU): @noble/curves'
 * function, computed by hashToCurve.ts when libsecp256k1 is loaded.
 */

const Point = secp256k1.ProjectivePoint;
const N = secp256k1.CURVE.n;
const DST = "LUXTENSOR-VRF-V1_XMD:SHA-256_SSWU_RO_";
/** Proof layout: compressed pk (33) ‖ compressed Gamma (33) ‖ c (32) ‖ s (32). */
export const VRF_PROOF_BYTES = 130;

type P = InstanceType<typeof Point>;

function hashPoint(pk: Uint8Array, alpha: Uint8Array): P {
  const h = hashToCurve(concatBytes(pk, alpha), { DST });
  return Point.fromAffine(h.toAffine());
}

/** Compressed public keys by secret key (hex): a proposer proves with the same key block after block. */
const publicKeys = new Map<string, Uint8Array>();
const PUBLIC_KEY_CACHE = 64;

function compressedPublicKey(n: NativeSigner, sk: Uint8Array): Uint8Array {
  const id = bytesToHex(sk);
  let pk = publicKeys.get(id);
  if (!pk) {
    pk = n.publicKeyCreate(sk, true);
    if (publicKeys.size >= PUBLIC_KEY_CACHE) publicKeys.clear();
    publicKeys.set(id, pk);
  }
  return pk;
}

/**
 * RANDAO proofs of `count` consecutive slots from `firstSlot` with `sk`, shared between the worker thread
 * and the caller (see ProofRun): `proof(slot)` equals vrfProve(sk, randaoMessage(chainId, slot)).
 */
export function vrfProofRun(sk: Uint8Array, chainId: bigint, firstSlot: bigint, count: number): ProofRun {
  return ProofRun.start(sk, chainId, firstSlot, count, (slot) => vrfProve(sk, randaoMessage(chainId, slot)));
}

function challenge(...points: P[]): bigint {
  return challengeOf(...points.map((p) => p.toRawBytes(true)));
}

/** The Fiat–Shamir challenge over compressed points. */
function challengeOf(...compressed: Uint8Array[]): bigint {
  return bytesToBigInt(keccak(concatBytes(...compressed))) % N;
}

const u256 = (n: bigint): Uint8Array => setLengthLeft(bigIntToBytes(n), 32);

/** Proves VRF(sk, alpha): a 130-byte proof that carries the public key. Deterministic (the worker thread runs it too). */
export function vrfProve(sk: Uint8Array, alpha: Uint8Array): Uint8Array {
  const n = nativeSigner();
  const pk = n ? compressedPublicKey(n, sk) : secp256k1.getPublicKey(sk, true);
  return proveWith(sk, pk, n ? hashToCurveCompressed(concatBytes(pk, alpha), DST) : hashPoint(pk, alpha).toRawBytes(true));
}

/** vrfProve of several messages with one key, hashing them to the curve together (one shared inversion). */
export function vrfProveBatch(sk: Uint8Array, alphas: Uint8Array[]): Uint8Array[] {
  const n = nativeSigner();
  if (!n) return alphas.map((a) => vrfProve(sk, a));
  const pk = compressedPublicKey(n, sk);
  const points = hashToCurveBatch(alphas.map((a) => concatBytes(pk, a)), DST);
  return points.map((hb) => proveWith(sk, pk, hb));
}

/** The proof for key `sk` (public key `pk`) and H = `hb` (compressed), the hash of pk ‖ alpha. */
function proveWith(sk: Uint8Array, pk: Uint8Array, hb: Uint8Array): Uint8Array {
  const x = bytesToBigInt(sk);
  const n = nativeSigner();
  // Deterministic secret nonce (as RFC 6979 would give): a function of the key and the point only.
  const k = (bytesToBigInt(keccak(concatBytes(sk, hb))) % (N - 1n)) + 1n;
  const kb = u256(k);
  let gamma: Uint8Array;
  let c: bigint;
  if (n) {
    // libsecp256k1 returns canonical compressed points: the challenge hashes those bytes as they come,
    // without decoding them back into JS points (each decoding is a JS square root, ~0.4 ms).
    gamma = n.publicKeyTweakMul(hb, sk, true);
    c = challengeOf(hb, pk, gamma, n.publicKeyCreate(kb, true), n.publicKeyTweakMul(hb, kb, true));
  } else {
    const H = Point.fromHex(hb);
    const g = H.multiply(x);
    gamma = g.toRawBytes(true);
    c = challenge(H, Point.fromHex(pk), g, Point.BASE.multiply(k), H.multiply(k));
  }
  const s = (k + c * x) % N;
  return concatBytes(pk, gamma, u256(c), u256(s));
}

/**
 * The random output of a proof, keccak(Gamma), without verifying it: for a proof this node just made
 * (a proposer needs its own output for the block's mix; verifying its own proof would double the cost).
 */
export function vrfOutput(proof: Uint8Array): Uint8Array {
  if (proof.length !== VRF_PROOF_BYTES) throw new LuxError("BAD_SIGNATURE", `VRF proof must be ${VRF_PROOF_BYTES} bytes, got ${proof.length}`);
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
export function vrfVerify(proof: Uint8Array, alpha: Uint8Array): VrfResult {
  if (proof.length !== VRF_PROOF_BYTES) throw new LuxError("BAD_SIGNATURE", `VRF proof must be ${VRF_PROOF_BYTES} bytes, got ${proof.length}`);
  const c = bytesToBigInt(proof.subarray(66, 98));
  const s = bytesToBigInt(proof.subarray(98, 130));
  if (c === 0n || s === 0n || c >= N || s >= N) throw new LuxError("BAD_SIGNATURE", "VRF proof scalar out of range");
  const n = nativeSigner();
  return n ? verifyNative(n, proof, alpha, c) : verifyJs(proof, alpha, c, s);
}

/** A point's canonical compressed encoding, or BAD_SIGNATURE when the bytes are not a curve point. */
function canonicalPoint(n: NativeSigner, b: Uint8Array): Uint8Array {
  let uncompressed: Uint8Array;
  try {
    uncompressed = n.publicKeyConvert(b, false);
  } catch (err) {
    throw new LuxError("BAD_SIGNATURE", "VRF proof holds an invalid curve point", { cause: err });
  }
  if (!equalsBytes(n.publicKeyConvert(uncompressed, true), b)) throw new LuxError("BAD_SIGNATURE", "VRF proof holds a non-canonical curve point");
  return uncompressed;
}

/**
 * The verification equations with libsecp256k1's point operations, on compressed encodings throughout
 * (~10x faster than JS points, and no JS square roots to decode them).
 */
function verifyNative(n: NativeSigner, proof: Uint8Array, alpha: Uint8Array, c: bigint): VrfResult {
  const pkB = proof.subarray(0, 33);
  const gB = proof.subarray(33, 66);
  const cb = proof.subarray(66, 98);
  const sb = proof.subarray(98, 130);
  const pkFull = canonicalPoint(n, pkB);
  canonicalPoint(n, gB);
  const hb = hashToCurveCompressed(concatBytes(pkB, alpha), DST);
  let U: Uint8Array;
  let V: Uint8Array;
  try {
    U = n.publicKeyCombine([n.publicKeyCreate(sb, true), n.publicKeyNegate(n.publicKeyTweakMul(pkB, cb, true), true)], true);
    V = n.publicKeyCombine([n.publicKeyTweakMul(hb, sb, true), n.publicKeyNegate(n.publicKeyTweakMul(gB, cb, true), true)], true);
  } catch (err) {
    // A sum at infinity (libsecp256k1 refuses to combine to it) cannot come from an honest proof.
    throw new LuxError("BAD_SIGNATURE", "VRF proof does not verify", { cause: err });
  }
  if (challengeOf(hb, pkB, gB, U, V) !== c) throw new LuxError("BAD_SIGNATURE", "VRF proof does not verify");
  return { output: keccak(gB), signer: getAddress(bytesToHex(keccak(pkFull.subarray(1)).subarray(12))) };
}

function verifyJs(proof: Uint8Array, alpha: Uint8Array, c: bigint, s: bigint): VrfResult {
  let pk: P;
  let gamma: P;
  try {
    pk = Point.fromHex(proof.subarray(0, 33));
    gamma = Point.fromHex(proof.subarray(33, 66));
  } catch (err) {
    throw new LuxError("BAD_SIGNATURE", "VRF proof holds an invalid curve point", { cause: err });
  }
  const H = hashPoint(proof.subarray(0, 33), alpha);
  const U = Point.BASE.multiplyUnsafe(s).subtract(pk.multiplyUnsafe(c));
  const V = H.multiplyUnsafe(s).subtract(gamma.multiplyUnsafe(c));
  if (U.equals(Point.ZERO) || V.equals(Point.ZERO) || challenge(H, pk, gamma, U, V) !== c) {
    throw new LuxError("BAD_SIGNATURE", "VRF proof does not verify");
  }
  return { output: keccak(gamma.toRawBytes(true)), signer: computeAddress(bytesToHex(pk.toRawBytes(true))) };
}
