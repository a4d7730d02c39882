/**
 * The node's libp2p host: TCP + noise + yamux, gossipsub topics for blocks, transactions, votes and
 * evidence (each message validated before it is forwarded), and two request/response protocols —
 * status and blocks-by-range — over length-prefixed streams. Keeps static bootstrap peers connected
 * and bans peers that keep sending invalid data.
 */
import { EventEmitter } from "node:events";
import { bytesToHex, concatBytes, equalsBytes, utf8ToBytes } from "@ethereumjs/util";
import type { Connection, Libp2p, PeerId, PrivateKey, Stream } from "@libp2p/interface";
import type { GossipSub, Message, TopicValidatorResult } from "@libp2p/gossipsub";
import type { Logger } from "../chain/types";
import { LuxError, errorMessage } from "../errors";
import { keccak } from "../execution/crypto";
import { loadLibp2p, type Libp2pModules } from "./esm";
import {
  BLOCKS_BY_RANGE_PROTOCOL, MAX_BLOCK_BYTES, MAX_EVIDENCE_BYTES, MAX_SMALL_FRAME_BYTES, MAX_TX_BYTES, MAX_VOTE_BYTES,
  STATUS_PROTOCOL, decodeCount, decodeRangeRequest, decodeStatus, encodeCount, encodeRangeRequest, encodeStatus, paramsMismatch, topics,
  type ConsensusParams, type PeerStatus,
} from "./messages";
import type { PeerInfo, Verdict } from "./types";

/** Invalid messages after which a peer is disconnected and banned. */
export const BAN_THRESHOLD = 5;
/** How long a ban lasts. */
export const BAN_MS = 10 * 60_000;
/** How long a peer on another chain or with other consensus parameters is refused after the handshake. */
export const INCOMPATIBLE_MS = 60_000;
const INCOMPATIBLE_HANGUP_DELAY_MS = 1_000;
/** Timeout of one request/response exchange. */
const REQUEST_TIMEOUT_MS = 10_000;
/** How often unconnected bootstrap peers are dialled again. */
const REDIAL_MS = 1_000;
/** Total bytes of one blocks-by-range response (at least one block is always sent). */
const MAX_RANGE_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Message kinds carried by gossip. */
export type GossipKind = "block" | "tx" | "vote" | "evidence";

/** What the host asks the node. */
export interface NetworkHandlers {
  /** Validates (and imports) one gossiped message. */
  gossip(kind: GossipKind, data: Uint8Array, from: string): Promise<Verdict>;
  /** Our current status. */
  status(): PeerStatus;
  /** Serialized canonical envelopes for a range request. */
  range(start: bigint, count: number): Promise<Uint8Array[]>;
}

/** Options of the host. */
export interface NetworkOptions {
  /** Chain id (topic names, status check). */
  chainId: bigint;
  /** Our genesis hash: peers on another genesis are dropped. */
  genesisHash: Uint8Array;
  /** Our slot time, epoch length, dev mode and genesis validators: peers with others are dropped. */
  params: ConsensusParams;
  /** Interface to listen on. */
  host: string;
  /** TCP port (0 = any free port). */
  port: number;
  /** The libp2p identity. */
  privateKey: PrivateKey;
  /** Static bootstrap peers: multiaddrs ending in /p2p/<peer id>. */
  bootstrap: string[];
  /** Logger. */
  log: Logger;
}

const MAX_BYTES: Record<GossipKind, number> = { block: MAX_BLOCK_BYTES, tx: MAX_TX_BYTES, vote: MAX_VOTE_BYTES, evidence: MAX_EVIDENCE_BYTES };

interface PeerRecord {
  status?: PeerStatus;
  /** Why the last status exchange found the peer incompatible (logged once per reason). */
  incompatible?: string;
  penalty: number;
  bannedUntil?: number;
}

type Host = Libp2p<{ pubsub: GossipSub }>;

/**
 * Events: "status" (peerId: string, status: PeerStatus) when a peer tells its status, "behind"
 * (peerId: string) when a peer gossips a block whose parent we lack.
 */
export class P2PNetwork extends EventEmitter {
  private readonly peersById = new Map<string, PeerRecord>();
  private readonly topicOf: Record<GossipKind, string>;
  private redialTimer?: NodeJS.Timeout;
  private stopped = false;

  private constructor(
    private readonly m: Libp2pModules,
    private readonly host: Host,
    private readonly opts: NetworkOptions,
    private readonly handlers: NetworkHandlers,
  ) {
    super();
    this.topicOf = topics(opts.chainId);
  }

  /** Starts listening, subscribes to the topics and dials the bootstrap peers. */
  static async start(opts: NetworkOptions, handlers: NetworkHandlers): Promise<P2PNetwork> {
    const m = await loadLibp2p();
    for (const a of opts.bootstrap) bootstrapPeerId(m, a); // fail fast on a malformed peer address
    let self: P2PNetwork | undefined;
    const banned = (p: PeerId): boolean => self?.isBanned(p.toString()) ?? false;
    const t = topics(opts.chainId);
    const host = await m.createLibp2p({
      privateKey: opts.privateKey,
      addresses: { listen: [`/ip4/${opts.host}/tcp/${opts.port}`] },
      transports: [m.tcp()],
      connectionEncrypters: [m.noise()],
      streamMuxers: [m.yamux()],
      connectionGater: { denyDialPeer: banned, denyInboundEncryptedConnection: banned },
      services: {
        identify: m.identify(),
        ping: m.ping(),
        pubsub: m.gossipsub({
          // Messages carry their own validator/transaction signatures; ids are content hashes, so the
          // same block or transaction published by two nodes is one message (as in Ethereum's gossip).
          globalSignaturePolicy: "StrictNoSign",
          msgIdFn: (msg: Message) => keccak(concatBytes(utf8ToBytes(msg.topic), msg.data)),
          allowPublishToZeroTopicPeers: true,
          emitSelf: false,
          maxInboundDataLength: MAX_BLOCK_BYTES + 64 * 1024,
          allowedTopics: Object.values(t),
        }),
      },
    });
    self = new P2PNetwork(m, host as unknown as Host, opts, handlers);
    await self.init();
    return self;
  }

  private async init(): Promise<void> {
    const pubsub = this.host.services.pubsub;
    for (const kind of Object.keys(this.topicOf) as GossipKind[]) {
      const topic = this.topicOf[kind];
      pubsub.topicValidators.set(topic, (peer, msg) => this.validate(kind, peer.toString(), msg));
      pubsub.subscribe(topic);
    }
    await this.host.handle(STATUS_PROTOCOL, (s, c) => this.serveStatus(s, c));
    await this.host.handle(BLOCKS_BY_RANGE_PROTOCOL, (s, c) => this.serveRange(s, c));
    this.host.addEventListener("peer:connect", (e) => {
      const id = e.detail.toString();
      // Exchange status with every new peer: that is how a node learns it is behind.
      void this.requestStatus(id).catch((err: unknown) => {
        // An incompatible peer was logged once already, with the reason.
        if (err instanceof LuxError && err.code === "PEER_INCOMPATIBLE") return;
        if (this.peersById.get(id)?.incompatible) return;
        this.opts.log.warn(`p2p: status from ${short(id)} failed: ${errorMessage(err)}`);
      });
    });
    this.redial();
  }

  /** Our libp2p peer id. */
  get peerId(): string {
    return this.host.peerId.toString();
  }

  /** Addresses we listen on, each ending in /p2p/<our id>. */
  get addresses(): string[] {
    return this.host.getMultiaddrs().map(String);
  }

  /** Peers we hold a connection to. */
  connectedPeers(): string[] {
    return [...new Set(this.host.getPeers().map(String))];
  }

  /** Known peers with status and penalties. */
  peers(): PeerInfo[] {
    const connected = new Set(this.connectedPeers());
    const ids = new Set([...connected, ...this.peersById.keys()]);
    return [...ids].map((id) => {
      const r = this.peersById.get(id);
      const addresses = this.host.getConnections().filter((c) => c.remotePeer.toString() === id).map((c) => c.remoteAddr.toString());
      return {
        peerId: id, connected: connected.has(id), addresses, penalty: r?.penalty ?? 0,
        bannedUntil: r?.bannedUntil && r.bannedUntil > Date.now() ? r.bannedUntil : undefined,
        status: r?.status && { headNumber: r.status.headNumber, headHash: bytesToHex(r.status.headHash), finalizedNumber: r.status.finalizedNumber },
      };
    });
  }

  /** The last status a peer told us. */
  statusOf(peerId: string): PeerStatus | undefined {
    return this.peersById.get(peerId)?.status;
  }

  /** Publishes a message; no-op without subscribed peers. */
  async publish(kind: GossipKind, data: Uint8Array): Promise<void> {
    if (this.stopped) return;
    const topic = this.topicOf[kind];
    // A lone devnet has no peers: skip hashing and caching a message nobody can receive (a peer that
    // joins later syncs blocks by range and reads votes and evidence from them).
    if (this.host.services.pubsub.getSubscribers(topic).length === 0) return;
    try {
      await this.host.services.pubsub.publish(topic, data);
    } catch (err) {
      // "Duplicate" means the message came to us by gossip first: nothing to do.
      if (!/duplicate/i.test(errorMessage(err))) this.opts.log.warn(`p2p: publish ${kind} failed: ${errorMessage(err)}`);
    }
  }

  private record(id: string): PeerRecord {
    let r = this.peersById.get(id);
    if (!r) {
      r = { penalty: 0 };
      this.peersById.set(id, r);
    }
    return r;
  }

  private isBanned(id: string): boolean {
    const until = this.peersById.get(id)?.bannedUntil;
    return until !== undefined && until > Date.now();
  }

  /** Counts an invalid message; at the threshold the peer is disconnected and banned. */
  penalise(id: string, reason: string): void {
    const r = this.record(id);
    r.penalty++;
    this.opts.log.warn(`p2p: invalid data from ${short(id)} (${r.penalty}/${BAN_THRESHOLD}): ${reason}`);
    if (r.penalty >= BAN_THRESHOLD && !this.isBanned(id)) {
      r.bannedUntil = Date.now() + BAN_MS;
      this.opts.log.warn(`p2p: banned ${short(id)} for ${BAN_MS / 60_000} min`);
      void this.host.hangUp(this.m.peerIdFromString(id)).catch(() => undefined);
    }
  }

  private async validate(kind: GossipKind, from: string, msg: Message): Promise<TopicValidatorResult> {
    const accept = "accept" as TopicValidatorResult;
    const ignore = "ignore" as TopicValidatorResult;
    const reject = "reject" as TopicValidatorResult;
    if (this.isBanned(from)) return ignore;
    if (msg.type !== "unsigned") {
      this.penalise(from, `${kind} message carries a libp2p signature (policy is StrictNoSign)`);
      return reject;
    }
    if (msg.data.length > MAX_BYTES[kind]) {
      this.penalise(from, `${kind} message of ${msg.data.length} bytes, limit ${MAX_BYTES[kind]}`);
      return reject;
    }
    let v: Verdict;
    try {
      v = await this.handlers.gossip(kind, msg.data, from);
    } catch (err) {
      this.opts.log.warn(`p2p: ${kind} validation failed: ${errorMessage(err)}`);
      return ignore;
    }
    if (v === "reject") {
      this.penalise(from, `invalid ${kind}`);
      return reject;
    }
    return v === "accept" ? accept : ignore;
  }

  /** Tells the network a peer sent something that shows we are behind it. */
  noteBehind(peerId: string): void {
    this.emit("behind", peerId);
  }

  private checkStatus(id: string, s: PeerStatus): void {
    const reason =
      s.chainId !== this.opts.chainId || !equalsBytes(s.genesisHash, this.opts.genesisHash)
        ? `chain ${s.chainId} genesis ${bytesToHex(s.genesisHash).slice(0, 18)}…, ours chain ${this.opts.chainId} genesis ${bytesToHex(this.opts.genesisHash).slice(0, 18)}…`
        : paramsMismatch(s.params, this.opts.params);
    if (reason) {
      // Another chain or other rules: not hostile (no penalty), just useless, since each side would reject
      // the other's blocks. Drop it and refuse it for a while, so a static peer is not re-dialled every second.
      const r = this.record(id);
      r.bannedUntil = Date.now() + INCOMPATIBLE_MS;
      if (r.incompatible !== reason) this.opts.log.warn(`p2p: disconnected ${short(id)}: incompatible peer (${reason}); refused for ${INCOMPATIBLE_MS / 1000} s`);
      r.incompatible = reason;
      // Hang up a moment later: the status exchanges in flight finish, so the peer learns why too (the
      // gater refuses new connections from now on).
      setTimeout(() => void this.host.hangUp(this.m.peerIdFromString(id)).catch(() => undefined), INCOMPATIBLE_HANGUP_DELAY_MS).unref();
      throw new LuxError("PEER_INCOMPATIBLE", `peer ${short(id)} is incompatible: ${reason}`);
    }
    const r = this.record(id);
    r.incompatible = undefined;
    r.status = s;
    this.emit("status", id, s);
  }

  private async serveStatus(stream: Stream, conn: Connection): Promise<void> {
    const id = conn.remotePeer.toString();
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const lp = this.m.lpStream(stream, { maxDataLength: MAX_SMALL_FRAME_BYTES });
    try {
      const theirs = decodeStatus((await lp.read({ signal })).subarray());
      try {
        await lp.write(encodeStatus(this.handlers.status()), { signal });
        await stream.close({ signal });
      } finally {
        // Checked even when the peer hung up first (it may have found us incompatible): we log why too.
        this.checkStatus(id, theirs);
      }
    } catch (err) {
      this.failStream(stream, id, err);
    }
  }

  private async serveRange(stream: Stream, conn: Connection): Promise<void> {
    const id = conn.remotePeer.toString();
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const lp = this.m.lpStream(stream, { maxDataLength: MAX_SMALL_FRAME_BYTES });
    try {
      const req = decodeRangeRequest((await lp.read({ signal })).subarray());
      const all = await this.handlers.range(req.start, req.count);
      const blocks: Uint8Array[] = [];
      let bytes = 0;
      for (const b of all) {
        if (blocks.length > 0 && bytes + b.length > MAX_RANGE_RESPONSE_BYTES) break;
        blocks.push(b);
        bytes += b.length;
      }
      await lp.writeV([encodeCount(blocks.length), ...blocks], { signal });
      await stream.close({ signal });
    } catch (err) {
      this.failStream(stream, id, err);
    }
  }

  private failStream(stream: Stream, id: string, err: unknown): void {
    if (err instanceof LuxError && err.code === "INVALID_MESSAGE") this.penalise(id, err.message);
    stream.abort(err instanceof Error ? err : new Error(String(err)));
  }

  /** Exchanges status with a peer; records and returns theirs. */
  async requestStatus(peerId: string): Promise<PeerStatus> {
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const stream = await this.host.dialProtocol(this.m.peerIdFromString(peerId), STATUS_PROTOCOL, { signal });
    const lp = this.m.lpStream(stream, { maxDataLength: MAX_SMALL_FRAME_BYTES });
    try {
      await lp.write(encodeStatus(this.handlers.status()), { signal });
      const theirs = decodeStatus((await lp.read({ signal })).subarray());
      await stream.close({ signal });
      this.checkStatus(peerId, theirs);
      return theirs;
    } catch (err) {
      this.failStream(stream, peerId, err);
      throw err;
    }
  }

  /** Asks a peer for up to `count` canonical envelopes from `start`. */
  async requestRange(peerId: string, start: bigint, count: number): Promise<Uint8Array[]> {
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const stream = await this.host.dialProtocol(this.m.peerIdFromString(peerId), BLOCKS_BY_RANGE_PROTOCOL, { signal });
    const lp = this.m.lpStream(stream, { maxDataLength: MAX_BLOCK_BYTES });
    try {
      await lp.write(encodeRangeRequest({ start, count }), { signal });
      const n = decodeCount((await lp.read({ signal })).subarray(), count);
      const out: Uint8Array[] = [];
      for (let i = 0; i < n; i++) out.push((await lp.read({ signal })).subarray());
      await stream.close({ signal });
      return out;
    } catch (err) {
      this.failStream(stream, peerId, err);
      throw err;
    }
  }

  // Static peers are dialled at start and again whenever their connection is gone (restarts, late starts).
  private redial(): void {
    if (this.stopped) return;
    const connected = new Set(this.connectedPeers());
    for (const addr of this.opts.bootstrap) {
      const id = bootstrapPeerId(this.m, addr);
      if (connected.has(id) || this.isBanned(id) || id === this.peerId) continue;
      void this.host.dial(this.m.multiaddr(addr), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch(() => undefined);
    }
    this.redialTimer = setTimeout(() => this.redial(), REDIAL_MS);
  }

  /** Stops the host. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.redialTimer) clearTimeout(this.redialTimer);
    await this.host.stop();
  }
}

/** The peer id a bootstrap multiaddr names; throws P2P_CONFIG when it names none. */
export function bootstrapPeerId(m: Libp2pModules, addr: string): string {
  let id: string | undefined;
  try {
    id = m.multiaddr(addr).getComponents().find((c) => c.name === "p2p")?.value;
  } catch (err) {
    throw new LuxError("P2P_CONFIG", `bootstrap peer ${addr} is not a multiaddr: ${errorMessage(err)}`);
  }
  if (!id) throw new LuxError("P2P_CONFIG", `bootstrap peer ${addr} has no /p2p/<peer id> part (copy the address a node prints at start)`);
  return id;
}

function short(id: string): string {
  return `${id.slice(0, 8)}…${id.slice(-6)}`;
}
