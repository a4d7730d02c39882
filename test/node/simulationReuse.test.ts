/**
 * Simulation VMs are reused across requests on the same state (node/rpc/simPool.ts): nothing a
 * simulation wrote may be seen by a later one — not after it returned, reverted, ran out of gas or was
 * cut by the EVM time-out deep inside a nested call — and a new head is always read at its own state.
 * Against a spawned dev node, with ethers as the client.
 */
import { expect } from "chai";
import { Contract, ContractFactory, JsonRpcProvider, Wallet, type InterfaceAbi } from "ethers";
import { compileSolidity, devKeys, rawRpc, startNode, type SpawnedNode } from "./helpers";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract Box {
  uint256 public x = 1;
  mapping(uint256 => uint256) public m;
  function setAndGet(uint256 v) external returns (uint256) { x = v; m[v] = v; return x + m[v]; }
  function setAndRevert(uint256 v) external { x = v; revert("no"); }
  function setAndLoop(uint256 v) external { x = v; while (true) {} }
  /// The time-out strikes inside a nested call, with checkpoints open at several depths.
  function setDeep(uint256 v) external { x = v; this.setAndLoop(v + 1); }
  function setAndBurn(uint256 v) external { x = v; for (uint256 i; i < 60; i++) m[i] = v; }
}`;

interface Answer {
  result?: string;
  error?: { code: number; message: string };
}

describe("node: simulation VMs reused across requests", function () {
  this.timeout(180_000);
  let node: SpawnedNode;
  let provider: JsonRpcProvider;
  let wallet: Wallet;
  let box: Contract;
  let boxAddress: string;
  const compiled = compileSolidity({ "B.sol": SOURCE });

  const rawCall = async (fn: string, args: unknown[], extra: Record<string, string> = {}, block = "latest"): Promise<Answer> => {
    const params = [{ to: boxAddress, data: box.interface.encodeFunctionData(fn, args), ...extra }, block];
    return (await rawRpc(node.url, { jsonrpc: "2.0", id: 1, method: "eth_call", params })).json as Answer;
  };
  const readX = async (block = "latest"): Promise<bigint> => BigInt((await rawCall("x", [], {}, block)).result ?? "-1");
  const readM = async (k: number): Promise<bigint> => BigInt((await rawCall("m", [k])).result ?? "-1");
  /**
   * The address a creation from the zero address would get: ADDRESS, MSTORE, RETURN 32 bytes. It
   * depends on the sender's nonce, which every simulation bumps inside its checkpoint.
   */
  const createdAddress = async (): Promise<string | undefined> =>
    ((await rawRpc(node.url, { jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ data: "0x3060005260206000f3" }, "latest"] })).json as Answer).result;

  before(async () => {
    node = await startNode({ args: ["--quiet", "--dev", "--rpc-evm-timeout", "400"] });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    wallet = new Wallet(devKeys(7)[6], provider);
    box = (await new ContractFactory(compiled.Box.abi as InterfaceAbi, compiled.Box.bytecode, wallet).deploy()) as Contract;
    await box.waitForDeployment();
    boxAddress = await box.getAddress();
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  it("a call's writes never reach the next call, one after another or many at once", async () => {
    for (let v = 2; v < 12; v++) {
      expect(BigInt((await rawCall("setAndGet", [v])).result ?? "0")).to.equal(BigInt(2 * v));
      expect(await readX()).to.equal(1n);
      expect(await readM(v)).to.equal(0n);
    }
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? rawCall("setAndGet", [100 + i]) : rawCall("x", []))));
    answers.forEach((a, i) => expect(BigInt(a.result ?? "-1")).to.equal(i % 2 === 0 ? BigInt(2 * (100 + i)) : 1n));
    expect(await readX()).to.equal(1n);
  });

  it("nor do the writes of calls that revert, run out of gas, are estimated, or are cut by the time-out inside a nested call", async () => {
    const created = await createdAddress();
    expect(created).to.match(/^0x0{24}[0-9a-f]{40}$/);
    expect((await rawCall("setAndRevert", [7])).error?.code).to.equal(3);
    expect(await readX()).to.equal(1n);
    expect((await rawCall("setAndBurn", [8], { gas: "0x30000" })).error?.message).to.match(/out of gas/);
    expect(await readX()).to.equal(1n);
    expect(await readM(5)).to.equal(0n);
    const estimate = (await rawRpc(node.url, { jsonrpc: "2.0", id: 1, method: "eth_estimateGas", params: [{ from: wallet.address, to: boxAddress, data: box.interface.encodeFunctionData("setAndBurn", [9]) }] })).json as Answer;
    expect(BigInt(estimate.result ?? "0")).to.be.greaterThan(1_000_000n, JSON.stringify(estimate));
    expect(await readM(5)).to.equal(0n);
    for (const fn of ["setAndLoop", "setDeep"]) {
      expect((await rawCall(fn, [11])).error?.message, fn).to.match(/execution aborted \(timeout/);
      expect(await readX(), `after ${fn}`).to.equal(1n);
      // The sender's nonce, bumped outside the call frames, is back too.
      expect(await createdAddress(), `after ${fn}`).to.equal(created);
    }
  });

  it("a new head is read at its own state, an older block at its own", async () => {
    const before = await provider.getBlockNumber();
    expect(await readX()).to.equal(1n);
    await (await box.setAndGet(5)).wait();
    expect(await readX()).to.equal(5n);
    expect(await readM(5)).to.equal(5n);
    expect(await readX(`0x${before.toString(16)}`)).to.equal(1n);
    await (await box.setAndGet(6)).wait();
    expect(await readX()).to.equal(6n);
    expect(await readX("pending")).to.equal(6n);
  });
});
