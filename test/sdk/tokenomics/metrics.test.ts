import { expect } from "chai";
import fc from "fast-check";
import { aggregateTaskReports, DEFAULT_EMISSION_POLICY, epochMetrics, participation, utility, WAD, type TaskReport } from "../../../sdk/tokenomics";
import { expectError, FAST, mdt, wad } from "./helpers";

const TASK_CAP = DEFAULT_EMISSION_POLICY.maxTasks;
/**
 * Rounding allowance of the bound: the task volume is a whole number of tasks (floored), which can cost
 * up to one task, i.e. wTask / maxTasks of utility (5e13 wei by default), plus a few wei of the other floors.
 */
const ROUNDING = DEFAULT_EMISSION_POLICY.weights.task / TASK_CAP + 4n;

describe("sdk/tokenomics: epoch metrics", function () {
  describe("participation", function () {
    it("is the weight submitters' stake over the active stake in WAD", function () {
      expect(participation(mdt(9), mdt(10))).to.equal(wad(9, 1));
      expect(participation(mdt(10), mdt(10))).to.equal(WAD);
      expect(participation(1n, 3n)).to.equal(333_333_333_333_333_333n);
    });
    it("is 0 when there is no active stake", function () {
      expect(participation(0n, 0n)).to.equal(0n);
    });
    it("rejects more submitting stake than active stake, and negative stakes", function () {
      expectError(() => participation(4n, 3n), "INVALID_METRICS", /weightStake \(4\) must not exceed activeStake \(3\)/);
      expectError(() => participation(-1n, 3n), "NEGATIVE_AMOUNT");
      expectError(() => participation(0n, -3n), "NEGATIVE_AMOUNT");
    });
  });

  describe("aggregateTaskReports", function () {
    it("weights task counts and difficulties by stake over the whole active stake", function () {
      const result = aggregateTaskReports(
        [
          { taskCount: 100n, difficulty: wad(5, 1), stake: mdt(1) },
          { taskCount: 300n, difficulty: wad(9, 1), stake: mdt(3) },
        ],
        mdt(4),
      );
      expect(result).to.deep.equal({ tasks: 250n, difficulty: wad(8, 1) });
      // A validator that did not report counts as reporting nothing.
      expect(aggregateTaskReports([{ taskCount: 100n, difficulty: WAD, stake: mdt(1) }], mdt(2))).to.deep.equal({ tasks: 50n, difficulty: wad(5, 1) });
    });
    it("caps each report at taskCap when given", function () {
      const reports = [{ taskCount: 10n ** 12n, difficulty: WAD, stake: mdt(1) }];
      expect(aggregateTaskReports(reports, mdt(1), TASK_CAP).tasks).to.equal(TASK_CAP);
      expect(aggregateTaskReports(reports, mdt(1)).tasks).to.equal(10n ** 12n);
    });
    it("floors both divisions", function () {
      const result = aggregateTaskReports([{ taskCount: 1n, difficulty: 1n, stake: 1n }], 3n);
      expect(result).to.deep.equal({ tasks: 0n, difficulty: 0n });
    });
    it("is zero without active stake", function () {
      expect(aggregateTaskReports([], 0n)).to.deep.equal({ tasks: 0n, difficulty: 0n });
    });
    it("rejects negative inputs, difficulty outside [0, 1e18], reporters' stake above the active stake and a zero cap", function () {
      expectError(() => aggregateTaskReports([{ taskCount: -1n, difficulty: 0n, stake: 1n }], 1n), "NEGATIVE_AMOUNT", /reports\[0\]\.taskCount/);
      expectError(() => aggregateTaskReports([{ taskCount: 1n, difficulty: 0n, stake: -1n }], 1n), "NEGATIVE_AMOUNT", /reports\[0\]\.stake/);
      expectError(
        () => aggregateTaskReports([{ taskCount: 1n, difficulty: 0n, stake: 1n }, { taskCount: 1n, difficulty: WAD + 1n, stake: 1n }], 2n),
        "INVALID_METRICS",
        /reports\[1\]\.difficulty must be in \[0, 1e18\]/,
      );
      expectError(() => aggregateTaskReports([{ taskCount: 1n, difficulty: 0n, stake: 5n }], 4n), "INVALID_METRICS", /must not exceed activeStake/);
      expectError(() => aggregateTaskReports([], 1n, 0n), "INVALID_METRICS", /taskCap must be > 0/);
    });
  });

  it("epochMetrics combines both into the utility inputs of the worked example", function () {
    const metrics = epochMetrics({
      reports: [
        { taskCount: 8000n, difficulty: wad(6, 1), stake: mdt(100) },
        { taskCount: 8000n, difficulty: wad(8, 1), stake: mdt(100) },
      ],
      weightStake: mdt(180),
      activeStake: mdt(200),
    });
    expect(metrics).to.deep.equal({ tasks: 8000n, difficulty: wad(7, 1), participation: wad(9, 1) });
    expect(utility(metrics)).to.equal(wad(79, 2));
  });

  describe("the stake bound (property)", function () {
    /** Honest validators: stake, (capped or not) report, whether they weight; at least one with stake. */
    const honestArb = fc.array(
      fc.record({
        stake: fc.bigInt({ min: 1n, max: mdt(1_000_000) }),
        reports: fc.boolean(),
        taskCount: fc.bigInt({ min: 0n, max: 20_000n }),
        difficulty: fc.bigInt({ min: 0n, max: WAD }),
        weights: fc.boolean(),
      }),
      { minLength: 1, maxLength: 12 },
    );
    const attackerArb = fc.record({
      stake: fc.bigInt({ min: 1n, max: mdt(1_000_000) }),
      reports: fc.boolean(),
      taskCount: fc.bigInt({ min: 0n, max: 10n ** 12n }),
      difficulty: fc.bigInt({ min: 0n, max: WAD }),
      weights: fc.boolean(),
    });
    type Validator = { stake: bigint; reports: boolean; taskCount: bigint; difficulty: bigint; weights: boolean };

    function utilityOf(validators: readonly Validator[]): bigint {
      const activeStake = validators.reduce((s, v) => s + v.stake, 0n);
      const reports: TaskReport[] = validators.filter((v) => v.reports).map((v) => ({ taskCount: v.taskCount, difficulty: v.difficulty, stake: v.stake }));
      const weightStake = validators.filter((v) => v.weights).reduce((s, v) => s + v.stake, 0n);
      return utility(epochMetrics({ reports, weightStake, activeStake, taskCap: TASK_CAP }));
    }

    it("a validator with a share s of the active stake moves U by at most s, whatever it reports", function () {
      fc.assert(
        fc.property(honestArb, attackerArb, (honest, attacker) => {
          const all = [...honest, attacker];
          const activeStake = all.reduce((s, v) => s + v.stake, 0n);
          const share = (attacker.stake * WAD) / activeStake;
          const before = utilityOf(honest);
          const after = utilityOf(all);
          const moved = after > before ? after - before : before - after;
          expect(moved <= share + ROUNDING, `moved ${moved} > share ${share}`).to.equal(true);
        }),
        FAST,
      );
    });

    it("a validator changing only its own report moves U by at most its share", function () {
      fc.assert(
        fc.property(honestArb, attackerArb, attackerArb, (honest, a, b) => {
          const asA = [...honest, a];
          const asB = [...honest, { ...b, stake: a.stake }];
          const activeStake = asA.reduce((s, v) => s + v.stake, 0n);
          const share = (a.stake * WAD) / activeStake;
          const ua = utilityOf(asA);
          const ub = utilityOf(asB);
          expect((ua > ub ? ua - ub : ub - ua) <= share + ROUNDING).to.equal(true);
        }),
        FAST,
      );
    });
  });
});
