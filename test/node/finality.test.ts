import { expect } from "chai";
import { bytesToHex } from "@ethereumjs/util";
import { encodeEnvelope } from "../../node/consensus/envelope";
import { createBlockFromBytesArray } from "@ethereumjs/block";
import { decodeEvidence, encodeEvidence, encodeVote, evidenceId, verifyEvidence, voteSigningRoot, votesConflict } from "../../node/consensus/messages";
import { signDigest, signingRoot } from "../../node/consensus/signing";
import type { Vote } from "../../node/consensus/types";
import { VALIDATORS, flush, keyOf, networkConfig, nowSlot, openValidators, produceAt, runSlot, type TestValidator } from "./chainHarness";

describe("consensus: votes, finality and fork choice (four in-process validators)", function () {
  this.timeout(120_000);
  let nodes: TestValidator[];
  let slot: bigint;

  beforeEach(async () => {
    nodes = await openValidators(4, networkConfig(4, { genesisTimestamp: BigInt(Math.floor(Date.now() / 1000) - 120) }));
    slot = nowSlot(nodes[0].tc.chain) - 100n;
  });
  afterEach(async () => {
    for (const n of nodes) await n.tc.close();
  });

  const heads = (): string[] => nodes.map((n) => bytesToHex(n.tc.chain.head.hash));

  it("justifies and finalizes with votes from > 2/3 of the stake; every node agrees on head and final block", async () => {
    for (let i = 0; i < 6; i++) await runSlot(nodes, slot++);
    expect(new Set(heads()).size).to.equal(1);
    for (const n of nodes) {
      expect(n.tc.chain.finalized.number).to.be.greaterThanOrEqual(4n);
      expect(n.tc.chain.justified.number).to.be.greaterThan(n.tc.chain.finalized.number);
    }
    // Later envelopes carry the votes: a node that only saw the blocks (no vote gossip) learns finality too.
    const carried = nodes[0].tc.chain.head.votes.length + (await nodes[0].tc.chain.getBlockByNumber(nodes[0].tc.chain.head.block.header.number - 1n))!.votes.length;
    expect(carried).to.be.greaterThan(0);
  });

  it("with one of four down (75% of the stake voting), blocks and finality go on", async () => {
    for (let i = 0; i < 3; i++) await runSlot(nodes, slot++);
    const before = nodes[0].tc.chain.finalized.number;
    const live = nodes.slice(0, 3);
    for (let i = 0; i < 10; i++) await runSlot(nodes, slot++, live);
    expect(nodes[0].tc.chain.finalized.number).to.be.greaterThan(before + 3n);
  });

  it("votes that arrive before their block are held and counted when the block comes", async () => {
    await runSlot(nodes, slot++);
    const c0 = nodes[0].tc.chain;
    const d = await c0.engine.duty(c0.parentInfo(), slot);
    const proposer = nodes.find((n) => n.address === d.proposer.address)!;
    const h = await produceAt(proposer.tc.chain, slot++);
    const late = nodes.find((n) => n !== proposer)!;
    const c = late.tc.chain;
    const target = { hash: h.record.hash, number: h.record.block.header.number, slot: h.record.slot };
    const source = c.justified;
    expect(source.number).to.be.lessThan(target.number);
    for (const v of nodes.filter((n) => n !== late)) {
      const vote: Vote = { source, target, signature: signDigest(voteSigningRoot(c.config.chainId, { source, target }), keyOf(v.address)) };
      expect((await late.adapter.importVote(encodeVote(vote))).status).to.equal("unknown-parent");
    }
    expect(bytesToHex(c.justified.hash)).to.not.equal(bytesToHex(target.hash));
    expect((await late.adapter.importEnvelope(encodeEnvelope(h.record))).status).to.equal("imported");
    expect(bytesToHex(c.justified.hash), "justified by the three held votes").to.equal(bytesToHex(target.hash));
  });

  it("without > 2/3 of the stake voting (two of four down), blocks continue but finality stops", async () => {
    for (let i = 0; i < 3; i++) await runSlot(nodes, slot++);
    const before = nodes[0].tc.chain.finalized.number;
    const live = nodes.slice(0, 2);
    let made = 0;
    for (let i = 0; i < 8; i++) if (await runSlot(nodes, slot++, live)) made++;
    expect(made).to.be.greaterThan(0);
    expect(nodes[0].tc.chain.finalized.number).to.equal(before);
    expect(nodes[0].tc.chain.head.block.header.number).to.be.greaterThan(before + 1n);
  });

  it("rejects forged votes: a signer outside the active set, a tampered signature, an unknown target", async () => {
    await runSlot(nodes, slot++);
    const c = nodes[0].tc.chain;
    const target = { hash: c.head.hash, number: c.head.block.header.number, slot: c.head.slot };
    const source = { hash: c.genesisHash, number: 0n, slot: 0n };
    const outsider = keyOf(VALIDATORS[3].address);
    const three = await openValidators(3, networkConfig(3));
    try {
      // Validator #3 is not in a 3-validator set: its vote is refused.
      const other = three[0].tc.chain;
      const h = await runSlot(three, nowSlot(other) - 5n);
      const t2 = { hash: h!.record.hash, number: 1n, slot: h!.record.slot };
      const v: Vote = { source: { hash: other.genesisHash, number: 0n, slot: 0n }, target: t2, signature: signDigest(voteSigningRoot(other.config.chainId, { source: { hash: other.genesisHash, number: 0n, slot: 0n }, target: t2 }), outsider) };
      const out = await three[1].adapter.importVote(encodeVote(v));
      expect(out.status).to.equal("invalid");
      expect(out.reason).to.match(/vote signer 0x[0-9a-f]{40} is not in the active set of epoch \d+/);
    } finally {
      for (const n of three) await n.tc.close();
    }
    const good: Vote = { source, target, signature: signDigest(voteSigningRoot(c.config.chainId, { source, target }), keyOf(VALIDATORS[1].address)) };
    const tampered = { ...good, signature: Uint8Array.from(good.signature) };
    tampered.signature[10] ^= 0xff;
    const o1 = await nodes[2].adapter.importVote(encodeVote(tampered));
    expect(o1.status).to.equal("invalid");
    const unknown = { ...good, target: { ...target, hash: new Uint8Array(32).fill(9) } };
    const o2 = await nodes[2].adapter.importVote(encodeVote({ ...unknown, signature: signDigest(voteSigningRoot(c.config.chainId, unknown), keyOf(VALIDATORS[1].address)) }));
    expect(o2.status).to.equal("unknown-parent");
    expect((await nodes[2].adapter.importVote(new Uint8Array([0xc0]))).reason).to.match(/malformed vote/);
  });

  it("a double vote becomes evidence; the next proposer includes it; importers check it", async () => {
    await runSlot(nodes, slot++);
    await runSlot(nodes, slot++);
    const c = nodes[0].tc.chain;
    const head = { hash: c.head.hash, number: c.head.block.header.number, slot: c.head.slot };
    const fake = { hash: new Uint8Array(32).fill(7), number: head.number, slot: head.slot };
    const source = c.justified.number < head.number ? c.justified : { hash: c.genesisHash, number: 0n, slot: 0n };
    const key = keyOf(VALIDATORS[2].address);
    const a: Vote = { source, target: head, signature: signDigest(voteSigningRoot(c.config.chainId, { source, target: head }), key) };
    const b: Vote = { source, target: fake, signature: signDigest(voteSigningRoot(c.config.chainId, { source, target: fake }), key) };
    expect(votesConflict(a, b)).to.equal(true);
    const ev = { kind: "double-vote" as const, a, b };
    expect(verifyEvidence(c.config.chainId, ev).toLowerCase()).to.equal(VALIDATORS[2].address.toLowerCase());
    const out = await nodes[0].adapter.importEvidence(encodeEvidence(ev));
    expect(out.status).to.equal("imported");
    expect((await nodes[0].adapter.importEvidence(encodeEvidence(ev))).status).to.equal("known");
    // Not a conflict: the same vote twice.
    const bogus = encodeEvidence({ kind: "double-vote", a, b: a });
    expect((await nodes[0].adapter.importEvidence(bogus)).reason).to.match(/do not conflict/);
    // The evidence reaches every pool, and the next block (whoever proposes) carries it.
    for (const n of nodes.slice(1)) await n.adapter.importEvidence(encodeEvidence(ev));
    const h = await runSlot(nodes, slot++);
    expect(h!.record.evidence.length).to.equal(1);
    for (const n of nodes) expect(bytesToHex(n.tc.chain.head.hash)).to.equal(bytesToHex(h!.record.hash));
    // Included once: a later block may not carry it again.
    const h2 = await runSlot(nodes, slot++);
    expect(h2!.record.evidence.length).to.equal(0);
  });

  it("fork choice: a competing branch with more votes wins; the reorg rewrites indexes and announces removed blocks", async () => {
    await runSlot(nodes, slot++);
    const [n0, n1] = [nodes[0], nodes[1]];
    // Two proposals on the same parent (a fork): find slots for two different proposers.
    const base = n0.tc.chain.head;
    const proposers: { slot: bigint; v: TestValidator }[] = [];
    for (let s = slot; proposers.length < 2 && s < slot + 40n; s++) {
      const d = await n0.tc.chain.engine.duty(n0.tc.chain.parentInfo(base), s);
      const v = nodes.find((n) => n.address === d.proposer.address)!;
      if (!proposers.some((p) => p.v === v)) proposers.push({ slot: s, v });
    }
    const [pa, pb] = proposers;
    const { strictSource } = await import("../../node/execution/executor");
    const mk = async (p: { slot: bigint; v: TestValidator }) => {
      const ch = p.v.tc.chain;
      const d = await ch.engine.duty(ch.parentInfo(), p.slot);
      return ch.produce(d, keyOf(d.proposer.signer), strictSource([]));
    };
    const A = await mk(pa);
    const B = await mk(pb);
    const watcher = nodes.find((n) => n !== pa.v && n !== pb.v)!;
    const removed: string[] = [];
    watcher.tc.chain.on("reorg", (r: { removed: { record: { hash: Uint8Array } }[] }) => removed.push(...r.removed.map((x) => bytesToHex(x.record.hash))));
    expect((await watcher.adapter.importEnvelope(encodeEnvelope(A.record))).status).to.equal("imported");
    expect((await watcher.adapter.importEnvelope(encodeEnvelope(B.record))).status).to.equal("imported");
    const tieWinner = bytesToHex(A.record.hash) < bytesToHex(B.record.hash) ? A : B;
    const loser = tieWinner === A ? B : A;
    expect(bytesToHex(watcher.tc.chain.head.hash)).to.equal(bytesToHex(tieWinner.record.hash)); // equal weight: lowest hash
    removed.length = 0;
    // Three validators vote for the loser's block: it becomes the heaviest, the watcher reorganizes.
    const c = watcher.tc.chain;
    const target = { hash: loser.record.hash, number: loser.record.block.header.number, slot: loser.record.slot };
    for (const v of nodes.filter((n) => n !== watcher).slice(0, 3)) {
      const src = c.justified.number < target.number ? c.justified : { hash: c.genesisHash, number: 0n, slot: 0n };
      const vote: Vote = { source: src, target, signature: signDigest(voteSigningRoot(c.config.chainId, { source: src, target }), keyOf(v.address)) };
      await watcher.adapter.importVote(encodeVote(vote));
    }
    expect(bytesToHex(c.head.hash)).to.equal(bytesToHex(loser.record.hash));
    expect(removed).to.deep.equal([bytesToHex(tieWinner.record.hash)]);
    expect(bytesToHex((await c.store.getCanonicalHash(target.number))!)).to.equal(bytesToHex(loser.record.hash));
    // Its transactions index and burned total follow the new branch; the other nodes agree after voting.
    expect(c.totalBurned).to.equal(0n);
    void n0;
    void n1;
    void flush;
  });

  it("evidence in a block that a reorg drops is forgotten and pooled again; the winning branch includes it", async () => {
    await runSlot(nodes, slot++);
    const watcher = nodes[0];
    const c = watcher.tc.chain;
    const head = { hash: c.head.hash, number: c.head.block.header.number, slot: c.head.slot };
    const fake = { hash: new Uint8Array(32).fill(9), number: head.number, slot: head.slot };
    const source = { hash: c.genesisHash, number: 0n, slot: 0n };
    const key = keyOf(VALIDATORS[2].address);
    const sign = (t: typeof head): Vote => ({ source, target: t, signature: signDigest(voteSigningRoot(c.config.chainId, { source, target: t }), key) });
    const ev = { kind: "double-vote" as const, a: sign(head), b: sign(fake) };
    const id = evidenceId(c.config.chainId, ev);
    // Two proposers of the next slots build on the same parent; A carries the evidence, B does not.
    const proposers: { slot: bigint; v: TestValidator }[] = [];
    for (let s = slot; proposers.length < 2 && s < slot + 40n; s++) {
      const d = await c.engine.duty(c.parentInfo(), s);
      const v = nodes.find((n) => n.address === d.proposer.address)!;
      if (v !== watcher && !proposers.some((p) => p.v === v)) proposers.push({ slot: s, v });
    }
    const { strictSource } = await import("../../node/execution/executor");
    const mk = async (p: { slot: bigint; v: TestValidator }, evidence: (typeof ev)[]) => {
      const ch = p.v.tc.chain;
      const d = await ch.engine.duty(ch.parentInfo(), p.slot);
      return ch.produce(d, keyOf(d.proposer.signer), strictSource([]), { evidence });
    };
    const A = await mk(proposers[0], [ev]);
    const B = await mk(proposers[1], []);
    expect((await watcher.adapter.importEnvelope(encodeEnvelope(A.record))).status).to.equal("imported");
    expect(bytesToHex(c.head.hash)).to.equal(bytesToHex(A.record.hash));
    expect(await c.evidenceIncluded(id)).to.equal(true);
    expect((await watcher.adapter.importEnvelope(encodeEnvelope(B.record))).status).to.equal("imported");
    const target = { hash: B.record.hash, number: B.record.block.header.number, slot: B.record.slot };
    for (const v of nodes.slice(1)) {
      const vote: Vote = { source, target, signature: signDigest(voteSigningRoot(c.config.chainId, { source, target }), keyOf(v.address)) };
      await watcher.adapter.importVote(encodeVote(vote));
    }
    expect(bytesToHex(c.head.hash), "B's branch won").to.equal(bytesToHex(B.record.hash));
    expect(await c.evidenceIncluded(id), "forgotten with A").to.equal(false);
    // Back in the pool: the watcher's next proposal on B's branch carries it again.
    const d = await c.engine.duty(c.parentInfo(), B.record.slot + 1n);
    const extras = await watcher.votes.extras(d.epoch.validators);
    expect(extras.evidence.map((e) => bytesToHex(evidenceId(c.config.chainId, e)))).to.deep.equal([bytesToHex(id)]);
  });

  it("a proposer that signs two different blocks for one slot is caught by any node that sees both", async () => {
    await runSlot(nodes, slot++);
    const c = nodes[0].tc.chain;
    const d = await c.engine.duty(c.parentInfo(), slot);
    const proposer = nodes.find((n) => n.address === d.proposer.address)!;
    const honest = await produceAt(proposer.tc.chain, slot);
    const watcher = nodes.find((n) => n !== proposer)!;
    for (const n of nodes) if (n !== proposer) expect((await n.adapter.importEnvelope(encodeEnvelope(honest.record))).status).to.equal("imported");
    watcher.outbox.length = 0;
    // The second block: same slot, another state root, signed again by the proposer's key.
    const raw = honest.record.block.raw() as unknown as Uint8Array[][];
    const header = [...raw[0]];
    header[3] = new Uint8Array(32).fill(5);
    const forged = createBlockFromBytesArray([header, ...raw.slice(1)] as never, { common: c.common });
    const signature = signDigest(signingRoot(c.config.chainId, forged.hash(), slot), keyOf(d.proposer.signer));
    const out = await watcher.adapter.importEnvelope(encodeEnvelope({ ...honest.record, block: forged, signature }));
    expect(out.status).to.equal("invalid");
    expect(out.reason).to.match(/stateRoot/);
    const gossiped = watcher.outbox.filter((m) => m.topic === "evidence");
    expect(gossiped).to.have.length(1);
    const ev = decodeEvidence(gossiped[0].data);
    expect(ev.kind).to.equal("double-proposal");
    expect(verifyEvidence(c.config.chainId, ev).toLowerCase()).to.equal(d.proposer.signer.toLowerCase());
    // The next proposer includes it; every importer accepts the block.
    await flush(nodes);
    slot++;
    const h = await runSlot(nodes, slot++);
    expect(h!.record.evidence.map((e) => e.kind)).to.deep.equal(["double-proposal"]);
    // The same block seen again is no new evidence.
    watcher.outbox.length = 0;
    await watcher.adapter.importEnvelope(encodeEnvelope(honest.record));
    expect(watcher.outbox.filter((m) => m.topic === "evidence")).to.have.length(0);
  });

  it("never reverts a final block: a branch that does not contain it is refused", async () => {
    for (let i = 0; i < 5; i++) await runSlot(nodes, slot++);
    const c = nodes[0].tc.chain;
    expect(c.finalized.number).to.be.greaterThan(1n);
    // A fresh node builds a competing block 1 (on genesis, below the final block) and offers it.
    const [rogue] = await openValidators(1, c.config);
    try {
      const { strictSource } = await import("../../node/execution/executor");
      for (let s = 1n; s < 200n; s++) {
        const d = await rogue.tc.chain.engine.duty(rogue.tc.chain.parentInfo(), s);
        const holder = VALIDATORS.find((v) => v.address === d.proposer.address)!;
        const h = await rogue.tc.chain.produce(d, keyOf(holder.address), strictSource([]));
        const o = await nodes[1].adapter.importEnvelope(encodeEnvelope(h.record));
        expect(o.status).to.equal("invalid");
        expect(o.code).to.equal("FINALITY_CONFLICT");
        break;
      }
    } finally {
      await rogue.tc.close();
    }
  });
});

describe("consensus: FFG justification counts votes from different justified sources", () => {
  const cp = (n: number): { hash: Uint8Array; number: bigint; slot: bigint } => ({ hash: new Uint8Array(32).fill(n + 1), number: BigInt(n), slot: BigInt(n) });
  const vote = (source: number, target: number): Vote => ({ source: cp(source), target: cp(target), signature: new Uint8Array(65) });
  const counted = (i: number, v: Vote) => ({ vote: v, signer: `s${i}`, validator: `v${i}`, stake: 1n, totalStake: 4n });

  it("justifies a block that four honest validators voted for from two different sources (their views differed)", async () => {
    const { FinalityTracker } = await import("../../node/consensus/finality");
    const t = new FinalityTracker({ justified: cp(0), finalized: cp(0) }, async (a, d) => a.number < d.number);
    for (let i = 0; i < 4; i++) await t.add(counted(i, vote(0, 1)));
    expect(t.justified.number).to.equal(1n);
    // Two validators had seen #1 justified when they voted for #2, two had not yet.
    const effects = [];
    for (let i = 0; i < 4; i++) effects.push(await t.add(counted(i, vote(i < 2 ? 1 : 0, 2))));
    expect(t.justified.number).to.equal(2n);
    // Only two voted #1 -> #2: not > 2/3 with #1 as source, so #1 is not final yet.
    expect(t.finalized.number).to.equal(0n);
    for (let i = 0; i < 3; i++) await t.add(counted(i, vote(2, 3)));
    expect(t.justified.number).to.equal(3n);
    expect(t.finalized.number).to.equal(2n);
    expect(effects.every((e) => !e.evidence)).to.equal(true);
  });

  it("counts a vote whose source is justified only later, and never one from an unjustified source alone", async () => {
    const { FinalityTracker } = await import("../../node/consensus/finality");
    const t = new FinalityTracker({ justified: cp(0), finalized: cp(0) }, async (a, d) => a.number < d.number);
    // Votes for #2 from source #1 arrive before #1 is justified: they wait.
    for (let i = 0; i < 3; i++) await t.add(counted(i, vote(1, 2)));
    expect(t.justified.number).to.equal(0n);
    for (let i = 0; i < 2; i++) await t.add(counted(i, vote(0, 1)));
    expect(t.justified.number).to.equal(0n); // 2 of 4 is not > 2/3
    const e = await t.add(counted(2, vote(0, 1)));
    expect(e.justified.map((c) => c.number)).to.deep.equal([1n, 2n]);
    expect(t.finalized.number).to.equal(1n); // #1 -> #2 by 3 of 4
  });
});
