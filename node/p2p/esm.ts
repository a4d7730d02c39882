/**
 * Loads the ESM-only js-libp2p packages from this CommonJS code base. tsc rewrites `import()` to
 * `require()` under `module: commonjs`, which fails with ERR_PACKAGE_PATH_NOT_EXPORTED, so the import
 * goes through a Function that tsc does not see. Types come from `import type` (erased at compile time).
 */
import type { createLibp2p } from "libp2p";
import type { tcp } from "@libp2p/tcp";
import type { noise } from "@chainsafe/libp2p-noise";
import type { yamux } from "@chainsafe/libp2p-yamux";
import type { gossipsub } from "@libp2p/gossipsub";
import type { identify } from "@libp2p/identify";
import type { ping } from "@libp2p/ping";
import type { lpStream } from "@libp2p/utils";
import type { generateKeyPairFromSeed, privateKeyFromProtobuf, privateKeyToProtobuf, generateKeyPair } from "@libp2p/crypto/keys";
import type { peerIdFromPrivateKey, peerIdFromString } from "@libp2p/peer-id";
import type { multiaddr } from "@multiformats/multiaddr";

/** The libp2p functions the node uses. */
export interface Libp2pModules {
  createLibp2p: typeof createLibp2p;
  tcp: typeof tcp;
  noise: typeof noise;
  yamux: typeof yamux;
  gossipsub: typeof gossipsub;
  identify: typeof identify;
  ping: typeof ping;
  lpStream: typeof lpStream;
  generateKeyPairFromSeed: typeof generateKeyPairFromSeed;
  generateKeyPair: typeof generateKeyPair;
  privateKeyFromProtobuf: typeof privateKeyFromProtobuf;
  privateKeyToProtobuf: typeof privateKeyToProtobuf;
  peerIdFromPrivateKey: typeof peerIdFromPrivateKey;
  peerIdFromString: typeof peerIdFromString;
  multiaddr: typeof multiaddr;
}

/**
 * js-libp2p 3 calls `Promise.withResolvers`, which Node 20 lacks (it arrived in Node 22). Installing it
 * before the first libp2p call is enough: nothing uses it at module load time.
 */
export function installPromiseWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: unknown };
  if (typeof P.withResolvers === "function") return;
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (v: T | PromiseLike<T>) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

// A real dynamic import, hidden from tsc's CommonJS rewrite.
const esmImport = new Function("s", "return import(s)") as <T>(specifier: string) => Promise<T>;

let loaded: Promise<Libp2pModules> | undefined;

/** Imports the libp2p packages once (after installing the polyfill). */
export function loadLibp2p(): Promise<Libp2pModules> {
  installPromiseWithResolvers();
  loaded ??= (async () => {
    const [core, t, n, y, g, i, p, u, k, pid, ma] = await Promise.all([
      esmImport<typeof import("libp2p")>("libp2p"),
      esmImport<typeof import("@libp2p/tcp")>("@libp2p/tcp"),
      esmImport<typeof import("@chainsafe/libp2p-noise")>("@chainsafe/libp2p-noise"),
      esmImport<typeof import("@chainsafe/libp2p-yamux")>("@chainsafe/libp2p-yamux"),
      esmImport<typeof import("@libp2p/gossipsub")>("@libp2p/gossipsub"),
      esmImport<typeof import("@libp2p/identify")>("@libp2p/identify"),
      esmImport<typeof import("@libp2p/ping")>("@libp2p/ping"),
      esmImport<typeof import("@libp2p/utils")>("@libp2p/utils"),
      esmImport<typeof import("@libp2p/crypto/keys")>("@libp2p/crypto/keys"),
      esmImport<typeof import("@libp2p/peer-id")>("@libp2p/peer-id"),
      esmImport<typeof import("@multiformats/multiaddr")>("@multiformats/multiaddr"),
    ]);
    return {
      createLibp2p: core.createLibp2p, tcp: t.tcp, noise: n.noise, yamux: y.yamux, gossipsub: g.gossipsub,
      identify: i.identify, ping: p.ping, lpStream: u.lpStream,
      generateKeyPairFromSeed: k.generateKeyPairFromSeed, generateKeyPair: k.generateKeyPair,
      privateKeyFromProtobuf: k.privateKeyFromProtobuf, privateKeyToProtobuf: k.privateKeyToProtobuf,
      peerIdFromPrivateKey: pid.peerIdFromPrivateKey, peerIdFromString: pid.peerIdFromString, multiaddr: ma.multiaddr,
    };
  })();
  return loaded;
}
