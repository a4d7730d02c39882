import { expect } from "chai";
import { RLP } from "@ethereumjs/rlp";
import { JsonRpcProvider, Wallet, ethers } from "ethers";
import WebSocket from "ws";
import { devKeys, rawRpc, rpc, startNode, type SpawnedNode } from "./helpers";

const CHAIN_ID = 8898n;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

interface RpcError {
  code: number;
  message: string;
  data?: string;
}

describe("node: txpool rejections and malformed RPC input", function () {
  this.timeout(120_000);
  let node: SpawnedNode;
  let provider: JsonRpcProvider;
  let w: Wallet[];
  let baseFee: bigint;

  before(async () => {
    node = await startNode({ args: ["--quiet", "--txpool-per-sender", "4", "--txpool-max", "6"] });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    w = devKeys(8).map((k) => new Wallet(k, provider));
    baseFee = BigInt(await rpc<string>(node.url, "eth_gasPrice")) - 1_000_000_000n;
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  async function sendErr(raw: string): Promise<RpcError> {
    const res = await rawRpc(node.url, { jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [raw] });
    const body = res.json as { error?: RpcError; result?: string };
    if (!body.error) throw new Error(`expected a rejection, got ${body.result}`);
    return body.error;
  }

  async function nonceOf(wallet: Wallet): Promise<number> {
    return provider.getTransactionCount(wallet.address, "latest");
  }

  function tx(over: Record<string, unknown> = {}): Record<string, unknown> {
    return { type: 2, chainId: CHAIN_ID, to: w[7].address, value: 1n, gasLimit: 21_000n, maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, ...over };
  }

  it("nonce too low", async () => {
    const sent = await w[1].sendTransaction({ to: w[7].address, value: 1n });
    await sent.wait(1, 30_000);
    const raw = await w[1].signTransaction(tx({ nonce: sent.nonce }));
    const e = await sendErr(raw);
    expect(e).to.deep.equal({ code: -32000, message: `nonce too low: next nonce ${sent.nonce + 1}, tx nonce ${sent.nonce}` });
  });

  it("already known, replacement underpriced, and a ≥10% bump replaces", async () => {
    const gap = (await nonceOf(w[2])) + 5;
    const first = await w[2].signTransaction(tx({ nonce: gap }));
    const hash = await rpc<string>(node.url, "eth_sendRawTransaction", [first]);
    expect(await sendErr(first)).to.deep.equal({ code: -32000, message: "already known" });
    const low = await w[2].signTransaction(tx({ nonce: gap, maxFeePerGas: 54_000_000_000n, maxPriorityFeePerGas: 1_090_000_000n }));
    expect(await sendErr(low)).to.deep.equal({ code: -32000, message: "replacement transaction underpriced" });
    const bumped = await w[2].signTransaction(tx({ nonce: gap, maxFeePerGas: 55_000_000_000n, maxPriorityFeePerGas: 1_100_000_000n }));
    const h2 = await rpc<string>(node.url, "eth_sendRawTransaction", [bumped]);
    expect(h2).to.not.equal(hash);
    expect(await rpc(node.url, "eth_getTransactionByHash", [hash])).to.equal(null);
    expect((await rpc<{ hash: string; blockNumber: null }>(node.url, "eth_getTransactionByHash", [h2])).blockNumber).to.equal(null);
  });

  it("insufficient funds", async () => {
    const poor = Wallet.createRandom();
    const raw = await poor.signTransaction(tx({ nonce: 0 }));
    const cost = 21_000n * 50_000_000_000n + 1n;
    expect(await sendErr(raw)).to.deep.equal({ code: -32000, message: `insufficient funds for gas * price + value: balance 0, tx cost ${cost}, overshot ${cost}` });
  });

  it("intrinsic gas too low", async () => {
    const raw = await w[3].signTransaction(tx({ nonce: await nonceOf(w[3]), gasLimit: 20_000n }));
    expect(await sendErr(raw)).to.deep.equal({ code: -32000, message: "intrinsic gas too low: have 20000, want 21000" });
  });

  it("a fee cap below the next base fee is held (queued), not refused", async () => {
    const raw = await w[3].signTransaction(tx({ nonce: await nonceOf(w[3]), maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }));
    const hash = await rpc<string>(node.url, "eth_sendRawTransaction", [raw]);
    expect(baseFee > 1n).to.equal(true);
    const held = await rpc<{ blockNumber: string | null }>(node.url, "eth_getTransactionByHash", [hash]);
    expect(held.blockNumber).to.equal(null);
  });

  it("wrong chain id", async () => {
    const raw = await w[3].signTransaction(tx({ nonce: 0, chainId: 1n }));
    expect(await sendErr(raw)).to.deep.equal({ code: -32000, message: "invalid chain id: have 1, want 8898" });
    const legacy = await w[3].signTransaction({ type: 0, chainId: 5n, nonce: 0, to: w[7].address, gasLimit: 21_000n, gasPrice: 50_000_000_000n });
    expect(await sendErr(legacy)).to.deep.equal({ code: -32000, message: "invalid chain id: have 5, want 8898" });
  });

  it("invalid signature", async () => {
    const raw = ethers.getBytes(await w[3].signTransaction(tx({ nonce: await nonceOf(w[3]) })));
    const fields = RLP.decode(raw.subarray(1)) as Uint8Array[];
    fields[11] = ethers.getBytes(ethers.toBeHex(SECP256K1_N - 1n, 32)); // high s: not a canonical signature
    const bad = ethers.concat(["0x02", RLP.encode(fields)]);
    expect(await sendErr(bad)).to.deep.equal({ code: -32000, message: "invalid sender" });
  });

  it("oversized", async () => {
    const raw = await w[3].signTransaction(tx({ nonce: await nonceOf(w[3]), data: `0x${"00".repeat(130 * 1024)}`, gasLimit: 3_000_000n }));
    const e = await sendErr(raw);
    expect(e.code).to.equal(-32000);
    expect(e.message).to.match(/^oversized data: transaction size \d+, limit 131072$/);
  });

  it("gas limit above the block gas limit, tip above fee cap, undecodable bytes", async () => {
    expect(await sendErr(await w[3].signTransaction(tx({ nonce: await nonceOf(w[3]), gasLimit: 31_000_000n })))).to.deep.equal({ code: -32000, message: "exceeds block gas limit" });
    // Wallets refuse to sign tip > fee cap: assemble and sign the EIP-1559 payload by hand.
    const q = (n: bigint | number): Uint8Array => (BigInt(n) === 0n ? new Uint8Array(0) : ethers.getBytes(ethers.toBeHex(n)));
    const unsigned = [q(CHAIN_ID), q(await nonceOf(w[3])), q(3_000_000_000n), q(2_000_000_000n), q(21_000n), ethers.getBytes(w[7].address), q(1n), new Uint8Array(0), []];
    const digest = ethers.keccak256(ethers.concat(["0x02", RLP.encode(unsigned)]));
    const sig = w[3].signingKey.sign(digest);
    const tip = ethers.concat(["0x02", RLP.encode([...unsigned, q(sig.yParity), ethers.getBytes(sig.r), ethers.getBytes(sig.s)])]);
    expect(await sendErr(tip)).to.deep.equal({ code: -32000, message: "max priority fee per gas higher than max fee per gas" });
    const e = await sendErr("0x02c0");
    expect(e.code).to.equal(-32000);
    expect(e.message).to.match(/^invalid transaction/);
  });

  it("per-sender and total limits", async () => {
    // w[2] already holds one gapped transaction; fill to the per-sender limit of 4 with more gaps.
    const base = (await nonceOf(w[4])) + 10;
    for (let i = 0; i < 4; i++) await rpc(node.url, "eth_sendRawTransaction", [await w[4].signTransaction(tx({ nonce: base + i }))]);
    const e = await sendErr(await w[4].signTransaction(tx({ nonce: base + 4 })));
    expect(e.code).to.equal(-32000);
    expect(e.message).to.equal(`account limit exceeded: 4 transactions held for ${w[4].address.toLowerCase()}`);
    // 1 (w2, gapped) + 1 (w3, fee cap below the base fee) + 4 (w4, gapped) fill the total of 6; a gapped
    // transaction paying no more than the cheapest gapped one held cannot evict anything.
    const full = await sendErr(await w[6].signTransaction(tx({ nonce: (await nonceOf(w[6])) + 10 })));
    expect(full.code).to.equal(-32000);
    expect(full.message).to.match(/^txpool is full: transaction underpriced/);
  });

  describe("malformed JSON-RPC input", () => {
    const call = (body: unknown) => rawRpc(node.url, body);

    it("parse error, invalid requests and unknown methods", async () => {
      expect((await call("{not json")).json).to.deep.equal({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } });
      expect((await call([])).json).to.deep.equal({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "empty batch" } });
      expect((await call({ jsonrpc: "1.0", id: 1, method: "eth_chainId" })).json).to.deep.equal({ jsonrpc: "2.0", id: 1, error: { code: -32600, message: 'invalid request: jsonrpc must be "2.0"' } });
      expect((await call({ jsonrpc: "2.0", id: 2 })).json).to.deep.equal({ jsonrpc: "2.0", id: 2, error: { code: -32600, message: "invalid request: method must be a string" } });
      expect((await call({ jsonrpc: "2.0", id: { x: 1 }, method: "eth_chainId" })).json).to.deep.equal({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "invalid request id" } });
      expect((await call({ jsonrpc: "2.0", id: 3, method: "eth_nope" })).json).to.deep.equal({ jsonrpc: "2.0", id: 3, error: { code: -32601, message: "the method eth_nope does not exist/is not available" } });
      expect((await call(42)).json).to.deep.equal({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "invalid request" } });
    });

    it("invalid params are rejected with the argument named", async () => {
      const err = async (method: string, params: unknown): Promise<RpcError> => ((await call({ jsonrpc: "2.0", id: 1, method, params })).json as { error: RpcError }).error;
      expect(await err("eth_getBalance", ["0x123"])).to.deep.equal({ code: -32602, message: "invalid argument address: expected a 20-byte hex address" });
      expect(await err("eth_getBalance", [])).to.deep.equal({ code: -32602, message: "missing value for required argument 0 (address)" });
      expect(await err("eth_blockNumber", [1])).to.deep.equal({ code: -32602, message: "too many arguments, want at most 0" });
      expect(await err("eth_getBlockByNumber", ["latest"])).to.deep.equal({ code: -32602, message: "missing value for required argument 1 (fullTransactions)" });
      expect(await err("eth_getBlockByNumber", ["0xzz", false])).to.deep.equal({ code: -32602, message: "invalid argument block: expected a block number or tag" });
      expect(await err("eth_getTransactionByHash", ["0x1234"])).to.deep.equal({ code: -32602, message: "invalid argument txHash: expected a 32-byte hex hash" });
      expect(await err("eth_sendRawTransaction", ["xyz"])).to.deep.equal({ code: -32602, message: "invalid argument transaction: expected 0x-prefixed hex data" });
      expect(await err("eth_call", [{ to: "0x1" }])).to.deep.equal({ code: -32602, message: "invalid argument to: expected a 20-byte hex address" });
      expect(await err("eth_chainId", { a: 1 })).to.deep.equal({ code: -32602, message: "invalid params: expected an array" });
      expect(await err("eth_getLogs", [{ fromBlock: "0x10000000000000001" }])).to.deep.equal({ code: -32602, message: "invalid argument fromBlock: block number larger than int64" });
      expect(await err("eth_getLogs", [{ topics: [null, null, null, null, null] }])).to.deep.equal({ code: -32602, message: "invalid argument topics: at most 4 topic positions" });
      expect(await err("eth_subscribe", ["newHeads"])).to.deep.equal({ code: -32601, message: "notifications not supported over HTTP: use a WebSocket" });
      expect(await err("eth_feeHistory", ["0x2", "latest", [90, 10]])).to.deep.equal({ code: -32602, message: "invalid argument rewardPercentiles: must be ascending" });
    });

    it("batch limits, mixed batches, body limit, CORS and WebSocket garbage", async () => {
      const mixed = (await call([1, { jsonrpc: "2.0", id: 9, method: "eth_chainId" }, { jsonrpc: "2.0", method: "eth_chainId" }])).json as unknown[];
      expect(mixed).to.deep.equal([{ jsonrpc: "2.0", id: null, error: { code: -32600, message: "invalid request" } }, { jsonrpc: "2.0", id: 9, result: "0x22c2" }]);
      const big = Array.from({ length: 1001 }, (_, id) => ({ jsonrpc: "2.0", id, method: "eth_chainId" }));
      expect((await call(big)).json).to.deep.equal({ jsonrpc: "2.0", id: null, error: { code: -32005, message: "batch too large: 1001 requests, limit 1000 (--rpc-batch-limit)" } });
      const huge = await call({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: ["x".repeat(6 * 1024 * 1024)] });
      expect(huge.status).to.equal(413);
      expect((huge.json as { error: RpcError }).error.code).to.equal(-32005);
      const pre = await fetch(node.url, { method: "OPTIONS", headers: { Origin: "http://example.com", "Access-Control-Request-Method": "POST" } });
      expect(pre.status).to.equal(204);
      expect(pre.headers.get("access-control-allow-origin")).to.equal("*");
      const ws = new WebSocket(node.wsUrl);
      await new Promise((res, rej) => {
        ws.once("open", res);
        ws.once("error", rej);
      });
      const replies: unknown[] = [];
      ws.on("message", (m) => replies.push(JSON.parse(m.toString())));
      ws.send("}{");
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "eth_chainId" }));
      const deadline = Date.now() + 10_000;
      while (replies.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(replies).to.deep.include({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } });
      expect(replies).to.deep.include({ jsonrpc: "2.0", id: 5, result: "0x22c2" });
      ws.close();
      // Still alive and serving.
      expect(await rpc(node.url, "eth_chainId")).to.equal("0x22c2");
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(metrics).to.match(/luxtensor_head_number \d+/);
      expect(metrics).to.match(/luxtensor_txpool_size \d+/);
      expect(metrics).to.include("luxtensor_block_build_seconds_bucket");
      expect(metrics).to.include("luxtensor_tx_per_second");
    });
  });
});
