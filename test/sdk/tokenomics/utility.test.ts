import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_EMISSION_POLICY, taskRatio, utility, WAD, type EpochMetrics } from "../../../sdk/tokenomics";
import { expectError, FAST, fractionArb, wad } from "./helpers";

const tasksArb = fc.bigInt({ min: 0n, max: 30_000n });
const metricsArb: fc.Arbitrary<EpochMetrics> = fc.record({
  tasks: tasksArb,
  difficulty: fractionArb,
  participation: fractionArb,
});

describe("sdk/tokenomics: utility", function () {
  describe("taskRatio", function () {
    it("is tasks / maxTasks in WAD, saturating at 1", function () {
      expect(taskRatio(8000n, 10_000n)).to.equal(wad(8, 1));
      expect(taskRatio(0n, 10_000n)).to.equal(0n);
      expect(taskRatio(10_000n, 10_000n)).to.equal(WAD);
      expect(taskRatio(25_000n, 10_000n)).to.equal(WAD);
      expect(taskRatio(1n, 3n)).to.equal(333_333_333_333_333_333n); // floors
    });

    it("rejects negative tasks and a non-positive maxTasks", function () {
      expectError(() => taskRatio(-1n, 10n), "NEGATIVE_AMOUNT", /tasks must be >= 0, got -1/);
      expectError(() => taskRatio(1n, 0n), "INVALID_POLICY", /maxTasks must be > 0, got 0/);
    });
  });

  describe("utility", function () {
    it("reproduces the worked example: 8000/10000 tasks, difficulty 0.7, participation 0.9 → 0.79", function () {
      expect(utility({ tasks: 8000n, difficulty: wad(7, 1), participation: wad(9, 1) })).to.equal(wad(79, 2));
    });

    it("is 0 with no activity and 1 at full activity", function () {
      expect(utility({ tasks: 0n, difficulty: 0n, participation: 0n })).to.equal(0n);
      expect(utility({ tasks: 10_000n, difficulty: WAD, participation: WAD })).to.equal(WAD);
      expect(utility({ tasks: 1_000_000n, difficulty: WAD, participation: WAD })).to.equal(WAD);
    });

    it("divides once, at the end (no intermediate rounding)", function () {
      // task ratio 1/3 → 333…333; 0.5 · that alone would floor twice if divided per term.
      const u = utility({ tasks: 1n, difficulty: 1n, participation: 1n }, { ...DEFAULT_EMISSION_POLICY, maxTasks: 3n });
      const expected = (wad(5, 1) * 333_333_333_333_333_333n + wad(3, 1) * 1n + wad(2, 1) * 1n) / WAD;
      expect(u).to.equal(expected);
    });

    it("honours the policy's weights", function () {
      const policy = { ...DEFAULT_EMISSION_POLICY, weights: { task: 0n, difficulty: WAD, participation: 0n } };
      expect(utility({ tasks: 10_000n, difficulty: wad(42, 2), participation: WAD }, policy)).to.equal(wad(42, 2));
    });

    it("stays in [0, 1e18] (property)", function () {
      fc.assert(
        fc.property(metricsArb, (m) => {
          const u = utility(m);
          return u >= 0n && u <= WAD;
        }),
        FAST,
      );
    });

    it("is monotone in each input (property)", function () {
      fc.assert(
        fc.property(metricsArb, tasksArb, fractionArb, fractionArb, (m, dt, dd, dp) => {
          const u = utility(m);
          const clamp = (x: bigint): bigint => (x > WAD ? WAD : x);
          return (
            utility({ ...m, tasks: m.tasks + dt }) >= u &&
            utility({ ...m, difficulty: clamp(m.difficulty + dd) }) >= u &&
            utility({ ...m, participation: clamp(m.participation + dp) }) >= u
          );
        }),
        FAST,
      );
    });

    describe("on invalid input", function () {
      it("rejects difficulty outside [0, 1e18]", function () {
        expectError(
          () => utility({ tasks: 1n, difficulty: WAD + 1n, participation: 0n }),
          "INVALID_METRICS",
          /difficulty must be in \[0, 1e18\], got 1000000000000000001/,
        );
      });
      it("rejects negative participation", function () {
        expectError(() => utility({ tasks: 1n, difficulty: 0n, participation: -1n }), "INVALID_METRICS", /participation/);
      });
      it("rejects negative tasks", function () {
        expectError(() => utility({ tasks: -5n, difficulty: 0n, participation: 0n }), "NEGATIVE_AMOUNT");
      });
      it("rejects a policy whose weights do not sum to 1", function () {
        const policy = { ...DEFAULT_EMISSION_POLICY, weights: { task: WAD, difficulty: WAD, participation: 0n } };
        expectError(() => utility({ tasks: 1n, difficulty: 0n, participation: 0n }, policy), "INVALID_POLICY");
      });
    });
  });
});
