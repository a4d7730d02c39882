/**
 * Tracing and console.log on a `--dev` node: debug_traceTransaction / debug_traceCall with struct logs
 * and the callTracer, contracts' console.log in the node's log, and Hardhat node's automine answer for
 * a mined transaction that reverted.
 */
import fs from "node:fs";
import { expect } from "chai";
import { Interface, Wallet } from "ethers";
import { compileSolidity, devKeys, rawRpc, rpc, startNode, waitFor, type SpawnedNode } from "./helpers";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import "hardhat/console.sol";
contract Callee {
  uint256 public x;
  function set(uint256 v) external returns (uint256) { x = v; console.log("set to %s by", v, msg.sender); return v * 2; }
  function boom() external pure { revert("boom"); }
}
contract Caller {
  Callee public c;
  constructor(Callee c_) { c = c_; }
  function go(uint256 v) external returns (uint256) { return c.set(v); }
  function fail() external view { c.boom(); }
  function viaLib(address lib, uint256 v) external payable returns (uint256) {
    (bool ok, bytes memory r) = lib.delegatecall(abi.encodeWithSignature("twice(uint256)", v));
    require(ok);
    return abi.decode(r, (uint256));
  }
}
contract Lib {
  // Payable: a DELEGATECALL carries the caller's msg.value.
  function twice(uint256 v) external payable returns (uint256) { return v * 2; }
}`;
const CONSOLE = "0x000000000000000000636f6e736f6c652e6c6f67";

interface Frame {
  type: string;
  from: string;
  to: string;
  gas: string;
  gasUsed: string;
  input: string;
  output?: string;
  error?: string;
  revertReason?: string;
  calls?: Frame[];
}
interface StructLog {
  pc: number;
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
  memory?: string[];
  storage?: Record<string, string>;
}

describe("node --dev: debug_trace*, console.log and reverted automine transactions", function () {
  this.timeout(180_000);
  let node: SpawnedNode;
  let url: string;
  const from = new Wallet(devKeys(1)[0]).address;
  let caller: string;
  let callee: string;
  const out = compileSolidity({ "t.sol": SOURCE, "hardhat/console.sol": fs.readFileSync(require.resolve("hardhat/console.sol"), "utf8") });
  const callerAbi = new Interface(out.Caller.abi as string[]);

  async function deploy(bytecode: string): Promise<string> {
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from, data: bytecode }]);
    return (await rpc<{ contractAddress: string }>(url, "eth_getTransactionReceipt", [hash])).contractAddress;
  }

  before(async () => {
    node = await startNode({ args: ["--dev"] });
    url = node.url;
    callee = await deploy(out.Callee.bytecode);
    const args = new Interface(out.Caller.abi as string[]).encodeDeploy([callee]).slice(2);
    caller = await deploy(out.Caller.bytecode + args);
  });

  after(async () => {
    await node?.stop();
  });

  it("prints a contract's console.log in the node's log and traces the transaction as struct logs", async () => {
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from, to: caller, data: callerAbi.encodeFunctionData("go", [5n]) }]);
    const line = `console.log: set to 5 by ${caller.toLowerCase()}`;
    await waitFor(async () => node.output().toLowerCase().includes(line), 20_000, `"${line}" in:\n${node.output().slice(-2000)}`);
    const receipt = await rpc<{ gasUsed: string }>(url, "eth_getTransactionReceipt", [hash]);
    const trace = await rpc<{ gas: number; failed: boolean; returnValue: string; structLogs: StructLog[] }>(url, "debug_traceTransaction", [hash]);
    expect(trace.failed).to.equal(false);
    expect(trace.gas).to.equal(Number(receipt.gasUsed));
    expect(BigInt(`0x${trace.returnValue}`)).to.equal(10n);
    const sstore = trace.structLogs.find((l) => l.op === "SSTORE");
    expect(sstore?.depth).to.equal(2);
    expect(sstore?.storage?.[`${"0".repeat(64)}`]).to.equal(`${"5".padStart(64, "0")}`);
    expect(trace.structLogs[0]).to.include({ pc: 0, op: "PUSH1", depth: 1 });
    expect(trace.structLogs[0].stack).to.deep.equal([]);
    const lean = await rpc<{ structLogs: StructLog[] }>(url, "debug_traceTransaction", [hash, { disableStack: true, disableMemory: true, disableStorage: true }]);
    expect(lean.structLogs.length).to.equal(trace.structLogs.length);
    expect(lean.structLogs[5].stack).to.equal(undefined);
    expect(lean.structLogs[5].memory).to.equal(undefined);
  });

  it("hardhat_setLoggingEnabled / anvil_setLoggingEnabled turn the node's block lines and console.log off and on", async () => {
    const goTx = async (v: bigint): Promise<string> => {
      const hash = await rpc<string>(url, "eth_sendTransaction", [{ from, to: caller, data: callerAbi.encodeFunctionData("go", [v]) }]);
      return (await rpc<{ blockNumber: string }>(url, "eth_getTransactionReceipt", [hash])).blockNumber;
    };
    // A block's own line ("12:00:00.000 block #n …"), not the chain's "finalized block #n".
    const blockLine = (n: bigint): RegExp => new RegExp(`^[0-9:.]+ block #${n} `, "m");
    expect(await rpc(url, "hardhat_setLoggingEnabled", [false])).to.equal(true);
    const silentBlock = BigInt(await goTx(91n));
    expect(await rpc(url, "anvil_setLoggingEnabled", [true])).to.equal(null);
    const loudBlock = BigInt(await goTx(92n));
    // The log is written in order: once the second transaction's lines are there, the first's would be too.
    await waitFor(async () => node.output().includes("console.log: set to 92"), 20_000, "console.log of the second transaction");
    await waitFor(async () => blockLine(loudBlock).test(node.output()), 20_000, "the second block's line");
    expect(node.output()).to.not.include("console.log: set to 91");
    expect(node.output()).to.not.match(blockLine(silentBlock));
    const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method: "hardhat_setLoggingEnabled", params: ["no"] });
    expect((json as { error: { code: number } }).error.code).to.equal(-32602);
  });

  it("callTracer gives the call tree: CALL → CALL → STATICCALL to the console address", async () => {
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from, to: caller, data: callerAbi.encodeFunctionData("go", [7n]) }]);
    const top = await rpc<Frame>(url, "debug_traceTransaction", [hash, { tracer: "callTracer" }]);
    const receipt = await rpc<{ gasUsed: string }>(url, "eth_getTransactionReceipt", [hash]);
    expect(top.type).to.equal("CALL");
    expect(top.from).to.equal(from.toLowerCase());
    expect(top.to).to.equal(caller.toLowerCase());
    expect(BigInt(top.gasUsed)).to.equal(BigInt(receipt.gasUsed));
    expect(top.calls?.[0]).to.include({ type: "CALL", from: caller.toLowerCase(), to: callee.toLowerCase() });
    expect(BigInt(top.calls?.[0].output ?? "0x")).to.equal(14n);
    expect(top.calls?.[0].calls?.[0]).to.include({ type: "STATICCALL", to: CONSOLE });
    const only = await rpc<Frame>(url, "debug_traceTransaction", [hash, { tracer: "callTracer", tracerConfig: { onlyTopCall: true } }]);
    expect(only.calls).to.equal(undefined);
  });

  it("debug_traceBlockByNumber / ByHash trace each transaction of a block on the state the ones before it left", async () => {
    await rpc(url, "evm_setAutomine", [false]);
    const nonce = BigInt(await rpc<string>(url, "eth_getTransactionCount", [from, "latest"]));
    const hashes: string[] = [];
    try {
      // The second reads what the first wrote: Callee.x goes 11 → 12, and each SSTORE sees its predecessor.
      for (const v of [11n, 12n]) hashes.push(await rpc<string>(url, "eth_sendTransaction", [{ from, to: caller, data: callerAbi.encodeFunctionData("go", [v]), nonce: `0x${(nonce + BigInt(hashes.length)).toString(16)}` }]));
      await rpc(url, "evm_mine");
    } finally {
      await rpc(url, "evm_setAutomine", [true]);
    }
    const block = await rpc<{ number: string; hash: string; transactions: string[] }>(url, "eth_getBlockByNumber", ["latest", false]);
    expect(block.transactions).to.deep.equal(hashes);
    const byNumber = await rpc<{ txHash: string; result: Frame }[]>(url, "debug_traceBlockByNumber", [block.number, { tracer: "callTracer" }]);
    expect(byNumber.map((t) => t.txHash)).to.deep.equal(hashes);
    for (const [i, t] of byNumber.entries()) expect(t.result).to.deep.equal(await rpc(url, "debug_traceTransaction", [hashes[i], { tracer: "callTracer" }]));
    expect(BigInt(byNumber[1].result.calls?.[0].output ?? "0x")).to.equal(24n);
    const byHash = await rpc<{ txHash: string; result: { gas: number; structLogs: StructLog[] } }[]>(url, "debug_traceBlockByHash", [block.hash, { disableMemory: true }]);
    expect(byHash).to.have.length(2);
    for (const [i, t] of byHash.entries()) {
      const receipt = await rpc<{ gasUsed: string }>(url, "eth_getTransactionReceipt", [hashes[i]]);
      expect(t.result.gas).to.equal(Number(receipt.gasUsed));
      expect(t.result.structLogs).to.deep.equal((await rpc<{ structLogs: StructLog[] }>(url, "debug_traceTransaction", [hashes[i], { disableMemory: true }])).structLogs);
    }
    // A block without transactions traces to an empty list.
    await rpc(url, "evm_mine");
    expect(await rpc(url, "debug_traceBlockByNumber", ["latest"])).to.deep.equal([]);
  });

  it("callTracer shows a DELEGATECALL as geth does: from the contract running it to the library, with the inherited value", async () => {
    const lib = await deploy(out.Lib.bytecode);
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from, to: caller, value: "0x7", data: callerAbi.encodeFunctionData("viaLib", [lib, 21n]) }]);
    const top = await rpc<Frame & { value: string }>(url, "debug_traceTransaction", [hash, { tracer: "callTracer" }]);
    const inner = top.calls?.[0] as Frame & { value?: string };
    expect(inner).to.include({ type: "DELEGATECALL", from: caller.toLowerCase(), to: lib.toLowerCase(), value: "0x7" });
    expect(BigInt(inner.output ?? "0x")).to.equal(42n);
    // A STATICCALL frame carries no value (the console.log call of \`set\`).
    const set = await rpc<Frame>(url, "debug_traceTransaction", [await rpc<string>(url, "eth_sendTransaction", [{ from, to: caller, data: callerAbi.encodeFunctionData("go", [3n]) }]), { tracer: "callTracer" }]);
    expect(set.calls?.[0].calls?.[0]).to.include({ type: "STATICCALL" }).and.not.have.property("value");
  });

  it("4byteTracer counts selectors and calldata sizes; flatCallTracer gives the calls flat, placed in the block; noopTracer {}; muxTracer runs several", async () => {
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from, to: caller, data: callerAbi.encodeFunctionData("go", [9n]) }]);
    const setSelector = new Interface(out.Callee.abi as string[]).getFunction("set")!.selector;
    const goSelector = callerAbi.getFunction("go")!.selector;
    const counts = await rpc<Record<string, number>>(url, "debug_traceTransaction", [hash, { tracer: "4byteTracer" }]);
    // The transaction's go(uint256), Caller's set(uint256), and console.log's STATICCALL (its own selector, 3 words after it).
    expect(counts[`${goSelector}-32`]).to.equal(1);
    expect(counts[`${setSelector}-32`]).to.equal(1);
    expect(Object.keys(counts)).to.have.length(3);
    // flatCallTracer: the same entries as trace_transaction (Parity's), errors in geth's words unless converted.
    const flat = await rpc<Array<Record<string, unknown>>>(url, "debug_traceTransaction", [hash, { tracer: "flatCallTracer" }]);
    expect(flat).to.deep.equal(await rpc(url, "trace_transaction", [hash]));
    expect(flat.map((t) => t.traceAddress)).to.deep.equal([[], [0], [0, 0]]);
    expect(flat[0]).to.include({ transactionHash: hash, transactionPosition: 0 });
    const failing = { from, to: caller, data: callerAbi.encodeFunctionData("fail") };
    const geth = await rpc<Array<{ error?: string; blockHash?: string }>>(url, "debug_traceCall", [failing, "latest", { tracer: "flatCallTracer" }]);
    expect(geth.map((t) => t.error)).to.deep.equal(["execution reverted", "execution reverted"]);
    expect(geth[0].blockHash).to.equal(undefined);
    const parity = await rpc<Array<{ error?: string }>>(url, "debug_traceCall", [failing, "latest", { tracer: "flatCallTracer", tracerConfig: { convertParityErrors: true } }]);
    expect(parity.map((t) => t.error)).to.deep.equal(["Reverted", "Reverted"]);
    expect(await rpc(url, "debug_traceTransaction", [hash, { tracer: "noopTracer" }])).to.deep.equal({});
    // muxTracer: several at once over one run, each as it answers alone.
    const mux = await rpc<Record<string, unknown>>(url, "debug_traceTransaction", [hash, { tracer: "muxTracer", tracerConfig: { callTracer: { onlyTopCall: true }, "4byteTracer": {}, prestateTracer: { diffMode: true }, flatCallTracer: null } }]);
    expect(Object.keys(mux).sort()).to.deep.equal(["4byteTracer", "callTracer", "flatCallTracer", "prestateTracer"]);
    expect(mux["4byteTracer"]).to.deep.equal(counts);
    expect(mux.flatCallTracer).to.deep.equal(flat);
    expect(mux.callTracer).to.deep.equal(await rpc(url, "debug_traceTransaction", [hash, { tracer: "callTracer", tracerConfig: { onlyTopCall: true } }]));
    expect(mux.prestateTracer).to.deep.equal(await rpc(url, "debug_traceTransaction", [hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]));
    for (const cfg of [{}, { muxTracer: {} }, { structLogs: {} }, { callTracer: { onlyTopCall: "yes" } }]) {
      const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method: "debug_traceTransaction", params: [hash, { tracer: "muxTracer", tracerConfig: cfg }] });
      expect((json as { error: { code: number } }).error.code, JSON.stringify(cfg)).to.equal(-32602);
    }
    // Per transaction of a block too.
    const block = await rpc<{ number: string }>(url, "eth_getTransactionReceipt", [hash]).then((r) => (r as unknown as { blockNumber: string }).blockNumber);
    const perTx = await rpc<Array<{ txHash: string; result: Record<string, number> }>>(url, "debug_traceBlockByNumber", [block, { tracer: "4byteTracer" }]);
    expect(perTx).to.deep.equal([{ txHash: hash, result: counts }]);
  });

  it("debug_traceCall traces a call that reverts deep inside, with the reason", async () => {
    const top = await rpc<Frame>(url, "debug_traceCall", [{ from, to: caller, data: callerAbi.encodeFunctionData("fail") }, "latest", { tracer: "callTracer" }]);
    expect(top.error).to.equal("execution reverted");
    expect(top.calls?.[0]).to.include({ type: "STATICCALL", to: callee.toLowerCase(), error: "execution reverted", revertReason: "boom" });
    const logs = await rpc<{ failed: boolean; structLogs: StructLog[] }>(url, "debug_traceCall", [{ from, to: caller, data: callerAbi.encodeFunctionData("fail") }]);
    expect(logs.failed).to.equal(true);
    expect(logs.structLogs.at(-1)?.op).to.equal("REVERT");
  });

  it("answers a mined transaction that reverted with its revert data and hash, like hardhat node", async () => {
    const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method: "eth_sendTransaction", params: [{ from, to: caller, gas: "0x30d40", data: callerAbi.encodeFunctionData("fail") }] });
    const err = (json as { error: { code: number; message: string; data: { txHash: string; data: string } } }).error;
    expect(err.code).to.equal(3);
    expect(err.message).to.equal("execution reverted: boom");
    expect(new Interface(["error Error(string)"]).decodeErrorResult("Error", err.data.data)[0]).to.equal("boom");
    const receipt = await rpc<{ status: string }>(url, "eth_getTransactionReceipt", [err.data.txHash]);
    expect(receipt.status).to.equal("0x0");
  });

  it("rejects unknown tracers, malformed options and unknown transactions", async () => {
    const bad = async (method: string, params: unknown[]): Promise<{ code: number; message: string }> => {
      const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params });
      return (json as { error: { code: number; message: string } }).error;
    };
    expect((await bad("debug_traceTransaction", [`0x${"11".repeat(32)}`])).message).to.match(/not found/);
    expect((await bad("debug_traceTransaction", [`0x${"11".repeat(32)}`, { tracer: "noSuchTracer" }])).code).to.equal(-32602);
    expect((await bad("debug_traceTransaction", ["0x1234"])).code).to.equal(-32602);
    expect((await bad("debug_traceCall", [{ to: caller }, "latest", { disableStack: "yes" }])).code).to.equal(-32602);
    expect((await bad("debug_traceBlockByNumber", ["pending"])).message).to.match(/not mined/);
    expect((await bad("debug_traceBlockByNumber", ["0xffffff"])).message).to.match(/not found/);
    expect((await bad("debug_traceBlockByNumber", ["earliest"])).message).to.equal("genesis is not traceable");
    expect((await bad("debug_traceBlockByNumber", ["latest", { tracer: "muxTracer" }])).code).to.equal(-32602);
    expect((await bad("debug_traceCall", [{ to: caller }, "latest", { tracer: "flatCallTracer", tracerConfig: { convertParityErrors: "yes" } }])).code).to.equal(-32602);
    expect((await bad("debug_traceBlockByHash", [`0x${"22".repeat(32)}`])).message).to.match(/not found/);
    expect((await bad("debug_traceBlockByHash", ["0x22"])).code).to.equal(-32602);
  });
});
