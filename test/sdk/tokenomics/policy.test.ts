import { expect } from "chai";
import { assertValidPolicy, DEFAULT_EMISSION_POLICY, WAD, type EmissionPolicy } from "../../../sdk/tokenomics";
import { expectError, mdt, wad } from "./helpers";

function withPolicy(change: Partial<EmissionPolicy>): EmissionPolicy {
  return { ...DEFAULT_EMISSION_POLICY, ...change };
}

describe("sdk/tokenomics: emission policy", function () {
  it("has the defaults of DESIGN.md §2, with a halving interval whose series converges to the cap", function () {
    expect(DEFAULT_EMISSION_POLICY.baseReward).to.equal(mdt(1000));
    expect(DEFAULT_EMISSION_POLICY.halvingInterval).to.equal(10_500n);
    expect(DEFAULT_EMISSION_POLICY.baseReward * 2n * DEFAULT_EMISSION_POLICY.halvingInterval).to.equal(DEFAULT_EMISSION_POLICY.supplyCap);
    expect(DEFAULT_EMISSION_POLICY.maxTasks).to.equal(10_000n);
    expect(DEFAULT_EMISSION_POLICY.supplyCap).to.equal(mdt(21_000_000));
    expect(DEFAULT_EMISSION_POLICY.weights).to.deep.equal({ task: wad(5, 1), difficulty: wad(3, 1), participation: wad(2, 1) });
    expect(DEFAULT_EMISSION_POLICY.shares).to.deep.equal({ miner: wad(4, 1), validator: wad(4, 1), dao: wad(2, 1) });
    expect(() => assertValidPolicy(DEFAULT_EMISSION_POLICY)).not.to.throw();
  });

  it("is frozen so nobody changes the defaults by accident", function () {
    expect(Object.isFrozen(DEFAULT_EMISSION_POLICY)).to.equal(true);
    expect(Object.isFrozen(DEFAULT_EMISSION_POLICY.weights)).to.equal(true);
    expect(Object.isFrozen(DEFAULT_EMISSION_POLICY.shares)).to.equal(true);
  });

  describe("when a parameter is out of range it throws INVALID_POLICY", function () {
    const cases: Array<[string, Partial<EmissionPolicy>, RegExp]> = [
      ["baseReward 0", { baseReward: 0n }, /baseReward must be > 0, got 0/],
      ["halvingInterval 0", { halvingInterval: 0n }, /halvingInterval must be > 0/],
      ["maxTasks negative", { maxTasks: -1n }, /maxTasks must be > 0, got -1/],
      ["supplyCap 0", { supplyCap: 0n }, /supplyCap must be > 0/],
      ["baseReward above the cap", { baseReward: mdt(2), supplyCap: mdt(1) }, /must not exceed supplyCap/],
      [
        "weights not summing to 1",
        { weights: { task: wad(5, 1), difficulty: wad(3, 1), participation: wad(1, 1) } },
        /weights must sum to exactly 1e18, got 900000000000000000/,
      ],
      [
        "a negative weight",
        { weights: { task: WAD + wad(1, 1), difficulty: -wad(1, 1), participation: 0n } },
        /weights.task must be in \[0, 1e18\]/,
      ],
      [
        "shares not summing to 1",
        { shares: { miner: wad(4, 1), validator: wad(4, 1), dao: wad(3, 1) } },
        /shares must sum to exactly 1e18/,
      ],
    ];
    for (const [name, change, message] of cases) {
      it(name, function () {
        expectError(() => assertValidPolicy(withPolicy(change)), "INVALID_POLICY", message);
      });
    }
  });
});
