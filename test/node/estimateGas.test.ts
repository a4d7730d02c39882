/**
 * eth_estimateGas against a spawned node: the answer is enough (a real transaction sent with exactly
 * that limit succeeds) and, where the path does not depend on the gas left, exactly the minimum (one
 * gas less runs out), including refunds and deployments; with the 63/64 rule of nested calls it is
 * within 1/64 of the minimum; with a `gasleft()` branch it is still enough.
 */
import { expect } from "chai";
import { Contract, ContractFactory, JsonRpcProvider, Wallet, toBeHex, type InterfaceAbi, type TransactionReceipt } from "ethers";
import { compileSolidity, devKeys, rawRpc, startNode, type SpawnedNode } from "./helpers";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract Gas {
  uint256 public x = 1;
  mapping(uint256 => uint256) public m;
  /// A slot cleared: the transaction gets a refund, so it needs more gas than it is charged.
  function clear() external { x = 0; }
  function burn(uint256 n) public { for (uint256 i; i < n; i++) m[i] = i + 7; }
  /// Takes the expensive path only when there is gas for it.
  function adaptive() external { if (gasleft() > 150000) burn(5); else m[99] = 1; }
}
contract Caller {
  /// A nested call: the callee gets at most 63/64 of the gas left.
  function callBurn(Gas g, uint256 n) external { g.burn(n); }
}`;

interface CallAnswer {
  result?: string;
  error?: { code: number; message: string };
}

describe("node: eth_estimateGas", function () {
  this.timeout(180_000);
  let node: SpawnedNode;
  let provider: JsonRpcProvider;
  let wallet: Wallet;
  let gas: Contract;
  let caller: Contract;
  const compiled = compileSolidity({ "G.sol": SOURCE });

  const deploy = async (name: string): Promise<Contract> => {
    const c = (await new ContractFactory(compiled[name].abi as InterfaceAbi, compiled[name].bytecode, wallet).deploy()) as Contract;
    await c.waitForDeployment();
    return c;
  };
  const estimate = async (tx: { to?: string; data: string; value?: bigint }): Promise<bigint> =>
    BigInt((await provider.send("eth_estimateGas", [{ from: wallet.address, ...tx, value: toBeHex(tx.value ?? 0n) }])) as string);
  /** eth_call with a gas limit: the error message, or undefined when it succeeds. */
  const failureAt = async (tx: { to?: string; data: string; value?: bigint }, limit: bigint): Promise<string | undefined> => {
    const body = { jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ from: wallet.address, ...tx, value: toBeHex(tx.value ?? 0n), gas: toBeHex(limit) }, "pending"] };
    return ((await rawRpc(node.url, body)).json as CallAnswer).error?.message;
  };
  /** Sends the transaction with exactly `limit` gas; resolves with its receipt (a failed one too). */
  const sendWith = async (tx: { to?: string; data: string; value?: bigint }, limit: bigint): Promise<TransactionReceipt> => {
    const sent = await wallet.sendTransaction({ ...tx, gasLimit: limit });
    const receipt = await provider.waitForTransaction(sent.hash, 1, 60_000);
    if (!receipt) throw new Error(`no receipt for ${sent.hash}`);
    return receipt;
  };

  before(async () => {
    node = await startNode({ args: ["--quiet", "--dev"] });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    wallet = new Wallet(devKeys(6)[5], provider);
    gas = await deploy("Gas");
    caller = await deploy("Caller");
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  it("a transfer needs 21,000", async () => {
    expect(await estimate({ to: "0x000000000000000000000000000000000000dEaD", data: "0x", value: 1n })).to.equal(21_000n);
  });

  it("a call with a refund: exactly the gas consumed before the refund, one less runs out, the transaction succeeds with it", async () => {
    const tx = { to: await gas.getAddress(), data: gas.interface.encodeFunctionData("clear") };
    const limit = await estimate(tx);
    expect(await failureAt(tx, limit)).to.equal(undefined);
    expect(await failureAt(tx, limit - 1n)).to.match(/out of gas/);
    const receipt = await sendWith(tx, limit);
    expect(receipt.status).to.equal(1);
    // Charged less than the limit it needed: the refund came back at the end.
    expect(receipt.gasUsed).to.be.lessThan(limit);
  });

  it("a deployment: exactly the minimum, and a deployment with that limit succeeds", async () => {
    const tx = { data: compiled.Gas.bytecode };
    const limit = await estimate(tx);
    expect(await failureAt(tx, limit)).to.equal(undefined);
    expect(await failureAt(tx, limit - 1n)).to.not.equal(undefined);
    expect((await sendWith(tx, limit)).status).to.equal(1);
  });

  it("a nested call (63/64 rule): enough, and within 1/64 of the minimum", async () => {
    const tx = { to: await caller.getAddress(), data: caller.interface.encodeFunctionData("callBurn", [await gas.getAddress(), 12]) };
    const limit = await estimate(tx);
    expect(await failureAt(tx, limit - limit / 64n - 1n)).to.match(/out of gas|reverted/);
    expect((await sendWith(tx, limit)).status).to.equal(1);
  });

  it("a call that branches on gasleft(): the estimate is enough for the path it takes", async () => {
    const tx = { to: await gas.getAddress(), data: gas.interface.encodeFunctionData("adaptive") };
    const limit = await estimate(tx);
    expect(await failureAt(tx, limit)).to.equal(undefined);
    expect((await sendWith(tx, limit)).status).to.equal(1);
  });

  it("a call that reverts at any gas answers code 3 with the revert data", async () => {
    const tx = { to: await gas.getAddress(), data: "0xdeadbeef" };
    const body = { jsonrpc: "2.0", id: 1, method: "eth_estimateGas", params: [{ from: wallet.address, ...tx }] };
    const answer = (await rawRpc(node.url, body)).json as CallAnswer;
    expect(answer.error?.code).to.equal(3);
  });
});
