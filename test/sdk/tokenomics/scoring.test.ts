import { expect } from "chai";
import fc from "fast-check";
import { scoreMiners, WAD, type ValidatorWeights } from "../../../sdk/tokenomics";
import { addr, addressArb, expectError, fractionArb, wad } from "./helpers";

const [V1, V2, V3] = [addr(0x101), addr(0x102), addr(0x103)];
const [M1, M2, M3] = [addr(1), addr(2), addr(3)];

/** Random weight input: a pool of miners, validators weighting random subsets of it. */
const inputArb: fc.Arbitrary<ValidatorWeights[]> = fc
  .uniqueArray(addressArb, { minLength: 1, maxLength: 8, selector: (a) => a.toLowerCase() })
  .chain((miners) =>
    fc.uniqueArray(
      fc.record({
        validator: addressArb,
        stake: fc.bigInt({ min: 0n, max: 10n ** 24n }),
        weights: fc
          .subarray(miners)
          .chain((subset) =>
            fc.tuple(...subset.map((miner) => fc.bigInt({ min: 0n, max: 65_535n }).map((weight) => ({ miner, weight })))),
          ),
      }),
      { minLength: 1, maxLength: 8, selector: (v) => v.validator.toLowerCase() },
    ),
  );

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe("sdk/tokenomics: scoreMiners", function () {
  it("with one validator, scores are its normalised weights", function () {
    const result = scoreMiners([{ validator: V1, stake: 10n, weights: [{ miner: M2, weight: 1n }, { miner: M1, weight: 3n }] }]);
    expect(result.totalStake).to.equal(10n);
    expect(result.scores).to.deep.equal([
      { miner: M1, score: wad(75, 2) },
      { miner: M2, score: wad(25, 2) },
    ]);
    expect(result.consensus).to.deep.equal([
      { miner: M1, consensus: wad(75, 2), rank: wad(75, 2) },
      { miner: M2, consensus: wad(25, 2), rank: wad(25, 2) },
    ]);
  });

  it("gives nothing to a miner backed only by a stake minority", function () {
    const result = scoreMiners([
      { validator: V1, stake: 60n, weights: [{ miner: M1, weight: 1n }] },
      { validator: V2, stake: 40n, weights: [{ miner: M2, weight: 1n }] },
    ]);
    expect(result.consensus).to.deep.equal([
      { miner: M1, consensus: WAD, rank: wad(6, 1) },
      { miner: M2, consensus: 0n, rank: 0n },
    ]);
    expect(result.scores).to.deep.equal([{ miner: M1, score: wad(6, 1) }]);
  });

  it("clips each weight at the value backed by a κ-majority of stake", function () {
    // Equal stakes; M1 gets 0.9, 0.5 and 0.1. Half the stake backs ≥ 0.5, so c = 0.5 and 0.9 is clipped.
    const result = scoreMiners([
      { validator: V1, stake: 1n, weights: [{ miner: M1, weight: 9n }, { miner: M2, weight: 1n }] },
      { validator: V2, stake: 1n, weights: [{ miner: M1, weight: 5n }, { miner: M2, weight: 5n }] },
      { validator: V3, stake: 1n, weights: [{ miner: M1, weight: 1n }, { miner: M2, weight: 9n }] },
    ]);
    const m1 = result.consensus.find((c) => c.miner === M1);
    expect(m1?.consensus).to.equal(wad(5, 1));
    expect(m1?.rank).to.equal((wad(5, 1) + wad(5, 1) + wad(1, 1)) / 3n);
    // By symmetry M2 scores the same.
    expect(result.scores.map((s) => s.score)).to.deep.equal([m1?.rank, m1?.rank]);
  });

  it("with κ = 1 the consensus is the weight every validator agrees on", function () {
    const result = scoreMiners(
      [
        { validator: V1, stake: 1n, weights: [{ miner: M1, weight: 3n }, { miner: M2, weight: 1n }] },
        { validator: V2, stake: 1n, weights: [{ miner: M1, weight: 1n }, { miner: M2, weight: 1n }] },
      ],
      { kappa: WAD },
    );
    expect(result.consensus.map((c) => c.consensus)).to.deep.equal([wad(5, 1), wad(25, 2)]);
  });

  it("drops validators whose weights sum to 0 (their stake does not count)", function () {
    const result = scoreMiners([
      { validator: V1, stake: 10n, weights: [{ miner: M1, weight: 1n }] },
      { validator: V2, stake: 1_000n, weights: [{ miner: M2, weight: 0n }] },
      { validator: V3, stake: 1_000n, weights: [] },
    ]);
    expect(result.totalStake).to.equal(10n);
    expect(result.scores).to.deep.equal([{ miner: M1, score: WAD }]);
  });

  it("scores nobody when the kept validators have no stake", function () {
    const result = scoreMiners([{ validator: V1, stake: 0n, weights: [{ miner: M1, weight: 1n }] }]);
    expect(result.totalStake).to.equal(0n);
    expect(result.scores).to.deep.equal([]);
    expect(result.consensus).to.deep.equal([{ miner: M1, consensus: WAD, rank: 0n }]);
  });

  it("returns checksummed miners in ascending address order", function () {
    const result = scoreMiners([
      {
        validator: V1,
        stake: 1n,
        weights: [
          { miner: M3.toLowerCase(), weight: 1n },
          { miner: M1.toLowerCase(), weight: 1n },
          { miner: M2, weight: 1n },
        ],
      },
    ]);
    expect(result.scores.map((s) => s.miner)).to.deep.equal([M1, M2, M3]);
  });

  describe("properties", function () {
    const RUNS = { numRuns: 100 };

    it("does not depend on the order of validators or of weights", function () {
      fc.assert(
        fc.property(inputArb, fc.nat(), fractionArb.filter((k) => k > 0n), (input, seed, kappa) => {
          const reordered = shuffled(input, seed).map((v) => ({ ...v, weights: shuffled(v.weights, seed + 1) }));
          expect(scoreMiners(reordered, { kappa })).to.deep.equal(scoreMiners(input, { kappa }));
        }),
        RUNS,
      );
    });

    it("clipping never raises a weight: rank ≤ unclipped stake-weighted weight, consensus ≤ max weight", function () {
      fc.assert(
        fc.property(inputArb, (input) => {
          const result = scoreMiners(input);
          // Recompute the unclipped ranks from the normalised weights.
          const kept = input
            .map((v) => ({ v, sum: v.weights.reduce((s, w) => s + w.weight, 0n) }))
            .filter(({ sum }) => sum > 0n);
          let rankSum = 0n;
          for (const c of result.consensus) {
            let unclipped = 0n;
            let max = 0n;
            for (const { v, sum } of kept) {
              const raw = v.weights.find((w) => w.miner.toLowerCase() === c.miner.toLowerCase())?.weight ?? 0n;
              const w = (raw * WAD) / sum;
              unclipped += v.stake * w;
              if (w > max) max = w;
            }
            const bound = result.totalStake === 0n ? 0n : unclipped / result.totalStake;
            if (c.rank > bound || c.consensus > max) return false;
            rankSum += c.rank;
          }
          return rankSum <= WAD && result.scores.every((s) => s.score > 0n);
        }),
        RUNS,
      );
    });
  });

  describe("on invalid input", function () {
    it("rejects an empty validator set", function () {
      expectError(() => scoreMiners([]), "EMPTY_SET", /at least one validator/);
    });
    it("rejects a negative stake", function () {
      expectError(() => scoreMiners([{ validator: V1, stake: -1n, weights: [] }]), "NEGATIVE_AMOUNT", /validators\[0\]\.stake/);
    });
    it("rejects a negative weight", function () {
      expectError(
        () => scoreMiners([{ validator: V1, stake: 1n, weights: [{ miner: M1, weight: -1n }] }]),
        "INVALID_WEIGHTS",
        /validators\[0\]\.weights\[0\]\.weight must be >= 0, got -1/,
      );
    });
    it("rejects a duplicated validator, whatever its capitalisation", function () {
      expectError(
        () =>
          scoreMiners([
            { validator: V1, stake: 1n, weights: [] },
            { validator: V1.toLowerCase(), stake: 1n, weights: [] },
          ]),
        "DUPLICATE_ENTRY",
        /validator/,
      );
    });
    it("rejects a miner weighted twice by one validator", function () {
      expectError(
        () => scoreMiners([{ validator: V1, stake: 1n, weights: [{ miner: M1, weight: 1n }, { miner: M1, weight: 2n }] }]),
        "DUPLICATE_ENTRY",
        /miner/,
      );
    });
    it("rejects κ outside (0, 1e18]", function () {
      const input = [{ validator: V1, stake: 1n, weights: [{ miner: M1, weight: 1n }] }];
      expectError(() => scoreMiners(input, { kappa: 0n }), "INVALID_FRACTION", /kappa must be in \(0, 1e18\], got 0/);
      expectError(() => scoreMiners(input, { kappa: WAD + 1n }), "INVALID_FRACTION");
    });
    it("rejects malformed addresses", function () {
      expectError(() => scoreMiners([{ validator: "validator-1", stake: 1n, weights: [] }]), "INVALID_ADDRESS");
      expectError(() => scoreMiners([{ validator: V1, stake: 1n, weights: [{ miner: "0x12", weight: 1n }] }]), "INVALID_ADDRESS");
    });
  });
});
