/**
 * eth_createAccessList, state overrides of eth_call / eth_estimateGas, and eth_feeHistory's block count,
 * against a spawned node with ethers v6 as the client. Access lists are checked by sending real type-1
 * and type-2 transactions with them and comparing the gas their receipts report.
 */
import { expect } from "chai";
import { Contract, ContractFactory, JsonRpcProvider, Wallet, getCreateAddress, toBeHex, zeroPadValue, type InterfaceAbi } from "ethers";
import { compileSolidity, devKeys, rawRpc, rpc, startNode, type SpawnedNode } from "./helpers";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract Child {}
contract Store {
  uint256 public a = 1;
  uint256 public b = 2;
  function sum() external view returns (uint256) { return a + b; }
  function balanceAt(address who) external view returns (uint256) { return who.balance; }
  function spawn() external returns (address) { return address(new Child()); }
  function fail() external pure { revert("nope"); }
}
contract Clock {
  function env() external view returns (uint256 number, uint256 time, address coinbase, uint256 randao, uint256 gasLimit) {
    return (block.number, block.timestamp, block.coinbase, block.prevrandao, block.gaslimit);
  }
  function afterTime(uint256 t) external view returns (uint256) { require(block.timestamp > t, "too early"); return block.timestamp; }
}
contract Reader {
  uint256 public last;
  function read(Store s) external returns (uint256) { return s.a() + s.b(); }
  function readAndKeep(Store s) external { last = s.a() + s.b(); }
}`;

interface AccessListAnswer {
  accessList: { address: string; storageKeys: string[] }[];
  gasUsed: string;
  error?: string;
}

const SLOT0 = zeroPadValue("0x00", 32);
const SLOT1 = zeroPadValue("0x01", 32);
const STRANGER = "0x000000000000000000000000000000000000c0de";

const errorOf = async (url: string, method: string, params: unknown[]): Promise<{ code: number; message: string }> => {
  const r = (await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params })).json as { error?: { code: number; message: string } };
  if (!r.error) throw new Error(`expected an error from ${method}`);
  return r.error;
};

describe("node: eth_createAccessList, state overrides and eth_feeHistory's block count", function () {
  this.timeout(180_000);
  let node: SpawnedNode;
  let provider: JsonRpcProvider;
  let wallet: Wallet;
  let store: Contract;
  let reader: Contract;
  let storeAddress: string;
  let readerAddress: string;
  const compiled = compileSolidity({ "S.sol": SOURCE });

  const deploy = async (name: string): Promise<Contract> => {
    const c = (await new ContractFactory(compiled[name].abi as InterfaceAbi, compiled[name].bytecode, wallet).deploy()) as Contract;
    await c.waitForDeployment();
    return c;
  };

  before(async () => {
    node = await startNode({ args: ["--quiet"] });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    wallet = new Wallet(devKeys(4)[3], provider);
    store = await deploy("Store");
    reader = await deploy("Reader");
    [storeAddress, readerAddress] = await Promise.all([store.getAddress(), reader.getAddress()]);
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  describe("eth_createAccessList", () => {
    it("lists the other contract and its slots, and a type-1 or type-2 transaction with it uses exactly the gas it said", async () => {
      const data = reader.interface.encodeFunctionData("read", [storeAddress]);
      const req = { from: wallet.address, to: readerAddress, data };
      const answer = (await provider.send("eth_createAccessList", [req, "latest"])) as AccessListAnswer;
      // The sender and the recipient are warm anyway and are left out.
      expect(answer.accessList).to.deep.equal([{ address: storeAddress.toLowerCase(), storageKeys: [SLOT0, SLOT1] }]);
      expect(answer.error).to.equal(undefined);

      const send = async (type: number, accessList?: AccessListAnswer["accessList"]): Promise<bigint> => {
        const tx = await wallet.sendTransaction({ ...req, type, accessList, gasLimit: 200_000n });
        return (await tx.wait(1, 30_000))!.gasUsed;
      };
      const with2 = await send(2, answer.accessList);
      const with1 = await send(1, answer.accessList);
      const without = await send(2);
      expect(with2).to.equal(BigInt(answer.gasUsed));
      expect(with1).to.equal(BigInt(answer.gasUsed));
      expect(without, "the list makes the cold call and the cold reads cheaper").to.be.greaterThan(with2);
    });

    it("lists the recipient with the slots it touches, as geth's tracer does", async () => {
      const req = { from: wallet.address, to: readerAddress, data: reader.interface.encodeFunctionData("readAndKeep", [storeAddress]) };
      const answer = (await provider.send("eth_createAccessList", [req])) as AccessListAnswer;
      expect(answer.accessList).to.deep.equal([
        { address: readerAddress.toLowerCase(), storageKeys: [SLOT0] },
        { address: storeAddress.toLowerCase(), storageKeys: [SLOT0, SLOT1] },
      ].sort((x, y) => (x.address < y.address ? -1 : 1)));
      const tx = await wallet.sendTransaction({ ...req, type: 2, accessList: answer.accessList, gasLimit: 200_000n });
      expect((await tx.wait(1, 30_000))!.gasUsed).to.equal(BigInt(answer.gasUsed));
    });

    it("for a deployment, lists the created contract's slots (geth's rule) and the deployment uses exactly gasUsed", async () => {
      const req = { from: wallet.address, data: compiled.Store.bytecode };
      const answer = (await provider.send("eth_createAccessList", [req])) as AccessListAnswer;
      const created = getCreateAddress({ from: wallet.address, nonce: await provider.getTransactionCount(wallet.address, "pending") });
      expect(answer.accessList).to.deep.equal([{ address: created.toLowerCase(), storageKeys: [SLOT0, SLOT1] }]);
      const tx = await wallet.sendTransaction({ ...req, type: 2, accessList: answer.accessList, gasLimit: 1_000_000n });
      const receipt = await tx.wait(1, 30_000);
      expect(receipt!.contractAddress).to.equal(created);
      expect(receipt!.gasUsed).to.equal(BigInt(answer.gasUsed));
    });

    it("reports a failing execution in `error`, with the list it touched", async () => {
      const answer = (await provider.send("eth_createAccessList", [{ from: wallet.address, to: storeAddress, data: store.interface.encodeFunctionData("fail") }])) as AccessListAnswer;
      expect(answer.error).to.equal("execution reverted: nope");
      expect(answer.accessList).to.deep.equal([]);
      expect(BigInt(answer.gasUsed)).to.be.greaterThan(21_000n);
    });

    it("refuses malformed input with clear errors", async () => {
      expect(await errorOf(node.url, "eth_createAccessList", ["0x00"])).to.deep.equal({ code: -32602, message: "invalid argument transaction: expected an object" });
      expect(await errorOf(node.url, "eth_createAccessList", [{ to: storeAddress, accessList: [{ address: "0x12" }] }])).to.deep.equal({
        code: -32602, message: "invalid argument accessList: item 0: expected { address: 20-byte hex, storageKeys: [32-byte hex] }",
      });
      expect(await errorOf(node.url, "eth_createAccessList", [{ to: storeAddress, accessList: [{ address: storeAddress, storageKeys: ["0x01"] }] }])).to.deep.equal({
        code: -32602, message: "invalid argument accessList: item 0: storageKeys must be an array of 32-byte hex slots",
      });
      expect(await errorOf(node.url, "eth_createAccessList", [{ to: "0x1" }])).to.deep.equal({ code: -32602, message: "invalid argument to: expected a 20-byte hex address" });
    });
  });

  describe("state overrides (eth_call / eth_estimateGas third parameter)", () => {
    const call = (tx: object, overrides: object): Promise<string> => provider.send("eth_call", [tx, "latest", overrides]) as Promise<string>;
    const word = (n: number): string => zeroPadValue(toBeHex(n), 32);

    it("stateDiff replaces single slots, state replaces the whole storage", async () => {
      const sum = { to: storeAddress, data: store.interface.encodeFunctionData("sum") };
      expect(BigInt(await call(sum, {}))).to.equal(3n);
      expect(BigInt(await call(sum, { [storeAddress]: { stateDiff: { [SLOT0]: word(40) } } }))).to.equal(42n);
      expect(BigInt(await call(sum, { [storeAddress]: { state: { [SLOT0]: word(40) } } })), "slot 1 reads zero").to.equal(40n);
    });

    it("balance, nonce and code override an account, and a missing one is created", async () => {
      const balanceAt = { to: storeAddress, data: store.interface.encodeFunctionData("balanceAt", [STRANGER]) };
      expect(BigInt(await call(balanceAt, { [STRANGER]: { balance: "0x1234" } }))).to.equal(0x1234n);
      // A contract's CREATE address follows its nonce.
      const spawn = { to: storeAddress, data: store.interface.encodeFunctionData("spawn") };
      const child = store.interface.decodeFunctionResult("spawn", await call(spawn, { [storeAddress]: { nonce: "0x3e8" } }))[0] as string;
      expect(child).to.equal(getCreateAddress({ from: storeAddress, nonce: 1000 }));
      // Store's code at an address that has none, with its own storage.
      const code = await provider.getCode(storeAddress);
      const sumThere = { to: STRANGER, data: store.interface.encodeFunctionData("sum") };
      expect(await call(sumThere, {})).to.equal("0x");
      expect(BigInt(await call(sumThere, { [STRANGER]: { code, stateDiff: { [SLOT1]: word(5) } } }))).to.equal(5n);
    });

    it("eth_estimateGas runs on the overridden state", async () => {
      const sumThere = { from: wallet.address, to: STRANGER, data: store.interface.encodeFunctionData("sum") };
      const plain = BigInt(await provider.send("eth_estimateGas", [sumThere, "latest"]));
      const code = await provider.getCode(storeAddress);
      const overridden = BigInt(await provider.send("eth_estimateGas", [sumThere, "latest", { [STRANGER]: { code } }]));
      expect(plain, "a call to an empty account costs only intrinsic gas").to.be.lessThan(22_000n);
      expect(overridden, "two cold SLOADs and the code run").to.be.greaterThan(plain + 4_000n);
    });

    it("a call may come from a contract, or from an address given code by an override (geth skips the EOA check)", async () => {
      const read = { from: storeAddress, to: readerAddress, data: reader.interface.encodeFunctionData("read", [storeAddress]) };
      expect(BigInt(await provider.send("eth_call", [read, "latest"]))).to.equal(3n);
      expect(BigInt(await provider.send("eth_estimateGas", [read, "latest"]))).to.be.greaterThan(21_000n);
      const code = await provider.getCode(storeAddress);
      // The sender's own code still runs when the call comes back to it.
      const back = { from: STRANGER, to: readerAddress, data: reader.interface.encodeFunctionData("read", [STRANGER]) };
      expect(BigInt(await call(back, { [STRANGER]: { code, stateDiff: { [SLOT0]: word(20), [SLOT1]: word(22) } } }))).to.equal(42n);
      expect(await provider.getCode(STRANGER)).to.equal("0x");
    });

    it("never touches the real state", async () => {
      const snapshot = async (): Promise<string[]> => Promise.all([
        provider.getStorage(storeAddress, 0), provider.getStorage(storeAddress, 1), provider.getCode(STRANGER), provider.getBalance(STRANGER).then(String),
        provider.getTransactionCount(storeAddress).then(String), provider.getStorage(STRANGER, 1),
      ]);
      const before = await snapshot();
      const code = await provider.getCode(storeAddress);
      await call({ to: storeAddress, data: store.interface.encodeFunctionData("spawn") }, { [storeAddress]: { nonce: "0x9", state: { [SLOT1]: word(9) } }, [STRANGER]: { balance: "0x1", code } });
      await provider.send("eth_estimateGas", [{ to: STRANGER, data: store.interface.encodeFunctionData("sum") }, "latest", { [STRANGER]: { code, stateDiff: { [SLOT1]: word(5) } } }]);
      expect(await snapshot()).to.deep.equal(before);
      // And a block built afterwards still sees the real state.
      await (await reader.readAndKeep(storeAddress)).wait(1, 30_000);
      expect(await reader.last()).to.equal(3n);
      expect(await snapshot()).to.deep.equal(before);
    });

    it("refuses malformed overrides with clear errors", async () => {
      const tx = { to: storeAddress, data: store.interface.encodeFunctionData("sum") };
      const err = (o: unknown): Promise<{ code: number; message: string }> => errorOf(node.url, "eth_call", [tx, "latest", o]);
      expect(await err({ [storeAddress]: { state: {}, stateDiff: {} } })).to.deep.equal({ code: -32602, message: `invalid argument stateOverrides: account ${storeAddress} has both 'state' and 'stateDiff'` });
      expect(await err([])).to.deep.equal({ code: -32602, message: "invalid argument stateOverrides: expected an object of address → account override" });
      expect(await err({ "0x12": {} })).to.deep.equal({ code: -32602, message: "invalid argument stateOverrides: key 0x12 is not a 20-byte hex address" });
      expect(await err({ [storeAddress]: { balanse: "0x1" } })).to.deep.equal({ code: -32602, message: `invalid argument stateOverrides: account ${storeAddress}: unknown field balanse (supported: balance, nonce, code, state, stateDiff)` });
      expect(await err({ [storeAddress]: { stateDiff: { "0x01": word(1) } } })).to.deep.equal({ code: -32602, message: `invalid argument stateOverrides: ${storeAddress}.stateDiff key 0x01: expected 32 bytes of hex data, got 1` });
      expect(await err({ [storeAddress]: { nonce: "0x10000000000000000" } })).to.deep.equal({ code: -32602, message: `invalid argument stateOverrides: account ${storeAddress}: nonce above 2^64 - 1` });
      expect(await err({ [storeAddress]: { balance: 5 } })).to.deep.equal({ code: -32602, message: `invalid argument ${storeAddress}.balance: expected a hex quantity` });
      const many = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [zeroPadValue(toBeHex(i), 32), word(1)]));
      expect(await err({ [storeAddress]: { state: many } })).to.deep.equal({ code: -32005, message: "too many overridden storage slots: more than 10000" });
      expect(await errorOf(node.url, "eth_estimateGas", [tx, "latest", { [storeAddress]: { code: "0xz" } }])).to.deep.equal({ code: -32602, message: `invalid argument ${storeAddress}.code: expected 0x-prefixed hex data` });
    });
  });

  describe("debug_traceCall with stateOverrides (geth's TraceCallConfig), on a --dev node", () => {
    let dev: SpawnedNode;
    before(async () => {
      dev = await startNode({ args: ["--quiet", "--dev"] });
    });
    after(async () => {
      await dev?.stop();
    });

    it("traces the overridden code and state, and refuses bad overrides", async () => {
      const code = await provider.getCode(storeAddress);
      const tx = { to: STRANGER, data: store.interface.encodeFunctionData("sum") };
      const word = (n: number): string => zeroPadValue(toBeHex(n), 32);
      const trace = (await rpc(dev.url, "debug_traceCall", [tx, "latest", { tracer: "callTracer", stateOverrides: { [STRANGER]: { code, state: { [SLOT0]: word(40), [SLOT1]: word(2) } } } }])) as { output: string; to: string };
      expect(trace.to.toLowerCase()).to.equal(STRANGER);
      expect(BigInt(trace.output)).to.equal(42n);
      const plain = (await rpc(dev.url, "debug_traceCall", [tx, "latest", { tracer: "callTracer" }])) as { output: string };
      expect(plain.output).to.equal("0x");
      expect(await errorOf(dev.url, "debug_traceCall", [tx, "latest", { stateOverrides: { [STRANGER]: { state: {}, stateDiff: {} } } }])).to.deep.equal({
        code: -32602, message: `invalid argument stateOverrides: account ${STRANGER} has both 'state' and 'stateDiff'`,
      });
    });
  });

  describe("block overrides (eth_call / eth_estimateGas fourth parameter, debug_traceCall's blockOverrides)", () => {
    const future = 4_000_000_000n;
    const randao = zeroPadValue("0x1234", 32);
    const over = { number: "0x10000", time: toBeHex(future), feeRecipient: STRANGER, prevRandao: randao, gasLimit: "0x1c9c380" };

    it("the call sees the overridden block; nothing else changes", async () => {
      const clock = await deploy("Clock");
      const address = await clock.getAddress();
      const data = clock.interface.encodeFunctionData("env");
      const seen = clock.interface.decodeFunctionResult("env", await rpc<string>(node.url, "eth_call", [{ to: address, data }, "latest", null, over]));
      expect(seen.map((v: unknown) => String(v).toLowerCase())).to.deep.equal(["65536", String(future), STRANGER, String(0x1234n), "30000000"]);
      // Without overrides: the block's own values.
      const head = await rpc<{ number: string; timestamp: string }>(node.url, "eth_getBlockByNumber", ["latest", false]);
      const plain = clock.interface.decodeFunctionResult("env", await rpc<string>(node.url, "eth_call", [{ to: address, data }, "latest"]));
      expect([String(plain[0]), String(plain[1])]).to.deep.equal([String(BigInt(head.number)), String(BigInt(head.timestamp))]);
      // With state overrides too (both apply).
      const code = await provider.getCode(address);
      const both = clock.interface.decodeFunctionResult("env", await rpc<string>(node.url, "eth_call", [{ to: STRANGER, data }, "latest", { [STRANGER]: { code } }, { time: "0x64" }]));
      expect(String(both[1])).to.equal("100");
    });

    it("eth_estimateGas and debug_traceCall run in the overridden block: a time lock opens", async () => {
      const clock = await deploy("Clock");
      const address = await clock.getAddress();
      const tx = { to: address, data: clock.interface.encodeFunctionData("afterTime", [future - 1n]) };
      expect((await errorOf(node.url, "eth_estimateGas", [tx, "latest"])).message).to.match(/too early/);
      expect(BigInt(await rpc<string>(node.url, "eth_estimateGas", [tx, "latest", null, { time: toBeHex(future) }]))).to.be.greaterThan(21_000n);
      const dev = await startNode({ args: ["--quiet", "--dev"] });
      try {
        const devWallet = new Wallet(devKeys(1)[0], new JsonRpcProvider(dev.url, undefined, { staticNetwork: true, cacheTimeout: -1 }));
        const c = await new ContractFactory(compiled.Clock.abi as InterfaceAbi, compiled.Clock.bytecode, devWallet).deploy();
        await c.waitForDeployment();
        const devTx = { ...tx, to: await c.getAddress() };
        const trace = (await rpc(dev.url, "debug_traceCall", [devTx, "latest", { tracer: "callTracer", blockOverrides: { time: toBeHex(future) } }])) as { output: string; error?: string };
        expect(trace.error).to.equal(undefined);
        expect(BigInt(trace.output)).to.equal(future);
        const early = (await rpc(dev.url, "debug_traceCall", [devTx, "latest", { tracer: "callTracer" }])) as { error?: string };
        expect(early.error).to.equal("execution reverted");
        expect((await errorOf(dev.url, "debug_traceCall", [devTx, "latest", { blockOverrides: { time: "soon" } }])).code).to.equal(-32602);
        (devWallet.provider as JsonRpcProvider).destroy();
      } finally {
        await dev.stop();
      }
    });

    it("refuses malformed overrides and what a call here cannot honour, by name", async () => {
      const tx = { to: storeAddress, data: store.interface.encodeFunctionData("sum") };
      const cases: Array<[unknown, RegExp]> = [
        [{ time: "soon" }, /blockOverrides/],
        [{ number: "0x1".padEnd(70, "0") }, /blockOverrides/],
        [{ timestamp: "0x1" }, /unknown field timestamp/],
        [{ baseFeePerGas: "0x7" }, /baseFeePerGas: not supported here/],
        [{ difficulty: "0x1" }, /difficulty: not supported/],
        [{ blobBaseFee: "0x1" }, /blobBaseFee: not supported/],
        [[], /expected an object/],
      ];
      for (const [o, message] of cases) {
        for (const m of ["eth_call", "eth_estimateGas"]) {
          const err = await errorOf(node.url, m, [tx, "latest", null, o]);
          expect(err.code, `${m} ${JSON.stringify(o)}`).to.equal(-32602);
          expect(err.message, `${m} ${JSON.stringify(o)}`).to.match(message);
        }
      }
    });
  });

  describe("eth_feeHistory block count", () => {
    it("takes a JSON number, a hex quantity or a decimal string, like geth (cast sends a number)", async () => {
      // One fixed newest block: the node makes a block every slot, so "latest" may move between the calls.
      const newest = `0x${(await provider.getBlockNumber()).toString(16)}`;
      const asNumber = await provider.send("eth_feeHistory", [3, newest, [50]]);
      expect(await provider.send("eth_feeHistory", ["0x3", newest, [50]])).to.deep.equal(asNumber);
      expect(await provider.send("eth_feeHistory", ["3", newest, [50]])).to.deep.equal(asNumber);
      expect((asNumber as { baseFeePerGas: string[] }).baseFeePerGas).to.have.length(4);
      // A huge count is clipped to the cap (1,024 blocks), not refused.
      const clipped = (await provider.send("eth_feeHistory", [Number.MAX_SAFE_INTEGER, "latest", []])) as { oldestBlock: string };
      expect(clipped.oldestBlock).to.equal("0x0");
    });

    it("refuses negative, fractional, non-numeric and 64-bit-overflowing counts", async () => {
      const msg = "invalid argument blockCount: expected a non-negative integer (JSON number, hex quantity or decimal string)";
      for (const bad of [-1, 1.5, "abc", "", "-1", true, 1e300]) {
        expect(await errorOf(node.url, "eth_feeHistory", [bad, "latest", []]), String(bad)).to.deep.equal({ code: -32602, message: msg });
      }
      expect(await errorOf(node.url, "eth_feeHistory", ["0x10000000000000000", "latest", []])).to.deep.equal({ code: -32602, message: "invalid argument blockCount: larger than 2^64 - 1" });
      expect(await errorOf(node.url, "eth_feeHistory", ["18446744073709551616", "latest", []])).to.deep.equal({ code: -32602, message: "invalid argument blockCount: larger than 2^64 - 1" });
    });
  });
});
