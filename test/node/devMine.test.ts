/**
 * hardhat_mine of many blocks on a `--dev` node: the blocks are real (sealed, linked, epochs opened,
 * strictly timed) across the chain's write batches, survive a restart, and neither the mine nor a revert
 * over it is cut by the per-request time-out (a governance voting period is 50,400 blocks).
 */
import { expect } from "chai";
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { rawRpc, rpc, startNode, waitFor, type SpawnedNode } from "./helpers";

interface RpcBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  miner: string;
  transactions: string[];
}

const block = (url: string, n: number | string): Promise<RpcBlock> =>
  rpc<RpcBlock>(url, "eth_getBlockByNumber", [typeof n === "number" ? `0x${n.toString(16)}` : n, false]);

/** More than one write batch of the chain (1,000 blocks) and several 32-slot epochs. */
const COUNT = 2_345;
/** A request time-out far below what mining COUNT blocks takes: hardhat_mine and evm_revert must ignore it. */
const TINY_TIMEOUT_MS = "300";

describe("node --dev: hardhat_mine of many blocks", function () {
  this.timeout(300_000);
  let dev: SpawnedNode;

  before(async () => {
    dev = await startNode({ args: ["--quiet", "--dev", "--rpc-timeout", TINY_TIMEOUT_MS] });
  });

  after(async () => {
    await dev?.stop();
  });

  it("mines every block, linked and strictly timed across write batches, past a request time-out far shorter than the run", async () => {
    const start = Number(await rpc<string>(dev.url, "eth_blockNumber"));
    const snap = await rpc<string>(dev.url, "evm_snapshot");
    expect(await rpc(dev.url, "hardhat_mine", [`0x${COUNT.toString(16)}`, "0x2"])).to.equal(true);
    const head = Number(await rpc<string>(dev.url, "eth_blockNumber"));
    expect(head).to.equal(start + COUNT);
    // Around each batch boundary and at the ends: parent links and the interval (2 s after the first block).
    for (const n of [start + 1, start + 2, start + 1000, start + 1001, start + 2001, head]) {
      const [b, p] = await Promise.all([block(dev.url, n), block(dev.url, n - 1)]);
      expect(b.parentHash).to.equal(p.hash);
      expect(Number(b.number)).to.equal(n);
      expect(b.transactions).to.deep.equal([]);
      if (n > start + 1) expect(BigInt(b.timestamp) - BigInt(p.timestamp)).to.equal(2n);
    }
    // The run crossed many epoch boundaries: the blocks there are sealed by the scheduled (dev) validator too.
    const miners = new Set((await Promise.all([start + 31, start + 32, start + 33, start + 1024, head].map((n) => block(dev.url, n)))).map((b) => b.miner));
    expect(miners.size).to.equal(1);

    // A revert over the whole run is not cut by the time-out either, and lands exactly on the snapshot.
    expect(await rpc(dev.url, "evm_revert", [snap])).to.equal(true);
    expect(Number(await rpc<string>(dev.url, "eth_blockNumber"))).to.equal(start);
    expect(await rpc(dev.url, "eth_getBlockByNumber", [`0x${(start + 1).toString(16)}`, false])).to.equal(null);
  });

  it("keeps the mined blocks across a restart (each batch is committed before the head moves)", async () => {
    expect(await rpc(dev.url, "hardhat_mine", ["0x4b0"])).to.equal(true);
    const head = await block(dev.url, "latest");
    await dev.stop();
    dev = await startNode({ dataDir: dev.dataDir, args: ["--quiet", "--dev", "--rpc-timeout", TINY_TIMEOUT_MS] });
    const again = await block(dev.url, head.number);
    expect(again.hash).to.equal(head.hash);
    expect(Number(await rpc<string>(dev.url, "eth_blockNumber"))).to.be.gte(Number(head.number));
  });

  it("after a revert, finality follows the new branch: votes for the dropped blocks are forgotten", async () => {
    const finalized = async (): Promise<number> => Number((await block(dev.url, "finalized")).number);
    const s = Number(await rpc<string>(dev.url, "eth_blockNumber"));
    const snap = await rpc<string>(dev.url, "evm_snapshot");
    await rpc(dev.url, "hardhat_mine", ["0x12c"]);
    await rpc(dev.url, "evm_mine");
    await rpc(dev.url, "evm_mine");
    await waitFor(async () => (await finalized()) >= s + 300, 30_000, "finality on the first branch");
    expect(await rpc(dev.url, "evm_revert", [snap])).to.equal(true);
    expect(await finalized()).to.be.lte(s);
    // Past the dropped branch's heights: this node votes again there, and its votes justify and finalize.
    await rpc(dev.url, "hardhat_mine", ["0x190"]);
    await rpc(dev.url, "evm_mine");
    await rpc(dev.url, "evm_mine");
    await waitFor(async () => (await finalized()) >= s + 400, 30_000, "finality on the new branch");
    const f = await block(dev.url, "finalized");
    expect((await block(dev.url, Number(f.number))).hash).to.equal(f.hash);
  });

  it("a second node re-validates and imports every mined block (proofs made ahead on the worker are real)", async () => {
    // A fresh dev node (few blocks besides the run), mining across 11 epochs; the follower imports it all.
    const [miner, follower] = await Promise.all([
      startNode({ args: ["--quiet", "--dev"] }),
      startNode({ args: ["--quiet", "--dev", "--no-produce", "--allow-import-block"] }),
    ]);
    try {
      expect(await rpc(miner.url, "hardhat_mine", ["0x15e"])).to.equal(true);
      const head = await block(miner.url, "latest");
      const last = Number(head.number);
      for (let n = 1; n < last; n++) {
        const env = await rpc<string>(miner.url, "lux_getBlockEnvelope", [`0x${n.toString(16)}`]);
        await rpc(follower.url, "lux_importBlock", [env]);
      }
      // The attacker: the head block with the previous block's reveal (a valid proof, of another slot).
      const fields = RLP.decode(hexToBytes(await rpc<`0x${string}`>(miner.url, "lux_getBlockEnvelope", [head.number]))) as Uint8Array[];
      const prev = RLP.decode(hexToBytes(await rpc<`0x${string}`>(miner.url, "lux_getBlockEnvelope", [`0x${(last - 1).toString(16)}`]))) as Uint8Array[];
      const forged = bytesToHex(RLP.encode([fields[0], fields[1], fields[2], prev[3], fields[4], fields[5]] as never));
      const { json } = await rawRpc(follower.url, { jsonrpc: "2.0", id: 1, method: "lux_importBlock", params: [forged] });
      expect((json as { error?: { message: string } }).error?.message).to.match(/does not verify/);
      await rpc(follower.url, "lux_importBlock", [await rpc<string>(miner.url, "lux_getBlockEnvelope", [head.number])]);
      expect((await block(follower.url, "latest")).hash).to.equal(head.hash);
    } finally {
      await Promise.all([miner.stop(), follower.stop()]);
    }
  });

  it("still refuses a malformed or out-of-range count", async () => {
    for (const bad of [["-0x1"], ["0xffffffffff"], [1.5], ["many"]]) {
      const { json } = await rawRpc(dev.url, { jsonrpc: "2.0", id: 1, method: "hardhat_mine", params: bad });
      expect((json as { error?: { code: number } }).error?.code, JSON.stringify(bad)).to.equal(-32602);
    }
  });
});
