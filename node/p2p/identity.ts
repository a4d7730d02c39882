/**
 * The node's libp2p identity (its peer id). A validator's is derived from its signer key, so the peer
 * ids of a validator set are known before the nodes start (the devnet wires its peers that way); any
 * other node keeps a random Ed25519 key in its database, so its peer id survives restarts.
 */
import { concatBytes, utf8ToBytes } from "@ethereumjs/util";
import type { PrivateKey } from "@libp2p/interface";
import { keccak } from "../execution/crypto";
import type { ChainStore } from "../storage/types";
import { loadLibp2p } from "./esm";

const IDENTITY_DOMAIN = utf8ToBytes("luxtensor-p2p-identity-v1");
const KEY_META = "p2pPrivateKey";

/** The Ed25519 identity derived from a validator's signer key (domain-separated: the signer key itself never leaves the node). */
export async function identityFromSignerKey(signerKey: Uint8Array): Promise<PrivateKey> {
  const m = await loadLibp2p();
  return m.generateKeyPairFromSeed("Ed25519", keccak(concatBytes(IDENTITY_DOMAIN, signerKey)));
}

/** The peer id (string) of a validator's derived identity. */
export async function peerIdOfSignerKey(signerKey: Uint8Array): Promise<string> {
  const m = await loadLibp2p();
  return m.peerIdFromPrivateKey(await identityFromSignerKey(signerKey)).toString();
}

/** A random identity created once and kept in the node's database. */
export async function storedIdentity(store: ChainStore): Promise<PrivateKey> {
  const m = await loadLibp2p();
  const stored = await store.getMeta(KEY_META);
  if (stored) return m.privateKeyFromProtobuf(stored);
  const key = await m.generateKeyPair("Ed25519");
  await store.putMeta(KEY_META, m.privateKeyToProtobuf(key));
  return key;
}
