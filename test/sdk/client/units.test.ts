/** parseMdt / formatMdt: exact both ways, strict about what a human amount may look like. */
import { expect } from "chai";
import fc from "fast-check";
import { formatMdt, isClientError, parseMdt, parsePositiveMdt } from "../../../sdk/client";

describe("client: MDT amounts", function () {
  it("parses and formats exactly", function () {
    expect(parseMdt("1.5")).to.equal(1_500_000_000_000_000_000n);
    expect(parseMdt("0.000000000000000001")).to.equal(1n);
    expect(formatMdt(1n)).to.equal("0.000000000000000001");
    expect(formatMdt(10n ** 21n)).to.equal("1000.0");
  });

  it("round-trips every wei amount", function () {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), (wei) => parseMdt(formatMdt(wei)) === wei), { numRuns: 300 });
  });

  for (const bad of ["", "abc", "-1", "1e3", "1.2.3", "0x10", "1,5", "1.0000000000000000001"]) {
    it(`rejects "${bad}" with INVALID_AMOUNT`, function () {
      expect(() => parseMdt(bad)).to.throw().that.satisfies((e: unknown) => isClientError(e, "INVALID_AMOUNT"));
    });
  }

  it("requires a positive amount where one is needed", function () {
    expect(() => parsePositiveMdt("0")).to.throw(/greater than 0/);
  });
});
