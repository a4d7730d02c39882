/**
 * anvil's development methods beyond Hardhat's, against a spawned `--dev` node: token dealing
 * (anvil_dealERC20, anvil_setERC20Allowance), the clock (anvil_setTime, block timestamp intervals),
 * mining with details, anvil_rollback, eth_sendUnsignedTransaction, the account reads
 * (eth_getAccount, eth_getAccountInfo) and the node info — each with its malformed input.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Contract, ContractFactory, Interface, JsonRpcProvider, Wallet, type InterfaceAbi } from "ethers";
import { compileSolidity, devKeys, rawRpc, rpc, startNode, type SpawnedNode } from "./helpers";

interface RpcBlock { number: string; hash: string; timestamp: string; transactions: Array<string | { hash: string; from: string }> }
interface RpcError { code: number; message: string }

// Balances at slot 3, behind a proxy (the storage is the proxy's), and a token whose balance is computed.
const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract OddToken {
  uint256 public a; uint256 public b; uint256 public c;
  mapping(address => uint256) private balances;
  mapping(address => mapping(address => uint256)) private allowances;
  function balanceOf(address o) external view returns (uint256) { return balances[o]; }
  function allowance(address o, address s) external view returns (uint256) { return allowances[o][s]; }
  function transfer(address to, uint256 v) external returns (bool) { balances[msg.sender] -= v; balances[to] += v; return true; }
  function transferFrom(address f, address to, uint256 v) external returns (bool) { allowances[f][msg.sender] -= v; balances[f] -= v; balances[to] += v; return true; }
}
contract Proxy {
  address private immutable impl;
  constructor(address i) { impl = i; }
  fallback() external payable {
    address i = impl;
    assembly {
      calldatacopy(0, 0, calldatasize())
      let ok := delegatecall(gas(), i, 0, calldatasize(), 0, 0)
      returndatacopy(0, 0, returndatasize())
      if iszero(ok) { revert(0, returndatasize()) }
      return(0, returndatasize())
    }
  }
}
contract Emitter {
  event Ping(uint256 n);
  function ping(uint256 n) external { emit Ping(n); }
}
contract Computed {
  function balanceOf(address) external view returns (uint256) { return block.number * 1000; }
  function allowance(address, address) external pure returns (uint256) { return 7; }
}`;

const ROOT = path.resolve(__dirname, "../..");
const artifact = (p: string): { abi: InterfaceAbi; bytecode: string } => JSON.parse(fs.readFileSync(path.join(ROOT, "artifacts/contracts", p), "utf8")) as { abi: InterfaceAbi; bytecode: string };

describe("node --dev: anvil's development methods", function () {
  this.timeout(180_000);
  let dev: SpawnedNode;
  let url: string;
  let provider: JsonRpcProvider;
  const [k0, k1] = devKeys(2);
  const holder = Wallet.createRandom().address;
  const spender = new Wallet(k1).address;

  const errorOf = async (method: string, params: unknown[]): Promise<RpcError> => {
    const r = (await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params })).json as { error?: RpcError; result?: unknown };
    if (!r.error) throw new Error(`${method} did not fail: ${JSON.stringify(r.result)}`);
    return r.error;
  };
  const head = (): Promise<RpcBlock> => rpc<RpcBlock>(url, "eth_getBlockByNumber", ["latest", false]);

  before(async () => {
    dev = await startNode({ args: ["--quiet", "--dev"] });
    url = dev.url;
    provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
  });

  after(async () => {
    provider?.destroy();
    await dev?.stop();
  });

  describe("anvil_dealERC20 and anvil_setERC20Allowance", () => {
    const compiled = compileSolidity({ "T.sol": SOURCE });
    const odd = new Interface(compiled.OddToken.abi as InterfaceAbi);
    let deployer: Wallet;

    before(() => {
      deployer = new Wallet(k0, provider);
    });

    const deploy = async (abi: InterfaceAbi, bytecode: string, ...args: unknown[]): Promise<string> => {
      const c = await new ContractFactory(abi, bytecode, deployer).deploy(...args);
      await c.waitForDeployment();
      return c.getAddress();
    };

    it("sets an OpenZeppelin token's balance and allowance; the holder can then spend them for real", async () => {
      const mdt = artifact("token/MDTToken.sol/MDTToken.json");
      const address = await deploy(mdt.abi, mdt.bytecode, deployer.address);
      const token = new Contract(address, mdt.abi, provider);
      const amount = 123_456_789n * 10n ** 18n + 1n;
      expect(await rpc(url, "anvil_dealERC20", [holder, address, `0x${amount.toString(16)}`])).to.equal(null);
      expect(await token.getFunction("balanceOf")(holder)).to.equal(amount);
      // The same slot again, through the aliases, to a smaller amount (a JSON number works too, as in anvil).
      await rpc(url, "anvil_setERC20Balance", [holder, address, 100]);
      expect(await token.getFunction("balanceOf")(holder)).to.equal(100n);
      await rpc(url, "hardhat_dealERC20", [holder, address, `0x${amount.toString(16)}`]);
      expect(await token.getFunction("balanceOf")(holder)).to.equal(amount);
      // Allowance: the spender moves the holder's tokens with transferFrom.
      await rpc(url, "anvil_setERC20Allowance", [holder, spender, address, "0x3e8"]);
      expect(await token.getFunction("allowance")(holder, spender)).to.equal(1000n);
      const asSpender = new Contract(address, mdt.abi, new Wallet(k1, provider));
      await (await asSpender.getFunction("transferFrom")(holder, spender, 600n)).wait();
      expect(await token.getFunction("balanceOf")(spender)).to.equal(600n);
      expect(await token.getFunction("balanceOf")(holder)).to.equal(amount - 600n);
      expect(await token.getFunction("allowance")(holder, spender)).to.equal(400n);
      // Only the holder's own balance changed: the total supply is untouched, as with anvil.
      expect(await token.getFunction("totalSupply")()).to.equal(0n);
    });

    it("finds the slot whatever the layout, behind a proxy too", async () => {
      const impl = await deploy(compiled.OddToken.abi as InterfaceAbi, compiled.OddToken.bytecode);
      const proxy = await deploy(compiled.Proxy.abi as InterfaceAbi, compiled.Proxy.bytecode, impl);
      await rpc(url, "anvil_dealERC20", [holder, proxy, "0x2a"]);
      await rpc(url, "anvil_setERC20Allowance", [holder, spender, proxy, "0x7"]);
      const read = async (data: string): Promise<bigint> => BigInt(await rpc<string>(url, "eth_call", [{ to: proxy, data }, "latest"]));
      expect(await read(odd.encodeFunctionData("balanceOf", [holder]))).to.equal(42n);
      expect(await read(odd.encodeFunctionData("allowance", [holder, spender]))).to.equal(7n);
      // The proxy's storage holds them, the implementation's does not.
      expect(BigInt(await rpc<string>(url, "eth_call", [{ to: impl, data: odd.encodeFunctionData("balanceOf", [holder]) }, "latest"]))).to.equal(0n);
      // Other holders are untouched.
      expect(await read(odd.encodeFunctionData("balanceOf", [spender]))).to.equal(0n);
    });

    it("refuses what has no balance slot, and malformed input, changing nothing", async () => {
      const computed = await deploy(compiled.Computed.abi as InterfaceAbi, compiled.Computed.bytecode);
      const before = await head();
      for (const [token, method] of [[computed, "anvil_dealERC20"], [holder, "anvil_dealERC20"]]) {
        const err = await errorOf(method, [holder, token, "0x1"]);
        expect(err.code).to.equal(-32602);
        expect(err.message).to.match(/Unable to set ERC20 balance, no slot found/);
      }
      expect((await errorOf("anvil_setERC20Allowance", [holder, spender, computed, "0x1"])).message).to.match(/Unable to set ERC20 allowance/);
      expect((await errorOf("anvil_dealERC20", ["0x12", computed, "0x1"])).code).to.equal(-32602);
      expect((await errorOf("anvil_dealERC20", [holder, computed])).code).to.equal(-32602);
      expect((await errorOf("anvil_dealERC20", [holder, computed, `0x1${"0".repeat(64)}`])).code).to.equal(-32602);
      expect((await errorOf("anvil_dealERC20", [holder, computed, -1])).code).to.equal(-32602);
      expect((await errorOf("anvil_setERC20Allowance", [holder, spender, computed])).code).to.equal(-32602);
      // No block, no state change.
      expect((await head()).hash).to.equal(before.hash);
    });
  });

  describe("the clock: anvil_setTime and block timestamp intervals", () => {
    it("anvil_setTime moves the clock there and answers how far it moved; blocks still follow their parent", async () => {
      const parent = BigInt((await head()).timestamp);
      const target = parent + 10_000n;
      const moved = await rpc<number>(url, "anvil_setTime", [Number(target)]);
      expect(moved).to.be.within(9_990, 10_000);
      await rpc(url, "evm_mine");
      const t = BigInt((await head()).timestamp);
      expect(t >= target && t <= target + 2n, `${t} vs ${target}`).to.equal(true);
      // evm_setTime (its alias) into the past: nothing moves forward, and the next block is still after its parent.
      expect(await rpc<number>(url, "evm_setTime", [`0x${(parent - 5_000n).toString(16)}`])).to.equal(0);
      await rpc(url, "evm_mine");
      expect(BigInt((await head()).timestamp)).to.equal(t + 1n);
      expect((await errorOf("anvil_setTime", [-1])).code).to.equal(-32602);
      expect((await errorOf("anvil_setTime", ["soon"])).code).to.equal(-32602);
    });

    it("anvil_setBlockTimestampInterval spaces the next blocks exactly; removing it answers whether one was set", async () => {
      expect(await rpc(url, "anvil_setBlockTimestampInterval", [100])).to.equal(null);
      const t0 = BigInt((await head()).timestamp);
      await rpc(url, "evm_mine");
      await rpc(url, "evm_mine");
      expect(BigInt((await head()).timestamp)).to.equal(t0 + 200n);
      // A transaction's block too (automine), and eth_call sees the next block's time.
      const seen = BigInt(await rpc<string>(url, "eth_call", [{ data: "0x4260005260206000f3" }, "pending"]));
      expect(seen).to.equal(t0 + 300n);
      expect(await rpc(url, "anvil_removeBlockTimestampInterval", [])).to.equal(true);
      expect(await rpc(url, "anvil_removeBlockTimestampInterval", [])).to.equal(false);
      await rpc(url, "evm_mine");
      // Back to the clock: after the last spaced block, not 100 s after it.
      expect(BigInt((await head()).timestamp) - (t0 + 200n)).to.be.lessThan(100n);
      expect((await errorOf("anvil_setBlockTimestampInterval", [])).code).to.equal(-32602);
      expect((await errorOf("anvil_setBlockTimestampInterval", ["ten"])).code).to.equal(-32602);
    });
  });

  describe("mining with details, and options", () => {
    it("evm_mine_detailed answers the blocks it mined with their whole transactions", async () => {
      await rpc(url, "evm_setAutomine", [false]);
      try {
        const hash = await rpc<string>(url, "eth_sendTransaction", [{ from: new Wallet(k0).address, to: holder, value: "0x5" }]);
        const before = BigInt((await head()).number);
        const blocks = await rpc<RpcBlock[]>(url, "evm_mine_detailed", [{ blocks: 3 }]);
        expect(blocks.map((b) => BigInt(b.number))).to.deep.equal([before + 1n, before + 2n, before + 3n]);
        const [tx] = blocks[0].transactions as Array<{ hash: string; from: string }>;
        expect(tx.hash).to.equal(hash);
        expect(tx.from).to.equal(new Wallet(k0).address.toLowerCase());
        expect(blocks[1].transactions).to.deep.equal([]);
        expect(blocks[2].hash).to.equal((await head()).hash);
        // anvil_mine_detailed with a timestamp; evm_mine with anvil's options object.
        const t = BigInt((await head()).timestamp) + 1_000n;
        const [one] = await rpc<RpcBlock[]>(url, "anvil_mine_detailed", [Number(t)]);
        expect(BigInt(one.timestamp)).to.equal(t);
        const n = BigInt((await head()).number);
        expect(await rpc(url, "evm_mine", [{ blocks: 2, timestamp: Number(t + 10n) }])).to.equal("0x0");
        expect(BigInt((await head()).number)).to.equal(n + 2n);
        expect((await rpc<RpcBlock[]>(url, "evm_mine_detailed", [])).length).to.equal(1);
      } finally {
        await rpc(url, "evm_setAutomine", [true]);
      }
      for (const bad of [[{ blocks: -1 }], [{ count: 2 }], ["later"], [{ timestamp: "0x" }]]) {
        expect((await errorOf("evm_mine_detailed", bad)).code, JSON.stringify(bad)).to.equal(-32602);
      }
      expect((await errorOf("evm_mine", [{ blocks: 2, extra: 1 }])).message).to.match(/unknown field extra/);
    });
  });

  describe("anvil_rollback", () => {
    it("takes the head back `depth` blocks with their transactions; the pool stays; later snapshots are gone", async () => {
      const payee = Wallet.createRandom().address;
      const start = await head();
      const snap = await rpc<string>(url, "evm_snapshot");
      const hash = await rpc<string>(url, "eth_sendTransaction", [{ from: new Wallet(k0).address, to: payee, value: "0x9" }]);
      await rpc(url, "evm_mine");
      const later = await rpc<string>(url, "evm_snapshot");
      await rpc(url, "evm_mine");
      expect(BigInt((await head()).number)).to.equal(BigInt(start.number) + 3n);
      expect(await rpc(url, "anvil_rollback", [null])).to.equal(null);
      expect(BigInt((await head()).number)).to.equal(BigInt(start.number) + 2n);
      expect(await rpc(url, "anvil_rollback", ["0x2"])).to.equal(null);
      expect((await head()).hash).to.equal(start.hash);
      expect(await rpc(url, "eth_getTransactionReceipt", [hash])).to.equal(null);
      expect(BigInt(await rpc<string>(url, "eth_getBalance", [payee, "latest"]))).to.equal(0n);
      // The snapshot above the new head is gone; the one at it still works.
      expect(await rpc(url, "evm_revert", [later])).to.equal(false);
      expect(await rpc(url, "evm_revert", [snap])).to.equal(true);
      // The chain goes on from there.
      await rpc(url, "evm_mine");
      expect(BigInt((await head()).number)).to.equal(BigInt(start.number) + 1n);
      // A transaction waiting in the pool stays there and is mined after the rollback.
      await rpc(url, "evm_setAutomine", [false]);
      try {
        const waiting = await rpc<string>(url, "eth_sendTransaction", [{ from: new Wallet(k0).address, to: payee, value: "0x4" }]);
        await rpc(url, "anvil_rollback", []);
        expect(await rpc<{ pending: string }>(url, "txpool_status")).to.include({ pending: "0x1" });
        await rpc(url, "evm_mine");
        expect(await rpc<{ status: string }>(url, "eth_getTransactionReceipt", [waiting])).to.include({ status: "0x1" });
        expect(BigInt(await rpc<string>(url, "eth_getBalance", [payee, "latest"]))).to.equal(4n);
      } finally {
        await rpc(url, "evm_setAutomine", [true]);
      }
    });

    it("refuses a depth beyond the chain or malformed, changing nothing", async () => {
      const before = await head();
      const err = await errorOf("anvil_rollback", [Number(before.number) + 1]);
      expect(err.code).to.equal(-32602);
      expect(err.message).to.match(/Rollback depth must not exceed current chain height/);
      expect((await errorOf("anvil_rollback", ["one"])).code).to.equal(-32602);
      expect((await errorOf("anvil_rollback", [-1])).code).to.equal(-32602);
      expect((await head()).hash).to.equal(before.hash);
    });
  });

  describe("anvil_reorg", () => {
    interface Log { blockNumber: string; blockHash: string; data: string; removed: boolean; transactionHash: string }
    const compiled = compileSolidity({ "T.sol": SOURCE });
    const emitterAbi = new Interface(compiled.Emitter.abi as InterfaceAbi);
    const ping = (n: number): string => emitterAbi.encodeFunctionData("ping", [n]);
    const from = new Wallet(k0).address;

    it("replaces the last blocks with new ones holding the given transactions; filters see the old logs removed", async () => {
      const emitter = await new ContractFactory(compiled.Emitter.abi as InterfaceAbi, compiled.Emitter.bytecode, new Wallet(k0, provider)).deploy();
      await emitter.waitForDeployment();
      const to = await emitter.getAddress();
      const filter = await rpc<string>(url, "eth_newFilter", [{ address: to }]);
      const old1 = await rpc<string>(url, "eth_sendTransaction", [{ from, to, data: ping(1) }]);
      const old2 = await rpc<string>(url, "eth_sendTransaction", [{ from, to, data: ping(2) }]);
      expect((await rpc<Log[]>(url, "eth_getFilterChanges", [filter])).map((l) => BigInt(l.data))).to.deep.equal([1n, 2n]);
      const top = await head();
      const height = BigInt(top.number);
      // A raw transaction signed for the common ancestor's state, and a request the node signs.
      const signer = new Wallet(k1, provider);
      const nonce = Number(await rpc<string>(url, "eth_getTransactionCount", [signer.address, `0x${(height - 2n).toString(16)}`]));
      const fee = await provider.getFeeData();
      const raw = await signer.signTransaction({ to, data: ping(4), nonce, gasLimit: 100_000n, maxFeePerGas: fee.maxFeePerGas!, maxPriorityFeePerGas: fee.maxPriorityFeePerGas!, chainId: Number((await provider.getNetwork()).chainId), type: 2 });
      // alloy sends the options object itself as params.
      const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method: "anvil_reorg", params: { depth: 2, tx_block_pairs: [[{ from, to, data: ping(3) }, 1], [raw, 0]] } });
      expect((json as { result: unknown }).result).to.equal(null);
      const now = await head();
      expect(BigInt(now.number)).to.equal(height);
      expect(now.hash).to.not.equal(top.hash);
      expect(await rpc(url, "eth_getTransactionReceipt", [old1])).to.equal(null);
      expect(await rpc(url, "eth_getTransactionReceipt", [old2])).to.equal(null);
      const logs = await rpc<Log[]>(url, "eth_getLogs", [{ address: to, fromBlock: `0x${(height - 1n).toString(16)}` }]);
      expect(logs.map((l) => [BigInt(l.data), BigInt(l.blockNumber)])).to.deep.equal([[4n, height - 1n], [3n, height]]);
      // The filter reports the old logs as removed (newest block first), then the new ones.
      const changes = await rpc<Log[]>(url, "eth_getFilterChanges", [filter]);
      expect(changes.map((l) => [BigInt(l.data), l.removed])).to.deep.equal([[2n, true], [1n, true], [4n, false], [3n, false]]);
      // The array form works too; with no transactions the new blocks are empty.
      const before = await head();
      expect(await rpc(url, "anvil_reorg", [{ depth: 1 }])).to.equal(null);
      const after = await head();
      expect(after.number).to.equal(before.number);
      expect(after.hash).to.not.equal(before.hash);
      expect(after.transactions).to.deep.equal([]);
    });

    it("refuses what cannot be done, and a transaction that cannot be mined stops it with the blocks before in place", async () => {
      const top = await head();
      const height = Number(top.number);
      const cases: Array<[unknown, RegExp]> = [
        [{ depth: height + 1 }, /Reorg depth must not exceed current chain height/],
        [{ depth: 2, tx_block_pairs: [[{ from, to: holder }, 2]] }, /must not exceed \(depth-1\) 1/],
        [{ depth: 1, blocks: [] }, /unknown field blocks/],
        [{ depth: "two" }, /depth/],
        [{ depth: 1, tx_block_pairs: [["0x1234"]] }, /expected \[transaction, block index\]/],
        [{ depth: 1, tx_block_pairs: {} }, /expected an array/],
        [[], /missing value|expected an object/],
        [{ depth: 1, tx_block_pairs: [["0x02c0", 0]] }, /not a signed transaction/],
        [{ depth: 1, tx_block_pairs: [[{ from: holder, to: from }, 0]] }, /not an unlocked dev account and not impersonated/],
      ];
      for (const [o, why] of cases) {
        const params = Array.isArray(o) ? o : [o];
        const err = await errorOf("anvil_reorg", params);
        expect(err.code, JSON.stringify(o)).to.equal(-32602);
        expect(err.message, JSON.stringify(o)).to.match(why);
      }
      expect((await head()).hash).to.equal(top.hash);
      // A nonce far ahead: never mined in its block.
      const gap = await errorOf("anvil_reorg", [{ depth: 1, tx_block_pairs: [[{ from, to: holder, value: "0x1", nonce: "0xffff" }, 0]] }]);
      expect(gap.message).to.match(/could not be mined in new block 0/);
      expect(Number((await head()).number)).to.equal(height);
    });
  });

  describe("eth_sendUnsignedTransaction", () => {
    it("sends from any funded address without its key or impersonation", async () => {
      const stranger = Wallet.createRandom().address;
      await rpc(url, "anvil_setBalance", [stranger, "0xde0b6b3a7640000"]);
      const hash = await rpc<string>(url, "eth_sendUnsignedTransaction", [{ from: stranger, to: holder, value: "0x11" }]);
      const receipt = await rpc<{ from: string; status: string }>(url, "eth_getTransactionReceipt", [hash]);
      expect(receipt).to.include({ from: stranger.toLowerCase(), status: "0x1" });
      // eth_sendTransaction still refuses the same sender: nothing was impersonated for good.
      expect((await errorOf("eth_sendTransaction", [{ from: stranger, to: holder }])).message).to.match(/not an unlocked dev account and not impersonated/);
      const broke = Wallet.createRandom().address;
      expect((await errorOf("eth_sendUnsignedTransaction", [{ from: broke, to: holder, value: "0x1" }])).message).to.match(/insufficient funds/);
      expect((await errorOf("eth_sendUnsignedTransaction", [{ to: holder }])).code).to.equal(-32602);
      expect((await errorOf("eth_sendUnsignedTransaction", [])).code).to.equal(-32602);
    });
  });

  describe("account reads and node info", () => {
    it("eth_getAccount is the trie's account (as eth_getProof proves it); eth_getAccountInfo adds the code", async () => {
      const compiled = compileSolidity({ "T.sol": SOURCE });
      const c = await new ContractFactory(compiled.OddToken.abi as InterfaceAbi, compiled.OddToken.bytecode, new Wallet(k0, provider)).deploy();
      await c.waitForDeployment();
      const address = await c.getAddress();
      await rpc(url, "anvil_dealERC20", [holder, address, "0x5"]);
      const account = await rpc<Record<string, string>>(url, "eth_getAccount", [address, "latest"]);
      const proof = await rpc<Record<string, string>>(url, "eth_getProof", [address, [], "latest"]);
      expect(account).to.deep.equal({ balance: proof.balance, nonce: proof.nonce, codeHash: proof.codeHash, storageRoot: proof.storageHash });
      const info = await rpc<Record<string, string>>(url, "eth_getAccountInfo", [address]);
      expect(info).to.deep.equal({ balance: "0x0", nonce: "0x1", code: await provider.getCode(address) });
      // An absent account reads as empty.
      const nobody = Wallet.createRandom().address;
      expect(await rpc(url, "eth_getAccount", [nobody, "latest"])).to.deep.equal({
        balance: "0x0", nonce: "0x0",
        codeHash: "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
        storageRoot: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
      });
      expect(await rpc(url, "eth_getAccountInfo", [nobody, "latest"])).to.deep.equal({ balance: "0x0", nonce: "0x0", code: "0x" });
      // At an earlier block: before the deal the storage root differs.
      const n = BigInt((await head()).number);
      const earlier = await rpc<Record<string, string>>(url, "eth_getAccount", [address, `0x${(n - 1n).toString(16)}`]);
      expect(earlier.storageRoot).to.not.equal(account.storageRoot);
      // At "pending", a pooled transaction counts.
      await rpc(url, "evm_setAutomine", [false]);
      try {
        const from = new Wallet(k0).address;
        const nonce = BigInt(await rpc<string>(url, "eth_getTransactionCount", [from, "latest"]));
        await rpc(url, "eth_sendTransaction", [{ from, to: address, data: odd().encodeFunctionData("transfer", [holder, 0]) }]);
        expect(BigInt((await rpc<Record<string, string>>(url, "eth_getAccount", [from, "pending"])).nonce)).to.equal(nonce + 1n);
        expect(BigInt((await rpc<Record<string, string>>(url, "eth_getAccountInfo", [from, "pending"])).nonce)).to.equal(nonce + 1n);
        expect(BigInt((await rpc<Record<string, string>>(url, "eth_getAccount", [from, "latest"])).nonce)).to.equal(nonce);
      } finally {
        await rpc(url, "evm_mine");
        await rpc(url, "evm_setAutomine", [true]);
      }
      expect((await errorOf("eth_getAccount", ["0x1234"])).code).to.equal(-32602);
      expect((await errorOf("eth_getAccount", [])).code).to.equal(-32602);
      expect((await errorOf("eth_getAccountInfo", [address, "0xffffffff"])).message).to.match(/not found|header not found|unknown block/i);
      function odd(): Interface {
        return new Interface(compiled.OddToken.abi as InterfaceAbi);
      }
    });

    it("anvil_metadata, anvil_nodeInfo, and clear refusals for what a Luxtensor chain cannot change", async () => {
      const meta = await rpc<Record<string, unknown>>(url, "anvil_metadata");
      expect(meta).to.deep.equal(await rpc(url, "hardhat_metadata"));
      const h = await head();
      expect(meta).to.include({ latestBlockHash: h.hash, latestBlockNumber: Number(h.number), chainId: Number(await rpc<string>(url, "eth_chainId")) });
      const info = await rpc<{ currentBlockNumber: string; currentBlockHash: string; hardFork: string; environment: { chainId: number; gasLimit: number; baseFee: string; gasPrice: string } }>(url, "anvil_nodeInfo");
      expect(info).to.include({ currentBlockNumber: h.number, currentBlockHash: h.hash, hardFork: "prague" });
      expect(info.environment.chainId).to.equal(meta.chainId);
      // Wei as exact quantities: the next block's base fee, and eth_gasPrice.
      expect(info.environment.baseFee).to.equal((await rpc<{ baseFeePerGas: string }>(url, "eth_getBlockByNumber", ["pending", false])).baseFeePerGas);
      expect(info.environment.gasPrice).to.equal(await rpc<string>(url, "eth_gasPrice"));
      const coinbase = await errorOf("anvil_setCoinbase", [holder]);
      expect(coinbase.code).to.equal(-32602);
      expect(coinbase.message).to.match(/is its proposer/);
      expect((await errorOf("hardhat_setCoinbase", [holder])).code).to.equal(-32602);
      expect((await errorOf("anvil_setMinGasPrice", ["0x1"])).message).to.equal("anvil_setMinGasPrice is not supported when EIP-1559 is active");
      for (const [m, params, why] of [
        ["hardhat_setPrevRandao", [`0x${"12".repeat(32)}`], /RANDAO mix/],
        ["anvil_setNextBlockPrevRandao", [`0x${"12".repeat(32)}`], /RANDAO mix/],
        ["anvil_setChainId", [1], /--reset --chain-id/],
        ["anvil_setRpcUrl", ["http://127.0.0.1:1"], /forking is not supported/],
      ] as Array<[string, unknown[], RegExp]>) {
        const err = await errorOf(m, params);
        expect(err.code, m).to.equal(-32602);
        expect(err.message, m).to.match(why);
      }
      expect(await rpc<string>(url, "eth_chainId")).to.equal(`0x${Number(meta.chainId).toString(16)}`);
      expect((await errorOf("hardhat_setMinGasPrice", ["0x1"])).message).to.equal("hardhat_setMinGasPrice is not supported when EIP-1559 is active");
    });
  });
});
