import { expect } from "chai";
import { RLP } from "@ethereumjs/rlp";
import { createBlockFromBytesArray } from "@ethereumjs/block";
import { ChainNetworkAdapter } from "../../node/chain/network";
import { encodeEnvelope, decodeEnvelope } from "../../node/consensus/envelope";
import { LuxError } from "../../node/errors";
import { checkSlotTime, clockSlot, maxAcceptableSlot, slotTimestamp, validateSlotClock, MAX_CLOCK_DISPARITY_MS } from "../../node/consensus/time";
import { vrfProve, vrfVerify } from "../../node/consensus/vrf";
import { randaoMessage } from "../../node/consensus/messages";
import { devChainConfig } from "../../node/config";
import { VALIDATORS, keyOf, networkConfig, nowSlot, openChain, produceAt, transfer, type TestChain } from "./chainHarness";

async function rejects(p: Promise<unknown>, code: string, msg: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(LuxError);
    expect((err as LuxError).code, (err as Error).message).to.equal(code);
    expect((err as Error).message).to.match(msg);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe("consensus: time rules", () => {
  const net = { genesisTimestamp: 1_000n, slotTimeMs: 2000, devMode: false };
  const dev = { ...net, slotTimeMs: 250, devMode: true };
  const parent = { slot: 10n, timestamp: slotTimestamp(net, 10n) };
  const at = (slot: bigint, c = net): number => Number(c.genesisTimestamp * 1000n + slot * BigInt(c.slotTimeMs));

  it("slot s starts at genesis + s·slotTime and its block's timestamp is that start", () => {
    expect(slotTimestamp(net, 0n)).to.equal(1_000n);
    expect(slotTimestamp(net, 7n)).to.equal(1_014n);
    expect(clockSlot(net, at(7n) + 1999)).to.equal(7n);
    expect(clockSlot(net, 0)).to.equal(0n);
  });

  it("network mode: accepts the current slot, a slot within the clock disparity, and skips missed slots", () => {
    checkSlotTime(net, 14n, slotTimestamp(net, 14n), parent, at(14n));
    checkSlotTime(net, 15n, slotTimestamp(net, 15n), parent, at(15n) - MAX_CLOCK_DISPARITY_MS);
  });

  it("network mode: rejects a far-future slot, a slot one beyond the disparity, a replayed slot and a wrong timestamp", () => {
    const far = 2n ** 64n - 1n;
    expect(() => checkSlotTime(net, far, slotTimestamp(net, far), parent, at(12n))).to.throw(LuxError, /slot 18446744073709551615 is in the future: the clock is at slot 12/);
    expect(() => checkSlotTime(net, 13n, slotTimestamp(net, 13n), parent, at(13n) - MAX_CLOCK_DISPARITY_MS - 1)).to.throw(LuxError, /in the future/);
    expect(() => checkSlotTime(net, 10n, slotTimestamp(net, 10n), parent, at(12n))).to.throw(LuxError, /slot 10 is not after parent slot 10/);
    expect(() => checkSlotTime(net, 12n, slotTimestamp(net, 12n) + 1n, parent, at(12n))).to.throw(LuxError, /is not the start of slot 12/);
  });

  it("dev mode: the next slot may run ahead of the clock by one per block, never more; timestamps strictly increase", () => {
    const p = { slot: 100n, timestamp: 5_000n };
    expect(maxAcceptableSlot(dev, 100n, at(3n, dev))).to.equal(101n);
    checkSlotTime(dev, 101n, 5_001n, p, at(3n, dev));
    expect(() => checkSlotTime(dev, 102n, 5_001n, p, at(3n, dev))).to.throw(LuxError, /slot 102 is in the future/);
    expect(() => checkSlotTime(dev, 101n, 5_000n, p, at(3n, dev))).to.throw(LuxError, /does not increase/);
  });

  it("refuses sub-second slots outside dev mode", () => {
    expect(() => validateSlotClock({ ...net, slotTimeMs: 500 })).to.throw(LuxError, /below 1000 ms/);
    validateSlotClock(dev);
  });
});

describe("consensus: RANDAO reveal is a VRF", () => {
  it("is unique per key and slot, verifiable, and names its key", () => {
    const sk = keyOf(VALIDATORS[1].address);
    const a = vrfProve(sk, randaoMessage(8898n, 5n));
    expect(vrfProve(sk, randaoMessage(8898n, 5n))).to.deep.equal(a);
    const r = vrfVerify(a, randaoMessage(8898n, 5n));
    expect(r.signer).to.equal(VALIDATORS[1].address);
    expect(() => vrfVerify(a, randaoMessage(8898n, 6n))).to.throw(LuxError, /does not verify/);
    const forged = Uint8Array.from(a);
    forged[70] ^= 1;
    expect(() => vrfVerify(forged, randaoMessage(8898n, 5n))).to.throw(LuxError);
  });
});

describe("consensus: import rejects hostile blocks before writing anything", function () {
  this.timeout(60_000);
  let a: TestChain;
  let b: TestChain;

  beforeEach(async () => {
    const config = networkConfig(2, { gasLimit: 50_000n });
    a = await openChain(config);
    b = await openChain(config);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it("imports an honest block for the current slot (same head and state root)", async () => {
    const h = await produceAt(a.chain, nowSlot(a.chain), [await transfer(a.chain, 5, 0)]);
    expect(h.record.block.header.timestamp).to.equal(slotTimestamp(a.chain.config, h.record.slot));
    const got = await b.chain.importBlock(encodeEnvelope(h.record));
    expect(got.record.hash).to.deep.equal(h.record.hash);
    expect(b.chain.head.block.header.stateRoot).to.deep.equal(a.chain.head.block.header.stateRoot);
  });

  it("a proposer signing a far-future slot it is scheduled for: FUTURE_SLOT, status future, head unchanged", async () => {
    const slot = nowSlot(a.chain) + 40n;
    const h = await produceAt(a.chain, slot);
    const data = encodeEnvelope(h.record);
    await rejects(b.chain.importBlock(data), "FUTURE_SLOT", new RegExp(`slot ${slot} is in the future`));
    expect(b.chain.head.block.header.number).to.equal(0n);
    const out = await new ChainNetworkAdapter(b.chain).importEnvelope(data);
    expect(out.status).to.equal("future");
    // The same block is fine once its slot has come (the clock passed in explicitly).
    await b.chain.importBlock(data, Date.now() + 41_000);
    expect(b.chain.head.block.header.number).to.equal(1n);
  });

  it("a validator proposing in another validator's slot: WRONG_PROPOSER", async () => {
    const slot = nowSlot(a.chain);
    const duty = await a.chain.engine.duty(a.chain.parentInfo(), slot);
    const thief = VALIDATORS.slice(0, 2).find((v) => v.address !== duty.proposer.address)!;
    const stolen = { ...duty, proposer: { address: thief.address, signer: thief.address, stake: 1n } };
    const h = await produceAt(a.chain, slot, [], stolen);
    await rejects(b.chain.importBlock(encodeEnvelope(h.record)), "WRONG_PROPOSER", new RegExp(`slot ${slot} belongs to ${duty.proposer.address}, block coinbase is ${thief.address}`, "i"));
  });

  it("a transaction appended to the body past the gas cut-off: INVALID_BLOCK", async () => {
    // Gas limit 50,000: two transfers fit, the third is past the cut-off.
    const txs = [await transfer(a.chain, 5, 0), await transfer(a.chain, 5, 1), await transfer(a.chain, 5, 2)];
    const h = await produceAt(a.chain, nowSlot(a.chain), txs);
    expect(h.record.block.transactions.length).to.equal(2);
    const raw = h.record.block.raw();
    const appended = createBlockFromBytesArray([raw[0], [...(raw[1] as Uint8Array[]), txs[2].tx.serialize()], raw[2], raw[3]] as never, { common: a.chain.common });
    expect(appended.hash()).to.deep.equal(h.record.hash); // header, hash and signature are untouched
    const env = { ...h.record, block: appended };
    await rejects(b.chain.importBlock(encodeEnvelope(env)), "INVALID_BLOCK", /body holds 3 transactions but 2 were executed/);
    expect(b.chain.head.block.header.number).to.equal(0n);
    // The honest block still imports afterwards: nothing of the rejected one was written.
    await b.chain.importBlock(encodeEnvelope(h.record));
    expect(b.chain.head.block.header.stateRoot).to.deep.equal(a.chain.head.block.header.stateRoot);
  });

  it("a reveal by another key, consensus fields not committed in extraData, a short envelope: rejected", async () => {
    const h = await produceAt(a.chain, nowSlot(a.chain));
    const other = VALIDATORS.find((v) => v.address !== h.proposer.address)!;
    const foreign = { ...h.record, reveal: vrfProve(keyOf(other.address), randaoMessage(a.chain.config.chainId, h.record.slot)) };
    await rejects(b.chain.importBlock(encodeEnvelope(foreign)), "BAD_SIGNATURE", /RANDAO reveal made by 0x[0-9a-fA-F]{40}, not the proposer's signer/);
    const sig = new Uint8Array(65).fill(1);
    const smuggled = { ...h.record, evidence: [{ kind: "double-proposal" as const, slot: 1n, a: { blockHash: new Uint8Array(32), signature: sig }, b: { blockHash: new Uint8Array(32).fill(2), signature: sig } }] };
    await rejects(b.chain.importBlock(encodeEnvelope(smuggled)), "INVALID_BLOCK", /extraData does not commit/);
    const decoded = decodeEnvelope(encodeEnvelope(h.record), a.chain.common);
    expect(decoded.reveal).to.deep.equal(h.record.reveal);
    const raw = RLP.decode(encodeEnvelope(h.record)) as Uint8Array[];
    await rejects(b.chain.importBlock(RLP.encode(raw.slice(0, 5))), "INVALID_BLOCK", /malformed block envelope/);
  });

  it("a network-mode chain never builds ahead of the clock's time rule: timestamps are slot starts", async () => {
    const s = nowSlot(a.chain);
    const h1 = await produceAt(a.chain, s - 3n);
    const h2 = await produceAt(a.chain, s);
    expect(h2.record.block.header.timestamp - h1.record.block.header.timestamp).to.equal(3n);
    expect(devChainConfig().devMode).to.equal(true);
  });
});
