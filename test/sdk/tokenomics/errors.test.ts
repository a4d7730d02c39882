import { expect } from "chai";
import { isModernTensorError, ModernTensorError } from "../../../sdk/errors";

describe("sdk/errors: ModernTensorError", function () {
  it("is an Error carrying a code, details and cause", function () {
    const cause = new Error("root cause");
    const error = new ModernTensorError("INVALID_UTILITY", "utility must be in [0, 1e18], got 2", {
      details: { utility: 2n },
      cause,
    });
    expect(error).to.be.instanceOf(Error);
    expect(error.name).to.equal("ModernTensorError");
    expect(error.code).to.equal("INVALID_UTILITY");
    expect(error.details).to.deep.equal({ utility: 2n });
    expect(error.cause).to.equal(cause);
    expect(error.message).to.equal("utility must be in [0, 1e18], got 2");
  });

  it("leaves details and cause undefined when not given", function () {
    const error = new ModernTensorError("EMPTY_SET", "empty");
    expect(error.details).to.equal(undefined);
    expect(error.cause).to.equal(undefined);
  });

  it("isModernTensorError narrows by code", function () {
    const error = new ModernTensorError("EMPTY_SET", "empty");
    expect(isModernTensorError(error)).to.equal(true);
    expect(isModernTensorError(error, "EMPTY_SET")).to.equal(true);
    expect(isModernTensorError(error, "INVALID_EPOCH")).to.equal(false);
    expect(isModernTensorError(new Error("x"))).to.equal(false);
  });
});
