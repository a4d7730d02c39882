import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_VALIDATOR_TAKE, splitValidatorReward, type ShareHolder } from "../../../sdk/tokenomics";
import { buildRewardTree } from "../../../sdk/rewards";
import { addr, addressArb, expectError, FAST, fractionArb, mdt, wad } from "./helpers";

const sum = (xs: readonly { amount: bigint }[]): bigint => xs.reduce((s, x) => s + x.amount, 0n);

describe("sdk/tokenomics: validator rewards shared with delegators", function () {
  it("keeps the take for the operator and shares the rest by pool shares", function () {
    // 100 MDT, take 0.18: operator keeps 18, then 82 split 1:3 between operator and delegator.
    const parts = splitValidatorReward({
      reward: mdt(100),
      validator: addr(1),
      holders: [
        { account: addr(1), shares: 10n },
        { account: addr(2), shares: 30n },
      ],
      take: DEFAULT_VALIDATOR_TAKE,
    });
    expect(parts).to.deep.equal([
      { account: addr(1), amount: mdt(18) },
      { account: addr(1), amount: wad(205, 1) },
      { account: addr(2), amount: wad(615, 1) },
    ]);
  });

  it("gives the operator everything when nobody holds shares", function () {
    const parts = splitValidatorReward({ reward: 12345n, validator: addr(1), holders: [], take: 0n });
    expect(parts).to.deep.equal([{ account: addr(1), amount: 12345n }]);
  });

  it("rejects a take outside [0, 1e18] and a negative reward", function () {
    expectError(() => splitValidatorReward({ reward: 1n, validator: addr(1), holders: [], take: wad(1) + 1n }), "INVALID_FRACTION", /take/);
    expectError(() => splitValidatorReward({ reward: -1n, validator: addr(1), holders: [], take: 0n }), "NEGATIVE_AMOUNT", /reward/);
    expectError(() => splitValidatorReward({ reward: 1n, validator: "0x12", holders: [], take: 0n }), "INVALID_ADDRESS");
  });

  it("always sums to the reward exactly, each holder within 1 wei of its pro-rata part", function () {
    const holdersArb: fc.Arbitrary<ShareHolder[]> = fc.uniqueArray(
      fc.record({ account: addressArb, shares: fc.bigInt({ min: 0n, max: 10n ** 24n }) }),
      { maxLength: 20, selector: (h) => h.account.toLowerCase() },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 27n }), holdersArb, fractionArb, (reward, holders, take) => {
        const parts = splitValidatorReward({ reward, validator: addr(99), holders, take });
        expect(sum(parts)).to.equal(reward);
        const totalShares = holders.reduce((s, h) => s + h.shares, 0n);
        if (totalShares === 0n) return;
        const rest = reward - (reward * take) / 10n ** 18n;
        for (const [i, h] of holders.entries()) {
          const exactTimesTotal = rest * h.shares;
          const got = parts[i + 1].amount * totalShares;
          expect(got >= exactTimesTotal - totalShares && got <= exactTimesTotal + totalShares).to.equal(true);
        }
      }),
      FAST,
    );
  });

  it("lets the reward tree pay delegators, with one leaf per address and exact pool totals", function () {
    const tree = buildRewardTree({
      epoch: 3n,
      minersTotal: mdt(40),
      validatorsTotal: mdt(100),
      miners: [{ miner: addr(2), score: 1n }],
      validators: [
        { validator: addr(1), stake: mdt(30), holders: [{ account: addr(1), shares: 1n }, { account: addr(2), shares: 2n }] },
        { validator: addr(3), stake: mdt(10) },
      ],
      validatorTake: 0n,
    });
    // Validators' pool: 75 to addr(1)'s pool (shared 25 / 50), 25 to addr(3); addr(2) also mines 40.
    const byAccount = new Map(tree.leaves.map((l) => [l.account, l.amount]));
    expect(byAccount.get(addr(1))).to.equal(mdt(25));
    expect(byAccount.get(addr(2))).to.equal(mdt(90));
    expect(byAccount.get(addr(3))).to.equal(mdt(25));
    expect(tree.allocated).to.equal(mdt(140));
  });
});
