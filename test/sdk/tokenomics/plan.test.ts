import { expect } from "chai";
import { DEFAULT_EMISSION_POLICY, epochMetrics, planEpochEmission } from "../../../sdk/tokenomics";
import { expectError, mdt, wad } from "./helpers";

describe("sdk/tokenomics: planEpochEmission", function () {
  const metrics = { tasks: 8000n, difficulty: wad(7, 1), participation: wad(9, 1) };

  it("runs the worked example end to end: U 0.79 → 790 MDT → 316 / 316 / 158", function () {
    const plan = planEpochEmission({ epoch: 0n, metrics, recyclingPool: 0n, totalSupply: 0n });
    expect(plan).to.deep.equal({
      utility: wad(79, 2),
      allowed: mdt(790),
      unmetQuota: mdt(210),
      fromPool: 0n,
      minted: mdt(790),
      emission: mdt(790),
      split: { miners: mdt(316), validators: mdt(316), dao: mdt(158) },
    });
  });

  it("builds the same plan from the validators' raw reports", function () {
    const fromReports = epochMetrics({
      reports: [{ taskCount: 8000n, difficulty: wad(7, 1), stake: mdt(1000) }],
      weightStake: mdt(900),
      activeStake: mdt(1000),
    });
    const plan = planEpochEmission({ epoch: 0n, metrics: fromReports, recyclingPool: 0n, totalSupply: 0n });
    expect(plan.emission).to.equal(mdt(790));
  });

  it("recycles before minting and splits what was funded", function () {
    const cap = DEFAULT_EMISSION_POLICY.supplyCap;
    const plan = planEpochEmission({ epoch: 0n, metrics, recyclingPool: mdt(100), totalSupply: cap - mdt(90) });
    expect(plan.fromPool).to.equal(mdt(100));
    expect(plan.minted).to.equal(mdt(90));
    expect(plan.emission).to.equal(mdt(190));
    expect(plan.split).to.deep.equal({ miners: mdt(76), validators: mdt(76), dao: mdt(38) });
  });

  it("rejects a negative epoch and an invalid policy", function () {
    expectError(() => planEpochEmission({ epoch: -1n, metrics, recyclingPool: 0n, totalSupply: 0n }), "INVALID_EPOCH");
    expectError(
      () =>
        planEpochEmission({
          epoch: 0n,
          metrics,
          recyclingPool: 0n,
          totalSupply: 0n,
          policy: { ...DEFAULT_EMISSION_POLICY, halvingInterval: 0n },
        }),
      "INVALID_POLICY",
    );
  });
});
