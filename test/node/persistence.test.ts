import { expect } from "chai";
import { JsonRpcProvider, Wallet, keccak256, toUtf8Bytes } from "ethers";
import { devKeys, rawRpc, rpc, startNode, tempDataDir, waitFor, type SpawnedNode } from "./helpers";

interface RpcBlock {
  number: string;
  hash: string;
  stateRoot: string;
  transactions: string[];
}

const CHAIN_ID = 8898n;

describe("node: persistence across restart and kill -9", function () {
  this.timeout(180_000);
  let node: SpawnedNode | undefined;

  afterEach(async () => {
    await node?.stop();
    node = undefined;
  });

  it("a clean restart keeps blocks, receipts and balances and continues the chain", async () => {
    const dataDir = tempDataDir("restart");
    node = await startNode({ dataDir, args: ["--quiet"] });
    let provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    const [a, b] = devKeys(3).slice(1).map((k) => new Wallet(k, provider));
    const receipts = [];
    for (let i = 0; i < 3; i++) receipts.push(await (await a.sendTransaction({ to: b.address, value: 1000n + BigInt(i) })).wait(1, 30_000));
    const last = receipts[2]!;
    const block = await rpc<RpcBlock>(node.url, "eth_getBlockByNumber", [`0x${last.blockNumber.toString(16)}`, false]);
    const balance = await provider.getBalance(b.address, last.blockNumber);
    provider.destroy();
    await node.stop();

    node = await startNode({ dataDir, args: ["--quiet"] });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    const again = await rpc<RpcBlock>(node.url, "eth_getBlockByNumber", [block.number, false]);
    expect(again).to.deep.equal(block);
    expect(await provider.getBalance(b.address, last.blockNumber)).to.equal(balance);
    for (const r of receipts) {
      const got = await provider.getTransactionReceipt(r!.hash);
      expect(got?.blockHash).to.equal(r!.blockHash);
      expect(got?.status).to.equal(1);
    }
    const a2 = a.connect(provider);
    const next = await (await a2.sendTransaction({ to: b.address, value: 1n })).wait(1, 30_000);
    expect(next?.blockNumber).to.be.greaterThan(last.blockNumber);
    expect(await provider.getTransactionCount(a.address)).to.equal(4);
    provider.destroy();
  });

  it("kill -9 under load, then restart: consistent head, state and receipts", async () => {
    const dataDir = tempDataDir("kill9");
    node = await startNode({ dataDir, args: ["--quiet"] });
    const senders = devKeys(10).slice(1).map((k) => new Wallet(k));
    const to = new Wallet(keccak256(toUtf8Bytes("kill9-recipient"))).address;
    const PER_SENDER = 150;
    // Pre-sign a load: 9 senders x 150 transfers.
    const raws: string[][] = [];
    for (const s of senders) {
      const list: string[] = [];
      for (let n = 0; n < PER_SENDER; n++) {
        list.push(await s.signTransaction({ type: 2, chainId: CHAIN_ID, nonce: n, to, value: 1n, gasLimit: 21_000n, maxFeePerGas: 20_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n }));
      }
      raws.push(list);
    }
    // Send in rounds and kill the process while blocks are being built and written.
    const target = node;
    let sent = 0;
    const sending = (async () => {
      for (let n = 0; n < PER_SENDER; n++) {
        try {
          await rawRpc(target.url, raws.map((l, id) => ({ jsonrpc: "2.0", id, method: "eth_sendRawTransaction", params: [l[n]] })));
          sent++;
        } catch {
          return;
        }
      }
    })();
    await waitFor(async () => sent >= 40, 60_000, "load to be under way");
    await target.kill9();
    await sending;
    node = undefined;

    node = await startNode({ dataDir, args: ["--quiet", "--no-produce"] });
    const head = await rpc<RpcBlock>(node.url, "eth_getBlockByNumber", ["latest", false]);
    const headNumber = Number(head.number);
    expect(headNumber).to.be.greaterThan(0);
    // Every block up to the head is complete: body, receipts and state all present and agreeing.
    const included = new Map<string, number>();
    let prevHash: string | undefined;
    for (let n = 0; n <= headNumber; n++) {
      const b = await rpc<RpcBlock & { parentHash: string; transactions: { hash: string; from: string }[] }>(node.url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, true]);
      if (prevHash) expect(b.parentHash).to.equal(prevHash);
      prevHash = b.hash;
      for (const t of b.transactions) {
        included.set(t.from.toLowerCase(), (included.get(t.from.toLowerCase()) ?? 0) + 1);
        const r = await rpc<{ status: string; blockHash: string } | null>(node.url, "eth_getTransactionReceipt", [t.hash]);
        expect(r?.blockHash).to.equal(b.hash);
        expect(r?.status).to.equal("0x1");
      }
    }
    for (const s of senders) {
      const nonce = Number(await rpc<string>(node.url, "eth_getTransactionCount", [s.address, "latest"]));
      expect(nonce).to.equal(included.get(s.address.toLowerCase()) ?? 0);
    }
    const total = [...included.values()].reduce((x, y) => x + y, 0);
    expect(BigInt(await rpc<string>(node.url, "eth_getBalance", [to, "latest"]))).to.equal(BigInt(total));
    await node.stop();

    // And the chain goes on from there (transactions pending at the kill come back from the txpool
    // journal, so the next nonce is the pending one).
    node = await startNode({ dataDir, args: ["--quiet"] });
    const s0 = senders[0];
    const n0 = Number(await rpc<string>(node.url, "eth_getTransactionCount", [s0.address, "pending"]));
    const h = await rpc<string>(node.url, "eth_sendRawTransaction", [await s0.signTransaction({ type: 2, chainId: CHAIN_ID, nonce: n0, to, value: 1n, gasLimit: 21_000n, maxFeePerGas: 20_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n })]);
    const r = await waitFor(() => rpc<{ status: string; blockNumber: string } | null>(node!.url, "eth_getTransactionReceipt", [h]), 30_000, "post-restart receipt");
    expect(Number(r.blockNumber)).to.be.greaterThan(headNumber);
  });
});
