/**
 * The shortcuts behind a fast hardhat_mine, each checked against the plain computation it replaces:
 * hash-to-curve (OpenSSL and BigInt backends) against @noble/curves, a proof run shared with the worker
 * thread against vrfProve, the memoised epoch-boundary walk against a fresh engine on forked branches,
 * and the two-generation LruMap.
 */
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { hashToCurve, secp256k1 } from "@noble/curves/secp256k1";
import { bytesToHex } from "@ethereumjs/util";
import { computeAddress, keccak256 } from "ethers";
import { LruMap } from "../../node/chain/lru";
import { devChainConfig } from "../../node/config";
import { hashToCurveBatch, hashToCurveCompressed, hashToCurveEngine } from "../../node/consensus/hashToCurve";
import { randaoMessage } from "../../node/consensus/messages";
import { PosEngine } from "../../node/consensus/pos";
import type { BlockMeta, Validator } from "../../node/consensus/types";
import { vrfProofRun, vrfProve, vrfProveBatch, vrfVerify } from "../../node/consensus/vrf";
import { keccak, loadNativeCrypto } from "../../node/execution/crypto";

const DST = "LUXTENSOR-VRF-V1_XMD:SHA-256_SSWU_RO_";
const noble = (msg: Uint8Array, dst: string): string => bytesToHex(secp256k1.ProjectivePoint.fromAffine(hashToCurve(msg, { DST: dst }).toAffine()).toRawBytes(true));

describe("hardhat_mine shortcuts", function () {
  this.timeout(120_000);

  describe("hash-to-curve", () => {
    it("uses OpenSSL's exponentiation on this machine", () => {
      expect(hashToCurveEngine()).to.equal("openssl");
    });

    for (const backend of ["auto", "bigint"] as const) {
      it(`equals @noble/curves' hashToCurve on random and edge inputs (${backend} backend)`, () => {
        const inputs: Uint8Array[] = [new Uint8Array(0), new Uint8Array(200).fill(0xff), new Uint8Array(33)];
        for (let i = 0; i < 150; i++) inputs.push(randomBytes(i % 90));
        for (const msg of inputs) {
          for (const dst of [DST, "QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_"]) {
            expect(bytesToHex(hashToCurveCompressed(msg, dst, backend)), `${bytesToHex(msg)} / ${dst}`).to.equal(noble(msg, dst));
          }
        }
      });
    }

    it("hashes a batch (one shared inversion) exactly as one message at a time", () => {
      const msgs = Array.from({ length: 37 }, (_, i) => randomBytes(1 + (i % 60)));
      const batch = hashToCurveBatch(msgs, DST);
      expect(batch.map(bytesToHex)).to.deep.equal(msgs.map((m) => noble(m, DST)));
      expect(hashToCurveBatch([], DST)).to.deep.equal([]);
    });

    it("matches the RFC 9380 test vector of secp256k1_XMD:SHA-256_SSWU_RO_ (msg \"abc\")", () => {
      // RFC 9380 appendix J.8.1: P.x, P.y of hash_to_curve("abc").
      const x = "3377e01eab42db296b512293120c6cee72b6ecf9f9205760bd9ff11fb3cb2c4b";
      const y = 0x7f95890f33efebd1044d382a01b1bee0900fb6116f94688d487c6c7b9c8371f6n;
      const got = hashToCurveCompressed(new TextEncoder().encode("abc"), "QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_");
      expect(bytesToHex(got.subarray(1))).to.equal(`0x${x}`);
      expect(got[0]).to.equal(y % 2n === 0n ? 2 : 3);
    });
  });

  describe("a proof run shared with the worker thread", () => {
    const sk = keccak(new TextEncoder().encode("mine-speed-key"));
    const chainId = 8898n;

    it("gives exactly vrfProve's proof for every slot, whoever made it, and they verify", async () => {
      const first = 1_000_000n;
      const count = 160;
      const run = vrfProofRun(sk, chainId, first, count);
      try {
        // Let the worker thread start and get ahead (a real run starts it the same way).
        const deadline = Date.now() + 60_000;
        const proofs: Uint8Array[] = [];
        for (let i = 0; i < count; i++) {
          proofs.push(run.proof(first + BigInt(i)));
          if (run.stats.fromWorker === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        }
        expect(run.stats.fromWorker, "proofs made by the worker").to.be.greaterThan(0);
        expect(run.stats.fromWorker + run.stats.inPlace).to.equal(count);
        for (let i = 0; i < count; i++) {
          const alpha = randaoMessage(chainId, first + BigInt(i));
          expect(bytesToHex(proofs[i]), `slot ${first + BigInt(i)}`).to.equal(bytesToHex(vrfProve(sk, alpha)));
          expect(vrfVerify(proofs[i], alpha).signer).to.equal(computeAddress(bytesToHex(secp256k1.getPublicKey(sk, true))));
        }
      } finally {
        run.close();
      }
    });

    it("a batch of proofs (what the worker computes per claim) equals vrfProve one by one", () => {
      const alphas = Array.from({ length: 9 }, (_, i) => randaoMessage(chainId, 500n + BigInt(i)));
      expect(vrfProveBatch(sk, alphas).map(bytesToHex)).to.deep.equal(alphas.map((a) => bytesToHex(vrfProve(sk, a))));
    });

    it("covers only its key and slots; the engine proves anything else in place, identical to propose", () => {
      const engine = new PosEngine({ config: devChainConfig(), genesisHash: () => new Uint8Array(32), blockMeta: async () => undefined, readActiveSet: async () => undefined });
      const other = keccak(new TextEncoder().encode("another-key"));
      const run = vrfProofRun(sk, chainId, 50n, 4);
      const proposals = engine.proposeRun(sk, 50n, 4);
      try {
        expect(run.covers(sk, 50n)).to.equal(true);
        expect(run.covers(sk, 54n)).to.equal(false);
        expect(run.covers(sk, 49n)).to.equal(false);
        expect(run.covers(other, 51n)).to.equal(false);
        expect(() => run.proof(54n)).to.throw(RangeError);
        expect([proposals.covers(sk, 50n), proposals.covers(sk, 53n), proposals.covers(sk, 54n), proposals.covers(other, 51n)]).to.deep.equal([true, true, false, false]);
        const parent = { hash: new Uint8Array(32), number: 7n, slot: 49n, timestamp: 1n, mixHash: keccak(new Uint8Array([9])) };
        for (const [key, slot] of [[sk, 50n], [sk, 53n], [sk, 60n], [other, 51n]] as const) {
          const a = proposals.propose(parent, slot, key);
          const b = engine.propose(parent, slot, key);
          expect(bytesToHex(a.reveal)).to.equal(bytesToHex(b.reveal));
          expect(bytesToHex(a.mixHash)).to.equal(bytesToHex(b.mixHash));
          expect(bytesToHex(a.reveal)).to.equal(bytesToHex(vrfProve(key, randaoMessage(devChainConfig().chainId, slot))));
        }
      } finally {
        run.close();
        proposals.close();
      }
    });

    it("refuses an empty or fractional run", () => {
      expect(() => vrfProofRun(sk, chainId, 1n, 0)).to.throw(RangeError);
      expect(() => vrfProofRun(sk, chainId, 1n, 1.5)).to.throw(RangeError);
    });
  });

  describe("the memoised epoch-boundary walk", () => {
    /** A block tree: genesis, then two branches forking at block 5 with different slots and mixes. */
    function tree(): Map<string, BlockMeta> {
      const blocks = new Map<string, BlockMeta>();
      const add = (parent: BlockMeta | undefined, slot: bigint, tag: string): BlockMeta => {
        const hash = keccak(new TextEncoder().encode(`${tag}:${slot}`));
        const m: BlockMeta = { hash, parentHash: parent?.hash ?? new Uint8Array(32), number: parent ? parent.number + 1n : 0n, slot, timestamp: slot, mixHash: keccak(hash) };
        blocks.set(bytesToHex(hash), m);
        return m;
      };
      let trunk = add(undefined, 0n, "g");
      for (let s = 1n; s <= 5n; s++) trunk = add(trunk, s, "t");
      let a = trunk;
      let b = trunk;
      // Branch a fills every slot; branch b skips most of them, so its epoch boundaries are other blocks.
      for (let s = 6n; s <= 140n; s++) a = add(a, s, "a");
      for (let s = 7n; s <= 140n; s += 7n) b = add(b, s, "b");
      return blocks;
    }

    it("answers like a fresh engine on both branches of a fork, queried in any order", async () => {
      const blocks = tree();
      const validators: Validator[] = [0, 1, 2].map((i) => ({ address: `0x${String(i + 1).repeat(40)}`, signer: `0x${String(i + 1).repeat(40)}`, stake: BigInt(i + 1) * 10n ** 18n }));
      const config = devChainConfig({ slotsPerEpoch: 8, genesisValidators: validators });
      const deps = { config, genesisHash: () => new Uint8Array(32).fill(1), blockMeta: async (h: Uint8Array) => blocks.get(bytesToHex(h)), readActiveSet: async () => undefined };
      const warm = new PosEngine(deps);
      const all = [...blocks.values()].sort(() => Math.random() - 0.5);
      for (const parent of all) {
        for (const slot of [parent.slot + 1n, parent.slot + 9n, parent.slot + 20n]) {
          const got = await warm.duty(parent, slot);
          const want = await new PosEngine(deps).duty(parent, slot);
          expect(bytesToHex(got.epoch.boundaryHash), `boundary of slot ${slot} on ${bytesToHex(parent.hash)}`).to.equal(bytesToHex(want.epoch.boundaryHash));
          expect(bytesToHex(got.epoch.seed)).to.equal(bytesToHex(want.epoch.seed));
          expect(got.proposer.address).to.equal(want.proposer.address);
          expect(got.opensEpoch).to.equal(want.opensEpoch);
        }
      }
    });
  });

  describe("keccak256 on the native sponge", () => {
    it("is the native backend here and equals ethers' keccak256 on random inputs of many lengths", () => {
      expect(loadNativeCrypto().keccak).to.equal("native");
      for (let i = 0; i < 600; i++) {
        const msg = randomBytes(i % 300);
        expect(bytesToHex(keccak(msg)), `length ${msg.length}`).to.equal(keccak256(msg));
      }
      // A view into a larger buffer hashes only its own bytes.
      const big = randomBytes(100);
      expect(bytesToHex(keccak(big.subarray(10, 42)))).to.equal(keccak256(big.subarray(10, 42)));
    });
  });

  describe("LruMap (two generations)", () => {
    it("keeps every entry used within the last `limit` insertions and holds at most 2·limit", () => {
      const m = new LruMap<number, number>(4);
      for (let i = 0; i < 4; i++) m.set(i, i);
      for (let i = 4; i < 100; i++) {
        // Entry 0 is used before every insertion: it must survive them all.
        expect(m.get(0)).to.equal(0);
        m.set(i, i * 10);
        expect(m.size).to.be.at.most(8);
        expect(m.get(i)).to.equal(i * 10);
      }
      expect(m.get(1)).to.equal(undefined);
      m.set(0, 7);
      expect(m.get(0)).to.equal(7);
      m.clear();
      expect(m.size).to.equal(0);
      expect(m.get(0)).to.equal(undefined);
    });

    it("refuses a limit that is not a positive integer", () => {
      for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new LruMap(bad)).to.throw(RangeError);
    });
  });
});
