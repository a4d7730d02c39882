/**
 * The Parity / OpenEthereum `trace_*` namespace on a `--dev` node (Reth's and Erigon's shapes): flat
 * traces of nested CALL / STATICCALL / DELEGATECALL, CREATE and CREATE2 inside a call, a SELFDESTRUCT,
 * a caught revert, a value transfer; trace_block against trace_transaction, trace_get, trace_replay*,
 * trace_call, trace_filter and the stateDiff; malformed and out-of-range input. The pure matcher and
 * stateDiff conversion are checked without a node.
 */
import { expect } from "chai";
import { AbiCoder, Interface, Wallet, getBytes } from "ethers";
import { stateDiffOf, traceMatches, type ParityTrace } from "../../node/execution/parityTrace";
import { compileSolidity, devKeys, rawRpc, rpc, startNode, type SpawnedNode } from "./helpers";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Target {
  uint256 public x;
  function set(uint256 v) external payable returns (uint256) { x = v; return v + 1; }
  function get() external view returns (uint256) { return x; }
  function boom() external { x = x; revert("boom"); }
}
contract Lib {
  // Payable: a DELEGATECALL carries the caller's msg.value.
  function twice(uint256 v) external payable returns (uint256) { return v * 2; }
}
contract Child {
  constructor() payable {}
  function kill(address payable to) external { selfdestruct(to); }
}
contract Hub {
  Target public t;
  Lib public lib;
  constructor(Target t_, Lib l_) { t = t_; lib = l_; }
  function go(uint256 v) external payable returns (uint256) {
    uint256 a = t.set{value: msg.value}(v);
    uint256 b = t.get();
    (bool ok, bytes memory r) = address(lib).delegatecall(abi.encodeWithSignature("twice(uint256)", v));
    require(ok);
    try t.boom() {} catch {}
    // A call to the sha256 precompile without value: not in Parity traces.
    bytes32 h = sha256(abi.encode(v));
    return a + b + abi.decode(r, (uint256)) + (uint256(h) & 1);
  }
  // A call given too little gas for its SSTORE: that frame fails out of gas, this one goes on.
  function starve(uint256 v) external returns (bool ok) {
    (ok, ) = address(t).call{gas: 5000}(abi.encodeWithSignature("set(uint256)", v));
  }
  // A precompile call that moves value is in the trace (Reth and Erigon leave out only valueless ones).
  function payIdentity() external payable returns (bool ok) {
    (ok, ) = address(4).call{value: msg.value}(hex"01");
  }
  function make(bytes32 salt) external payable returns (address, address) {
    Child c1 = new Child{value: 1}();
    Child c2 = new Child{salt: salt}();
    c1.kill(payable(msg.sender));
    return (address(c1), address(c2));
  }
}`;

const SHA256 = "0x0000000000000000000000000000000000000002";

type Trace = ParityTrace & { blockHash?: string; blockNumber?: number; transactionHash?: string; transactionPosition?: number };
interface CallEntry {
  action: { callType: string; from: string; to: string; gas: string; input: string; value: string };
  error?: string;
  result: { gasUsed: string; output: string } | null;
  subtraces: number;
  traceAddress: number[];
  type: string;
}
interface TraceResults {
  output: string;
  stateDiff: Record<string, { balance: unknown; code: unknown; nonce: unknown; storage: Record<string, unknown> }> | null;
  trace: Trace[];
  vmTrace: null;
  transactionHash?: string;
}
interface CallFrame {
  to: string;
  gas: string;
  gasUsed: string;
  calls?: CallFrame[];
}

async function rpcError(url: string, method: string, params: unknown[]): Promise<{ code: number; message: string }> {
  const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params });
  const r = json as { error?: { code: number; message: string } };
  if (!r.error) throw new Error(`${method} did not fail`);
  return r.error;
}

/** The entry without the fields trace_transaction adds (what trace_replay* and trace_call answer). */
function unplaced(t: Trace): ParityTrace {
  const { blockHash: _h, blockNumber: _n, transactionHash: _t, transactionPosition: _p, ...rest } = t;
  return rest as ParityTrace;
}

/** Intrinsic gas of a plain transaction with this calldata (no access list, no creation). */
function intrinsicGas(input: string): bigint {
  const TX_BASE = 21_000n;
  const ZERO_BYTE = 4n;
  const NONZERO_BYTE = 16n;
  return getBytes(input).reduce((sum, b) => sum + (b === 0 ? ZERO_BYTE : NONZERO_BYTE), TX_BASE);
}

describe("node --dev: the trace_* (Parity) namespace", function () {
  this.timeout(180_000);
  let node: SpawnedNode;
  let url: string;
  const from = new Wallet(devKeys(1)[0]).address.toLowerCase();
  const out = compileSolidity({ "t.sol": SOURCE });
  const hub = new Interface(out.Hub.abi as string[]);
  const targetAbi = new Interface(out.Target.abi as string[]);
  let target: string;
  let lib: string;
  let hubAddr: string;
  let firstBlock: number;

  async function send(tx: Record<string, string>): Promise<string> {
    return rpc<string>(url, "eth_sendTransaction", [{ from, ...tx }]);
  }
  async function receipt(hash: string): Promise<{ blockNumber: string; gasUsed: string; contractAddress: string; transactionIndex: string }> {
    return rpc(url, "eth_getTransactionReceipt", [hash]);
  }
  async function deploy(bytecode: string): Promise<string> {
    return (await receipt(await send({ data: bytecode }))).contractAddress;
  }

  before(async () => {
    node = await startNode({ args: ["--dev"] });
    url = node.url;
    target = await deploy(out.Target.bytecode);
    firstBlock = Number(await rpc<string>(url, "eth_blockNumber"));
    lib = await deploy(out.Lib.bytecode);
    hubAddr = await deploy(out.Hub.bytecode + hub.encodeDeploy([target, lib]).slice(2));
  });

  after(async () => {
    await node?.stop();
  });

  it("trace_transaction: nested CALL (value), STATICCALL, DELEGATECALL and a caught revert; precompile calls left out; gas as Reth reports it", async () => {
    const input = hub.encodeFunctionData("go", [7n]);
    const hash = await send({ to: hubAddr, data: input, value: "0x5" });
    const r = await receipt(hash);
    const traces = await rpc<Trace[]>(url, "trace_transaction", [hash]);
    expect(traces.map((t) => [t.type, t.traceAddress, t.subtraces])).to.deep.equal([
      ["call", [], 4],
      ["call", [0], 0],
      ["call", [1], 0],
      ["call", [2], 0],
      ["call", [3], 0],
    ]);
    const [top, set, get, del, boom] = traces as unknown as (CallEntry & Trace)[];
    for (const t of traces) {
      expect(t).to.include({ blockHash: (await rpc<{ hash: string }>(url, "eth_getBlockByNumber", [r.blockNumber, false])).hash, blockNumber: Number(r.blockNumber), transactionHash: hash, transactionPosition: 0 });
    }
    expect(Object.keys(top)).to.deep.equal(["action", "blockHash", "blockNumber", "result", "subtraces", "traceAddress", "transactionHash", "transactionPosition", "type"]);
    expect(top.action).to.deep.include({ callType: "call", from, to: hubAddr.toLowerCase(), input, value: "0x5" });
    // The top frame: the transaction's gas less the intrinsic gas, and gas used before refunds (none here).
    const tx = await rpc<{ gas: string }>(url, "eth_getTransactionByHash", [hash]);
    const intrinsic = intrinsicGas(input);
    expect(BigInt(top.action.gas)).to.equal(BigInt(tx.gas) - intrinsic);
    expect(BigInt(top.result?.gasUsed ?? 0) + intrinsic).to.equal(BigInt(r.gasUsed));
    expect(BigInt(top.result?.output ?? 0)).to.be.greaterThan(0n);
    expect(top.error).to.equal(undefined);
    expect(set.action).to.deep.include({ callType: "call", from: hubAddr.toLowerCase(), to: target.toLowerCase(), value: "0x5" });
    expect(BigInt(set.result?.output ?? 0)).to.equal(8n);
    expect(get.action).to.deep.include({ callType: "staticcall", from: hubAddr.toLowerCase(), to: target.toLowerCase(), value: "0x0" });
    expect(BigInt(get.result?.output ?? 0)).to.equal(7n);
    // DELEGATECALL: from the running contract to the code it borrows, with the value its frame sees.
    expect(del.action).to.deep.include({ callType: "delegatecall", from: hubAddr.toLowerCase(), to: lib.toLowerCase(), value: "0x5" });
    expect(BigInt(del.result?.output ?? 0)).to.equal(14n);
    // A reverted frame keeps its result (gas used, revert data) with error "Reverted"; its caller goes on.
    expect(boom.action).to.deep.include({ callType: "call", to: target.toLowerCase(), input: targetAbi.encodeFunctionData("boom") });
    expect(boom.error).to.equal("Reverted");
    expect(boom.result?.output.slice(0, 10)).to.equal("0x08c379a0");
    expect(AbiCoder.defaultAbiCoder().decode(["string"], `0x${boom.result?.output.slice(10)}`)[0]).to.equal("boom");
    expect(BigInt(boom.result?.gasUsed ?? 0)).to.be.greaterThan(0n);
    // Inner frames' gas and gas used are the callTracer's.
    const frame = await rpc<CallFrame>(url, "debug_traceTransaction", [hash, { tracer: "callTracer" }]);
    expect(frame.calls?.map((c) => c.to)).to.include(SHA256);
    const inner = (frame.calls ?? []).filter((c) => c.to !== SHA256);
    const parityInner = [set, get, del, boom];
    expect(inner.length).to.equal(parityInner.length);
    parityInner.forEach((t, i) => {
      expect(t.action.gas, `gas of [${i}]`).to.equal(inner[i].gas);
      expect(t.result?.gasUsed, `gasUsed of [${i}]`).to.equal(inner[i].gasUsed);
    });
  });

  it("trace_transaction: CREATE and CREATE2 inside a call, and a SELFDESTRUCT (a suicide entry, last child of its frame)", async () => {
    const salt = `0x${"ab".repeat(32)}`;
    const hash = await send({ to: hubAddr, data: hub.encodeFunctionData("make", [salt]), value: "0x1" });
    const traces = await rpc<Trace[]>(url, "trace_transaction", [hash]);
    expect(traces.map((t) => [t.type, t.traceAddress, t.subtraces])).to.deep.equal([
      ["call", [], 3],
      ["create", [0], 0],
      ["create", [1], 0],
      ["call", [2], 1],
      ["suicide", [2, 0], 0],
    ]);
    const [top, c1, c2, kill, suicide] = traces;
    const [a1, a2] = hub.decodeFunctionResult("make", top.type === "call" ? (top.result?.output ?? "0x") : "0x").map((a: string) => a.toLowerCase());
    if (c1.type !== "create" || c2.type !== "create" || kill.type !== "call" || suicide.type !== "suicide") throw new Error("unexpected entry types");
    expect(c1.action).to.include({ from: hubAddr.toLowerCase(), value: "0x1", creationMethod: "create", init: out.Child.bytecode });
    expect(c1.result).to.include({ address: a1 });
    expect(c1.result?.code.length).to.be.greaterThan(2);
    expect(c2.action).to.include({ from: hubAddr.toLowerCase(), value: "0x0", creationMethod: "create2" });
    expect(c2.result?.address).to.equal(a2);
    expect(kill.action).to.include({ callType: "call", from: hubAddr.toLowerCase(), to: a1 });
    expect(suicide.action).to.deep.equal({ address: a1, refundAddress: from, balance: "0x1" });
    expect(suicide.result).to.equal(null);
    expect(suicide).to.not.have.property("error");
  });

  it("a value transfer is one call entry with the transaction's gas less 21000", async () => {
    const to = Wallet.createRandom().address.toLowerCase();
    const hash = await send({ to, value: "0x3e8" });
    const [t, ...rest] = await rpc<CallEntry[]>(url, "trace_transaction", [hash]);
    expect(rest).to.deep.equal([]);
    const tx = await rpc<{ gas: string }>(url, "eth_getTransactionByHash", [hash]);
    expect(t.action).to.deep.equal({ from, callType: "call", gas: `0x${(BigInt(tx.gas) - 21_000n).toString(16)}`, input: "0x", to, value: "0x3e8" });
    expect(t.result).to.deep.equal({ gasUsed: "0x0", output: "0x" });
    // stateDiff: the new account comes into being ("+"), the sender pays value and gas, its nonce moves.
    const replay = await rpc<TraceResults>(url, "trace_replayTransaction", [hash, ["stateDiff"]]);
    expect(replay.trace).to.deep.equal([]);
    expect(replay.vmTrace).to.equal(null);
    expect(replay.stateDiff?.[to]).to.deep.equal({ balance: { "+": "0x3e8" }, code: { "+": "0x" }, nonce: { "+": "0x0" }, storage: {} });
    const sender = replay.stateDiff?.[from];
    expect(sender?.code).to.equal("=");
    expect(sender?.storage).to.deep.equal({});
    const nonce = sender?.nonce as { "*": { from: string; to: string } };
    expect(BigInt(nonce["*"].to) - BigInt(nonce["*"].from)).to.equal(1n);
    const bal = sender?.balance as { "*": { from: string; to: string } };
    expect(BigInt(bal["*"].from) - BigInt(bal["*"].to) >= 1000n).to.equal(true);
  });

  it("a block of several transactions: trace_block is trace_transaction of each in order; trace_replayBlockTransactions and trace_replayTransaction give the same traces", async () => {
    await rpc(url, "evm_setAutomine", [false]);
    let hashes: string[];
    try {
      hashes = [
        await send({ to: hubAddr, data: hub.encodeFunctionData("go", [9n]), gas: "0x100000" }),
        await send({ to: target, value: "0x1", data: targetAbi.encodeFunctionData("set", [11n]), gas: "0x100000" }),
        await send({ to: hubAddr, data: hub.encodeFunctionData("make", [`0x${"cd".repeat(32)}`]), gas: "0x100000" }),
      ];
      await rpc(url, "evm_mine");
    } finally {
      await rpc(url, "evm_setAutomine", [true]);
    }
    const r = await receipt(hashes[2]);
    expect(Number(r.transactionIndex)).to.equal(2);
    const block = await rpc<Trace[]>(url, "trace_block", [r.blockNumber]);
    const each: Trace[] = [];
    for (const h of hashes) each.push(...(await rpc<Trace[]>(url, "trace_transaction", [h])));
    expect(block).to.deep.equal(each);
    expect(block.map((t) => t.transactionPosition)).to.include.members([0, 1, 2]);
    const byHash = await rpc<Trace[]>(url, "trace_block", [(await rpc<{ hash: string }>(url, "eth_getBlockByNumber", [r.blockNumber, false])).hash]);
    expect(byHash).to.deep.equal(block);

    const replays = await rpc<TraceResults[]>(url, "trace_replayBlockTransactions", [r.blockNumber, ["trace"]]);
    expect(replays.map((x) => x.transactionHash)).to.deep.equal(hashes);
    for (const [i, h] of hashes.entries()) {
      const mined = (await rpc<Trace[]>(url, "trace_transaction", [h])).map(unplaced);
      expect(replays[i].trace).to.deep.equal(mined);
      expect(replays[i].stateDiff).to.equal(null);
      const one = await rpc<TraceResults>(url, "trace_replayTransaction", [h, ["trace"]]);
      expect(one).to.deep.equal({ output: replays[i].output, stateDiff: null, trace: mined, vmTrace: null });
      const topResult = mined[0].result;
      expect(one.output).to.equal(topResult && "output" in topResult ? topResult.output : undefined);
    }
    // trace_get: the entry at that position of trace_transaction's list; out of range or several indices → null.
    const first = await rpc<Trace[]>(url, "trace_transaction", [hashes[0]]);
    expect(await rpc(url, "trace_get", [hashes[0], ["0x2"]])).to.deep.equal(first[2]);
    expect(await rpc(url, "trace_get", [hashes[0], [0]])).to.deep.equal(first[0]);
    expect(await rpc(url, "trace_get", [hashes[0], ["0x63"]])).to.equal(null);
    expect(await rpc(url, "trace_get", [hashes[0], ["0x0", "0x1"]])).to.equal(null);
    // stateDiff of a storage write: Target's slot 0 from 9 (the first transaction's) to 11.
    const diff = await rpc<TraceResults>(url, "trace_replayTransaction", [hashes[1], ["trace", "stateDiff"]]);
    expect(diff.trace.length).to.equal(1);
    const word = (n: number): string => `0x${n.toString(16).padStart(64, "0")}`;
    expect(diff.stateDiff?.[target.toLowerCase()]).to.deep.equal({
      balance: { "*": { from: "0x5", to: "0x6" } }, code: "=", nonce: "=", storage: { [word(0)]: { "*": { from: word(9), to: word(11) } } },
    });
  });

  it("trace_call on latest: the flat trace of a call, without block fields; state overrides apply", async () => {
    const data = hub.encodeFunctionData("go", [3n]);
    const res = await rpc<TraceResults>(url, "trace_call", [{ from, to: hubAddr, data }, ["trace"], "latest"]);
    expect(res.vmTrace).to.equal(null);
    expect(res.stateDiff).to.equal(null);
    expect(res.trace.map((t) => [t.type, t.traceAddress])).to.deep.equal([["call", []], ["call", [0]], ["call", [1]], ["call", [2]], ["call", [3]]]);
    expect(res.trace[0]).to.not.have.property("blockHash");
    expect(res.trace[0]).to.not.have.property("transactionHash");
    const expected = await rpc<string>(url, "eth_call", [{ from, to: hubAddr, data }, "latest"]);
    expect(res.output).to.equal(expected);
    // With stateDiff only: the call's writes, nothing mined.
    const diff = await rpc<TraceResults>(url, "trace_call", [{ from, to: hubAddr, data }, ["stateDiff"]]);
    expect(diff.trace).to.deep.equal([]);
    expect(Object.keys(diff.stateDiff?.[target.toLowerCase()]?.storage ?? {})).to.have.length(1);
    // A frame that fails otherwise than by reverting has no result, and OpenEthereum's error.
    const starved = await rpc<TraceResults>(url, "trace_call", [{ from, to: hubAddr, data: hub.encodeFunctionData("starve", [4n]) }, ["trace"]]);
    const [outer, oog] = starved.trace as unknown as CallEntry[];
    expect(outer.error).to.equal(undefined);
    expect(oog).to.deep.include({ error: "Out of gas", result: null, traceAddress: [0] });
    expect(oog.action.gas).to.equal("0x1388");
    const paid = await rpc<TraceResults>(url, "trace_call", [{ from, to: hubAddr, value: "0x2", data: hub.encodeFunctionData("payIdentity") }, ["trace"]]);
    expect(paid.trace.map((t) => [t.type, t.traceAddress])).to.deep.equal([["call", []], ["call", [0]]]);
    expect((paid.trace[1] as unknown as CallEntry).action).to.include({ to: "0x0000000000000000000000000000000000000004", value: "0x2", input: "0x01" });
    // A state override (Target's code replaced by Lib's): the call to set() now fails in the Hub's require.
    const overridden = await rpc<TraceResults>(url, "trace_call", [{ from, to: hubAddr, data }, ["trace"], "latest", { [target]: { code: await rpc<string>(url, "eth_getCode", [lib, "latest"]) } }]);
    expect(overridden.trace[0].type === "call" && overridden.trace[0].error).to.equal("Reverted");
  });

  it("trace_filter: by fromAddress / toAddress over a block range, paged with after and count", async () => {
    const head = Number(await rpc<string>(url, "eth_blockNumber"));
    const range = { fromBlock: `0x${firstBlock.toString(16)}`, toBlock: `0x${head.toString(16)}` };
    const toOf = (t: Trace): string | undefined => (t.type === "call" ? t.action.to : t.type === "create" ? t.result?.address : t.action.refundAddress);
    const toTarget = await rpc<Trace[]>(url, "trace_filter", [{ ...range, toAddress: [target] }]);
    expect(toTarget.length).to.be.greaterThan(3);
    for (const t of toTarget) expect(toOf(t)).to.equal(target.toLowerCase());
    // In block then trace order, as trace_block gives them.
    const all: Trace[] = [];
    for (let n = firstBlock; n <= head; n++) all.push(...(await rpc<Trace[]>(url, "trace_block", [`0x${n.toString(16)}`])));
    expect(toTarget).to.deep.equal(all.filter((t) => toOf(t) === target.toLowerCase()));
    const fromHub = await rpc<Trace[]>(url, "trace_filter", [{ ...range, fromAddress: [hubAddr] }]);
    expect(fromHub).to.deep.equal(all.filter((t) => (t.type === "suicide" ? t.action.address : t.action.from) === hubAddr.toLowerCase()));
    // Both lists: union by default, intersection on request.
    const both = await rpc<Trace[]>(url, "trace_filter", [{ ...range, fromAddress: [hubAddr], toAddress: [target], mode: "intersection" }]);
    expect(both).to.deep.equal(fromHub.filter((t) => toOf(t) === target.toLowerCase()));
    const either = await rpc<Trace[]>(url, "trace_filter", [{ ...range, fromAddress: [hubAddr], toAddress: [target] }]);
    expect(either.length).to.equal(new Set([...fromHub, ...toTarget].map((t) => JSON.stringify(t))).size);
    const page = await rpc<Trace[]>(url, "trace_filter", [{ ...range, toAddress: [target], after: 1, count: 2 }]);
    expect(page).to.deep.equal(toTarget.slice(1, 3));
    expect(await rpc(url, "trace_filter", [{ ...range, toAddress: [target], after: 1000 }])).to.deep.equal([]);
    // A creation matches toAddress by the address it created; the deployment of Target is in range.
    const created = await rpc<Trace[]>(url, "trace_filter", [{ fromBlock: `0x${firstBlock.toString(16)}`, toBlock: `0x${firstBlock.toString(16)}`, toAddress: [target] }]);
    expect(created.map((t) => t.type)).to.deep.equal(["create"]);
    const [deployment] = created;
    if (deployment.type !== "create") throw new Error("not a creation");
    expect(deployment.action).to.include({ from, init: out.Target.bytecode, value: "0x0", creationMethod: "create" });
    expect(deployment.result?.address).to.equal(target.toLowerCase());
    expect(deployment.result?.code).to.equal(await rpc<string>(url, "eth_getCode", [target, "latest"]));
    expect(deployment.traceAddress).to.deep.equal([]);
  });

  it("refuses malformed and out-of-range input clearly; unknown transactions and blocks answer null", async () => {
    const unknown = `0x${"11".repeat(32)}`;
    expect(await rpc(url, "trace_transaction", [unknown])).to.equal(null);
    expect(await rpc(url, "trace_replayTransaction", [unknown, ["trace"]])).to.equal(null);
    expect(await rpc(url, "trace_get", [unknown, ["0x0"]])).to.equal(null);
    expect(await rpc(url, "trace_block", ["0xffffff"])).to.equal(null);
    expect(await rpc(url, "trace_replayBlockTransactions", ["0xffffff", ["trace"]])).to.equal(null);
    expect(await rpc(url, "trace_block", ["0x0"])).to.deep.equal([]);
    expect((await rpcError(url, "trace_transaction", ["0x1234"])).code).to.equal(-32602);
    expect((await rpcError(url, "trace_transaction", [])).code).to.equal(-32602);
    expect((await rpcError(url, "trace_block", ["pending"])).code).to.equal(-32602);
    expect((await rpcError(url, "trace_get", [unknown, ["zz"]])).code).to.equal(-32602);
    const tx = await send({ to: target, data: targetAbi.encodeFunctionData("set", [1n]) });
    const vm = await rpcError(url, "trace_replayTransaction", [tx, ["vmTrace"]]);
    expect(vm.code).to.equal(-32602);
    expect(vm.message).to.match(/vmTrace/);
    expect((await rpcError(url, "trace_replayTransaction", [tx, ["traces"]])).message).to.match(/unknown trace type "traces"/);
    expect((await rpcError(url, "trace_replayTransaction", [tx, "trace"])).code).to.equal(-32602);
    expect((await rpcError(url, "trace_call", [{ to: target }, ["vmTrace"]])).code).to.equal(-32602);
    const wide = await rpcError(url, "trace_filter", [{ fromBlock: "0x0", toBlock: "0x3e8" }]);
    expect(wide.code).to.equal(-32602);
    expect(wide.message).to.match(/block range too large: 1001 blocks, limit 1000/);
    expect((await rpcError(url, "trace_filter", [{ fromBlock: "0x5", toBlock: "0x4" }])).message).to.match(/fromBlock 5 is after toBlock 4/);
    expect((await rpcError(url, "trace_filter", [{ fromBlock: "0x1", fromAddresses: [target] }])).message).to.match(/unknown field "fromAddresses"/);
    expect((await rpcError(url, "trace_filter", [{ toAddress: ["0x12"] }])).code).to.equal(-32602);
    expect((await rpcError(url, "trace_filter", [{ mode: "all" }])).code).to.equal(-32602);
    expect((await rpcError(url, "trace_filter", [{ count: -1 }])).code).to.equal(-32602);
    expect((await rpcError(url, "trace_filter", ["latest"])).code).to.equal(-32602);
  });
});

describe("Parity trace helpers (pure)", () => {
  const A = "0x00000000000000000000000000000000000000aa";
  const B = "0x00000000000000000000000000000000000000bb";
  const C = "0x00000000000000000000000000000000000000cc";
  const call: ParityTrace = { action: { from: A, callType: "call", gas: "0x0", input: "0x", to: B, value: "0x0" }, result: { gasUsed: "0x0", output: "0x" }, subtraces: 0, traceAddress: [], type: "call" };
  const failedCreate: ParityTrace = { action: { from: A, gas: "0x0", init: "0x", value: "0x0", creationMethod: "create" }, error: "Out of gas", result: null, subtraces: 0, traceAddress: [0], type: "create" };
  const suicide: ParityTrace = { action: { address: C, refundAddress: A, balance: "0x1" }, result: null, subtraces: 0, traceAddress: [1], type: "suicide" };
  const m = (fromAddress: string[], toAddress: string[], mode: "union" | "intersection" = "union") => ({ fromAddress: new Set(fromAddress), toAddress: new Set(toAddress), mode });

  it("traceMatches: empty lists match anything; one list alone decides; both join by mode", () => {
    expect(traceMatches(call, m([], []))).to.equal(true);
    expect(traceMatches(call, m([A], []))).to.equal(true);
    expect(traceMatches(call, m([], [A]))).to.equal(false);
    expect(traceMatches(call, m([C], [B]))).to.equal(true);
    expect(traceMatches(call, m([C], [B], "intersection"))).to.equal(false);
    expect(traceMatches(call, m([A], [B], "intersection"))).to.equal(true);
    // A failed creation has no address: it matches a toAddress filter never.
    expect(traceMatches(failedCreate, m([], [B]))).to.equal(false);
    expect(traceMatches(failedCreate, m([A], []))).to.equal(true);
    expect(traceMatches(suicide, m([C], []))).to.equal(true);
    expect(traceMatches(suicide, m([], [A]))).to.equal(true);
  });

  it("stateDiffOf: created accounts '+', removed '-', changed '*' with '=' for the rest; zero slots left out by the diff mode", () => {
    const w = (n: number): string => `0x${n.toString(16).padStart(64, "0")}`;
    const diff = stateDiffOf({
      pre: { [A]: { balance: "0x10", nonce: 1, storage: { [w(1)]: w(5) } }, [C]: { balance: "0x2", code: "0x6000" } },
      post: { [A]: { balance: "0x8", storage: { [w(2)]: w(3) } }, [B]: { balance: "0x8", nonce: 1, code: "0x60", storage: { [w(0)]: w(1) } } },
    });
    expect(Object.keys(diff)).to.deep.equal([A, B, C]);
    expect(diff[A]).to.deep.equal({ balance: { "*": { from: "0x10", to: "0x8" } }, code: "=", nonce: "=", storage: { [w(1)]: { "*": { from: w(5), to: w(0) } }, [w(2)]: { "*": { from: w(0), to: w(3) } } } });
    expect(diff[B]).to.deep.equal({ balance: { "+": "0x8" }, code: { "+": "0x60" }, nonce: { "+": "0x1" }, storage: { [w(0)]: { "+": w(1) } } });
    expect(diff[C]).to.deep.equal({ balance: { "-": "0x2" }, code: { "-": "0x6000" }, nonce: { "-": "0x0" }, storage: {} });
  });
});
