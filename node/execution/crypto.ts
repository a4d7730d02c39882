import { dirname } from "node:path";
import type { CustomCrypto } from "@ethereumjs/common";
import { ecrecover as jsEcrecover } from "@ethereumjs/util";
import { getBytes, keccak256 as ethersKeccak } from "ethers";

/** What `loadNativeCrypto` found: the primitives to plug into a Common, and which backend each uses. */
export interface NativeCrypto {
  /** Primitives for `Common({ customCrypto })`; empty members fall back to ethereumjs' pure-JS ones. */
  customCrypto: CustomCrypto;
  /** "native" when the secp256k1 binary loaded, else "js". */
  secp256k1: "native" | "js";
  /** "native" when the keccak binary loaded, else "js". */
  keccak: "native" | "js";
}

interface Secp256k1Native {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
}
/** The keccak package's native sponge (what its stream-based `Keccak` class wraps). */
interface KeccakState {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  absorbLastFewBits(bits: number): void;
  squeeze(length: number): Buffer;
}
type KeccakStateClass = new () => KeccakState;

/** keccak-256: rate 1088 bits, capacity 512, Keccak padding (0x01). */
const KECCAK256 = { rate: 1088, capacity: 512, suffix: 0x01, bytes: 32 };

/**
 * keccak256 on the keccak package's native sponge, reused for every hash. The package's own API builds a
 * stream.Transform (EventEmitter and all) per hash, which cost more than the hashing (~8 µs vs ~3 µs for a
 * header): a block hashes a dozen small inputs, a hardhat_mine run millions.
 */
function nativeKeccak256(): (msg: Uint8Array) => Uint8Array {
  const dir = dirname(require.resolve("keccak/package.json"));
  // The loader the keccak package itself uses (its dependency), resolved from the package.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const gypBuild = require(require.resolve("node-gyp-build", { paths: [dir] })) as (dir: string) => KeccakStateClass;
  const State = gypBuild(dir);
  if (typeof State !== "function") throw new Error("keccak native add-on did not load");
  const state = new State();
  const hash = (msg: Uint8Array): Uint8Array => {
    state.initialize(KECCAK256.rate, KECCAK256.capacity);
    // The binding accepts Buffers only; wrap without copying.
    state.absorb(Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength));
    state.absorbLastFewBits(KECCAK256.suffix);
    const out = state.squeeze(KECCAK256.bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  };
  // A wrong sponge setup must never go unnoticed: check against the known hash of the empty input.
  if (Buffer.from(hash(new Uint8Array(0))).toString("hex") !== "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470") {
    throw new Error("keccak native add-on gives a wrong keccak256");
  }
  return hash;
}

const SIG_PART_BYTES = 32;

/** Left-pads a signature component (r or s arrive unpadded) to 32 bytes. */
function pad32(bytes: Uint8Array): Uint8Array {
  if (bytes.length === SIG_PART_BYTES) return bytes;
  if (bytes.length > SIG_PART_BYTES) throw new Error("signature component longer than 32 bytes");
  const out = new Uint8Array(SIG_PART_BYTES);
  out.set(bytes, SIG_PART_BYTES - bytes.length);
  return out;
}

/** Same recovery-id rule as ethereumjs' `ecrecover`: typed txs carry 0/1, legacy carries 27/28 or EIP-155. */
export function recoveryId(v: bigint, chainId?: bigint): number {
  if (v === 0n || v === 1n) return Number(v);
  const id = chainId === undefined ? v - 27n : v - (chainId * 2n + 35n);
  if (id !== 0n && id !== 1n) throw new Error("Invalid signature v value");
  return Number(id);
}

let cached: NativeCrypto | undefined;

/**
 * Loads the native secp256k1 and keccak bindings (prebuilt binaries in their npm packages). Sender
 * recovery dominates block validation; the native recover is ~20x faster than the pure-JS one. Any
 * binding that fails to load is left out, so ethereumjs uses its JS implementation.
 */
export function loadNativeCrypto(): NativeCrypto {
  if (cached) return cached;
  const customCrypto: CustomCrypto = {};
  let secp: NativeCrypto["secp256k1"] = "js";
  let kec: NativeCrypto["keccak"] = "js";
  if (process.env.LUX_PURE_JS_CRYPTO !== "1") {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const native = require("secp256k1/bindings") as Secp256k1Native;
      customCrypto.ecrecover = (msgHash, v, r, s, chainId) => {
        const sig = new Uint8Array(64);
        sig.set(pad32(r), 0);
        sig.set(pad32(s), 32);
        // ecrecover returns the 64-byte public key without the 0x04 prefix.
        return native.ecdsaRecover(sig, recoveryId(v, chainId), msgHash, false).subarray(1);
      };
      secp = "native";
    } catch {
      // JS fallback stays in place.
    }
    try {
      customCrypto.keccak256 = nativeKeccak256();
      kec = "native";
    } catch {
      // JS fallback stays in place.
    }
  }
  cached = { customCrypto, secp256k1: secp, keccak: kec };
  return cached;
}

/** keccak256 through the native binding when loaded. */
export function keccak(msg: Uint8Array): Uint8Array {
  const fn = loadNativeCrypto().customCrypto.keccak256;
  if (fn) return fn(msg);
  return getBytes(ethersKeccak(msg));
}

/** Bytes of an address: the last 20 of keccak(public key). */
const ADDRESS_BYTES = 20;

/**
 * The address whose key made the 64-byte signature `r‖s` with recovery id 0/1 over `msgHash`
 * (native libsecp256k1 when loaded); throws when no key did.
 */
export function recoverAddress(msgHash: Uint8Array, r: Uint8Array, s: Uint8Array, recid: number): Uint8Array {
  const recover = loadNativeCrypto().customCrypto.ecrecover ?? jsEcrecover;
  const publicKey = recover(msgHash, BigInt(recid), r, s);
  return keccak(publicKey).subarray(-ADDRESS_BYTES);
}
