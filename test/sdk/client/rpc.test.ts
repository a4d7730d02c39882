/** Timeouts, retries with backoff, and what counts as transient. */
import { expect } from "chai";
import { backoffDelay, isClientError, isTransientError, withRetry, withTimeout, type RpcPolicy } from "../../../sdk/client";

const FAST: RpcPolicy = { timeoutMs: 50, retries: 3, baseDelayMs: 1, maxDelayMs: 4 };

describe("client: RPC timeouts and retries", function () {
  it("retries transient failures and then succeeds", async function () {
    let calls = 0;
    const result = await withRetry("flaky", FAST, async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      return "ok";
    });
    expect(result).to.equal("ok");
    expect(calls).to.equal(3);
  });

  it("treats 429 and 5xx as transient, reverts and 4xx as final", function () {
    expect(isTransientError({ status: 429 })).to.equal(true);
    expect(isTransientError({ response: { statusCode: 503 } })).to.equal(true);
    expect(isTransientError({ code: "SERVER_ERROR" })).to.equal(true);
    expect(isTransientError({ code: "CALL_EXCEPTION", data: "0x12345678" })).to.equal(false);
    expect(isTransientError({ status: 400 })).to.equal(false);
    expect(isTransientError(new Error("nope"))).to.equal(false);
  });

  it("does not retry a deterministic failure", async function () {
    let calls = 0;
    try {
      await withRetry("revert", FAST, async () => {
        calls++;
        throw Object.assign(new Error("execution reverted"), { code: "CALL_EXCEPTION", data: "0xdeadbeef" });
      });
    } catch {
      // expected
    }
    expect(calls).to.equal(1);
  });

  it("times out a hanging call and gives up with RPC_TIMEOUT after the retries", async function () {
    let calls = 0;
    try {
      await withRetry("hang", FAST, () => {
        calls++;
        return new Promise<never>(() => undefined);
      });
      expect.fail("should time out");
    } catch (error) {
      expect(isClientError(error, "RPC_TIMEOUT"), String(error)).to.equal(true);
    }
    expect(calls).to.equal(FAST.retries + 1);
  });

  it("ends exhausted transient failures in RPC_ERROR", async function () {
    try {
      await withRetry("down", FAST, async () => {
        throw Object.assign(new Error("HTTP 503"), { status: 503 });
      });
      expect.fail("should fail");
    } catch (error) {
      expect(isClientError(error, "RPC_ERROR")).to.equal(true);
    }
  });

  it("backs off exponentially up to the cap", function () {
    const policy: RpcPolicy = { timeoutMs: 1, retries: 9, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n))).to.deep.equal([100, 200, 400, 800, 1_000]);
  });

  it("withTimeout passes a fast result through", async function () {
    expect(await withTimeout("fast", 1_000, async () => 7)).to.equal(7);
  });
});
