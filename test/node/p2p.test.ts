import { expect } from "chai";
import { RLP } from "@ethereumjs/rlp";
import { concatBytes, hexToBytes, utf8ToBytes } from "@ethereumjs/util";
import { JsonRpcProvider, Transaction, Wallet } from "ethers";
import type { Libp2p } from "@libp2p/interface";
import type { GossipSub, Message } from "@libp2p/gossipsub";
import { devKeys, rpc, startNode, tempDataDir, waitFor, type SpawnedNode } from "./helpers";
import { keccak } from "../../node/execution/crypto";
import { loadLibp2p } from "../../node/p2p/esm";
import {
  MAX_RANGE_BLOCKS, MAX_TX_BYTES, consensusParams, decodeCount, decodeRangeRequest, decodeStatus, encodeRangeRequest, encodeStatus, paramsMismatch, topics,
} from "../../node/p2p/messages";
import { bootstrapPeerId } from "../../node/p2p/network";
import { devChainConfig } from "../../node/config";
import { networkConfig } from "./chainHarness";
import { BAN_THRESHOLD } from "../../node/p2p/network";

interface PeersReply {
  listening: boolean;
  peerId: string;
  peers: { peerId: string; connected: boolean; penalty: number; banned: boolean; head: { number: string; hash: string } | null }[];
}

const CHAIN_ID = 8898n;
const KEYS = devKeys(8);

function p2pAddr(n: SpawnedNode): string {
  const m = /P2P listening on (\S+)/.exec(n.output());
  if (!m) throw new Error(`node printed no p2p address:\n${n.output()}`);
  return m[1];
}

const blockNumber = async (n: SpawnedNode): Promise<number> => Number(await rpc<string>(n.url, "eth_blockNumber"));
const blockHash = async (n: SpawnedNode, num: number): Promise<string> =>
  (await rpc<{ hash: string }>(n.url, "eth_getBlockByNumber", [`0x${num.toString(16)}`, false])).hash;

describe("p2p: wire formats reject malformed input", () => {
  const status = { chainId: CHAIN_ID, genesisHash: new Uint8Array(32).fill(1), headNumber: 10n, headHash: new Uint8Array(32).fill(2), headSlot: 12n, finalizedNumber: 4n, finalizedHash: new Uint8Array(32).fill(3),
    params: consensusParams(devChainConfig({ devMode: false, slotTimeMs: 1000 })) };

  it("round-trips status and range requests", () => {
    expect(decodeStatus(encodeStatus(status))).to.deep.equal(status);
    expect(decodeRangeRequest(encodeRangeRequest({ start: 5n, count: 64 }))).to.deep.equal({ start: 5n, count: 64 });
  });

  it("rejects garbage, wrong shapes, bad hashes, non-canonical and out-of-range numbers", () => {
    expect(() => decodeStatus(new Uint8Array([0xff, 0x01]))).to.throw(/malformed status/);
    const tail = [1000, 32, 0, new Uint8Array(32)];
    expect(() => decodeStatus(RLP.encode([1, 2, 3]))).to.throw(/list of 11 fields/);
    expect(() => decodeStatus(RLP.encode([1, new Uint8Array(31), 1, new Uint8Array(32), 1, 0, new Uint8Array(32), ...tail]))).to.throw(/genesisHash must be 32 bytes/);
    expect(() => decodeStatus(RLP.encode([new Uint8Array([0, 1]), new Uint8Array(32), 1, new Uint8Array(32), 1, 0, new Uint8Array(32), ...tail]))).to.throw(/leading zero/);
    expect(() => decodeStatus(RLP.encode([1, new Uint8Array(32), new Uint8Array(9).fill(1), new Uint8Array(32), 1, 0, new Uint8Array(32), ...tail]))).to.throw(/longer than 8 bytes/);
    expect(() => decodeStatus(RLP.encode([1, new Uint8Array(32), 1, new Uint8Array(32), 1, 0, new Uint8Array(32), 1000, 32, 2, new Uint8Array(32)]))).to.throw(/devMode must be 0 or 1, got 2/);
    expect(() => decodeStatus(RLP.encode([1, new Uint8Array(32), 1, new Uint8Array(32), 1, 0, new Uint8Array(32), 1000, 32, 0, new Uint8Array(20)]))).to.throw(/validatorsHash must be 32 bytes/);
    expect(() => decodeStatus(encodeStatus({ ...status, finalizedNumber: 11n }))).to.throw(/finalized 11 above head 10/);
    expect(() => decodeStatus(new Uint8Array(2000))).to.throw(/limit 1024/);
    expect(() => decodeRangeRequest(encodeRangeRequest({ start: 1n, count: 0 }))).to.throw(/count 0 outside/);
    expect(() => decodeRangeRequest(encodeRangeRequest({ start: 1n, count: MAX_RANGE_BLOCKS + 1 }))).to.throw(/outside 1\.\.64/);
    expect(() => decodeRangeRequest(RLP.encode([[1], 2]))).to.throw(/nested list/);
    expect(() => decodeCount(RLP.encode(5), 4)).to.throw(/5 blocks, asked for 4/);
  });

  it("names every consensus parameter two peers disagree on", () => {
    const ours = consensusParams(networkConfig(4));
    expect(paramsMismatch(consensusParams(networkConfig(4)), ours)).to.equal(undefined);
    expect(paramsMismatch(consensusParams(networkConfig(4, { slotTimeMs: 2000 })), ours)).to.equal("slot time 2000 ms, ours 1000 ms");
    expect(paramsMismatch(consensusParams(networkConfig(4, { devMode: true, slotsPerEpoch: 16 })), ours)).to.equal("16 slots per epoch, ours 8; dev mode on, ours off");
    expect(paramsMismatch(consensusParams(networkConfig(3)), ours)).to.match(/^genesis validator set 0x[0-9a-f]{16}…, ours 0x[0-9a-f]{16}…$/);
    // A different stake of the same validators is a different set too.
    const heavier = networkConfig(4);
    heavier.genesisValidators[0] = { ...heavier.genesisValidators[0], stake: 1n };
    expect(paramsMismatch(consensusParams(heavier), ours)).to.match(/^genesis validator set/);
  });

  it("requires a /p2p/<peer id> in bootstrap addresses", async () => {
    const m = await loadLibp2p();
    expect(() => bootstrapPeerId(m, "/ip4/127.0.0.1/tcp/1")).to.throw(/no \/p2p\/<peer id>/);
    expect(() => bootstrapPeerId(m, "not an address")).to.throw(/not a multiaddr/);
  });
});

describe("p2p: two nodes over libp2p (gossip, range sync, restart)", function () {
  this.timeout(240_000);
  let a: SpawnedNode;
  let b: SpawnedNode | undefined;
  const bDir = tempDataDir("p2p-b");

  before(async () => {
    a = await startNode({ args: ["--quiet", "--slot-time", "500", "--validator-key", KEYS[0]] });
    await waitFor(async () => (await blockNumber(a)) >= 8, 60_000, "8 blocks on node A");
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const startB = (): Promise<SpawnedNode> =>
    startNode({ dataDir: bDir, args: ["--quiet", "--slot-time", "500", "--validator-key", KEYS[5], "--peer", p2pAddr(a)] });

  it("a late node syncs by range to the same chain, then follows gossip", async () => {
    const target = await blockNumber(a);
    b = await startB();
    await waitFor(async () => (await blockNumber(b!)) >= target + 3, 60_000, "node B to pass A's head at its start");
    const n = await blockNumber(b);
    expect(await blockHash(b, n)).to.equal(await blockHash(a, n));
    expect(await blockHash(b, target)).to.equal(await blockHash(a, target));
    expect(await rpc(a.url, "net_peerCount")).to.equal("0x1");
    expect(await rpc(b.url, "net_listening")).to.equal(true);
    const peers = await rpc<PeersReply>(b.url, "lux_peers");
    expect(peers.peers.filter((p) => p.connected)).to.have.length(1);
    expect(peers.peers[0].penalty).to.equal(0);
  });

  it("a transaction sent to the non-validator reaches the proposer and is mined", async () => {
    const provider = new JsonRpcProvider(b!.url, undefined, { staticNetwork: true, pollingInterval: 100 });
    try {
      const tx = await new Wallet(KEYS[6], provider).sendTransaction({ to: "0x000000000000000000000000000000000000dEaD", value: 7n });
      const rcpt = await waitFor(() => rpc<{ blockNumber: string } | null>(a.url, "eth_getTransactionReceipt", [tx.hash]), 30_000, "the receipt on A");
      await waitFor(() => rpc<{ blockNumber: string } | null>(b!.url, "eth_getTransactionReceipt", [tx.hash]), 30_000, "the receipt on B");
      expect(Number(rcpt.blockNumber)).to.be.greaterThan(0);
    } finally {
      provider.destroy();
    }
  });

  it("after kill -9 the node restarts on its data dir and catches up", async () => {
    await b!.kill9();
    const before = await blockNumber(a);
    await waitFor(async () => (await blockNumber(a)) >= before + 4, 30_000, "A to move on");
    b = await startB();
    const target = await blockNumber(a);
    await waitFor(async () => (await blockNumber(b!)) >= target, 60_000, "B to catch up after restart");
    expect(await blockHash(b, target)).to.equal(await blockHash(a, target));
  });
});

describe("p2p: a hostile peer is penalised and banned, valid data still flows", function () {
  this.timeout(180_000);
  let source: SpawnedNode;
  let victim: SpawnedNode;
  let attacker: Libp2p<{ pubsub: GossipSub }> | undefined;
  const t = topics(CHAIN_ID);

  before(async () => {
    [source, victim] = await Promise.all([
      startNode({ args: ["--quiet", "--slot-time", "500", "--validator-key", KEYS[0], "--no-p2p"] }),
      startNode({ args: ["--quiet", "--slot-time", "500", "--no-produce"] }),
    ]);
    await waitFor(async () => (await blockNumber(source)) >= 2, 30_000, "blocks on the source node");
    const m = await loadLibp2p();
    attacker = (await m.createLibp2p({
      addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
      transports: [m.tcp()], connectionEncrypters: [m.noise()], streamMuxers: [m.yamux()],
      services: {
        identify: m.identify(),
        pubsub: m.gossipsub({ globalSignaturePolicy: "StrictNoSign", allowPublishToZeroTopicPeers: true, msgIdFn: (msg: Message) => keccak(concatBytes(utf8ToBytes(msg.topic), msg.data)) }),
      },
    })) as unknown as Libp2p<{ pubsub: GossipSub }>;
    for (const topic of Object.values(t)) attacker.services.pubsub.subscribe(topic);
    await attacker.dial(m.multiaddr(p2pAddr(victim)));
    await waitFor(async () => attacker!.services.pubsub.getSubscribers(t.block).length > 0 && attacker!.services.pubsub.getSubscribers(t.tx).length > 0, 30_000, "the victim's subscriptions");
  });

  after(async () => {
    await attacker?.stop();
    await Promise.all([source?.stop(), victim?.stop()]);
  });

  const attackerOnVictim = async (): Promise<PeersReply["peers"][number] | undefined> =>
    (await rpc<PeersReply>(victim.url, "lux_peers")).peers.find((p) => p.peerId === attacker!.peerId.toString());

  async function sendExpectingPenalty(topic: string, data: Uint8Array, penalty: number): Promise<void> {
    await attacker!.services.pubsub.publish(topic, data);
    await waitFor(async () => ((await attackerOnVictim())?.penalty ?? 0) >= penalty, 20_000, `penalty ${penalty}`);
  }

  it("rejects junk, a forged block signature and invalid transactions; accepts a valid block; bans at the threshold", async () => {
    await sendExpectingPenalty(t.block, new Uint8Array([0xc3, 0x01, 0x02]), 1);
    const env = hexToBytes(await rpc<`0x${string}`>(source.url, "lux_getBlockEnvelope", ["0x1"]));
    const [block, slot, sig] = RLP.decode(env) as [Uint8Array[], Uint8Array, Uint8Array];
    const forged = Uint8Array.from(sig);
    forged[10] ^= 0xff;
    await sendExpectingPenalty(t.block, RLP.encode([block, slot, forged]), 2);
    expect(await blockNumber(victim)).to.equal(0);
    // The same block with its real signature is imported: rejection was about the data, not the sender.
    await attacker!.services.pubsub.publish(t.block, env);
    await waitFor(async () => (await blockNumber(victim)) === 1, 20_000, "the victim to import the valid block");
    expect(await blockHash(victim, 1)).to.equal(await blockHash(source, 1));

    const wallet = new Wallet(KEYS[7]);
    const good = Transaction.from(await wallet.signTransaction({ to: wallet.address, value: 1n, nonce: 0, gasLimit: 21000, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, chainId: CHAIN_ID, type: 2 }));
    const fields = RLP.decode(hexToBytes(good.serialized as `0x${string}`).slice(1)) as Uint8Array[];
    fields[fields.length - 1] = new Uint8Array(32).fill(0xff); // s above the curve order: no sender
    await sendExpectingPenalty(t.tx, concatBytes(new Uint8Array([2]), RLP.encode(fields)), 3);
    const otherChain = await wallet.signTransaction({ to: wallet.address, value: 1n, nonce: 0, gasLimit: 21000, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, chainId: 1n, type: 2 });
    await sendExpectingPenalty(t.tx, hexToBytes(otherChain as `0x${string}`), 4);
    await sendExpectingPenalty(t.tx, new Uint8Array(MAX_TX_BYTES + 1), BAN_THRESHOLD);

    const banned = await waitFor(async () => {
      const p = await attackerOnVictim();
      return p && p.banned && !p.connected ? p : undefined;
    }, 20_000, "the attacker to be banned and disconnected");
    expect(banned.penalty).to.equal(BAN_THRESHOLD);
    expect(await rpc(victim.url, "net_peerCount")).to.equal("0x0");
    // A banned peer cannot come back.
    const m = await loadLibp2p();
    await attacker!.dial(m.multiaddr(p2pAddr(victim))).then(() => undefined, () => undefined);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await attackerOnVictim())?.connected).to.equal(false);
  });
});
