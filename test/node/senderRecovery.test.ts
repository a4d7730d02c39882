import { expect } from "chai";
import { spawn } from "node:child_process";
import path from "node:path";
import { Wallet, getBytes } from "ethers";
import { createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { createChainCommon, devChainConfig } from "../../node/config";
import { SECP256K1_ORDER } from "@ethereumjs/util";
import { SenderRecovery, recoverInPlace, signatureParts } from "../../node/txpool/senderRecovery";
import { LuxError } from "../../node/errors";

const CHAIN_ID = 31337n;
const common = createChainCommon({ ...devChainConfig(), chainId: CHAIN_ID });

/** Transactions of every type the pool takes, from random keys: [tx, the address that signed it]. */
async function signedMix(n: number): Promise<Array<[TypedTransaction, string]>> {
  const out: Array<[TypedTransaction, string]> = [];
  for (let i = 0; i < n; i++) {
    const w = Wallet.createRandom();
    const base = { to: Wallet.createRandom().address, nonce: i, gasLimit: 21_000n, value: BigInt(i) };
    const kind = i % 4;
    const raw =
      kind === 0 ? await w.signTransaction({ ...base, type: 2, chainId: CHAIN_ID, maxFeePerGas: 10n ** 9n, maxPriorityFeePerGas: 1n })
      : kind === 1 ? await w.signTransaction({ ...base, type: 1, chainId: CHAIN_ID, gasPrice: 10n ** 9n, accessList: [] })
      : kind === 2 ? await w.signTransaction({ ...base, type: 0, chainId: CHAIN_ID, gasPrice: 10n ** 9n })
      : await w.signTransaction({ ...base, type: 0, chainId: 0n, gasPrice: 10n ** 9n }); // no EIP-155: v is 27/28
    out.push([createTxFromRLP(getBytes(raw), { common }), w.address.toLowerCase()]);
  }
  return out;
}

describe("sender recovery on a worker thread", function () {
  this.timeout(60_000);

  it("recovers the sender ethereumjs recovers, for every transaction type, through the worker and in place", async () => {
    const mix = await signedMix(64);
    for (const [tx, signer] of mix) expect(tx.getSenderAddress().toString()).to.equal(signer);
    const recovery = new SenderRecovery();
    try {
      await recovery.whenReady();
      expect(recovery.usingWorker).to.equal(true);
      // All asked in one turn: they travel as one batch and come back in order.
      const senders = await Promise.all(mix.map(([tx]) => recovery.recover(tx)));
      expect(senders.map((a) => a.toString())).to.deep.equal(mix.map(([, s]) => s));
      expect(recovery.stats).to.deep.equal({ worker: 64, inPlace: 0 });
    } finally {
      await recovery.close();
    }
    const inPlace = new SenderRecovery({ useWorker: false });
    const again = await Promise.all(mix.map(([tx]) => inPlace.recover(tx)));
    expect(again.map((a) => a.toString())).to.deep.equal(mix.map(([, s]) => s));
    expect(inPlace.stats).to.deep.equal({ worker: 0, inPlace: 64 });
  });

  it("refuses signatures no key made, in the worker as in place, and answers the valid ones of the same batch", async () => {
    const mix = await signedMix(4);
    const good = mix[0][0];
    // r ≥ n is outside [1, n): no key makes such a signature (r = 0 is refused when decoding: unsigned).
    const forged = [SECP256K1_ORDER, 2n ** 256n - 1n].map((r) => createTxFromRLP(good.addSignature(good.v as bigint, r, good.s as bigint).serialize(), { common }));
    const recovery = new SenderRecovery();
    try {
      await recovery.whenReady();
      const answers = await Promise.allSettled([good, ...forged, mix[1][0]].map((tx) => recovery.recover(tx)));
      expect(answers[0]).to.deep.include({ status: "fulfilled" });
      expect((answers[0] as PromiseFulfilledResult<{ toString(): string }>).value.toString()).to.equal(mix[0][1]);
      expect((answers[3] as PromiseFulfilledResult<{ toString(): string }>).value.toString()).to.equal(mix[1][1]);
      for (const a of answers.slice(1, 3)) {
        expect(a.status).to.equal("rejected");
        const err = (a as PromiseRejectedResult).reason as LuxError;
        expect(err).to.be.instanceOf(LuxError);
        expect(err.code).to.equal("INVALID_SIGNATURE");
      }
      for (const tx of forged) expect(() => recoverInPlace(signatureParts(tx))).to.throw(LuxError, "invalid sender");
    } finally {
      await recovery.close();
    }
  });

  it("on close, recovers in place what was not yet sent and lets the worker answer what it holds", async () => {
    const mix = await signedMix(32);
    const recovery = new SenderRecovery();
    await recovery.whenReady();
    const sent = mix.slice(0, 16).map(([tx]) => recovery.recover(tx));
    // The first batch is posted on the next turn; the rest is asked and the worker stopped before it goes.
    await new Promise((r) => setImmediate(r));
    const queued = mix.slice(16).map(([tx]) => recovery.recover(tx));
    const closed = recovery.close();
    expect(recovery.usingWorker).to.equal(false);
    const senders = await Promise.all([...sent, ...queued]);
    await closed;
    expect(senders.map((a) => a.toString())).to.deep.equal(mix.map(([, s]) => s));
    expect(recovery.stats).to.deep.equal({ worker: 16, inPlace: 16 });
    // After close everything is recovered here, and closing again is a no-op.
    expect((await recovery.recover(mix[0][0])).toString()).to.equal(mix[0][1]);
    expect(recovery.stats.inPlace).to.equal(17);
    await recovery.close();
  });

  it("closes without cutting the worker off mid-call, under load, however often (no process abort)", async () => {
    // terminate() inside the native secp256k1 call aborted the whole test process once in CI.
    const mix = await signedMix(256);
    for (let round = 0; round < 20; round++) {
      const recovery = new SenderRecovery();
      await recovery.whenReady();
      const asked = mix.map(([tx]) => recovery.recover(tx));
      await new Promise((r) => setImmediate(r));
      await recovery.close();
      const senders = await Promise.all(asked);
      expect(senders.map((a) => a.toString())).to.deep.equal(mix.map(([, s]) => s));
      expect(recovery.stats.worker + recovery.stats.inPlace).to.equal(mix.length);
    }
  });

  it("does not keep a finished process alive", async () => {
    // A process that recovers a sender through the worker and has nothing left to do must exit by itself.
    const root = path.resolve(__dirname, "../..");
    const script = `
      const { Wallet, getBytes } = require("ethers");
      const { createTxFromRLP } = require("@ethereumjs/tx");
      const { createChainCommon, devChainConfig } = require("./node/config");
      const { SenderRecovery } = require("./node/txpool/senderRecovery");
      (async () => {
        const common = createChainCommon({ ...devChainConfig(), chainId: 31337n });
        const w = Wallet.createRandom();
        const raw = await w.signTransaction({ type: 2, chainId: 31337n, nonce: 0, to: w.address, gasLimit: 21000n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n });
        const r = SenderRecovery.shared();
        await r.whenReady();
        const sender = await r.recover(createTxFromRLP(getBytes(raw), { common }));
        console.log(r.usingWorker && sender.toString() === w.address.toLowerCase() ? "recovered" : "wrong");
      })();`;
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | string>((resolve) => {
      const t = setTimeout(() => {
        child.kill("SIGKILL");
        resolve("still running after 30 s");
      }, 30_000);
      child.on("exit", (c) => {
        clearTimeout(t);
        resolve(c ?? -1);
      });
    });
    expect(code, out).to.equal(0);
    expect(out.trim()).to.equal("recovered");
  });
});
