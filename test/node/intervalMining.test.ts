import { expect } from "chai";
import { Wallet, getBytes } from "ethers";
import { createNode, type LuxNode } from "../../node/node";
import { devAccounts, devChainConfig } from "../../node/config";
import type { Logger, NewHead } from "../../node/chain/types";
import { tempDataDir, waitFor } from "./helpers";

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const SLOT_MS = 500;
/** ~238 transfers a block: each block takes tens of ms to build, well inside its slot. */
const GAS_LIMIT = 5_000_000n;
const PER_SENDER = 36;

describe("interval mining (no automine) under load", function () {
  this.timeout(120_000);
  let node: LuxNode;

  after(async () => {
    await node?.stop();
  });

  it("makes a block in every slot while transactions wait, even when building takes part of the slot", async () => {
    const keys = devAccounts().map((a) => a.privateKey);
    node = await createNode({
      dataDir: tempDataDir("interval"), chain: devChainConfig({ slotTimeMs: SLOT_MS, gasLimit: GAS_LIMIT }), port: 0,
      log: silent, logBlocks: false, signerKeys: keys, dev: { accounts: [], automine: false, slotBlocks: true },
    });
    const blocks: Array<{ slot: bigint; txs: number }> = [];
    node.chain.on("head", (h: NewHead) => blocks.push({ slot: h.record.slot, txs: h.record.block.transactions.length }));
    const chainId = node.config.chainId;
    const to = Wallet.createRandom().address;
    const signed = await Promise.all(keys.map(async (k) => {
      const w = new Wallet(k);
      const out: string[] = [];
      for (let nonce = 0; nonce < PER_SENDER; nonce++) {
        out.push(await w.signTransaction({ type: 2, chainId, nonce, to, value: 1n, gasLimit: 21_000n, maxFeePerGas: 10n ** 11n, maxPriorityFeePerGas: 1n }));
      }
      return out;
    }));
    for (let nonce = 0; nonce < PER_SENDER; nonce++) await Promise.all(signed.map((list) => node.pool.add(getBytes(list[nonce]))));
    await waitFor(async () => node.pool.size === 0, 60_000, "the pool to drain");
    const busy = blocks.filter((b) => b.txs > 0);
    expect(busy.reduce((n, b) => n + b.txs, 0)).to.equal(keys.length * PER_SENDER);
    expect(busy.length, "full blocks").to.be.greaterThan(2);
    // Each full block takes the slot right after the previous one: no slot is skipped while work waits.
    for (let i = 1; i < busy.length; i++) expect(busy[i].slot, `block ${i} of ${busy.length}`).to.equal(busy[i - 1].slot + 1n);
  });
});
