import { expect } from "chai";
import fc from "fast-check";
import { slash, WAD } from "../../../sdk/tokenomics";
import { expectError, FAST, fractionArb, mdt, wad } from "./helpers";

describe("sdk/tokenomics: slashing", function () {
  it("takes the fraction of stake and burns half by default", function () {
    expect(slash(mdt(1000), wad(1, 1))).to.deep.equal({ slashed: mdt(100), burned: mdt(50), recycled: mdt(50) });
  });

  it("gives the rounding dust to the recycling pool", function () {
    expect(slash(3n, WAD)).to.deep.equal({ slashed: 3n, burned: 1n, recycled: 2n });
    expect(slash(3n, WAD, WAD)).to.deep.equal({ slashed: 3n, burned: 3n, recycled: 0n });
    expect(slash(3n, 0n)).to.deep.equal({ slashed: 0n, burned: 0n, recycled: 0n });
  });

  it("never slashes more than the stake and its parts add up (property)", function () {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: mdt(21_000_000) }), fractionArb, fractionArb, (stake, fraction, burnShare) => {
        const r = slash(stake, fraction, burnShare);
        return r.slashed <= stake && r.burned + r.recycled === r.slashed && r.slashed === (stake * fraction) / WAD;
      }),
      FAST,
    );
  });

  it("rejects negative stake and fractions outside [0, 1e18]", function () {
    expectError(() => slash(-1n, WAD), "NEGATIVE_AMOUNT", /stake must be >= 0/);
    expectError(() => slash(1n, WAD + 1n), "INVALID_FRACTION", /fraction must be in \[0, 1e18\]/);
    expectError(() => slash(1n, -1n), "INVALID_FRACTION", /fraction/);
    expectError(() => slash(1n, WAD, -1n), "INVALID_FRACTION", /burnShare/);
  });
});
