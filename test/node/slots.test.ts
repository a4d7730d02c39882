import { expect } from "chai";
import { Wallet, ethers } from "ethers";
import { createBlockFromBytesArray } from "@ethereumjs/block";
import { encodeEnvelope } from "../../node/consensus/envelope";
import { devChainConfig } from "../../node/config";
import { devKeys, rawRpc, rpc, startNode, waitFor, type SpawnedNode } from "./helpers";
import { VALIDATORS, nowSlot, openChain, produceAt, transfer, type TestChain } from "./chainHarness";

async function rpcError(url: string, method: string, params: unknown[]): Promise<{ code: number; message: string }> {
  const res = await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params });
  const body = res.json as { error?: { code: number; message: string } };
  if (!body.error) throw new Error(`expected ${method} to fail`);
  return body.error;
}

describe("node: slots follow the clock (spawned nodes)", function () {
  this.timeout(240_000);

  describe("a dev-mode devnet after a burst of transactions", () => {
    let node: SpawnedNode;
    before(async () => {
      node = await startNode({ args: ["--quiet"] });
    });
    after(async () => node?.stop());

    it("keeps producing a block every slot (no stall while the slot counter is ahead of the clock)", async () => {
      // 3,000 transfers (63M gas): several blocks built back to back, faster than one per slot.
      const senders = devKeys(12).slice(2).map((k) => new Wallet(k));
      const batch: unknown[] = [];
      for (let n = 0; n < 300; n++) {
        for (const w of senders) {
          const raw = await w.signTransaction({ type: 2, chainId: 8898n, nonce: n, to: ethers.ZeroAddress, value: 1n, gasLimit: 21_000n, maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n });
          batch.push({ jsonrpc: "2.0", id: batch.length, method: "eth_sendRawTransaction", params: [raw] });
        }
      }
      const before = Number(await rpc<string>(node.url, "eth_blockNumber"));
      for (let i = 0; i < batch.length; i += 1000) await rawRpc(node.url, batch.slice(i, i + 1000));
      const last = senders[senders.length - 1].address;
      await waitFor(async () => (await rpc<string>(node.url, "eth_getTransactionCount", [last, "latest"])) === "0x12c", 120_000, "the burst to be mined");
      const afterBurst = Number(await rpc<string>(node.url, "eth_blockNumber"));
      expect(afterBurst - before).to.be.greaterThanOrEqual(3);
      // Every following slot (1 s) brings a block: five in a row, each within three slots.
      let prev = afterBurst;
      for (let i = 0; i < 5; i++) {
        prev = await waitFor(async () => {
          const n = Number(await rpc<string>(node.url, "eth_blockNumber"));
          return n > prev ? n : undefined;
        }, 3_000, `block ${prev + 1} after the burst`);
      }
      const blocks = await Promise.all([afterBurst, prev].map((n) => rpc<{ timestamp: string }>(node.url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false])));
      expect(BigInt(blocks[1].timestamp)).to.be.greaterThan(BigInt(blocks[0].timestamp));
    });

    it("has lux_importBlock off unless the flag enables it", async () => {
      const err = await rpcError(node.url, "lux_importBlock", ["0xc0"]);
      expect(err.message).to.equal("lux_importBlock is disabled: start the node with --allow-import-block to enable it");
    });
  });

  describe("a network-mode node with lux_importBlock enabled, fed hostile blocks", () => {
    let node: SpawnedNode;
    let forger: TestChain;
    before(async () => {
      node = await startNode({ args: ["--quiet", "--no-dev-mode", "--allow-import-block", "--no-produce"] });
      // The same chain in-process: the forger holds the genesis validator's key.
      forger = await openChain(devChainConfig({ devMode: false }));
    });
    after(async () => {
      await node?.stop();
      await forger?.close();
    });

    it("rejects a block with a transaction appended past the gas cut-off, under the honest header and signature", async () => {
      const forger1 = await openChain(devChainConfig({ devMode: false }));
      try {
        // 1,440 transfers of 21,000 gas: 1,428 fill the 30M block, the rest are past the cut-off.
        const txs = [];
        for (let from = 2; from < 20; from++) for (let nonce = 0; nonce < 80; nonce++) txs.push(await transfer(forger1.chain, from, nonce));
        const h = await produceAt(forger1.chain, nowSlot(forger1.chain), txs);
        const included = h.record.block.transactions.length;
        expect(included).to.equal(Number(forger1.chain.config.gasLimit / 21_000n));
        const raw = h.record.block.raw();
        const body = [...(raw[1] as Uint8Array[]), txs[included].tx.serialize()];
        const appended = createBlockFromBytesArray([raw[0], body, raw[2], raw[3]] as never, { common: forger1.chain.common });
        expect(appended.hash()).to.deep.equal(h.record.hash); // header, hash and signature are the honest ones
        const err = await rpcError(node.url, "lux_importBlock", [ethers.hexlify(encodeEnvelope({ ...h.record, block: appended }))]);
        expect(err.message).to.equal(`block 1: body holds ${included + 1} transactions but ${included} were executed (nothing may follow the gas cut-off)`);
      } finally {
        await forger1.close();
      }
      // Nothing of the rejected block was written.
      expect(await rpc<string>(node.url, "eth_blockNumber")).to.equal("0x0");
      expect(await rpc<string>(node.url, "eth_getTransactionCount", [devKeys(3).map((k) => new Wallet(k).address)[2], "latest"])).to.equal("0x0");
    });

    it("rejects a far-future slot and a wrong proposer with clear errors, then accepts the honest block", async () => {
      const far = await produceAt(forger.chain, nowSlot(forger.chain) + 1000n);
      const e1 = await rpcError(node.url, "lux_importBlock", [ethers.hexlify(encodeEnvelope(far.record))]);
      expect(e1.message).to.match(/^slot \d+ is in the future: the clock is at slot \d+ \(accepting up to \d+\)$/);

      const forger2 = await openChain(devChainConfig({ devMode: false }));
      try {
        const slot = nowSlot(forger2.chain);
        const duty = await forger2.chain.engine.duty(forger2.chain.parentInfo(), slot);
        const thief = VALIDATORS[1];
        const stolen = await produceAt(forger2.chain, slot, [], { ...duty, proposer: { address: thief.address, signer: thief.address, stake: 1n } });
        const e2 = await rpcError(node.url, "lux_importBlock", [ethers.hexlify(encodeEnvelope(stolen.record))]);
        expect(e2.message.toLowerCase()).to.equal(`slot ${slot} belongs to ${VALIDATORS[0].address}, block coinbase is ${thief.address}`.toLowerCase());
      } finally {
        await forger2.close();
      }
      expect(await rpc<string>(node.url, "eth_blockNumber")).to.equal("0x0");
      const forger3 = await openChain(devChainConfig({ devMode: false }));
      try {
        const honest = await produceAt(forger3.chain, nowSlot(forger3.chain));
        const res = await rpc<{ hash: string }>(node.url, "lux_importBlock", [ethers.hexlify(encodeEnvelope(honest.record))]);
        expect(res.hash).to.equal(ethers.hexlify(honest.record.hash));
      } finally {
        await forger3.close();
      }
      expect(node.output()).to.not.match(/Error:|TypeError/);
    });
  });
});
