/**
 * A validator's anti-slashing record never goes back. Votes for two heads are signed concurrently (the
 * node votes on every head without waiting for the previous vote's write), and LevelDB batches in
 * flight together may land in either order. Here the store plays that thread pool: it holds the first
 * write until the second is done. The record on disk must still name the higher vote, or a crash then
 * would let the validator sign a second vote at a height it already voted for.
 */
import { expect } from "chai";
import { RLP } from "@ethereumjs/rlp";
import { bytesToBigInt, bytesToHex } from "@ethereumjs/util";
import { networkConfig, nowSlot, openValidators, produceAt, restartValidator, type TestValidator } from "./chainHarness";
import type { ChainConfig } from "../../node/config";

/** How long the store holds a write back (the other write lands meanwhile when it is issued). */
const HOLD_MS = 300;

describe("consensus: a validator's vote record is written in the order the votes were signed", function () {
  this.timeout(60_000);
  let config: ChainConfig;
  let nodes: TestValidator[];

  beforeEach(async () => {
    config = networkConfig(4, { genesisTimestamp: BigInt(Math.floor(Date.now() / 1000) - 120) });
    nodes = await openValidators(4, config);
  });
  afterEach(async () => {
    for (const n of nodes) await n.tc.close();
  });

  it("two votes in flight: the record on disk is the later one, also after a restart", async () => {
    const v = nodes[0];
    const chain = v.tc.chain;
    const slot = nowSlot(chain) - 50n;
    const h1 = await produceAt(chain, slot);
    const h2 = await produceAt(chain, slot + 1n);
    const store = chain.store;
    const real = store.putMetas.bind(store);
    let calls = 0;
    let releaseFirst: (() => void) | undefined;
    store.putMetas = async (entries) => {
      if (++calls === 1) {
        await new Promise<void>((resolve) => {
          releaseFirst = resolve;
          setTimeout(resolve, HOLD_MS);
        });
        return real(entries);
      }
      await real(entries);
      releaseFirst?.();
    };
    await Promise.all([v.votes.onHead(h1), v.votes.onHead(h2)]);
    expect(calls).to.equal(2);
    const signer = v.address.toLowerCase();
    const targetOnDisk = async (n: TestValidator): Promise<bigint> => {
      const raw = await n.tc.chain.store.getMeta(`vote:${signer}`);
      if (!raw) throw new Error("no vote record");
      return bytesToBigInt((RLP.decode(raw) as Uint8Array[])[0]);
    };
    expect(await targetOnDisk(v)).to.equal(h2.record.block.header.number);
    const signed = new Set(v.outbox.filter((m) => m.topic === "vote").map((m) => bytesToHex(m.data)));
    expect(signed.size).to.equal(2);
    nodes[0] = await restartValidator(v, config);
    expect(await targetOnDisk(nodes[0])).to.equal(h2.record.block.header.number);
    // Back from the crash it signs nothing new at either height: it only sends its earlier votes again.
    await nodes[0].votes.onHead({ ...h2, origin: "imported" });
    await nodes[0].votes.onHead({ ...h1, origin: "imported" });
    const sent = nodes[0].outbox.filter((m) => m.topic === "vote").map((m) => bytesToHex(m.data));
    expect(sent.every((vote) => signed.has(vote)), "a vote signed after the restart").to.equal(true);
  });
});
