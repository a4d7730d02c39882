import { expect } from "chai";
import fc from "fast-check";
import {
  allowedEmission,
  DEFAULT_EMISSION_POLICY,
  fullEmission,
  fundEmission,
  halvings,
  unmetQuota,
  WAD,
} from "../../../sdk/tokenomics";
import { expectError, FAST, fractionArb, mdt, wad } from "./helpers";

const INTERVAL = DEFAULT_EMISSION_POLICY.halvingInterval;
const epochArb = fc.bigInt({ min: 0n, max: INTERVAL * 300n });
const amountArb = fc.bigInt({ min: 0n, max: mdt(30_000_000) });

describe("sdk/tokenomics: emission", function () {
  describe("halving", function () {
    it("counts whole intervals", function () {
      expect(halvings(0n)).to.equal(0n);
      expect(halvings(INTERVAL - 1n)).to.equal(0n);
      expect(halvings(INTERVAL)).to.equal(1n);
      expect(halvings(10n, 3n)).to.equal(3n);
    });

    it("halves the quota at each interval boundary", function () {
      expect(fullEmission(0n)).to.equal(mdt(1000));
      expect(fullEmission(INTERVAL - 1n)).to.equal(mdt(1000));
      expect(fullEmission(INTERVAL)).to.equal(mdt(500));
      expect(fullEmission(INTERVAL * 2n)).to.equal(mdt(250));
      expect(allowedEmission(INTERVAL, wad(79, 2))).to.equal(mdt(395));
    });

    it("emits nothing after 256 halvings (no shift by >= 256)", function () {
      const policy = { ...DEFAULT_EMISSION_POLICY, halvingInterval: 1n, baseReward: mdt(21_000_000) };
      expect(fullEmission(255n, policy)).to.equal(mdt(21_000_000) >> 255n);
      expect(fullEmission(256n, policy)).to.equal(0n);
      expect(allowedEmission(10_000n, WAD, policy)).to.equal(0n);
      expect(unmetQuota(10_000n, 0n, policy)).to.equal(0n);
    });

    it("halves the allowed emission one interval later (property)", function () {
      fc.assert(
        fc.property(epochArb, fractionArb, (epoch, u) => {
          return allowedEmission(epoch + INTERVAL, u) === allowedEmission(epoch, u) >> 1n;
        }),
        FAST,
      );
    });
  });

  describe("allowedEmission", function () {
    it("gives 790 MDT at epoch 0 for utility 0.79 (worked example)", function () {
      expect(allowedEmission(0n, wad(79, 2))).to.equal(mdt(790));
    });

    it("scales by utility before shifting, as the contract does", function () {
      const policy = { ...DEFAULT_EMISSION_POLICY, baseReward: 3n, halvingInterval: 1n };
      // ((3 · 0.7) / 1) >> 1 = 2 >> 1 = 1, whereas shifting first would give (3 >> 1) · 0.7 = 0.
      expect(allowedEmission(1n, wad(7, 1), policy)).to.equal(1n);
    });

    it("never exceeds the full quota, and the unmet quota is the difference (property)", function () {
      fc.assert(
        fc.property(epochArb, fractionArb, (epoch, u) => {
          const allowed = allowedEmission(epoch, u);
          return allowed <= fullEmission(epoch) && unmetQuota(epoch, u) === fullEmission(epoch) - allowed;
        }),
        FAST,
      );
    });

    it("has no unmet quota at utility 1 and the whole quota unmet at utility 0", function () {
      expect(unmetQuota(0n, WAD)).to.equal(0n);
      expect(unmetQuota(0n, 0n)).to.equal(mdt(1000));
      expect(unmetQuota(0n, wad(79, 2))).to.equal(mdt(210));
    });

    it("rejects a negative epoch and utility outside [0, 1e18]", function () {
      expectError(() => allowedEmission(-1n, WAD), "INVALID_EPOCH", /epoch must be >= 0, got -1/);
      expectError(() => fullEmission(-1n), "INVALID_EPOCH");
      expectError(() => halvings(-1n), "INVALID_EPOCH");
      expectError(() => allowedEmission(0n, WAD + 1n), "INVALID_UTILITY", /utility must be in \[0, 1e18\], got 1000000000000000001/);
      expectError(() => allowedEmission(0n, -1n), "INVALID_UTILITY");
      expectError(() => unmetQuota(0n, 2n * WAD), "INVALID_UTILITY");
      expectError(() => halvings(1n, 0n), "INVALID_POLICY", /halvingInterval must be > 0/);
      expectError(() => allowedEmission(0n, WAD, { ...DEFAULT_EMISSION_POLICY, maxTasks: 0n }), "INVALID_POLICY");
    });
  });

  describe("fundEmission", function () {
    const cap = mdt(21_000_000);

    it("spends the recycling pool first", function () {
      expect(fundEmission({ allowed: mdt(790), recyclingPool: mdt(1000), totalSupply: mdt(5), supplyCap: cap })).to.deep.equal({
        fromPool: mdt(790),
        minted: 0n,
        emission: mdt(790),
      });
    });

    it("mints the rest", function () {
      expect(fundEmission({ allowed: mdt(790), recyclingPool: mdt(100), totalSupply: 0n, supplyCap: cap })).to.deep.equal({
        fromPool: mdt(100),
        minted: mdt(690),
        emission: mdt(790),
      });
    });

    it("never mints past the cap", function () {
      expect(fundEmission({ allowed: mdt(790), recyclingPool: mdt(100), totalSupply: cap - 5n, supplyCap: cap })).to.deep.equal({
        fromPool: mdt(100),
        minted: 5n,
        emission: mdt(100) + 5n,
      });
      expect(fundEmission({ allowed: mdt(790), recyclingPool: 0n, totalSupply: cap, supplyCap: cap }).emission).to.equal(0n);
    });

    it("never exceeds the allowed emission nor pool + cap headroom (property)", function () {
      fc.assert(
        fc.property(amountArb, amountArb, amountArb, amountArb, (allowed, pool, a, b) => {
          const [totalSupply, supplyCap] = a <= b ? [a, b] : [b, a];
          const f = fundEmission({ allowed, recyclingPool: pool, totalSupply, supplyCap });
          const headroom = supplyCap - totalSupply;
          const reachable = pool + headroom;
          return (
            f.emission === f.fromPool + f.minted &&
            f.emission <= allowed &&
            f.emission <= reachable &&
            f.emission === (allowed < reachable ? allowed : reachable) &&
            f.fromPool === (pool < allowed ? pool : allowed) &&
            totalSupply + f.minted <= supplyCap
          );
        }),
        FAST,
      );
    });

    it("rejects a supply above the cap and negative amounts", function () {
      expectError(
        () => fundEmission({ allowed: 1n, recyclingPool: 0n, totalSupply: 11n, supplyCap: 10n }),
        "SUPPLY_EXCEEDS_CAP",
        /totalSupply \(11\) exceeds supplyCap \(10\)/,
      );
      expectError(() => fundEmission({ allowed: -1n, recyclingPool: 0n, totalSupply: 0n, supplyCap: 1n }), "NEGATIVE_AMOUNT", /allowed/);
      expectError(() => fundEmission({ allowed: 1n, recyclingPool: -1n, totalSupply: 0n, supplyCap: 1n }), "NEGATIVE_AMOUNT", /recyclingPool/);
      expectError(() => fundEmission({ allowed: 1n, recyclingPool: 0n, totalSupply: -1n, supplyCap: 1n }), "NEGATIVE_AMOUNT", /totalSupply/);
      expectError(() => fundEmission({ allowed: 1n, recyclingPool: 0n, totalSupply: 0n, supplyCap: -1n }), "NEGATIVE_AMOUNT", /supplyCap/);
    });
  });
});
