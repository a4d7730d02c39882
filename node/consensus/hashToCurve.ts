import { createDiffieHellman, createHash, type DiffieHellman } from "node:crypto";
import { hashToCurve as nobleHashToCurve, secp256k1 } from "@noble/curves/secp256k1";
import { nativeSigner } from "./signing";

/**
 * RFC 9380 hash-to-curve for secp256k1 (suite secp256k1_XMD:SHA-256_SSWU_RO_, any DST), the same
 * function as @noble/curves' `hashToCurve`, computed ~6x faster. noble spends ~1 ms per hash in BigInt
 * field arithmetic: two square roots (256-bit exponentiations, ~180 µs each as BigInt square-and-
 * multiply), five inversions (~50 µs each) and generic point code. Here:
 * - the two exponentiations run in OpenSSL (`node:crypto` Diffie–Hellman is a modular exponentiation
 *   engine: secret = base^private mod modulus), ~10x faster than BigInt; with a modulus p² (OpenSSL
 *   refuses moduli below 512 bits) the result reduced mod p is the power mod p;
 * - the SSWU map output stays a fraction and goes through the 3-isogeny in homogeneous form, so the
 *   two points need one batched inversion;
 * - the two points are added by libsecp256k1 (`publicKeyCombine`).
 * Any exceptional case (a zero denominator, the sum at infinity, no OpenSSL engine or no libsecp256k1)
 * falls back to noble, so the output is noble's in every case (tests compare the two on many inputs).
 */

const P = 2n ** 256n - 2n ** 32n - 977n;
/** SSWU parameters of the curve E' isogenous to secp256k1 (RFC 9380 section 8.7). */
const A = 0x3f8731abdd661adca08a5558f0f5d272e953d363cb6f0e5d405447c01a444533n;
const B = 1771n;
const Z = P - 11n;
/** sqrt_ratio_3mod4 constants: C1 = (p − 3) / 4, C2 = sqrt(−Z). */
const C1 = (P - 3n) / 4n;
/** Bytes per field element drawn from the expanded message: ceil((256 + 128) / 8). */
const L = 48;

const mod = (a: bigint): bigint => {
  const r = a % P;
  return r < 0n ? r + P : r;
};

/** x^e mod p, BigInt square-and-multiply (the fallback when OpenSSL's engine is unavailable). */
function powBig(x: bigint, e: bigint): bigint {
  let r = 1n;
  let b = mod(x);
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) r = (r * b) % P;
    b = (b * b) % P;
  }
  return r;
}

const C2 = powBig(11n, (P + 1n) / 4n);

/** 3-isogeny map coefficients (RFC 9380 appendix E.1), lowest degree first. */
const K = {
  xNum: [
    0x8e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38daaaaa8c7n,
    0x07d3d4c80bc321d5b9f315cea7fd44c5d595d2fc0bf63b92dfff1044f17c6581n,
    0x534c328d23f234e6e2a413deca25caece4506144037c40314ecbd0b53d9dd262n,
    0x8e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38daaaaa88cn,
  ],
  xDen: [0xd35771193d94918a9ca34ccbb7b640dd86cd409542f8487d9fe6b745781eb49bn, 0xedadc6f64383dc1df7c4b2d51b54225406d36b641f5e41bbc52a56612a8c6d14n],
  yNum: [
    0x4bda12f684bda12f684bda12f684bda12f684bda12f684bda12f684b8e38e23cn,
    0xc75e0c32d5cb7c0fa9d0a54b12a0a6d5647ab046d686da6fdffc90fc201d71a3n,
    0x29a6194691f91a73715209ef6512e576722830a201be2018a765e85a9ecee931n,
    0x2f684bda12f684bda12f684bda12f684bda12f684bda12f684bda12f38e38d84n,
  ],
  yDen: [
    0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffff93bn,
    0x7a06534bb8bdb49fd5e9e6632722c2989467c1bfc8e8d978dfb425d2685c2573n,
    0x6484aa716545ca2cf3a70c3fa8fe337e0a3d21162f0d6299a7bf8192bfd2a76fn,
  ],
};

const toBuf = (x: bigint, bytes: number): Buffer => Buffer.from(x.toString(16).padStart(bytes * 2, "0"), "hex");
const fromBytes = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex") || "0"}`);

/** OpenSSL modular exponentiation by a fixed exponent, or null when this OpenSSL refuses the setup. */
interface PowEngine {
  pow(x: bigint): bigint;
}

function opensslPow(exponent: bigint): PowEngine | null {
  try {
    const dh: DiffieHellman = createDiffieHellman(toBuf(P * P, 64), Buffer.from([2]));
    dh.setPrivateKey(toBuf(exponent, 32));
    const engine: PowEngine = {
      pow: (x) => {
        // OpenSSL refuses the "public keys" 0, 1 and p² − 1; those powers are trivial anyway.
        if (x <= 1n) return x;
        return fromBytes(dh.computeSecret(toBuf(x, 64))) % P;
      },
    };
    // A self-check against BigInt on a few values: an OpenSSL that computes anything else is not used.
    for (const x of [2n, 3n, P - 2n, 0x1234567890abcdefn]) if (engine.pow(x) !== powBig(x, exponent)) return null;
    return engine;
  } catch {
    return null;
  }
}

/** The two expensive field operations of a hash: x^C1 (sqrt_ratio_3mod4) and x^−1 (x ≠ 0). */
interface FieldOps {
  name: "openssl" | "bigint";
  powC1(x: bigint): bigint;
  invert(x: bigint): bigint;
}

const BIGINT_OPS: FieldOps = { name: "bigint", powC1: (x) => powBig(x, C1), invert: (x) => invertEuclid(x) };
let defaultOps: FieldOps | undefined;

/** OpenSSL's exponentiations when this OpenSSL computes them right (self-checked), else BigInt. */
function fieldOps(): FieldOps {
  if (defaultOps) return defaultOps;
  const sqrt = process.env.LUX_H2C_BIGINT === "1" ? null : opensslPow(C1);
  // Fermat: x^(p−2) = x^−1.
  const inv = sqrt && opensslPow(P - 2n);
  defaultOps = sqrt && inv ? { name: "openssl", powC1: (x) => sqrt.pow(x), invert: (x) => inv.pow(x) } : BIGINT_OPS;
  return defaultOps;
}

function invertEuclid(x: bigint): bigint {
  let a = mod(x);
  let b = P;
  let u = 1n;
  let v = 0n;
  while (a !== 0n) {
    const q = b / a;
    [a, b] = [b - q * a, a];
    [u, v] = [v - q * u, u];
  }
  return mod(v);
}

/** expand_message_xmd with SHA-256 (RFC 9380 section 5.3.1) for 2·L bytes. */
function expandXmd(msg: Uint8Array, dst: Uint8Array): Buffer {
  const dstPrime = Buffer.concat([dst, Buffer.from([dst.length])]);
  const lenStr = Buffer.from([0, 2 * L]);
  const b0 = createHash("sha256").update(Buffer.alloc(64)).update(msg).update(lenStr).update(Buffer.from([0])).update(dstPrime).digest();
  const out: Buffer[] = [];
  let prev = createHash("sha256").update(b0).update(Buffer.from([1])).update(dstPrime).digest();
  out.push(prev);
  for (let i = 2; i <= Math.ceil((2 * L) / 32); i++) {
    const x = Buffer.alloc(32);
    for (let j = 0; j < 32; j++) x[j] = b0[j] ^ prev[j];
    prev = createHash("sha256").update(x).update(Buffer.from([i])).update(dstPrime).digest();
    out.push(prev);
  }
  return Buffer.concat(out);
}

/** Simplified SWU on E' (RFC 9380 6.6.2 with sqrt_ratio_3mod4), x left as a fraction xn / xd. */
function sswu(ops: FieldOps, u: bigint): { xn: bigint; xd: bigint; y: bigint } {
  const tv1 = (Z * ((u * u) % P)) % P;
  let tv2 = (tv1 * tv1 + tv1) % P;
  const tv3 = (B * (tv2 + 1n)) % P;
  const tv4 = (A * (tv2 === 0n ? Z : P - tv2)) % P;
  tv2 = (tv3 * tv3) % P;
  let tv6 = (tv4 * tv4) % P;
  tv2 = ((tv2 + A * tv6) % P) * tv3 % P;
  tv6 = (tv6 * tv4) % P;
  tv2 = (tv2 + B * tv6) % P;
  // sqrt_ratio(tv2, tv6)
  const sv = (tv2 * tv6) % P;
  const y1a = (ops.powC1((((tv6 * tv6) % P) * sv) % P) * sv) % P;
  const isQR = (((y1a * y1a) % P) * tv6) % P === tv2;
  const y1 = isQR ? y1a : (y1a * C2) % P;
  let xn = isQR ? tv3 : (tv1 * tv3) % P;
  let y = isQR ? y1 : (((tv1 * u) % P) * y1) % P;
  if ((u & 1n) !== (y & 1n)) y = y === 0n ? 0n : P - y;
  xn %= P;
  return { xn, xd: tv4, y };
}

/** The isogeny's numerators and denominators in homogeneous form: x = xN / xD, y = yN / yD. */
function isoFractions(m: { xn: bigint; xd: bigint; y: bigint }): { xN: bigint; xD: bigint; yN: bigint; yD: bigint } {
  const n = m.xn;
  const d = m.xd;
  const n2 = (n * n) % P;
  const d2 = (d * d) % P;
  const n3 = (n2 * n) % P;
  const d3 = (d2 * d) % P;
  const n2d = (n2 * d) % P;
  const nd2 = (n * d2) % P;
  const nd = (n * d) % P;
  const xNum = (K.xNum[3] * n3 + K.xNum[2] * n2d + K.xNum[1] * nd2 + K.xNum[0] * d3) % P;
  const xDen = (n2 + K.xDen[1] * nd + K.xDen[0] * d2) % P;
  const yNum = (K.yNum[3] * n3 + K.yNum[2] * n2d + K.yNum[1] * nd2 + K.yNum[0] * d3) % P;
  const yDen = (n3 + K.yDen[2] * n2d + K.yDen[1] * nd2 + K.yDen[0] * d3) % P;
  return { xN: xNum, xD: (xDen * d) % P, yN: (m.y * yNum) % P, yD: yDen };
}

/** noble's hash, compressed (the reference, and the path of every exceptional case). */
function nobleCompressed(msg: Uint8Array, dst: string): Uint8Array {
  return secp256k1.ProjectivePoint.fromAffine(nobleHashToCurve(msg, { DST: dst }).toAffine()).toRawBytes(true);
}

/**
 * hash_to_curve(msg) under `dst`, as a 33-byte compressed point; equal to noble's `hashToCurve`.
 * `backend` "bigint" forces the BigInt field operations (tests compare both backends with noble).
 */
export function hashToCurveCompressed(msg: Uint8Array, dst: string, backend: "auto" | "bigint" = "auto"): Uint8Array {
  return hashToCurveBatch([msg], dst, backend)[0];
}

/**
 * hashToCurveCompressed of several messages, sharing one field inversion between them (Montgomery's
 * trick over the four denominators of each message): what a run of VRF proofs on the worker uses.
 */
export function hashToCurveBatch(msgs: Uint8Array[], dst: string, backend: "auto" | "bigint" = "auto"): Uint8Array[] {
  const ops = backend === "bigint" ? BIGINT_OPS : fieldOps();
  const native = nativeSigner();
  const dstBytes = Buffer.from(dst, "utf8");
  if (!native || dstBytes.length > 255) return msgs.map((m) => nobleCompressed(m, dst));
  const out: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(msgs.length);
  const pending: { i: number; f: ReturnType<typeof isoFractions>[] }[] = [];
  for (let i = 0; i < msgs.length; i++) {
    const prb = expandXmd(msgs[i], dstBytes);
    const f = [isoFractions(sswu(ops, fromBytes(prb.subarray(0, L)) % P)), isoFractions(sswu(ops, fromBytes(prb.subarray(L, 2 * L)) % P))];
    // A zero denominator (a point at infinity of the isogeny) is left to noble.
    if (f[0].xD === 0n || f[0].yD === 0n || f[1].xD === 0n || f[1].yD === 0n) out[i] = nobleCompressed(msgs[i], dst);
    else pending.push({ i, f });
  }
  const dens = pending.flatMap((p) => [p.f[0].xD, p.f[0].yD, p.f[1].xD, p.f[1].yD]);
  const invs = batchInvert(ops, dens);
  pending.forEach(({ i, f }, k) => {
    const points = f.map((q, j) => Buffer.concat([Buffer.from([4]), toBuf((q.xN * invs[4 * k + 2 * j]) % P, 32), toBuf((q.yN * invs[4 * k + 2 * j + 1]) % P, 32)]));
    try {
      out[i] = native.publicKeyCombine(points, true);
    } catch {
      // The two points cancel (sum at infinity) or one is not on the curve (cannot happen for this map).
      out[i] = nobleCompressed(msgs[i], dst);
    }
  });
  return out as Uint8Array[];
}

/** The inverses of nonzero field elements, with one inversion (Montgomery's trick). */
function batchInvert(ops: FieldOps, xs: bigint[]): bigint[] {
  if (xs.length === 0) return [];
  const pre: bigint[] = [xs[0]];
  for (let i = 1; i < xs.length; i++) pre.push((pre[i - 1] * xs[i]) % P);
  let inv = ops.invert(pre[xs.length - 1]);
  const out: bigint[] = new Array<bigint>(xs.length);
  for (let i = xs.length - 1; i > 0; i--) {
    out[i] = (inv * pre[i - 1]) % P;
    inv = (inv * xs[i]) % P;
  }
  out[0] = inv;
  return out;
}

/** Which field operations `hashToCurveCompressed` uses by default ("openssl" or "bigint"). */
export function hashToCurveEngine(): "openssl" | "bigint" {
  return fieldOps().name;
}
