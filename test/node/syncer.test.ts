/**
 * When a validator counts itself in sync with its peers (and may build its slot's block), and when a
 * peer's status starts a range sync. A peer that finalized a block a moment before us, at a head we
 * hold, is not "ahead": before, that skipped our own slots while known blocks were downloaded again,
 * and the liveness rule jailed honest validators (seen in the four-process network test).
 */
import { EventEmitter } from "node:events";
import { expect } from "chai";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { Syncer } from "../../node/sync/syncer";
import type { PeerStatus } from "../../node/p2p/messages";
import type { P2PNetwork } from "../../node/p2p/network";
import type { ChainPort } from "../../node/p2p/types";
import type { Logger } from "../../node/chain/types";

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const hashOf = (n: number, branch = "a"): Uint8Array => hexToBytes(`0x${branch.repeat(2)}${n.toString(16).padStart(62, "0")}`);
const params: PeerStatus["params"] = { slotTimeMs: 1000n, slotsPerEpoch: 32n, devMode: false, validatorsHash: new Uint8Array(32) };

function status(head: number, finalized: number, branch = "a"): PeerStatus {
  return {
    chainId: 8898n, genesisHash: hashOf(0), headNumber: BigInt(head), headHash: hashOf(head, branch), headSlot: BigInt(head),
    finalizedNumber: BigInt(finalized), finalizedHash: hashOf(finalized), params,
  };
}

/** The network as the syncer sees it: peers' last statuses, range requests recorded. */
class FakeNet extends EventEmitter {
  readonly statuses = new Map<string, PeerStatus>();
  readonly ranges: Array<{ peer: string; start: bigint; count: number }> = [];
  connectedPeers(): string[] {
    return [...this.statuses.keys()];
  }
  statusOf(peer: string): PeerStatus | undefined {
    return this.statuses.get(peer);
  }
  async requestStatus(peer: string): Promise<PeerStatus | undefined> {
    return this.statuses.get(peer);
  }
  async requestRange(peer: string, start: bigint, count: number): Promise<Uint8Array[]> {
    this.ranges.push({ peer, start, count });
    return [];
  }
  penalise(): void {}
  /** A status arrives from `peer`; resolves once the syncer has looked at it. */
  async deliver(peer: string, s: PeerStatus): Promise<void> {
    this.statuses.set(peer, s);
    this.emit("status", peer, s);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("sync: when a node is in sync with its peers", () => {
  let net: FakeNet;
  let syncer: Syncer;
  // Our chain: blocks 0..20 of branch a, head 20, finalized 17.
  const held = new Set<string>(Array.from({ length: 21 }, (_, n) => bytesToHex(hashOf(n))));
  const chain: ChainPort = {
    status: () => status(20, 17),
    importEnvelope: async () => ({ status: "known" }),
    envelopesByRange: async () => [],
    hasBlock: async (h) => held.has(bytesToHex(h)),
  };

  beforeEach(() => {
    net = new FakeNet();
    syncer = new Syncer(net as unknown as P2PNetwork, chain, silent, { pollMs: 60_000, expectPeers: true });
    syncer.start();
  });

  afterEach(async () => {
    await syncer.stop();
  });

  it("a peer at our head that finalized one block more (its votes came first) is not ahead: no sync, we may build", async () => {
    await net.deliver("p1", status(20, 18));
    expect(syncer.inSync()).to.equal(true);
    expect(net.ranges).to.deep.equal([]);
  });

  it("a peer whose head we hold (behind ours) with a later final block is not ahead either", async () => {
    await net.deliver("p1", status(19, 19));
    expect(syncer.inSync()).to.equal(true);
    expect(net.ranges).to.deep.equal([]);
  });

  it("a higher head we lack is: we sync from the block after ours and do not build meanwhile", async () => {
    await net.deliver("p1", status(22, 18));
    expect(net.ranges[0]).to.deep.equal({ peer: "p1", start: 21n, count: 2 });
    expect(syncer.inSync()).to.equal(false);
  });

  it("a head of our height on another branch is: we fetch its last blocks", async () => {
    await net.deliver("p1", status(20, 17, "b"));
    expect(net.ranges).to.have.length(1);
    expect(net.ranges[0].start).to.equal(18n); // never below our final block + 1
    expect(syncer.inSync()).to.equal(false);
  });

  it("a lower head on another branch counts when that peer finalized further than we did", async () => {
    await net.deliver("p1", status(19, 17, "b"));
    expect(syncer.inSync(), "same final block").to.equal(true);
    await net.deliver("p1", status(19, 18, "b"));
    expect(syncer.inSync(), "a later final block").to.equal(false);
  });

  it("with no status heard yet, a node with static peers waits (a restarted validator must not build on its stale head)", () => {
    expect(syncer.inSync()).to.equal(false);
  });
});
