/**
 * geth's header reads and raw getters against a spawned `--dev` node: eth_getHeaderBy*, the uncle
 * getters, debug_getRawHeader / Block / Transaction / Receipts. The raw bytes are checked against what
 * they commit to (block and transaction hashes, the header's receipts root rebuilt in a stock trie).
 */
import { expect } from "chai";
import { createMPT } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { Interface, Wallet, keccak256, toQuantity } from "ethers";
import { compileSolidity, devKeys, rawRpc, rpc, startNode, type SpawnedNode } from "./helpers";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Emitter {
  event Ping(address indexed from, uint256 value);
  function ping(uint256 v) external { emit Ping(msg.sender, v); emit Ping(address(this), v + 1); }
  function boom() external pure { revert("no"); }
}`;

type Block = Record<string, unknown> & { hash: string; number: string; receiptsRoot: string; transactions: string[] };

/** The receipts root of these encoded receipts, computed by the stock trie (key: rlp(index)). */
async function receiptsRoot(raw: string[]): Promise<string> {
  const trie = await createMPT();
  for (const [i, r] of raw.entries()) await trie.put(RLP.encode(i), hexToBytes(r as `0x${string}`));
  return bytesToHex(trie.root());
}

describe("node: header reads and raw getters (eth_getHeaderBy*, debug_getRaw*)", function () {
  this.timeout(120_000);
  let node: SpawnedNode;
  let url: string;
  const wallet = new Wallet(devKeys(1)[0]);
  const out = compileSolidity({ "e.sol": SOURCE });
  const abi = new Interface(out.Emitter.abi as string[]);
  let block: Block;
  let hashes: string[];

  before(async () => {
    node = await startNode({ args: ["--dev"] });
    url = node.url;
    const from = wallet.address;
    const deployed = await rpc<string>(url, "eth_sendTransaction", [{ from, data: out.Emitter.bytecode }]);
    const emitter = (await rpc<{ contractAddress: string }>(url, "eth_getTransactionReceipt", [deployed])).contractAddress;
    // One block holding a legacy, an EIP-2930 and an EIP-1559 transaction, with logs and a failure.
    await rpc(url, "evm_setAutomine", [false]);
    const nonce = Number(await rpc<string>(url, "eth_getTransactionCount", [from, "latest"]));
    const chainId = BigInt(await rpc<string>(url, "eth_chainId"));
    const txs = [
      { type: 0, gasPrice: 10n ** 10n, to: emitter, data: abi.encodeFunctionData("ping", [1n]) },
      { type: 1, gasPrice: 10n ** 10n, to: emitter, data: abi.encodeFunctionData("boom"), accessList: [{ address: emitter, storageKeys: [] }] },
      { type: 2, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, to: wallet.address, value: 5n },
      { type: 2, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, to: emitter, data: abi.encodeFunctionData("ping", [7n]) },
    ];
    hashes = [];
    try {
      for (const [i, t] of txs.entries()) {
        const raw = await wallet.signTransaction({ ...t, chainId, nonce: nonce + i, gasLimit: 200_000n });
        hashes.push(await rpc<string>(url, "eth_sendRawTransaction", [raw]));
      }
      await rpc(url, "evm_mine");
    } finally {
      await rpc(url, "evm_setAutomine", [true]);
    }
    block = await rpc<Block>(url, "eth_getBlockByNumber", ["latest", false]);
    expect(block.transactions).to.deep.equal(hashes);
  });

  after(async () => {
    await node?.stop();
  });

  it("eth_getHeaderByNumber / ByHash: the block without its body; unknown blocks are null", async () => {
    const header = await rpc<Record<string, unknown>>(url, "eth_getHeaderByNumber", [block.number]);
    const { transactions: _t, uncles: _u, withdrawals: _w, size: _s, ...expected } = block;
    expect(header).to.deep.equal(expected);
    expect(await rpc(url, "eth_getHeaderByHash", [block.hash])).to.deep.equal(expected);
    expect(await rpc(url, "eth_getHeaderByNumber", ["0xffffff"])).to.equal(null);
    expect(await rpc(url, "eth_getHeaderByHash", [`0x${"ab".repeat(32)}`])).to.equal(null);
    expect(await rpc(url, "eth_getUncleByBlockNumberAndIndex", [block.number, "0x0"])).to.equal(null);
    expect(await rpc(url, "eth_getUncleByBlockHashAndIndex", [block.hash, "0x0"])).to.equal(null);
  });

  it("debug_getRawHeader and debug_getRawBlock hash to the block's hash; the block decodes to its transactions", async () => {
    const rawHeader = await rpc<string>(url, "debug_getRawHeader", [block.number]);
    expect(keccak256(rawHeader)).to.equal(block.hash);
    // A bare 32-byte hash is a block reference wherever one is taken, as in geth.
    const rawBlock = await rpc<string>(url, "debug_getRawBlock", [block.hash]);
    expect(await rpc(url, "debug_getRawBlock", [{ blockHash: block.hash }])).to.equal(rawBlock);
    expect(await rpc(url, "eth_getBalance", [wallet.address, block.hash])).to.equal(await rpc(url, "eth_getBalance", [wallet.address, { blockHash: block.hash }]));
    // [header, transactions, uncles, withdrawals]: typed transactions are byte strings, legacy ones lists.
    const [header, txs, uncles] = RLP.decode(hexToBytes(rawBlock as `0x${string}`)) as [Uint8Array[], (Uint8Array | Uint8Array[])[], unknown[]];
    expect(keccak256(RLP.encode(header))).to.equal(block.hash);
    expect(uncles).to.deep.equal([]);
    expect(txs.map((t) => keccak256(t instanceof Uint8Array ? t : RLP.encode(t)))).to.deep.equal(hashes);
    expect(txs.map((t) => (t instanceof Uint8Array ? t[0] : 0))).to.deep.equal([0, 1, 2, 2]);
  });

  it("debug_getRawTransaction hashes to the transaction's hash; an unknown hash gives 0x, as geth", async () => {
    for (const h of hashes) expect(keccak256(await rpc<string>(url, "debug_getRawTransaction", [h]))).to.equal(h);
    expect(await rpc(url, "debug_getRawTransaction", [`0x${"cd".repeat(32)}`])).to.equal("0x");
  });

  it("debug_getRawReceipts rebuild the header's receipts root (statuses, logs and types included)", async () => {
    const raw = await rpc<string[]>(url, "debug_getRawReceipts", [block.number]);
    expect(raw).to.have.length(4);
    expect(await receiptsRoot(raw)).to.equal(block.receiptsRoot);
    // Typed receipts start with their type byte; the legacy one is a bare RLP list.
    expect(raw.slice(1).map((r) => r.slice(0, 4))).to.deep.equal(["0x01", "0x02", "0x02"]);
    expect(Number.parseInt(raw[0].slice(2, 4), 16)).to.be.greaterThanOrEqual(0xc0);
    const statuses = await Promise.all(hashes.map(async (h) => (await rpc<{ status: string }>(url, "eth_getTransactionReceipt", [h])).status));
    expect(statuses).to.deep.equal(["0x1", "0x0", "0x1", "0x1"]);
    // An empty block's receipts are an empty list, and the empty trie's root is its receipts root.
    await rpc(url, "evm_mine");
    const empty = await rpc<Block>(url, "eth_getBlockByNumber", ["latest", false]);
    expect(await rpc(url, "debug_getRawReceipts", ["latest"])).to.deep.equal([]);
    expect(await receiptsRoot([])).to.equal(empty.receiptsRoot);
  });

  it("refuses the pending block, unknown blocks and malformed parameters with clear errors", async () => {
    const error = async (method: string, params: unknown[]): Promise<{ code: number; message: string }> => {
      const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params });
      return (json as { error: { code: number; message: string } }).error;
    };
    for (const m of ["debug_getRawHeader", "debug_getRawBlock", "debug_getRawReceipts"]) {
      expect((await error(m, ["pending"])).message, m).to.match(/pending block is not mined/);
      expect((await error(m, [toQuantity(10_000_000)])).message, m).to.equal("block not found");
      expect((await error(m, ["0xzz"])).code, m).to.equal(-32602);
      expect((await error(m, [])).code, m).to.equal(-32602);
    }
    expect((await error("eth_getHeaderByNumber", ["pending"])).code).to.equal(-32602);
    expect((await error("eth_getHeaderByHash", ["0x12"])).code).to.equal(-32602);
    expect((await error("debug_getRawTransaction", ["0x12"])).code).to.equal(-32602);
    expect((await error("eth_getUncleByBlockNumberAndIndex", [block.number, "index"])).code).to.equal(-32602);
  });
});
