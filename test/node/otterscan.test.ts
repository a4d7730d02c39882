/**
 * Otterscan's `ots_` namespace on a `--dev` node (API level 8, as Erigon and anvil): internal operations
 * and the flat call trace of a factory that CREATEs, CREATE2s, forwards value and self-destructs a child;
 * contract creators; transactions by sender and nonce; address history pages; revert data; block details
 * and transaction pages; code presence over time; malformed input.
 */
import { expect } from "chai";
import { AbiCoder, Interface, Wallet, getCreate2Address, getCreateAddress, keccak256, type InterfaceAbi } from "ethers";
import { compileSolidity, devKeys, rawRpc, rpc, startNode, type SpawnedNode } from "./helpers";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Child {
  constructor() payable {}
  function ping() external pure returns (uint256) { return 42; }
  function destroy(address payable to) external { selfdestruct(to); }
}
contract Factory {
  error Bad(uint256 x);
  function make(bytes32 salt, address payable to) external payable returns (address a, address b) {
    a = address(new Child{value: 1}());
    require(Child(a).ping() == 42);
    b = address(new Child{value: 2, salt: salt}());
    (bool ok, ) = to.call{value: 3}("");
    require(ok);
    Child c = new Child{value: 4}();
    c.destroy(to);
  }
  function fail() external pure { revert("nope"); }
  function failCustom(uint256 x) external pure { revert Bad(x); }
}`;

interface Op {
  type: number;
  from: string;
  to: string;
  value: string;
}
interface Entry {
  type: string;
  depth: number;
  from: string;
  to: string;
  value: string | null;
  input: string;
  output: string;
}
interface Receipt {
  transactionHash: string;
  blockNumber: string;
  blockHash: string;
  gasUsed: string;
  effectiveGasPrice: string;
  contractAddress: string | null;
  status: string;
  logs: unknown[] | null;
  logsBloom: string | null;
  timestamp?: string;
}
interface SearchPage {
  txs: { hash: string; blockNumber: string; from: string }[];
  receipts: Receipt[];
  firstPage: boolean;
  lastPage: boolean;
}

async function rpcError(url: string, method: string, params: unknown[]): Promise<{ code: number; message: string }> {
  const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params });
  const r = json as { error?: { code: number; message: string } };
  if (!r.error) throw new Error(`${method} did not fail`);
  return r.error;
}

describe("node --dev: Otterscan's ots_ namespace", function () {
  this.timeout(180_000);
  let node: SpawnedNode;
  let url: string;
  const keys = devKeys(8);
  const deployer = new Wallet(keys[1]).address.toLowerCase();
  const out = compileSolidity({ "f.sol": SOURCE });
  const factoryAbi = new Interface(out.Factory.abi as InterfaceAbi);
  const beneficiary = "0x000000000000000000000000000000000000beef";
  const salt = `0x${"ab".repeat(32)}`;
  let factory: string;
  let deployHash: string;
  let deployBlock: number;
  let makeHash: string;

  const send = (tx: Record<string, string>): Promise<string> => rpc<string>(url, "eth_sendTransaction", [tx]);
  const receipt = (h: string): Promise<Receipt> => rpc<Receipt>(url, "eth_getTransactionReceipt", [h]);

  before(async () => {
    node = await startNode({ args: ["--quiet", "--dev"] });
    url = node.url;
    deployHash = await send({ from: deployer, data: out.Factory.bytecode });
    const r = await receipt(deployHash);
    factory = (r.contractAddress ?? "").toLowerCase();
    deployBlock = Number(r.blockNumber);
    makeHash = await send({ from: deployer, to: factory, value: "0xa", data: factoryAbi.encodeFunctionData("make", [salt, beneficiary]) });
    expect((await receipt(makeHash)).status).to.equal("0x1");
  });

  after(async () => {
    await node?.stop();
  });

  it("answers API level 8 and the erigon_getHeaderByNumber probe Otterscan makes before it connects", async () => {
    expect(await rpc(url, "ots_getApiLevel")).to.equal(8);
    const head = await rpc<{ number: string; hash: string }>(url, "eth_getBlockByNumber", ["latest", false]);
    const header = await rpc<{ number: string; hash: string; transactions?: unknown }>(url, "erigon_getHeaderByNumber", [Number(head.number)]);
    expect(header).to.include({ number: head.number, hash: head.hash });
    expect(header.transactions).to.equal(undefined);
    expect((await rpc<{ hash: string }>(url, "erigon_getHeaderByNumber", ["latest"])).hash).to.equal(head.hash);
    expect(await rpc(url, "erigon_getHeaderByNumber", [1_000_000])).to.equal(null);
  });

  it("ots_getInternalOperations lists the inner CREATE, CREATE2, value transfer and SELFDESTRUCT with their values", async () => {
    const ops = await rpc<Op[]>(url, "ots_getInternalOperations", [makeHash]);
    const a = getCreateAddress({ from: factory, nonce: 1 }).toLowerCase();
    const b = getCreate2Address(factory, salt, keccak256(out.Child.bytecode)).toLowerCase();
    const c = getCreateAddress({ from: factory, nonce: 3 }).toLowerCase();
    expect(ops).to.deep.equal([
      { type: 2, from: factory, to: a, value: "0x1" },
      { type: 3, from: factory, to: b, value: "0x2" },
      { type: 0, from: factory, to: beneficiary, value: "0x3" },
      { type: 2, from: factory, to: c, value: "0x4" },
      { type: 1, from: c, to: beneficiary, value: "0x4" },
    ]);
    // A plain transfer has no inner operation: its value is the transaction's own.
    const plain = await send({ from: deployer, to: beneficiary, value: "0x5" });
    expect(await rpc(url, "ots_getInternalOperations", [plain])).to.deep.equal([]);
  });

  it("ots_traceTransaction flattens the call tree in execution order with depths, values, inputs and outputs", async () => {
    const entries = await rpc<Entry[]>(url, "ots_traceTransaction", [makeHash]);
    const a = getCreateAddress({ from: factory, nonce: 1 }).toLowerCase();
    const c = getCreateAddress({ from: factory, nonce: 3 }).toLowerCase();
    const child = new Interface(out.Child.abi as InterfaceAbi);
    expect(entries.map((e) => [e.type, e.depth, e.value])).to.deep.equal([
      ["CALL", 0, "0xa"], ["CREATE", 1, "0x1"], ["STATICCALL", 1, null], ["CREATE2", 1, "0x2"], ["CALL", 1, "0x3"], ["CREATE", 1, "0x4"], ["CALL", 1, "0x0"], ["SELFDESTRUCT", 2, "0x4"],
    ]);
    expect(entries[0]).to.include({ from: deployer, to: factory, input: factoryAbi.encodeFunctionData("make", [salt, beneficiary]) });
    expect(entries[1]).to.include({ from: factory, to: a, input: out.Child.bytecode });
    expect(entries[2]).to.deep.include({ from: factory, to: a, input: child.encodeFunctionData("ping"), output: AbiCoder.defaultAbiCoder().encode(["uint256"], [42]) });
    expect(entries[4]).to.include({ from: factory, to: beneficiary, input: "0x", output: "0x" });
    expect(entries[6]).to.include({ from: factory, to: c, input: child.encodeFunctionData("destroy", [beneficiary]) });
    expect(entries[7]).to.include({ from: c, to: beneficiary });
    // A deployment is one CREATE whose output is the runtime code.
    const deploy = await rpc<Entry[]>(url, "ots_traceTransaction", [deployHash]);
    expect(deploy).to.have.length(1);
    expect(deploy[0]).to.include({ type: "CREATE", depth: 0, from: deployer, to: factory, value: "0x0" });
    expect(deploy[0].output).to.equal(await rpc<string>(url, "eth_getCode", [factory, "latest"]));
  });

  it("ots_getContractCreator finds the deployer of a contract and the factory transaction of its CREATE / CREATE2 children", async () => {
    const a = getCreateAddress({ from: factory, nonce: 1 });
    const b = getCreate2Address(factory, salt, keccak256(out.Child.bytecode));
    const c = getCreateAddress({ from: factory, nonce: 3 });
    expect(await rpc(url, "ots_getContractCreator", [factory])).to.deep.equal({ hash: deployHash, creator: deployer });
    expect(await rpc(url, "ots_getContractCreator", [a])).to.deep.equal({ hash: makeHash, creator: factory });
    expect(await rpc(url, "ots_getContractCreator", [b])).to.deep.equal({ hash: makeHash, creator: factory });
    // The child that self-destructed in its creating transaction is gone (EIP-6780); an EOA has no creator.
    expect(await rpc(url, "ots_getContractCreator", [c])).to.equal(null);
    expect(await rpc(url, "ots_getContractCreator", [deployer])).to.equal(null);
  });

  it("ots_hasCode tells code before and after a deployment, at numbers, hex quantities and tags", async () => {
    expect(await rpc(url, "ots_hasCode", [factory, deployBlock - 1])).to.equal(false);
    expect(await rpc(url, "ots_hasCode", [factory, deployBlock])).to.equal(true);
    expect(await rpc(url, "ots_hasCode", [factory, `0x${(deployBlock - 1).toString(16)}`])).to.equal(false);
    expect(await rpc(url, "ots_hasCode", [factory, "latest"])).to.equal(true);
    expect(await rpc(url, "ots_hasCode", [deployer, "latest"])).to.equal(false);
  });

  it("ots_getTransactionError returns the revert data of a reverted transaction and 0x for a successful one", async () => {
    const reverted = async (data: string): Promise<string> => {
      const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method: "eth_sendTransaction", params: [{ from: deployer, to: factory, gas: "0x30d40", data }] });
      return (json as { error: { data: { txHash: string } } }).error.data.txHash;
    };
    const h1 = await reverted(factoryAbi.encodeFunctionData("fail"));
    const data1 = await rpc<string>(url, "ots_getTransactionError", [h1]);
    expect(factoryAbi.decodeErrorResult("Error", data1)[0]).to.equal("nope");
    const h2 = await reverted(factoryAbi.encodeFunctionData("failCustom", [7n]));
    expect(await rpc(url, "ots_getTransactionError", [h2])).to.equal(factoryAbi.encodeErrorResult("Bad", [7n]));
    expect(await rpc(url, "ots_getTransactionError", [makeHash])).to.equal("0x");
  });

  it("pages an address's transactions (sent, received, deployed) with searchTransactionsBefore / After and finds each by nonce", async () => {
    const s = new Wallet(keys[5]).address.toLowerCase();
    const other = new Wallet(keys[6]).address.toLowerCase();
    const r = "0x000000000000000000000000000000000000d00d";
    const q = "0x000000000000000000000000000000000000f00d";
    const n0 = await send({ from: s, to: r, value: "0x1" });
    await rpc(url, "evm_setAutomine", [false]);
    let n1: string;
    let n2: string;
    try {
      n1 = await send({ from: s, to: r, value: "0x2", nonce: "0x1" });
      n2 = await send({ from: s, to: q, value: "0x3", nonce: "0x2" });
      await rpc(url, "evm_mine");
    } finally {
      await rpc(url, "evm_setAutomine", [true]);
    }
    const inbound = await send({ from: other, to: s, value: "0x4" });
    const deploy = await send({ from: s, data: out.Child.bytecode });
    const created = (await receipt(deploy)).contractAddress ?? "";
    const [b1, b2, b3, b4] = await Promise.all([n0, n2, inbound, deploy].map(async (h) => Number((await receipt(h)).blockNumber)));
    expect(Number((await receipt(n1)).blockNumber)).to.equal(b2);
    expect(b4).to.be.greaterThan(b3);
    // Mine more empty blocks: the scan skips them.
    await rpc(url, "hardhat_mine", ["0x20"]);

    const search = (m: string, addr: string, block: number, size: number): Promise<SearchPage> => rpc<SearchPage>(url, m, [addr, block, size]);
    const hashes = (p: SearchPage): string[] => p.txs.map((t) => t.hash);
    const first = await search("ots_searchTransactionsBefore", s, 0, 2);
    expect(hashes(first)).to.deep.equal([deploy, inbound]);
    expect(first).to.include({ firstPage: true, lastPage: false });
    expect(first.receipts.map((x) => x.transactionHash)).to.deep.equal([deploy, inbound]);
    expect(first.receipts[0].contractAddress).to.equal(created.toLowerCase());
    const block4 = await rpc<{ timestamp: string }>(url, "eth_getBlockByNumber", [`0x${b4.toString(16)}`, false]);
    expect(first.receipts[0].timestamp).to.equal(block4.timestamp);
    const second = await search("ots_searchTransactionsBefore", s, b3, 2);
    expect(hashes(second)).to.deep.equal([n2, n1]);
    expect(second).to.include({ firstPage: false, lastPage: false });
    const third = await search("ots_searchTransactionsBefore", s, b2, 2);
    expect(hashes(third)).to.deep.equal([n0]);
    expect(third).to.include({ firstPage: false, lastPage: true });
    // From genesis: the oldest page, newest first; a block's matches all come even past the page size.
    const oldest = await search("ots_searchTransactionsAfter", s, 0, 2);
    expect(hashes(oldest)).to.deep.equal([n2, n1, n0]);
    expect(oldest).to.include({ firstPage: false, lastPage: true });
    const newer = await search("ots_searchTransactionsAfter", s, b2, 2);
    expect(hashes(newer)).to.deep.equal([deploy, inbound]);
    expect(newer).to.include({ firstPage: true, lastPage: false });
    expect(hashes(await search("ots_searchTransactionsBefore", s, 0, 25))).to.deep.equal([deploy, inbound, n2, n1, n0]);
    expect(hashes(await search("ots_searchTransactionsBefore", r, 0, 25))).to.deep.equal([n1, n0]);
    expect(hashes(await search("ots_searchTransactionsBefore", created, 0, 25))).to.deep.equal([deploy]);
    expect(hashes(await search("ots_searchTransactionsBefore", s, b1, 25))).to.deep.equal([]);
    // Hex quantities are read like numbers.
    expect(await rpc<SearchPage>(url, "ots_searchTransactionsBefore", [s, `0x${b3.toString(16)}`, "0x2"])).to.deep.equal(second);

    // Each nonce of the sender leads to its transaction (a binary search over the state's nonce history).
    for (const [nonce, h] of [n0, n1, n2, deploy].entries()) expect(await rpc(url, "ots_getTransactionBySenderAndNonce", [s, nonce])).to.equal(h);
    expect(await rpc(url, "ots_getTransactionBySenderAndNonce", [s, "0x2"])).to.equal(n2);
    expect(await rpc(url, "ots_getTransactionBySenderAndNonce", [s, 4])).to.equal(null);
    expect(await rpc(url, "ots_getTransactionBySenderAndNonce", [r, 0])).to.equal(null);

    // Block details: no transactions nor bloom, their count, the fees they paid, no issuance.
    const b2hex = `0x${b2.toString(16)}`;
    const details = await rpc<{ block: Record<string, unknown>; issuance: Record<string, string>; totalFees: string }>(url, "ots_getBlockDetails", [b2]);
    const receipts = await rpc<Receipt[]>(url, "eth_getBlockReceipts", [b2hex]);
    const fees = receipts.reduce((sum, x) => sum + BigInt(x.gasUsed) * BigInt(x.effectiveGasPrice), 0n);
    expect(fees > 0n).to.equal(true);
    expect(BigInt(details.totalFees)).to.equal(fees);
    expect(details.block).to.include({ number: b2hex, transactionCount: 2, logsBloom: null });
    expect(details.block).to.not.have.property("transactions");
    expect(details.issuance).to.deep.equal({ blockReward: "0x0", uncleReward: "0x0", issuance: "0x0" });
    expect(await rpc(url, "ots_getBlockDetailsByHash", [details.block.hash])).to.deep.equal(details);
    expect(await rpc(url, "ots_getBlockDetails", [b2hex])).to.deep.equal(details);
    expect(await rpc(url, "ots_getBlockDetails", [1_000_000])).to.equal(null);
    expect(await rpc(url, "ots_getBlockDetailsByHash", [`0x${"33".repeat(32)}`])).to.equal(null);

    // Block transactions, paged from the end of the block as Otterscan lists them (newest first).
    type TxPage = { fullblock: { transactions: { hash: string; input: string }[]; transactionCount: number; logsBloom: null }; receipts: Receipt[] };
    const page0 = await rpc<TxPage>(url, "ots_getBlockTransactions", [b2, 0, 1]);
    expect(page0.fullblock.transactions.map((t) => t.hash)).to.deep.equal([n2]);
    expect(page0.fullblock).to.include({ transactionCount: 2, logsBloom: null });
    expect(page0.receipts.map((x) => [x.transactionHash, x.logs, x.logsBloom])).to.deep.equal([[n2, null, null]]);
    expect((await rpc<TxPage>(url, "ots_getBlockTransactions", [b2, 1, 1])).fullblock.transactions.map((t) => t.hash)).to.deep.equal([n1]);
    expect((await rpc<TxPage>(url, "ots_getBlockTransactions", [b2, 2, 1])).fullblock.transactions).to.deep.equal([]);
    expect((await rpc<TxPage>(url, "ots_getBlockTransactions", [b2, 0, 25])).fullblock.transactions.map((t) => t.hash)).to.deep.equal([n1, n2]);
    // Inputs are cropped to the selector.
    const makePage = await rpc<TxPage>(url, "ots_getBlockTransactions", [Number((await receipt(makeHash)).blockNumber), 0, 25]);
    expect(makePage.fullblock.transactions[0].input).to.equal(factoryAbi.getFunction("make")?.selector);
  });

  it("refuses malformed input with -32602 and answers unknown transactions with not found", async () => {
    const unknown = `0x${"11".repeat(32)}`;
    for (const m of ["ots_traceTransaction", "ots_getInternalOperations", "ots_getTransactionError"]) {
      expect((await rpcError(url, m, ["0x1234"])).code, m).to.equal(-32602);
      const err = await rpcError(url, m, [unknown]);
      expect(err.code, m).to.equal(-32001);
      expect(err.message, m).to.match(/not found/);
    }
    const s = new Wallet(keys[5]).address;
    for (const size of [0, 101, "0x0", -1, "many"]) {
      expect((await rpcError(url, "ots_searchTransactionsBefore", [s, 0, size])).code, String(size)).to.equal(-32602);
      expect((await rpcError(url, "ots_searchTransactionsAfter", [s, 0, size])).code, String(size)).to.equal(-32602);
      expect((await rpcError(url, "ots_getBlockTransactions", [1, 0, size])).code, String(size)).to.equal(-32602);
    }
    expect((await rpcError(url, "ots_searchTransactionsBefore", [s, 0, 101])).message).to.match(/pageSize: must be between 1 and 100/);
    expect((await rpcError(url, "ots_searchTransactionsBefore", ["0x12", 0, 25])).code).to.equal(-32602);
    expect((await rpcError(url, "ots_searchTransactionsBefore", [s, 0])).message).to.match(/missing value/);
    expect((await rpcError(url, "ots_getBlockDetails", ["pending"])).message).to.match(/not mined/);
    expect((await rpcError(url, "ots_getBlockDetails", ["0xzz"])).code).to.equal(-32602);
    expect((await rpcError(url, "ots_getBlockDetails", [1.5])).code).to.equal(-32602);
    expect((await rpcError(url, "ots_getBlockDetailsByHash", ["0x33"])).code).to.equal(-32602);
    expect((await rpcError(url, "ots_hasCode", ["0x12", "latest"])).code).to.equal(-32602);
    expect((await rpcError(url, "ots_hasCode", [s, 1_000_000])).code).to.equal(-32001);
    expect((await rpcError(url, "ots_getTransactionBySenderAndNonce", [s, -1])).code).to.equal(-32602);
    expect((await rpcError(url, "ots_getContractCreator", ["nope"])).code).to.equal(-32602);
    expect((await rpcError(url, "ots_getApiLevel", [1])).code).to.equal(-32602);
  });
});
