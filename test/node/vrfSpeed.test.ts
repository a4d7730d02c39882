import { expect } from "chai";
import { LuxError } from "../../node/errors";
import { randaoMessage } from "../../node/consensus/messages";
import { vrfOutput, vrfProofRun, vrfProve, vrfVerify } from "../../node/consensus/vrf";

const WORKER_WAIT_MS = 20_000;

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the VRF precompute worker");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("VRF shortcuts of the block producer", () => {
  const sk = new Uint8Array(32).fill(0x42);

  it("vrfOutput reads the same output vrfVerify checks, and refuses a proof of the wrong size", () => {
    const alpha = randaoMessage(31337n, 77n);
    const proof = vrfProve(sk, alpha);
    expect(vrfOutput(proof)).to.deep.equal(vrfVerify(proof, alpha).output);
    expect(() => vrfOutput(proof.subarray(1))).to.throw(LuxError, /130 bytes/);
  });

  it("proofs the worker made ahead for a run of slots (automine's next slots) are byte-identical to ones computed in place", async () => {
    const chainId = 31337n;
    const run = vrfProofRun(sk, chainId, 78n, 16);
    try {
      await until(() => run.isReady(93n), WORKER_WAIT_MS);
      for (let slot = 78n; slot < 94n; slot++) {
        const alpha = randaoMessage(chainId, slot);
        const proof = run.proof(slot);
        expect(proof, `slot ${slot}`).to.deep.equal(vrfProve(sk, alpha));
        expect(vrfVerify(proof, alpha).output).to.deep.equal(vrfOutput(proof));
      }
      expect(run.stats).to.deep.equal({ fromWorker: 16, inPlace: 0 });
      expect(run.covers(sk, 94n)).to.equal(false);
      expect(run.covers(new Uint8Array(32).fill(0x43), 80n)).to.equal(false);
    } finally {
      run.close();
    }
  });

  it("the attacker: a proof for another slot, a swapped Gamma or an off-curve point never verifies", () => {
    const alpha = randaoMessage(31337n, 79n);
    const proof = vrfProve(sk, alpha);
    expect(() => vrfVerify(proof, randaoMessage(31337n, 80n))).to.throw(LuxError, /does not verify/);
    const other = vrfProve(new Uint8Array(32).fill(0x43), alpha);
    const swapped = Uint8Array.from(proof);
    swapped.set(other.subarray(33, 66), 33);
    expect(() => vrfVerify(swapped, alpha)).to.throw(LuxError, /does not verify/);
    const offCurve = Uint8Array.from(proof);
    offCurve.set(new Uint8Array(32).fill(0xff), 34);
    expect(() => vrfVerify(offCurve, alpha)).to.throw(LuxError, /invalid curve point/);
  });
});
