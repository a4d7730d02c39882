import { expect } from "chai";
import fc from "fast-check";
import { splitRegistrationFee, WAD } from "../../../sdk/tokenomics";
import { expectError, FAST, fractionArb, mdt, wad } from "./helpers";

describe("sdk/tokenomics: registration fees", function () {
  it("burns half and recycles half by default", function () {
    expect(splitRegistrationFee(mdt(10))).to.deep.equal({ burned: mdt(5), recycled: mdt(5) });
  });

  it("gives the rounding dust to the recycling pool and honours the burn share", function () {
    expect(splitRegistrationFee(3n)).to.deep.equal({ burned: 1n, recycled: 2n });
    expect(splitRegistrationFee(mdt(10), wad(3, 1))).to.deep.equal({ burned: mdt(3), recycled: mdt(7) });
    expect(splitRegistrationFee(mdt(10), 0n)).to.deep.equal({ burned: 0n, recycled: mdt(10) });
  });

  it("always adds up to the fee (property)", function () {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: mdt(1_000_000) }), fractionArb, (fee, burnShare) => {
        const r = splitRegistrationFee(fee, burnShare);
        return r.burned + r.recycled === fee && r.burned === (fee * burnShare) / WAD;
      }),
      FAST,
    );
  });

  it("rejects a negative fee and a burn share outside [0, 1e18]", function () {
    expectError(() => splitRegistrationFee(-1n), "NEGATIVE_AMOUNT", /fee must be >= 0, got -1/);
    expectError(() => splitRegistrationFee(1n, WAD + 1n), "INVALID_FRACTION", /burnShare must be in \[0, 1e18\]/);
  });
});
