import { expect } from "chai";
import { RLP } from "@ethereumjs/rlp";
import { ContractFactory, JsonRpcProvider, Wallet, ethers } from "ethers";
import { compileSolidity, devKeys, rawRpc, rpc, startNode, waitFor, type SpawnedNode } from "./helpers";
import { signDigest, signingRoot } from "../../node/consensus/envelope";

const COUNTER = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract Counter {
  event Bumped(uint256 n, bytes32 prev);
  uint256 public n;
  function bump() external { n += 1; emit Bumped(n, blockhash(block.number - 1)); }
}`;

interface RpcBlock {
  number: string;
  hash: string;
  stateRoot: string;
  receiptsRoot: string;
}

describe("node: a second node re-validates and imports the first one's blocks", function () {
  this.timeout(180_000);
  let a: SpawnedNode;
  let b: SpawnedNode;
  let provider: JsonRpcProvider;

  before(async () => {
    [a, b] = await Promise.all([startNode({ args: ["--quiet", "--slot-time", "250"] }), startNode({ args: ["--no-produce", "--allow-import-block", "--slot-time", "250"] })]);
    provider = new JsonRpcProvider(a.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    const [w1, w2, w3] = devKeys(4).slice(1).map((k) => new Wallet(k, provider));
    const c = compileSolidity({ "Counter.sol": COUNTER }).Counter;
    const counter = await new ContractFactory(c.abi as never, c.bytecode, w1).deploy();
    await counter.waitForDeployment();
    const bumps = [];
    for (let i = 0; i < 3; i++) bumps.push(await (counter.connect(w2) as unknown as { bump(): Promise<{ wait(): Promise<unknown> }> }).bump());
    const transfers = [];
    for (let i = 0; i < 5; i++) transfers.push(await w3.sendTransaction({ to: w1.address, value: 10n ** 15n }));
    await Promise.all([...bumps, ...transfers].map((t) => t.wait()));
  });

  after(async () => {
    provider?.destroy();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  async function envelope(n: number): Promise<string> {
    return rpc<string>(a.url, "lux_getBlockEnvelope", [`0x${n.toString(16)}`]);
  }

  async function importErr(env: string): Promise<string> {
    const res = await rawRpc(b.url, { jsonrpc: "2.0", id: 1, method: "lux_importBlock", params: [env] });
    const body = res.json as { error?: { message: string } };
    if (!body.error) throw new Error("expected the block to be rejected");
    return body.error.message;
  }

  it("imports every block, reaching the same head, state root and receipts", async () => {
    const head = await rpc<RpcBlock>(a.url, "eth_getBlockByNumber", ["latest", false]);
    const n = Number(head.number);
    for (let i = 1; i <= n; i++) await rpc(b.url, "lux_importBlock", [await envelope(i)]);
    const other = await rpc<RpcBlock>(b.url, "eth_getBlockByNumber", [head.number, false]);
    expect(other.hash).to.equal(head.hash);
    expect(other.stateRoot).to.equal(head.stateRoot);
    expect(other.receiptsRoot).to.equal(head.receiptsRoot);
    const w1 = new Wallet(devKeys(2)[1]).address;
    expect(await rpc(b.url, "eth_getBalance", [w1, head.number])).to.equal(await rpc(a.url, "eth_getBalance", [w1, head.number]));
    const logsA = await rpc<unknown[]>(a.url, "eth_getLogs", [{ fromBlock: "0x0", toBlock: head.number }]);
    const logsB = await rpc<unknown[]>(b.url, "eth_getLogs", [{ fromBlock: "0x0", toBlock: head.number }]);
    expect(logsB).to.deep.equal(logsA);
    expect(logsA.length).to.equal(3);
  });

  it("a node started with --follow syncs and re-validates the chain on its own", async () => {
    const c = await startNode({ args: ["--quiet", "--slot-time", "250", "--follow", a.url] });
    try {
      const target = await rpc<RpcBlock>(a.url, "eth_getBlockByNumber", ["latest", false]);
      const got = await waitFor(async () => {
        const h = await rpc<RpcBlock | null>(c.url, "eth_getBlockByNumber", [target.number, false]);
        return h ?? undefined;
      }, 30_000, "the follower to reach the leader's head");
      expect(got.hash).to.equal(target.hash);
      expect(got.stateRoot).to.equal(target.stateRoot);
    } finally {
      await c.stop();
    }
  });

  it("rejects tampered blocks with a logged reason and stays on its head", async () => {
    const next = Number(await rpc<string>(b.url, "eth_blockNumber")) + 1;
    await (await new Wallet(devKeys(5)[4], provider).sendTransaction({ to: ethers.ZeroAddress, value: 1n })).wait();
    const good = ethers.getBytes(await envelope(next));
    const [blockRaw, slot, sig, ...rest] = RLP.decode(good) as unknown as [Uint8Array[][], Uint8Array, Uint8Array, Uint8Array, Uint8Array[], Uint8Array[]];

    // 1. A flipped signature byte: the recovered signer is not the slot's proposer.
    const badSig = Uint8Array.from(sig);
    badSig[5] ^= 0xff;
    expect(await importErr(ethers.hexlify(RLP.encode([blockRaw, slot, badSig, ...rest] as never)))).to.match(/block signed by 0x[0-9a-fA-F]{40}, but slot \d+ belongs to signer 0x|unrecoverable signature/);

    // 2. A block re-signed by a key that is not the proposer's signer.
    const { createBlockFromBytesArray } = await import("@ethereumjs/block");
    const { createChainCommon, devChainConfig } = await import("../../node/config");
    const common = createChainCommon(devChainConfig());
    const block = createBlockFromBytesArray(blockRaw as never, { common });
    const slotN = BigInt(ethers.toBigInt(slot.length ? slot : new Uint8Array([0])));
    const wrongSig = signDigest(signingRoot(8898n, block.hash(), slotN), ethers.getBytes(devKeys(6)[5]));
    expect(await importErr(ethers.hexlify(RLP.encode([blockRaw, slot, wrongSig, ...rest] as never)))).to.match(/^block signed by 0x[0-9a-fA-F]{40}, but slot \d+ belongs to signer 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266/);

    // 3. A transaction swapped inside the body: the header (and signature) stay valid, the roots do not.
    const txs = blockRaw[1] as unknown as Uint8Array[];
    const forged = await new Wallet(devKeys(6)[5]).signTransaction({ type: 2, chainId: 8898n, nonce: 0, to: ethers.ZeroAddress, value: 2n, gasLimit: 21_000n, maxFeePerGas: 20_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n });
    const bodyTampered = [blockRaw[0], [ethers.getBytes(forged), ...txs.slice(1)], ...blockRaw.slice(2)];
    expect(await importErr(ethers.hexlify(RLP.encode([bodyTampered as never, slot, sig, ...rest] as never)))).to.match(/^block \d+: header (stateRoot|gasUsed|receiptTrie|transactionsTrie) is 0x/);

    // 4. A replayed slot (not after the parent's).
    expect(await importErr(ethers.hexlify(RLP.encode([blockRaw, new Uint8Array([1]), sig, ...rest] as never)))).to.match(/^slot 1 is not after parent slot \d+$/);

    // 5. Garbage.
    expect(await importErr("0xc0")).to.match(/^malformed block envelope/);

    expect(b.output()).to.match(/rejected block: WRONG_PROPOSER/);
    // The untouched block is still accepted afterwards.
    await rpc(b.url, "lux_importBlock", [ethers.hexlify(good)]);
    expect(Number(await rpc<string>(b.url, "eth_blockNumber"))).to.equal(next);
  });
});
