import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_EMISSION_SHARES, proportionalSplit, splitEmission, WAD, type WeightedEntry } from "../../../sdk/tokenomics";
import { addr, addressArb, expectError, FAST, fractionArb, mdt, wad } from "./helpers";

const entriesArb: fc.Arbitrary<WeightedEntry[]> = fc.uniqueArray(
  fc.record({ account: addressArb, weight: fc.bigInt({ min: 0n, max: 10n ** 24n }) }),
  { minLength: 1, maxLength: 25, selector: (e) => e.account.toLowerCase() },
);

describe("sdk/tokenomics: splits", function () {
  describe("splitEmission", function () {
    it("splits the worked example into 316 / 316 / 158 MDT", function () {
      expect(splitEmission(mdt(790))).to.deep.equal({ miners: mdt(316), validators: mdt(316), dao: mdt(158) });
    });

    it("gives the rounding dust to the DAO", function () {
      expect(splitEmission(7n)).to.deep.equal({ miners: 2n, validators: 2n, dao: 3n });
      expect(splitEmission(1n)).to.deep.equal({ miners: 0n, validators: 0n, dao: 1n });
      expect(splitEmission(0n)).to.deep.equal({ miners: 0n, validators: 0n, dao: 0n });
    });

    it("always sums to the emission exactly (property)", function () {
      const sharesArb = fc
        .tuple(fractionArb, fractionArb)
        .filter(([a, b]) => a + b <= WAD)
        .map(([miner, validator]) => ({ miner, validator, dao: WAD - miner - validator }));
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: mdt(21_000_000) }), sharesArb, (e, shares) => {
          const s = splitEmission(e, shares);
          return (
            s.miners + s.validators + s.dao === e &&
            s.miners === (e * shares.miner) / WAD &&
            s.validators === (e * shares.validator) / WAD &&
            s.dao >= (e * shares.dao) / WAD
          );
        }),
        FAST,
      );
    });

    it("rejects a negative emission and shares not summing to 1", function () {
      expectError(() => splitEmission(-1n), "NEGATIVE_AMOUNT", /emission must be >= 0, got -1/);
      expectError(() => splitEmission(1n, { ...DEFAULT_EMISSION_SHARES, dao: 0n }), "INVALID_POLICY", /shares must sum/);
    });
  });

  describe("proportionalSplit", function () {
    it("floors each share and hands the leftover wei to the largest remainders", function () {
      // 10·1/3 = 3 r1, 10·2/3 = 6 r2: the one leftover wei goes to the larger remainder.
      const result = proportionalSplit(10n, [
        { account: addr(1), weight: 1n },
        { account: addr(2), weight: 2n },
      ]);
      expect(result).to.deep.equal([
        { account: addr(1), amount: 3n },
        { account: addr(2), amount: 7n },
      ]);
    });

    it("breaks remainder ties by ascending lowercase address", function () {
      const result = proportionalSplit(11n, [
        { account: addr(3), weight: 1n },
        { account: addr(1), weight: 1n },
        { account: addr(2), weight: 1n },
      ]);
      expect(result.map((a) => a.amount)).to.deep.equal([3n, 4n, 4n]);
      // Mixed case does not change the order: 0xab… < 0xac… whatever the checksum capitalisation.
      const tie = proportionalSplit(1n, [
        { account: "0xAC00000000000000000000000000000000000000", weight: 1n },
        { account: "0xab00000000000000000000000000000000000000", weight: 1n },
      ]);
      expect(tie.map((a) => a.amount)).to.deep.equal([0n, 1n]);
    });

    it("gives zero-weight entries nothing and returns input order", function () {
      const result = proportionalSplit(mdt(316), [
        { account: addr(9), weight: 0n },
        { account: addr(8), weight: wad(1) },
      ]);
      expect(result).to.deep.equal([
        { account: addr(9), amount: 0n },
        { account: addr(8), amount: mdt(316) },
      ]);
    });

    it("returns zeros when no entry has weight, and nothing for no entries", function () {
      expect(proportionalSplit(5n, [{ account: addr(1), weight: 0n }])).to.deep.equal([{ account: addr(1), amount: 0n }]);
      expect(proportionalSplit(5n, [])).to.deep.equal([]);
    });

    it("sums to the total and keeps each share within 1 wei of the exact proportion (property)", function () {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: mdt(1_000_000) }), entriesArb, (total, entries) => {
          const weightSum = entries.reduce((s, e) => s + e.weight, 0n);
          const result = proportionalSplit(total, entries);
          const sum = result.reduce((s, a) => s + a.amount, 0n);
          if (weightSum === 0n) return sum === 0n;
          return (
            sum === total &&
            result.every((a, i) => {
              const exactTimesSum = total * entries[i].weight; // exact share · Σw
              const scaled = a.amount * weightSum;
              const within = scaled >= exactTimesSum ? scaled - exactTimesSum : exactTimesSum - scaled;
              return a.account === entries[i].account && within < weightSum && (entries[i].weight > 0n || a.amount === 0n);
            })
          );
        }),
        FAST,
      );
    });

    it("does not depend on the order of the entries (property)", function () {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 10n ** 9n }), entriesArb, (total, entries) => {
          const byAccount = (list: readonly { account: string; amount: bigint }[]): Map<string, bigint> =>
            new Map(list.map((a) => [a.account, a.amount]));
          const forward = byAccount(proportionalSplit(total, entries));
          const backward = byAccount(proportionalSplit(total, [...entries].reverse()));
          return [...forward].every(([account, amount]) => backward.get(account) === amount);
        }),
        FAST,
      );
    });

    it("rejects negative weights or total, duplicated accounts and bad addresses", function () {
      expectError(() => proportionalSplit(1n, [{ account: addr(1), weight: -1n }]), "INVALID_WEIGHTS", /entries\[0\]\.weight must be >= 0/);
      expectError(() => proportionalSplit(-1n, [{ account: addr(1), weight: 1n }]), "NEGATIVE_AMOUNT", /total/);
      expectError(
        () =>
          proportionalSplit(1n, [
            { account: "0xab00000000000000000000000000000000000000", weight: 1n },
            { account: "0xAB00000000000000000000000000000000000000", weight: 1n },
          ]),
        "DUPLICATE_ENTRY",
        /appears more than once/,
      );
      expectError(() => proportionalSplit(1n, [{ account: "0x1234", weight: 1n }]), "INVALID_ADDRESS", /got "0x1234"/);
    });
  });
});
