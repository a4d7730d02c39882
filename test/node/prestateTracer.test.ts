/**
 * geth's prestateTracer on a `--dev` node: the pre-state of what a transaction touched (sender, contract
 * code, the old values of the slots it read or wrote), diffMode's `{ pre, post }` checked against the
 * chain's state before and after, contract creations in post only, and the tracerConfig checks.
 */
import { expect } from "chai";
import { Interface, Wallet, keccak256 } from "ethers";
import { compileSolidity, devKeys, rawRpc, rpc, startNode, type SpawnedNode } from "./helpers";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Child { uint256 public y = 7; }
contract Bank {
  uint256 public x = 1;
  uint256 public untouched = 2;
  function set(uint256 v) external payable { x = v; }
  function peek() external view returns (uint256) { return x; }
  function make() external returns (address) { return address(new Child()); }
}`;

interface Account {
  balance?: string;
  nonce?: number;
  code?: string;
  codeHash?: string;
  storage?: Record<string, string>;
}
type State = Record<string, Account>;
interface Diff {
  pre: State;
  post: State;
}
interface Receipt {
  blockNumber: string;
  contractAddress: string | null;
  status: string;
}

const slot = (n: bigint): string => `0x${n.toString(16).padStart(64, "0")}`;
const hex = (n: bigint): string => `0x${n.toString(16)}`;

describe("node --dev: debug_trace* with the prestateTracer", function () {
  this.timeout(180_000);
  let node: SpawnedNode;
  let url: string;
  const from = new Wallet(devKeys(1)[0]).address.toLowerCase();
  let bank: string;
  const out = compileSolidity({ "t.sol": SOURCE });
  const bankAbi = new Interface(out.Bank.abi as string[]);

  async function send(tx: Record<string, string>): Promise<{ hash: string; receipt: Receipt }> {
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from, ...tx }]);
    const receipt = await rpc<Receipt>(url, "eth_getTransactionReceipt", [hash]);
    expect(receipt.status).to.equal("0x1");
    return { hash, receipt };
  }
  const at = (block: string, delta: bigint): string => hex(BigInt(block) + delta);
  const balance = async (a: string, block: string): Promise<string> => rpc<string>(url, "eth_getBalance", [a, block]);
  const nonce = async (a: string, block: string): Promise<number> => Number(await rpc<string>(url, "eth_getTransactionCount", [a, block]));

  before(async () => {
    node = await startNode({ args: ["--dev"] });
    url = node.url;
    bank = (await send({ data: out.Bank.bytecode })).receipt.contractAddress ?? "";
    expect(bank).to.match(/^0x[0-9a-f]{40}$/);
  });

  after(async () => {
    await node?.stop();
  });

  it("shows the touched accounts as they were before the transaction, with the old values of the slots it touched", async () => {
    const { hash, receipt } = await send({ to: bank, value: "0x3e8", data: bankAbi.encodeFunctionData("set", [5n]) });
    const prev = at(receipt.blockNumber, -1n);
    const pre = await rpc<State>(url, "debug_traceTransaction", [hash, { tracer: "prestateTracer" }]);
    expect(pre[from].balance).to.equal(await balance(from, prev));
    expect(pre[from].nonce).to.equal(await nonce(from, prev));
    expect(pre[from].code).to.equal(undefined);
    expect(pre[from].codeHash).to.equal(undefined);
    const code = await rpc<string>(url, "eth_getCode", [bank, prev]);
    // Only the slot the transaction wrote, with its value before; the contract has no balance yet (shown as 0x0) and nonce 1.
    expect(pre[bank]).to.deep.equal({ balance: "0x0", nonce: 1, code, codeHash: keccak256(code), storage: { [slot(0n)]: slot(1n) } });
    // geth lists the block's coinbase too (when it was not empty).
    const block = await rpc<{ miner: string }>(url, "eth_getBlockByNumber", [receipt.blockNumber, false]);
    const minerBefore = await balance(block.miner, prev);
    if (BigInt(minerBefore) > 0n) expect(pre[block.miner.toLowerCase()]?.balance).to.equal(minerBefore);
    for (const addr of Object.keys(pre)) expect(addr).to.match(/^0x[0-9a-f]{40}$/);

    const lean = await rpc<State>(url, "debug_traceTransaction", [hash, { tracer: "prestateTracer", tracerConfig: { disableCode: true, disableStorage: true } }]);
    expect(lean[bank]).to.deep.equal({ balance: "0x0", nonce: 1, codeHash: keccak256(code) });
  });

  it("lists the block's coinbase, which receives the fee tip, with its balance before", async () => {
    const other = new Wallet(devKeys(2)[1]).address.toLowerCase();
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from: other, to: bank, data: bankAbi.encodeFunctionData("set", [5n]) }]); // x stays 5 for the next test
    const receipt = await rpc<Receipt>(url, "eth_getTransactionReceipt", [hash]);
    const miner = (await rpc<{ miner: string }>(url, "eth_getBlockByNumber", [receipt.blockNumber, false])).miner.toLowerCase();
    expect(miner).to.not.equal(other);
    const prev = at(receipt.blockNumber, -1n);
    const pre = await rpc<State>(url, "debug_traceTransaction", [hash, { tracer: "prestateTracer" }]);
    expect(pre[miner]?.balance).to.equal(await balance(miner, prev));
    const diff = await rpc<Diff>(url, "debug_traceTransaction", [hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]);
    expect(diff.post[miner]?.balance).to.equal(await balance(miner, receipt.blockNumber));
  });

  it("diffMode shows only what changed: post matches the chain after the transaction, pre before it", async () => {
    const { hash, receipt } = await send({ to: bank, value: "0x64", data: bankAbi.encodeFunctionData("set", [9n]) });
    const prev = at(receipt.blockNumber, -1n);
    const blk = receipt.blockNumber;
    const diff = await rpc<Diff>(url, "debug_traceTransaction", [hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]);
    expect(diff.post[bank]).to.deep.equal({ balance: await balance(bank, blk), storage: { [slot(0n)]: slot(9n) } });
    const code = await rpc<string>(url, "eth_getCode", [bank, prev]);
    expect(diff.pre[bank]).to.deep.equal({ balance: await balance(bank, prev), nonce: 1, code, codeHash: keccak256(code), storage: { [slot(0n)]: slot(5n) } });
    expect(diff.post[from]).to.deep.equal({ balance: await balance(from, blk), nonce: await nonce(from, blk) });
    expect(diff.pre[from]).to.deep.equal({ balance: await balance(from, prev), nonce: await nonce(from, prev) });
    // Every post balance is the chain's after the block (one transaction per block in automine).
    for (const [addr, acc] of Object.entries(diff.post)) if (acc.balance !== undefined) expect(acc.balance, addr).to.equal(await balance(addr, blk));
  });

  it("a contract creation appears in post only, in both a creating transaction and an inner CREATE", async () => {
    const { hash, receipt } = await send({ data: out.Bank.bytecode });
    const created = receipt.contractAddress ?? "";
    const diff = await rpc<Diff>(url, "debug_traceTransaction", [hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]);
    expect(diff.pre).to.not.have.property(created);
    const code = await rpc<string>(url, "eth_getCode", [created, receipt.blockNumber]);
    expect(diff.post[created]).to.deep.equal({ nonce: 1, code, codeHash: keccak256(code), storage: { [slot(0n)]: slot(1n), [slot(1n)]: slot(2n) } });
    const plain = await rpc<State>(url, "debug_traceTransaction", [hash, { tracer: "prestateTracer" }]);
    expect(plain).to.not.have.property(created);
    expect(plain).to.have.property(from);

    const inner = await send({ to: bank, data: bankAbi.encodeFunctionData("make") });
    const made = await rpc<Diff>(url, "debug_traceTransaction", [inner.hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]);
    const child = Object.keys(made.post).find((a) => a !== bank && a !== from && made.post[a].code !== undefined) ?? "";
    expect(made.pre).to.not.have.property(child);
    expect(made.post[child]).to.include({ nonce: 1, code: await rpc<string>(url, "eth_getCode", [child, inner.receipt.blockNumber]) });
    expect(made.post[bank]).to.deep.equal({ nonce: 2 });
    expect(made.pre[bank]).to.include({ nonce: 1 });
  });

  it("debug_traceCall and debug_traceBlockByNumber take the prestateTracer; a call leaves the chain as it was", async () => {
    const latest = await rpc<string>(url, "eth_blockNumber");
    const call = { from, to: bank, data: bankAbi.encodeFunctionData("set", [42n]) };
    const diff = await rpc<Diff>(url, "debug_traceCall", [call, "latest", { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]);
    expect(diff.post[bank].storage).to.deep.equal({ [slot(0n)]: slot(42n) });
    expect(diff.pre[bank].storage).to.deep.equal({ [slot(0n)]: slot(9n) });
    expect(diff.post[from]).to.deep.equal({ nonce: (await nonce(from, latest)) + 1 });
    expect(BigInt(await rpc<string>(url, "eth_call", [{ to: bank, data: bankAbi.encodeFunctionData("peek") }, "latest"]))).to.equal(9n);
    // A read-only call changes nothing but the sender's nonce; its pre-state still lists the slot read.
    const read = await rpc<State>(url, "debug_traceCall", [{ from, to: bank, data: bankAbi.encodeFunctionData("peek") }, "latest", { tracer: "prestateTracer" }]);
    expect(read[bank].storage).to.deep.equal({ [slot(0n)]: slot(9n) });

    const { hash, receipt } = await send({ to: bank, data: bankAbi.encodeFunctionData("set", [10n]) });
    const traces = await rpc<{ txHash: string; result: Diff }[]>(url, "debug_traceBlockByNumber", [receipt.blockNumber, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]);
    expect(traces.map((t) => t.txHash)).to.deep.equal([hash]);
    expect(traces[0].result).to.deep.equal(await rpc(url, "debug_traceTransaction", [hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]));
  });

  it("leaves out accounts that were empty unless includeEmpty", async () => {
    const nobody = Wallet.createRandom().address.toLowerCase();
    const call = { from: nobody, to: bank, data: bankAbi.encodeFunctionData("peek") };
    expect(await rpc<State>(url, "debug_traceCall", [call, "latest", { tracer: "prestateTracer" }])).to.not.have.property(nobody);
    const all = await rpc<State>(url, "debug_traceCall", [call, "latest", { tracer: "prestateTracer", tracerConfig: { includeEmpty: true } }]);
    expect(all[nobody]).to.deep.equal({ balance: "0x0" });
  });

  it("rejects malformed tracerConfig with -32602", async () => {
    const bad = async (options: unknown): Promise<{ code: number; message: string }> => {
      const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method: "debug_traceCall", params: [{ from, to: bank }, "latest", options] });
      return (json as { error: { code: number; message: string } }).error;
    };
    const yes = await bad({ tracer: "prestateTracer", tracerConfig: { diffMode: "yes" } });
    expect(yes.code).to.equal(-32602);
    expect(yes.message).to.match(/diffMode/);
    expect((await bad({ tracer: "prestateTracer", tracerConfig: "diffMode" })).code).to.equal(-32602);
    expect((await bad({ tracer: "prestateTracer", tracerConfig: { disableCode: 1 } })).code).to.equal(-32602);
    expect((await bad({ tracer: "prestateTracer", tracerConfig: { diffMode: true, includeEmpty: true } })).message).to.match(/cannot use diffMode with includeEmpty/);
  });
});
