/**
 * eth_simulateV1 (execution-apis, geth 1.14.9+) against a spawned node: blocks that build on each other,
 * per-call results that survive reverts, block and state overrides, ERC-7528 transfer logs, validation
 * mode, the limits, malformed input, and that the chain and its state are untouched afterwards. One
 * in-process check shows the simulated state's flushes never reach the chain's trie database.
 */
import { expect } from "chai";
import fc from "fast-check";
import { Account, MapDB, createAddressFromString } from "@ethereumjs/util";
import { Interface, JsonRpcProvider, Wallet, getAddress, getCreateAddress, parseEther, toBeHex, zeroPadValue, type InterfaceAbi } from "ethers";
import { createChainCommon, devChainConfig } from "../../node/config";
import { isolateWrites } from "../../node/execution/overlayTrieDb";
import { createStateManager } from "../../node/execution/stateManager";
import { compileSolidity, devKeys, rawRpc, rpc, startNode, type SpawnedNode } from "./helpers";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract Store {
  uint256 public value;
  event Stored(uint256 v);
  function set(uint256 v) external { value = v; emit Stored(v); }
  function fail(string calldata why) external pure { revert(why); }
}
contract Env {
  function env() external view returns (uint256 number, uint256 time, uint256 baseFee, address coinbase, uint256 randao, uint256 gasLimit) {
    return (block.number, block.timestamp, block.basefee, block.coinbase, block.prevrandao, block.gaslimit);
  }
  function hashOf(uint256 n) external view returns (bytes32) { return blockhash(n); }
  function balanceOf(address a) external view returns (uint256) { return a.balance; }
}
contract Forwarder {
  event Forwarded(address to, uint256 value);
  function forward(address payable to) external payable { to.transfer(msg.value); emit Forwarded(to, msg.value); }
  function forwardThenFail(address payable to) external payable { to.transfer(msg.value); revert("no"); }
}`;

const STORE = "0x0000000000000000000000000000000000005701";
const ENV = "0x00000000000000000000000000000000000000e4";
const FWD = "0x00000000000000000000000000000000000000f0";
const ALICE = "0x00000000000000000000000000000000000a11ce";
const BOB = "0x0000000000000000000000000000000000000b0b";
const COINBASE = "0x000000000000000000000000000000000000c0de";
const ERC7528 = "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
const TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
/** JUMPDEST PUSH1 0 JUMP: loops until the gas or the time runs out. */
const ENDLESS_LOOP = "0x5b600056";
/** INVALID: an exceptional halt that consumes all of the call's gas at once. */
const INVALID = "0xfe";

interface RpcLog { address: string; topics: string[]; data: string; blockHash: string; blockNumber: string; transactionHash: string; transactionIndex: string; logIndex: string; blockTimestamp: string }
interface SimCall { status: string; returnData: string; gasUsed: string; maxUsedGas: string; logs: RpcLog[]; error?: { code: number; message: string; data?: string } }
interface SimTx { hash: string; from: string; to: string | null; gas: string; nonce: string; type: string; gasPrice: string; blockHash: string; v: string; r: string; s: string }
interface SimBlock {
  number: string; hash: string; parentHash: string; timestamp: string; gasLimit: string; gasUsed: string; miner: string; mixHash: string;
  baseFeePerGas: string; stateRoot: string; logsBloom: string; transactions: (string | SimTx)[]; calls: SimCall[];
}
interface RpcBlock { number: string; hash: string; timestamp: string; miner: string; gasLimit: string; stateRoot: string }
interface RpcError { code: number; message: string; data?: string }

/** A JSON-RPC quantity, as the node writes it (no leading zeros). */
const hex = (n: bigint | number): string => `0x${BigInt(n).toString(16)}`;
const word = (n: bigint | number): string => zeroPadValue(toBeHex(n), 32);
const topic = (a: string): string => zeroPadValue(a, 32);

/** The part of viem this test uses, loaded at run time: viem is only a transitive dependency here. */
interface Viem {
  createPublicClient(o: { transport: unknown }): {
    simulateBlocks(p: unknown): Promise<{ number: bigint; calls: { status: string; logs: { address: string }[] }[] }[]>;
    simulateCalls(p: unknown): Promise<{ results: { status: string }[]; assetChanges: { token: { address: string }; value: { diff: bigint } }[] }>;
  };
  http(url: string): unknown;
}
function loadViem(): Viem | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("viem") as Viem;
  } catch {
    return undefined;
  }
}

describe("node: eth_simulateV1", function () {
  this.timeout(180_000);
  let node: SpawnedNode;
  let base: RpcBlock;
  const compiled = compileSolidity({ "S.sol": SOURCE });
  const store = new Interface(compiled.Store.abi as InterfaceAbi);
  const env = new Interface(compiled.Env.abi as InterfaceAbi);
  const fwd = new Interface(compiled.Forwarder.abi as InterfaceAbi);
  const code: Record<string, string> = {};

  const simulate = (payload: unknown, block: unknown = base.number): Promise<SimBlock[]> => rpc<SimBlock[]>(node.url, "eth_simulateV1", [payload, block]);
  const errorOf = async (params: unknown[], url = node.url): Promise<RpcError> => {
    const r = (await rawRpc(url, { jsonrpc: "2.0", id: 1, method: "eth_simulateV1", params })).json as { error?: RpcError; result?: unknown };
    if (!r.error) throw new Error(`expected an error, got ${JSON.stringify(r.result).slice(0, 300)}`);
    return r.error;
  };
  const simError = (payload: unknown): Promise<RpcError> => errorOf([payload, base.number]);
  /** Everything the simulations must leave alone, read at the pinned base block and at the head. */
  const snapshot = async (): Promise<unknown[]> => Promise.all([
    rpc(node.url, "eth_getBlockByNumber", [base.number, false]).then((b) => (b as RpcBlock).hash),
    ...[STORE, ENV, FWD, ALICE, BOB].flatMap((a) => [
      rpc(node.url, "eth_getCode", [a, "latest"]), rpc(node.url, "eth_getBalance", [a, "latest"]),
      rpc(node.url, "eth_getTransactionCount", [a, "latest"]), rpc(node.url, "eth_getStorageAt", [a, "0x0", "latest"]),
    ]),
  ]);
  let initial: unknown[];

  before(async () => {
    node = await startNode({ args: ["--quiet"] });
    // Runtime code: eth_call of the creation code returns it.
    for (const name of ["Store", "Env", "Forwarder"]) code[name] = await rpc<string>(node.url, "eth_call", [{ data: compiled[name].bytecode }]);
    base = await rpc<RpcBlock>(node.url, "eth_getBlockByNumber", ["latest", false]);
    initial = await snapshot();
  });

  after(async () => {
    await node?.stop();
  });

  it("builds blocks on each other: the second reads what the first wrote, numbers and times count on", async () => {
    const [b1, b2, b3, b4, b5] = await simulate({
      blockStateCalls: [
        { stateOverrides: { [STORE]: { code: code.Store } }, calls: [{ from: ALICE, to: STORE, input: store.encodeFunctionData("set", [42]) }] },
        { calls: [{ from: ALICE, to: STORE, input: store.encodeFunctionData("value") }] },
        // A creation, then calls to the created contract in the next block.
        { calls: [{ from: ALICE, input: compiled.Store.bytecode }] },
        { calls: [{ from: ALICE, to: getCreateAddress({ from: ALICE, nonce: 2 }), input: store.encodeFunctionData("set", [5]) }, { to: getCreateAddress({ from: ALICE, nonce: 2 }), data: store.encodeFunctionData("value") }] },
        // `state` replaces the storage the first block wrote, before this block's calls.
        { stateOverrides: { [STORE]: { state: { [word(1)]: word(3) } } }, calls: [{ to: STORE, input: store.encodeFunctionData("value") }] },
      ],
    });
    const n = BigInt(base.number);
    expect([b1, b2, b3, b4, b5].map((b) => BigInt(b.number))).to.deep.equal([n + 1n, n + 2n, n + 3n, n + 4n, n + 5n]);
    // The dev chain's slot time is 1 s: the spec's "previous timestamp + network block time".
    expect([b1, b2, b3, b4].map((b) => BigInt(b.timestamp) - BigInt(base.timestamp))).to.deep.equal([1n, 2n, 3n, 4n]);
    expect(b1.parentHash).to.equal(base.hash);
    expect(b2.parentHash).to.equal(b1.hash);
    expect(b1.miner, "the fee recipient defaults to the base block's").to.equal(base.miner);
    expect(b1.gasLimit).to.equal(base.gasLimit);
    expect(b1.baseFeePerGas, "without validation the base fee is zero").to.equal("0x0");
    expect(b1.mixHash).to.equal(word(0));
    expect(b1.stateRoot).to.not.equal(base.stateRoot);

    const set = b1.calls[0];
    expect(set.status).to.equal("0x1");
    expect(BigInt(set.gasUsed)).to.be.greaterThan(40_000n);
    expect(BigInt(set.maxUsedGas) >= BigInt(set.gasUsed)).to.equal(true);
    expect(b1.gasUsed).to.equal(set.gasUsed);
    expect(b1.transactions).to.have.length(1);
    expect(set.logs).to.deep.equal([{
      address: STORE, topics: [store.getEvent("Stored")!.topicHash], data: word(42), blockNumber: b1.number, blockHash: b1.hash,
      transactionHash: b1.transactions[0], transactionIndex: "0x0", logIndex: "0x0", removed: false, blockTimestamp: b1.timestamp,
    }]);
    expect(b2.calls[0].returnData).to.equal(word(42));
    expect(b3.calls[0].status).to.equal("0x1");
    expect(b4.calls.map((c) => c.status)).to.deep.equal(["0x1", "0x1"]);
    expect(b4.calls[1].returnData).to.equal(word(5));
    expect(b5.calls[0].returnData, "slot 0 was cleared").to.equal(word(0));
  });

  it("a call that reverts or runs out of gas is a result with status 0x0; the calls after it still run", async () => {
    const [b] = await simulate({
      blockStateCalls: [{
        stateOverrides: { [STORE]: { code: code.Store } },
        calls: [
          { to: STORE, input: store.encodeFunctionData("fail", ["nope"]) },
          { to: STORE, input: store.encodeFunctionData("set", [7]) },
          { to: STORE, input: store.encodeFunctionData("value") },
          // Enough for the intrinsic gas, not for the SSTORE.
          { to: STORE, input: store.encodeFunctionData("set", [1]), gas: hex(24_000) },
        ],
      }],
    });
    const [fail, set, read, oog] = b.calls;
    expect(fail.status).to.equal("0x0");
    expect(fail.returnData).to.equal("0x");
    expect(fail.logs).to.deep.equal([]);
    expect(fail.error).to.deep.equal({ code: 3, message: "execution reverted: nope", data: store.encodeErrorResult("Error", ["nope"]) });
    expect(set.status).to.equal("0x1");
    expect(read.returnData).to.equal(word(7));
    expect(oog).to.include({ status: "0x0", gasUsed: hex(24_000) });
    expect(oog.error).to.deep.equal({ code: -32015, message: "out of gas" });
    expect(BigInt(b.gasUsed)).to.equal(b.calls.reduce((s, c) => s + BigInt(c.gasUsed), 0n));
    expect(b.transactions, "failed calls are transactions of the block too").to.have.length(4);
  });

  it("block overrides are what the block's code sees; a jump in numbers is filled with empty blocks; BLOCKHASH links the simulated blocks", async () => {
    const n = BigInt(base.number) + 5n;
    const t = BigInt(base.timestamp) + 1000n;
    const randao = word(0x1234);
    const blocks = await simulate({
      blockStateCalls: [
        {
          blockOverrides: { number: hex(n), time: hex(t), feeRecipient: COINBASE, prevRandao: randao, baseFeePerGas: "0x7", gasLimit: hex(12_345_678) },
          stateOverrides: { [ENV]: { code: code.Env } },
          // An unfunded sender: without validation a call that names no fee pays none, whatever the base fee.
          calls: [{ from: ALICE, to: ENV, input: env.encodeFunctionData("env") }],
        },
        { calls: [{ to: ENV, input: env.encodeFunctionData("env") }, { to: ENV, input: env.encodeFunctionData("hashOf", [n]) }, { to: ENV, input: env.encodeFunctionData("hashOf", [n - 1n]) }] },
      ],
    });
    expect(blocks.map((b) => BigInt(b.number))).to.deep.equal([1n, 2n, 3n, 4n, 5n, 6n].map((i) => BigInt(base.number) + i));
    const gaps = blocks.slice(0, 4);
    expect(gaps.map((b) => BigInt(b.timestamp) - BigInt(base.timestamp))).to.deep.equal([1n, 2n, 3n, 4n]);
    expect(gaps.every((b) => b.transactions.length === 0 && b.calls.length === 0)).to.equal(true);
    const [over, next] = blocks.slice(4);
    const seen = env.decodeFunctionResult("env", over.calls[0].returnData);
    expect(seen.map((v: unknown) => String(v))).to.deep.equal([String(n), String(t), "7", getAddress(COINBASE), String(0x1234), "12345678"]);
    expect(over).to.include({ number: hex(n), timestamp: hex(t), miner: COINBASE, mixHash: randao, baseFeePerGas: "0x7", gasLimit: hex(12_345_678) });
    expect(over.parentHash).to.equal(gaps[3].hash);
    const nextSeen = env.decodeFunctionResult("env", next.calls[0].returnData);
    // The next block: number and time count on; fee recipient and gas limit carry over; base fee and randao do not.
    expect(nextSeen.map((v: unknown) => String(v))).to.deep.equal([String(n + 1n), String(t + 1n), "0", getAddress(COINBASE), "0", "12345678"]);
    expect(next.calls[1].returnData).to.equal(over.hash);
    expect(next.calls[2].returnData).to.equal(gaps[3].hash);
  });

  it("traceTransfers adds ERC-7528 logs for value moved by the transaction and by calls, in execution order; none when the frame fails", async () => {
    const payload = (traceTransfers: boolean): unknown => ({
      traceTransfers,
      blockStateCalls: [{
        stateOverrides: { [ALICE]: { balance: hex(parseEther("1")) }, [FWD]: { code: code.Forwarder } },
        calls: [
          { from: ALICE, to: FWD, value: hex(1000), input: fwd.encodeFunctionData("forward", [BOB]) },
          { from: ALICE, to: BOB, value: hex(5) },
          { from: ALICE, to: FWD, value: hex(7), input: fwd.encodeFunctionData("forwardThenFail", [BOB]) },
        ],
      }],
    });
    const [traced] = await simulate(payload(true));
    const transfer = (from: string, to: string, value: number): object => ({ address: ERC7528, topics: [TRANSFER_TOPIC, topic(from), topic(to)], data: word(value) });
    const shape = (l: RpcLog): object => ({ address: l.address, topics: l.topics, data: l.data });
    const forwarded = { address: FWD, topics: [fwd.getEvent("Forwarded")!.topicHash], data: fwd.getAbiCoder().encode(["address", "uint256"], [BOB, 1000]) };
    expect(traced.calls[0].logs.map(shape)).to.deep.equal([transfer(ALICE, FWD, 1000), transfer(FWD, BOB, 1000), forwarded]);
    expect(traced.calls[1].logs.map(shape)).to.deep.equal([transfer(ALICE, BOB, 5)]);
    expect(traced.calls[2]).to.include({ status: "0x0" });
    expect(traced.calls[2].logs).to.deep.equal([]);
    expect(traced.calls.flatMap((c) => c.logs.map((l) => l.logIndex))).to.deep.equal(["0x0", "0x1", "0x2", "0x3"]);
    expect(traced.calls[1].logs[0].transactionIndex).to.equal("0x1");

    // SELFDESTRUCT hands the balance on; a creation with value moves it to the new address.
    const doomed = "0x0000000000000000000000000000000000d00d00";
    const [more] = await simulate({
      traceTransfers: true,
      blockStateCalls: [{
        stateOverrides: { [ALICE]: { balance: "0x100" }, [doomed]: { code: `0x73${BOB.slice(2)}ff`, balance: "0x32" } },
        calls: [{ from: ALICE, to: doomed }, { from: ALICE, value: "0x9", input: "0x00" }],
      }],
    });
    expect(more.calls.map((c) => c.logs.map(shape))).to.deep.equal([[transfer(doomed, BOB, 50)], [transfer(ALICE, getCreateAddress({ from: ALICE, nonce: 1 }).toLowerCase(), 9)]]);

    const [plain] = await simulate(payload(false));
    expect(plain.calls[0].logs.map(shape)).to.deep.equal([forwarded]);
    expect(plain.calls[1].logs).to.deep.equal([]);
    expect(plain.logsBloom, "transfer logs are not in the bloom").to.equal(traced.logsBloom);
  });

  it("without validation a transfer needs the value (geth: -38014), which a balance override provides; nonces are not checked", async () => {
    const send = { from: ALICE, to: BOB, value: "0x3e8" };
    expect(await simError({ blockStateCalls: [{ calls: [send] }] })).to.deep.equal({
      code: -38014, message: `insufficient funds for gas * price + value: address ${getAddress(ALICE)} have 0 want 1000`,
    });
    const [b1, b2] = await simulate({
      blockStateCalls: [
        { stateOverrides: { [ALICE]: { balance: "0x3e8" }, [ENV]: { code: code.Env } }, calls: [{ ...send, nonce: "0x63" }] },
        { calls: [{ to: ENV, input: env.encodeFunctionData("balanceOf", [BOB]) }, { to: ENV, input: env.encodeFunctionData("balanceOf", [ALICE]) }] },
      ],
    });
    expect(b1.calls[0]).to.include({ status: "0x1", gasUsed: "0x5208" });
    expect([BigInt(b2.calls[0].returnData), BigInt(b2.calls[1].returnData)]).to.deep.equal([1000n, 0n]);
  });

  it("validation: true applies the real rules: base fee, nonce, funds for gas and value", async () => {
    const fee = { maxFeePerGas: hex(100n * 10n ** 9n), maxPriorityFeePerGas: hex(10n ** 9n) };
    const funded = { [ALICE]: { balance: hex(parseEther("1")), nonce: "0x3" }, [ENV]: { code: code.Env } };
    const run = (stateOverrides: object | undefined, call: object): Promise<RpcError> =>
      simError({ validation: true, blockStateCalls: [{ stateOverrides, calls: [{ from: ALICE, to: BOB, ...call }] }] });
    expect(await run(undefined, { ...fee, nonce: "0x0" })).to.include({ code: -38014 });
    expect((await run(undefined, { ...fee, nonce: "0x0" })).message).to.match(new RegExp(`^insufficient funds for gas \\* price \\+ value: address ${getAddress(ALICE)} have 0 want \\d+$`));
    expect(await run(funded, { ...fee, nonce: "0x0" })).to.deep.equal({ code: -38010, message: `nonce too low: address ${getAddress(ALICE)}, tx: 0 state: 3` });
    expect(await run(funded, { ...fee, nonce: "0x5" })).to.deep.equal({ code: -38011, message: `nonce too high: address ${getAddress(ALICE)}, tx: 5 state: 3` });
    const noFee = await run(funded, { nonce: "0x3" });
    expect(noFee.code).to.equal(-38012);
    expect(noFee.message).to.match(new RegExp(`^max fee per gas less than block base fee: address ${getAddress(ALICE)}, maxFeePerGas: 0, baseFee: [1-9]\\d*$`));
    expect(await run(funded, { maxFeePerGas: "0x1", maxPriorityFeePerGas: "0x2", nonce: "0x3" })).to.deep.equal({
      code: -32602, message: `max priority fee per gas higher than max fee per gas: address ${getAddress(ALICE)}, maxPriorityFeePerGas: 2, maxFeePerGas: 1`,
    });

    const [b, read] = await simulate({
      validation: true,
      blockStateCalls: [
        { stateOverrides: funded, calls: [{ from: ALICE, to: BOB, value: "0x1", gas: "0x5208", nonce: "0x3", ...fee }] },
        // Read by another (fee-free) sender: a sender's own balance is already charged for its gas limit.
        { blockOverrides: { baseFeePerGas: "0x0" }, calls: [{ from: BOB, to: ENV, input: env.encodeFunctionData("balanceOf", [ALICE]), gas: "0x10000" }] },
      ],
    });
    const baseFee = BigInt(b.baseFeePerGas);
    expect(baseFee, "the base fee follows the parent, as in a real block").to.be.greaterThan(0n);
    // It paid for its gas: base fee plus the tip.
    expect(BigInt(read.calls[0].returnData)).to.equal(parseEther("1") - 1n - 21_000n * (baseFee + 10n ** 9n));
  });

  it("returnFullTransactions gives the transactions as objects (unsigned: v, r, s zero), with their sender", async () => {
    const [b] = await simulate({
      returnFullTransactions: true,
      blockStateCalls: [{ calls: [{ from: ALICE, to: BOB }, { from: ALICE, to: BOB, gasPrice: "0x0", gas: "0x5208" }] }],
    });
    const [t1, t2] = b.transactions as SimTx[];
    expect(t1).to.include({ from: ALICE, to: BOB, nonce: "0x0", type: "0x2", blockHash: b.hash, v: "0x0", r: "0x0", s: "0x0", gas: b.gasLimit });
    expect(t2).to.include({ from: ALICE, nonce: "0x1", type: "0x1", gasPrice: "0x0", gas: "0x5208" });
    expect(t1.hash).to.not.equal(t2.hash);
    const [hashes] = await simulate({ blockStateCalls: [{ calls: [{ from: ALICE, to: BOB }, { from: ALICE, to: BOB, gasPrice: "0x0", gas: "0x5208" }] }] });
    expect(hashes.transactions, "the same transactions, the same hashes").to.deep.equal([t1.hash, t2.hash]);
  });

  it("a call may come from an address with code (geth skips EIP-3607), and the code stays for the next calls", async () => {
    const [b] = await simulate({
      validation: true,
      blockStateCalls: [{
        blockOverrides: { baseFeePerGas: "0x0" },
        stateOverrides: { [ENV]: { code: code.Env, balance: "0x10" } },
        calls: [{ from: ENV, to: BOB, value: "0x1", nonce: "0x0" }, { to: ENV, input: env.encodeFunctionData("balanceOf", [BOB]) }, { from: ENV, to: BOB, value: "0x1", nonce: "0x1" }],
      }],
    });
    expect(b.calls.map((c) => c.status)).to.deep.equal(["0x1", "0x1", "0x1"]);
    expect(BigInt(b.calls[1].returnData)).to.equal(1n);
  });

  it("limits: gas beyond the block's (-38015), too little for the intrinsic gas (-38013), too many blocks or calls (-38026)", async () => {
    expect(await simError({ blockStateCalls: [{ calls: [{ to: BOB, gas: hex(BigInt(base.gasLimit) + 1n) }] }] })).to.deep.equal({
      code: -38015, message: `block gas limit reached: remaining: ${BigInt(base.gasLimit)}, required: ${BigInt(base.gasLimit) + 1n}`,
    });
    // The block's gas is shared: a call without gas takes what is left.
    expect(await simError({ blockStateCalls: [{ blockOverrides: { gasLimit: hex(30_000) }, calls: [{ to: BOB }, { to: BOB }] }] })).to.deep.equal({
      code: -38013, message: "intrinsic gas too low: have 9000, want 21000",
    });
    expect(await simError({ blockStateCalls: Array.from({ length: 257 }, () => ({})) })).to.deep.equal({ code: -38026, message: "too many blocks: 257, limit 256" });
    const far = BigInt(base.number) + 257n;
    expect(await simError({ blockStateCalls: [{ blockOverrides: { number: hex(far) } }] })).to.deep.equal({
      code: -38026, message: `too many blocks: block ${far} is more than 256 after the base block ${BigInt(base.number)}`,
    });
    expect(await simError({ blockStateCalls: [{ calls: Array.from({ length: 5001 }, () => ({})) }] })).to.deep.equal({ code: -38026, message: "too many calls in block 0: 5001 > 5000" });
    // 256 blocks are fine.
    expect(await simulate({ blockStateCalls: Array.from({ length: 256 }, () => ({})) })).to.have.length(256);
  });

  it("refuses malformed and out-of-range input with clear messages", async () => {
    const n = BigInt(base.number);
    const t = BigInt(base.timestamp);
    const cases: [unknown[], RpcError][] = [
      [[], { code: -32602, message: "missing value for required argument 0 (payload)" }],
      [["0x1"], { code: -32602, message: "invalid argument payload: expected an object" }],
      [[{ blockStateCalls: [] }, "latest"], { code: -32602, message: "invalid argument blockStateCalls: empty input (at least one block is needed)" }],
      [[{ blockStateCalls: {} }], { code: -32602, message: "invalid argument blockStateCalls: expected an array of blocks { blockOverrides?, stateOverrides?, calls? }" }],
      [[{ blockStateCall: [] }], { code: -32602, message: "invalid argument payload: unknown field blockStateCall (supported: blockStateCalls, validation, traceTransfers, returnFullTransactions)" }],
      [[{ blockStateCalls: [{}], validation: "yes" }], { code: -32602, message: "invalid argument validation: expected a boolean" }],
      [[{ blockStateCalls: [{}] }, "latest", {}], { code: -32602, message: "too many arguments, want at most 2" }],
      [[{ blockStateCalls: [{}] }, "0xffffffffff"], { code: -32001, message: "header not found" }],
      [[{ blockStateCalls: ["x"] }], { code: -32602, message: "invalid argument blockStateCalls[0]: expected an object" }],
      [[{ blockStateCalls: [{ calls: {} }] }], { code: -32602, message: "invalid argument blockStateCalls[0].calls: expected an array of call objects" }],
      [[{ blockStateCalls: [{ call: [] }] }], { code: -32602, message: "invalid argument blockStateCalls[0]: unknown field call (supported: blockOverrides, stateOverrides, calls)" }],
      [[{ blockStateCalls: [{ calls: [{ gasLimit: "0x1" }] }] }], {
        code: -32602, message: "invalid argument blockStateCalls[0].calls[0]: unknown field gasLimit (supported: from, to, gas, value, input, data, nonce, gasPrice, maxFeePerGas, maxPriorityFeePerGas, accessList, type, chainId)",
      }],
      [[{ blockStateCalls: [{ calls: [{ value: 5 }] }] }], { code: -32602, message: "blockStateCalls[0].calls[0]: invalid argument value: expected a hex quantity" }],
      [[{ blockStateCalls: [{ calls: [{ to: "0x12" }] }] }], { code: -32602, message: "blockStateCalls[0].calls[0]: invalid argument to: expected a 20-byte hex address" }],
      [[{ blockStateCalls: [{ calls: [{ input: "0x01", data: "0x02" }] }] }], {
        code: -32602, message: `invalid argument blockStateCalls[0].calls[0]: both "data" and "input" are set and not equal. Please use "input" to pass transaction call data`,
      }],
      [[{ blockStateCalls: [{ calls: [{ gasPrice: "0x1", maxFeePerGas: "0x1" }] }] }], {
        code: -32602, message: "invalid argument blockStateCalls[0].calls[0]: both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified",
      }],
      [[{ blockStateCalls: [{ calls: [{ type: "0x3" }] }] }], { code: -32602, message: "invalid argument blockStateCalls[0].calls[0].type: 0x3 transactions are not simulated (blob and EIP-7702 transactions)" }],
      [[{ blockStateCalls: [{ calls: [{ blobVersionedHashes: [] }] }] }], { code: -32602, message: "invalid argument blockStateCalls[0].calls[0].blobVersionedHashes: not supported (blob transactions are not simulated)" }],
      [[{ blockStateCalls: [{ calls: [{ chainId: "0x1" }] }] }], { code: -32602, message: "invalid argument blockStateCalls[0].calls[0]: chainId does not match node's (have=1, want=8898)" }],
      [[{ blockStateCalls: [{ blockOverrides: { number: "0x" } }] }], { code: -32602, message: "blockStateCalls[0].blockOverrides: invalid argument number: expected a hex quantity" }],
      [[{ blockStateCalls: [{ blockOverrides: { blobBaseFee: "0x1" } }] }], { code: -32602, message: "invalid argument blockStateCalls[0].blockOverrides.blobBaseFee: not supported (blob gas is not simulated)" }],
      [[{ blockStateCalls: [{ blockOverrides: { withdrawals: [] } }] }], { code: -32602, message: "invalid argument blockStateCalls[0].blockOverrides.withdrawals: not supported (geth refuses it in eth_simulateV1 too)" }],
      [[{ blockStateCalls: [{ stateOverrides: { [ALICE]: { movePrecompileToAddress: BOB } } }] }], {
        code: -32602, message: `invalid argument blockStateCalls[0].stateOverrides[${ALICE}].movePrecompileToAddress: not supported (precompiles cannot be moved on this node)`,
      }],
      [[{ blockStateCalls: [{ stateOverrides: { [ALICE]: { state: {}, stateDiff: {} } } }] }], {
        code: -32602, message: `blockStateCalls[0].stateOverrides: invalid argument stateOverrides: account ${ALICE} has both 'state' and 'stateDiff'`,
      }],
      [[{ blockStateCalls: [{ blockOverrides: { number: hex(n + 20n) } }, { blockOverrides: { number: hex(n + 10n) } }] }, base.number], {
        code: -38020, message: `block numbers must be in order: ${n + 10n} <= ${n + 20n}`,
      }],
      [[{ blockStateCalls: [{ blockOverrides: { number: hex(n) } }] }, base.number], { code: -38020, message: `block numbers must be in order: ${n} <= ${n}` }],
      [[{ blockStateCalls: [{ blockOverrides: { time: hex(t + 50n) } }, { blockOverrides: { time: hex(t + 50n) } }] }, base.number], {
        code: -38021, message: `block timestamps must be in order: ${t + 50n} <= ${t + 50n}`,
      }],
    ];
    for (const [params, want] of cases) expect(await errorOf(params), JSON.stringify(params).slice(0, 200)).to.deep.equal(want);
  });

  it("viem's simulateBlocks and simulateCalls (asset changes) work against it", async function () {
    const viem = loadViem();
    if (!viem) return this.skip();
    const client = viem.createPublicClient({ transport: viem.http(node.url) });
    const [b] = await client.simulateBlocks({ blocks: [{ calls: [{ account: ALICE, to: BOB, value: 5n }], stateOverrides: [{ address: ALICE, balance: 10n }] }], traceTransfers: true });
    expect(b.calls[0].status).to.equal("success");
    expect(b.calls[0].logs.map((l) => l.address)).to.deep.equal([ERC7528]);
    const funded = new Wallet(devKeys(3)[2]).address;
    const res = await client.simulateCalls({ account: funded, calls: [{ to: BOB, value: 1000n }], traceAssetChanges: true });
    expect(res.results.map((r) => r.status)).to.deep.equal(["success"]);
    expect(res.assetChanges.map((a) => [a.token.address, a.value.diff])).to.deep.equal([[ERC7528, -1000n]]);
  });

  it("generated payloads get a result or a JSON-RPC error, never an internal error", async () => {
    // Clean payloads (every value well-formed: they run, or fail by the rules) and noisy ones (a malformed value here and there).
    const payloadOf = (noisy: boolean): fc.Arbitrary<unknown> => {
      const some = (valid: fc.Arbitrary<unknown>, ...bad: unknown[]): fc.Arbitrary<unknown> => (noisy ? fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...bad) }) : valid);
      const qty = some(fc.oneof({ weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 100_000n }) }, { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }).map(hex), "0x", "0xzz", 7, `0x${"f".repeat(65)}`);
      // Numbers and times after the base block's (an override at or below it fails the ordering check, as one out of order).
      const after = (from: bigint): fc.Arbitrary<unknown> => some(fc.oneof({ weight: 9, arbitrary: fc.bigInt({ min: from + 1n, max: from + 200n }) }, { weight: 1, arbitrary: fc.constant(from) }).map(hex), "0x", -1);
      const rarely = (a: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
      const addr = some(fc.constantFrom(ALICE, BOB, STORE, ENV, FWD), "0x12", 5);
      const bytes = some(fc.constantFrom("0x", "0x00", INVALID, "0x6001600055", "0x5b", "0x6000ff", "0x60016000a0", code.Forwarder, compiled.Store.bytecode), "0x1", 3);
      const call = fc.record({
        from: addr, to: addr, value: qty, gas: qty, input: bytes, nonce: qty, maxFeePerGas: qty, maxPriorityFeePerGas: qty,
        type: some(fc.constantFrom("0x2"), "0x0", "0x1", "0x3", "0x7"), chainId: some(fc.constantFrom("0x22c2"), "0x1"),
        accessList: some(fc.constantFrom([], [{ address: BOB, storageKeys: [word(1)] }]), "x"),
      }, { requiredKeys: [] });
      const blockOverrides = fc.record({
        number: rarely(after(BigInt(base.number))), time: rarely(after(BigInt(base.timestamp))), gasLimit: qty, feeRecipient: addr, prevRandao: qty, baseFeePerGas: qty,
      }, { requiredKeys: [] });
      const account = fc.record({ balance: qty, nonce: qty, code: bytes, stateDiff: some(fc.constantFrom({ [word(0)]: word(1) }), { "0x1": "0x2" }) }, { requiredKeys: [] });
      const stateOverrides = fc.dictionary(fc.constantFrom(ALICE, STORE, FWD, ...(noisy ? ["0x12"] : [])), account, { maxKeys: 2 });
      const block = fc.record({ blockOverrides, stateOverrides, calls: fc.array(call, { maxLength: 4 }) }, { requiredKeys: [] });
      return fc.record({ blockStateCalls: fc.array(block, { minLength: 1, maxLength: 4 }), validation: fc.boolean(), traceTransfers: fc.boolean(), returnFullTransactions: fc.boolean() }, { requiredKeys: ["blockStateCalls"] });
    };
    const payload = fc.oneof({ weight: 6, arbitrary: payloadOf(false) }, { weight: 3, arbitrary: payloadOf(true) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });
    await fc.assert(fc.asyncProperty(payload, fc.constantFrom(base.number, base.number, "latest", "pending"), async (p, tag) => {
      const r = (await rawRpc(node.url, { jsonrpc: "2.0", id: 1, method: "eth_simulateV1", params: [p, tag] })).json as { result?: unknown; error?: RpcError };
      expect("result" in r !== "error" in r, JSON.stringify(r).slice(0, 300)).to.equal(true);
      if (r.error) expect(r.error.code, `${JSON.stringify(p).slice(0, 400)} → ${r.error.message}`).to.not.equal(-32603);
    }), { numRuns: 300 });
  });

  it("at \"pending\" builds on the pending block, as geth: the pool's transactions count and the first block follows it", async () => {
    const carol = "0x00000000000000000000000000000000000ca201";
    // A dev node of its own: the transfer waits in the pool while automine is off.
    const dev = await startNode({ args: ["--quiet", "--dev"] });
    const url = dev.url;
    const sim = (payload: unknown, block: string): Promise<SimBlock[]> => rpc<SimBlock[]>(url, "eth_simulateV1", [payload, block]);
    const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    const sender = new Wallet(devKeys(7)[6], provider);
    await rpc(url, "evm_setAutomine", [false]);
    try {
      const tx = await sender.sendTransaction({ to: carol, value: 5n });
      const head = await rpc<RpcBlock>(url, "eth_getBlockByNumber", ["latest", false]);
      const pending = await rpc<RpcBlock>(url, "eth_getBlockByNumber", ["pending", false]);
      const nonce = BigInt(tx.nonce);
      const payload = (validationNonce: bigint): unknown => ({
        validation: true,
        blockStateCalls: [{
          stateOverrides: { [ENV]: { code: code.Env } },
          calls: [
            { from: sender.address, to: ENV, input: env.encodeFunctionData("balanceOf", [carol]), nonce: hex(validationNonce), maxFeePerGas: hex(10n ** 11n) },
            { from: sender.address, to: ENV, input: env.encodeFunctionData("hashOf", [BigInt(head.number) + 1n]), nonce: hex(validationNonce + 1n), maxFeePerGas: hex(10n ** 11n) },
          ],
        }],
      });
      // The pool's transfer is in the pending state: the sender's next nonce and Carol's 5 wei.
      const [onPending] = await sim(payload(nonce + 1n), "pending");
      expect(onPending.calls.map((c) => c.status)).to.deep.equal(["0x1", "0x1"]);
      expect(BigInt(onPending.calls[0].returnData)).to.equal(5n);
      expect(BigInt(onPending.number)).to.equal(BigInt(head.number) + 2n);
      expect(BigInt(onPending.timestamp) > BigInt(pending.timestamp)).to.equal(true);
      // Its parent is the pending block, whose hash BLOCKHASH gives.
      expect(onPending.calls[1].returnData).to.equal(onPending.parentHash);
      expect(onPending.parentHash).to.not.equal(head.hash);
      expect(onPending.parentHash).to.not.equal(word(0));
      // The pool's nonce is taken: the transfer's own nonce is too low there, and right at "latest".
      expect((await errorOf([payload(nonce), "pending"], url)).code).to.equal(-38010);
      const [onLatest] = await sim(payload(nonce), "latest");
      expect(BigInt(onLatest.number)).to.equal(BigInt(head.number) + 1n);
      expect(onLatest.parentHash).to.equal(head.hash);
      expect(BigInt(onLatest.calls[0].returnData)).to.equal(0n);
      // Nothing was mined or taken from the pool by simulating.
      expect(await rpc(url, "eth_getBlockByNumber", ["latest", false]).then((b) => (b as RpcBlock).hash)).to.equal(head.hash);
      expect(await rpc<{ pending: Record<string, unknown> }>(url, "txpool_content").then((c) => Object.keys(c.pending))).to.deep.equal([sender.address]);
      await rpc(url, "evm_mine");
      expect(await provider.getBalance(carol)).to.equal(5n);
      // With nothing pending, "pending" is still the head's child: the first simulated block is two ahead.
      const mined = await rpc<RpcBlock>(url, "eth_getBlockByNumber", ["latest", false]);
      const [empty] = await sim({ blockStateCalls: [{ calls: [] }] }, "pending");
      expect(BigInt(empty.number)).to.equal(BigInt(mined.number) + 2n);
    } finally {
      provider.destroy();
      await dev.stop();
    }
  });

  it("never touches the chain: the base block, the head's state of every address used, and blocks mined afterwards", async () => {
    expect(await snapshot()).to.deep.equal(initial);
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    try {
      const tx = await new Wallet(devKeys(5)[4], provider).sendTransaction({ to: BOB, value: 3n });
      await tx.wait(1, 30_000);
      expect(await provider.getBalance(BOB)).to.equal(3n);
      expect(await provider.getCode(STORE)).to.equal("0x");
    } finally {
      provider.destroy();
    }
  });
});

describe("node: eth_simulateV1's gas budget and time-out (the node's gas cap over all calls, its EVM time-out over the request)", function () {
  this.timeout(120_000);
  let node: SpawnedNode;
  const CAP = 40_000_000;
  const simulate = (payload: unknown): Promise<SimBlock[]> => rpc<SimBlock[]>(node.url, "eth_simulateV1", [payload]);
  const simError = async (payload: unknown): Promise<RpcError> => ((await rawRpc(node.url, { jsonrpc: "2.0", id: 1, method: "eth_simulateV1", params: [payload] })).json as { error: RpcError }).error;
  const invalidAt = { [STORE]: { code: INVALID } };

  before(async () => {
    // A 30M-gas loop takes about a second here: 300 ms cuts it; the INVALID calls below take no time.
    node = await startNode({ args: ["--quiet", "--rpc-gas-cap", String(CAP), "--rpc-evm-timeout", "300"] });
  });

  after(async () => {
    await node?.stop();
  });

  it("every call's gas is capped by what the earlier calls (of every block) left of the cap; an exhausted budget is an error", async () => {
    const [b1, b2] = await simulate({
      returnFullTransactions: true,
      blockStateCalls: [
        { stateOverrides: invalidAt, calls: [{ to: STORE, gas: hex(25_000_000) }] },
        { calls: [{ to: BOB }, { to: STORE, gas: hex(20_000_000) }] },
      ],
    });
    expect(b1.calls.map((c) => [c.status, c.gasUsed, c.error])).to.deep.equal([["0x0", hex(25_000_000), { code: -32015, message: "invalid opcode" }]]);
    // Block 2 has its own 30M, but only 15M of the cap are left.
    expect((b2.transactions as SimTx[]).map((t) => t.gas)).to.deep.equal([hex(15_000_000), hex(15_000_000 - 21_000)]);
    expect(b2.calls.map((c) => c.gasUsed)).to.deep.equal([hex(21_000), hex(15_000_000 - 21_000)]);
    // The budget is per request.
    const [again] = await simulate({ blockStateCalls: [{ stateOverrides: invalidAt, calls: [{ to: STORE }] }] });
    expect(again.calls[0].gasUsed, "the block's gas limit").to.equal(again.gasLimit);
    expect(await simError({ blockStateCalls: [{ stateOverrides: invalidAt, calls: [{ to: STORE }] }, { calls: [{ to: STORE }] }, { calls: [{ to: BOB }] }] })).to.deep.equal({
      code: -38013, message: "intrinsic gas too low: have 0, want 21000 (gas limit was capped by the RPC server's global gas cap)",
    });
  });

  it("the EVM time-out bounds the whole request, and the node answers afterwards", async () => {
    const started = Date.now();
    expect(await simError({ blockStateCalls: [{ stateOverrides: { [STORE]: { code: ENDLESS_LOOP } }, calls: [{ to: STORE }] }] })).to.deep.equal({
      code: -32000, message: "execution aborted (timeout = 0.3s)",
    });
    expect(Date.now() - started).to.be.lessThan(10_000);
    expect(await rpc(node.url, "eth_chainId")).to.equal("0x22c2");
  });
});

describe("eth_simulateV1's state isolation (in process)", () => {
  it("a simulation's flushes stay in memory: the chain's trie database gets no write", async () => {
    const common = createChainCommon(devChainConfig());
    const db = new MapDB<string, Uint8Array | string>();
    const chainState = createStateManager(common, db);
    const who = createAddressFromString(STORE);
    await chainState.putAccount(who, new Account(0n, 5n));
    await chainState.putStorage(who, new Uint8Array(32), Uint8Array.from([7]));
    const root = await chainState.getStateRoot();
    const stored = db._database.size;

    const write = async (isolated: boolean): Promise<number> => {
      const sim = chainState.shallowCopy();
      await sim.setStateRoot(root, true);
      if (isolated) isolateWrites(sim);
      await sim.putStorage(who, Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0)), Uint8Array.from([9]));
      await sim.putCode(who, Uint8Array.from([0x60, 0x00]));
      await sim.getStateRoot();
      // It still reads the chain's state beneath its own writes.
      expect((await sim.getStorage(who, new Uint8Array(32)))[0]).to.equal(7);
      return db._database.size - stored;
    };
    expect(await write(true), "isolated: nothing written").to.equal(0);
    expect(await write(false), "without the overlay a copy's flush writes trie nodes into the shared database").to.be.greaterThan(0);
  });
});
