import { expect } from "chai";
import { aggregateTaskReports, epochMetrics, participation, WAD } from "../../../sdk/tokenomics";
import { expectError, wad } from "./helpers";

describe("sdk/tokenomics: epoch metrics", function () {
  describe("participation", function () {
    it("is weight submitters / active validators in WAD", function () {
      expect(participation(9n, 10n)).to.equal(wad(9, 1));
      expect(participation(10n, 10n)).to.equal(WAD);
      expect(participation(1n, 3n)).to.equal(333_333_333_333_333_333n);
    });
    it("is 0 when there is no active validator", function () {
      expect(participation(0n, 0n)).to.equal(0n);
    });
    it("rejects more submitters than active validators, and negative counts", function () {
      expectError(() => participation(4n, 3n), "INVALID_METRICS", /weightSubmitters \(4\) must not exceed activeValidatorCount \(3\)/);
      expectError(() => participation(-1n, 3n), "NEGATIVE_AMOUNT");
      expectError(() => participation(0n, -3n), "NEGATIVE_AMOUNT");
    });
  });

  describe("aggregateTaskReports", function () {
    it("averages task counts and task-weights difficulty", function () {
      const result = aggregateTaskReports([
        { taskCount: 100n, difficulty: wad(5, 1) },
        { taskCount: 300n, difficulty: wad(9, 1) },
      ]);
      expect(result).to.deep.equal({ tasks: 200n, difficulty: wad(8, 1) });
    });
    it("floors both divisions", function () {
      const result = aggregateTaskReports([
        { taskCount: 1n, difficulty: 1n },
        { taskCount: 2n, difficulty: 0n },
      ]);
      expect(result).to.deep.equal({ tasks: 1n, difficulty: 0n });
    });
    it("is zero without reports or without tasks", function () {
      expect(aggregateTaskReports([])).to.deep.equal({ tasks: 0n, difficulty: 0n });
      expect(aggregateTaskReports([{ taskCount: 0n, difficulty: WAD }])).to.deep.equal({ tasks: 0n, difficulty: 0n });
    });
    it("rejects negative task counts and difficulty outside [0, 1e18]", function () {
      expectError(() => aggregateTaskReports([{ taskCount: -1n, difficulty: 0n }]), "NEGATIVE_AMOUNT", /reports\[0\]\.taskCount/);
      expectError(
        () => aggregateTaskReports([{ taskCount: 1n, difficulty: 0n }, { taskCount: 1n, difficulty: WAD + 1n }]),
        "INVALID_METRICS",
        /reports\[1\]\.difficulty must be in \[0, 1e18\]/,
      );
    });
  });

  it("epochMetrics combines both into the utility inputs of the worked example", function () {
    const metrics = epochMetrics({
      reports: [
        { taskCount: 8000n, difficulty: wad(7, 1) },
        { taskCount: 8000n, difficulty: wad(7, 1) },
      ],
      weightSubmitters: 9n,
      activeValidatorCount: 10n,
    });
    expect(metrics).to.deep.equal({ tasks: 8000n, difficulty: wad(7, 1), participation: wad(9, 1) });
  });
});
