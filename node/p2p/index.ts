/**
 * Wires the peer-to-peer layer into a node: the libp2p host, gossip validation for blocks and
 * transactions (votes and evidence through the consensus importers when present), publication of
 * produced blocks and locally submitted transactions, and range sync.
 */
import { bytesToHex } from "@ethereumjs/util";
import type { Chain } from "../chain/chain";
import type { Logger, NewHead } from "../chain/types";
import { LuxError, errorMessage, type LuxErrorCode } from "../errors";
import { keccak } from "../execution/crypto";
import { Syncer } from "../sync/syncer";
import type { TxPool } from "../txpool/pool";
import type { PoolTx } from "../txpool/types";
import { chainPort, envelopeBytes } from "./chainPort";
import { identityFromSignerKey, storedIdentity } from "./identity";
import { consensusParams } from "./messages";
import { P2PNetwork, type GossipKind } from "./network";
import { verdictOf, type ChainPort, type PeerInfo, type Verdict } from "./types";

export { P2PNetwork } from "./network";
export { peerIdOfSignerKey } from "./identity";
export type { PeerInfo } from "./types";

/** Peer-to-peer options of a node. */
export interface P2POptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port (0 = any free port). */
  port: number;
  /** Static bootstrap peers (multiaddrs ending in /p2p/<peer id>). */
  bootstrap: string[];
}

/** The running peer-to-peer layer. */
export interface Networking {
  net: P2PNetwork;
  syncer: Syncer;
  stop(): Promise<void>;
}

/** Transaction rejections that only a faulty or hostile sender produces (the others can be honest races). */
const HOSTILE_TX: ReadonlySet<LuxErrorCode> = new Set<LuxErrorCode>([
  "INVALID_SIGNATURE", "INVALID_TRANSACTION", "WRONG_CHAIN_ID", "OVERSIZED", "INTRINSIC_GAS_TOO_LOW", "GAS_LIMIT_EXCEEDED", "TIP_ABOVE_FEE_CAP",
]);

/** Starts the host and sync; `signerKey` (a validator's) fixes the peer id. */
export async function startNetworking(deps: {
  chain: Chain;
  pool: TxPool;
  log: Logger;
  options: P2POptions;
  signerKey?: Uint8Array;
  port?: ChainPort;
}): Promise<Networking> {
  const { chain, pool, log } = deps;
  const port = deps.port ?? chainPort(chain);
  const privateKey = deps.signerKey ? await identityFromSignerKey(deps.signerKey) : await storedIdentity(chain.store);
  // Transactions being added from gossip: the pool's "tx" event must not publish them again.
  const fromGossip = new Set<string>();
  let net: P2PNetwork | undefined;

  const gossipTx = async (data: Uint8Array): Promise<Verdict> => {
    const hash = bytesToHex(keccak(data));
    fromGossip.add(hash);
    try {
      await pool.add(data);
      return "accept";
    } catch (err) {
      if (err instanceof LuxError) return HOSTILE_TX.has(err.code) ? "reject" : "ignore";
      log.warn(`p2p: gossiped transaction: ${errorMessage(err)}`);
      return "ignore";
    } finally {
      fromGossip.delete(hash);
    }
  };
  const gossip = async (kind: GossipKind, data: Uint8Array, from: string): Promise<Verdict> => {
    if (kind === "tx") return gossipTx(data);
    if (kind === "block") {
      const o = await port.importEnvelope(data);
      if (o.status === "future") net?.noteBehind(from);
      if (o.status === "invalid") log.warn(`p2p: rejected block from ${from.slice(0, 12)}…: ${o.reason ?? ""}`);
      return verdictOf(o);
    }
    const importer = kind === "vote" ? port.importVote : port.importEvidence;
    return importer ? verdictOf(await importer.call(port, data)) : "ignore";
  };

  net = await P2PNetwork.start(
    {
      chainId: chain.config.chainId,
      genesisHash: chain.genesisHash,
      params: consensusParams(chain.config),
      host: deps.options.host ?? "127.0.0.1",
      port: deps.options.port,
      privateKey,
      bootstrap: deps.options.bootstrap,
      log,
    },
    { gossip, status: () => port.status(), range: (s, c) => port.envelopesByRange(s, c) },
  );
  const network = net;
  const onHead = (h: NewHead): void => {
    if (h.origin === "produced") void network.publish("block", envelopeBytes(h.record));
  };
  const onTx = (t: PoolTx): void => {
    if (!fromGossip.has(t.hash)) void network.publish("tx", t.raw ?? t.tx.serialize());
  };
  chain.on("head", onHead);
  pool.on("tx", onTx);
  const syncer = new Syncer(network, port, log, { pollMs: Math.max(1000, chain.config.slotTimeMs), expectPeers: deps.options.bootstrap.length > 0 });
  syncer.start();
  return {
    net: network,
    syncer,
    stop: async () => {
      chain.off("head", onHead);
      pool.off("tx", onTx);
      await syncer.stop();
      await network.stop();
    },
  };
}

/** Peer list for RPC. */
export function peerList(n: Networking | undefined): PeerInfo[] {
  return n ? n.net.peers() : [];
}
