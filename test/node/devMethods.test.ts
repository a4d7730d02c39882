/**
 * Development methods of a `--dev` node (Hardhat's and anvil's): snapshots, mining, time, automine,
 * interval mining, state edits, impersonation, eth_accounts / eth_sendTransaction — each with its
 * malformed input — and their absence on a validator of a real network.
 */
import { expect } from "chai";
import { JsonRpcProvider, Transaction, TypedDataEncoder, Wallet, getBytes, verifyMessage, verifyTypedData } from "ethers";
import { devKeys, rawRpc, rpc, startNode, waitFor, type SpawnedNode } from "./helpers";

interface RpcBlock {
  number: string;
  gasLimit: string;
  timestamp: string;
  baseFeePerGas: string;
  transactions: string[];
}

async function rpcError(url: string, method: string, params: unknown[]): Promise<{ code: number; message: string }> {
  const { json } = await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params });
  const r = json as { error?: { code: number; message: string } };
  if (!r.error) throw new Error(`${method} did not fail`);
  return r.error;
}

const latest = (url: string): Promise<RpcBlock> => rpc<RpcBlock>(url, "eth_getBlockByNumber", ["latest", false]);
const blockNumber = async (url: string): Promise<number> => Number(await rpc<string>(url, "eth_blockNumber"));
const balance = async (url: string, a: string): Promise<bigint> => BigInt(await rpc<string>(url, "eth_getBalance", [a, "latest"]));

describe("node --dev: Hardhat and anvil development methods", function () {
  this.timeout(180_000);
  let dev: SpawnedNode;
  let url: string;
  const [k0, k1] = devKeys(2);
  const a0 = new Wallet(k0).address;
  const a1 = new Wallet(k1).address;

  before(async () => {
    dev = await startNode({ args: ["--quiet", "--dev"] });
    url = dev.url;
  });

  after(async () => {
    await dev?.stop();
  });

  it("says it is Hardhat-compatible and still names itself Luxtensor; lists the 20 unlocked dev accounts", async () => {
    expect(Object.keys(await rpc<Record<string, string>>(url, "rpc_modules"))).to.deep.equal(
      ["anvil", "debug", "erigon", "eth", "evm", "hardhat", "lux", "net", "ots", "personal", "rpc", "trace", "txpool", "web3"],
    );
    const v = await rpc<string>(url, "web3_clientVersion");
    expect(v.toLowerCase().startsWith("hardhatnetwork")).to.equal(true);
    expect(v).to.contain("Luxtensor/");
    const accounts = await rpc<string[]>(url, "eth_accounts");
    expect(accounts).to.have.length(20);
    expect(accounts[0]).to.equal(a0.toLowerCase());
  });

  it("eth_sendTransaction signs for an unlocked dev account and is mined at once (automine)", async () => {
    const before = await balance(url, a1);
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from: a0, to: a1, value: "0x64" }]);
    const receipt = await rpc<{ status: string; from: string }>(url, "eth_getTransactionReceipt", [hash]);
    expect(receipt.status).to.equal("0x1");
    expect(receipt.from).to.equal(a0.toLowerCase());
    expect(await balance(url, a1)).to.equal(before + 100n);
  });

  it("refuses eth_sendTransaction from an account it holds no key for and does not impersonate", async () => {
    const stranger = Wallet.createRandom().address;
    const err = await rpcError(url, "eth_sendTransaction", [{ from: stranger, to: a0, value: "0x1" }]);
    expect(err.message).to.match(/unknown account/);
    expect((await rpcError(url, "eth_sendTransaction", [{ to: a0 }])).code).to.equal(-32602);
    expect((await rpcError(url, "eth_sendTransaction", [{ from: a0, to: a0, chainId: "0x1" }])).message).to.match(/invalid chain id/);
  });

  it("evm_snapshot / evm_revert rewind blocks, balances, receipts and the clock; an id works once", async () => {
    const n0 = await blockNumber(url);
    const b0 = await balance(url, a1);
    const id = await rpc<string>(url, "evm_snapshot");
    expect(id).to.match(/^0x[0-9a-f]+$/);
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from: a0, to: a1, value: "0x3e8" }]);
    await rpc(url, "evm_increaseTime", [3600]);
    await rpc(url, "hardhat_mine", ["0x5"]);
    expect(await blockNumber(url)).to.equal(n0 + 6);
    expect(await rpc<boolean>(url, "evm_revert", [id])).to.equal(true);
    expect(await blockNumber(url)).to.equal(n0);
    expect(await balance(url, a1)).to.equal(b0);
    expect(await rpc(url, "eth_getTransactionReceipt", [hash])).to.equal(null);
    expect(await rpc(url, "eth_getBlockByNumber", [`0x${(n0 + 1).toString(16)}`, false])).to.equal(null);
    // The clock went back too: the next block is not an hour ahead.
    await rpc(url, "evm_mine");
    const ts = Number((await latest(url)).timestamp);
    expect(ts).to.be.lessThan(Math.floor(Date.now() / 1000) + 600);
    expect(await rpc<boolean>(url, "evm_revert", [id])).to.equal(false);
    expect(await rpc<boolean>(url, "evm_revert", ["0xffffff"])).to.equal(false);
    expect((await rpcError(url, "evm_revert", ["one"])).code).to.equal(-32602);
    expect((await rpcError(url, "evm_revert", [])).code).to.equal(-32602);
  });

  it("a transaction mined after a revert is indexed again (same hash, new block)", async () => {
    const id = await rpc<string>(url, "evm_snapshot");
    const nonce = await rpc<string>(url, "eth_getTransactionCount", [a0, "latest"]);
    const raw = await new Wallet(k0).signTransaction({ to: a1, value: 7n, nonce: Number(nonce), gasLimit: 21_000n, maxFeePerGas: 10n ** 11n, maxPriorityFeePerGas: 10n ** 9n, chainId: 8898n, type: 2 });
    const hash = await rpc<string>(url, "eth_sendRawTransaction", [raw]);
    await rpc(url, "evm_revert", [id]);
    await rpc(url, "evm_mine");
    expect(await rpc<string>(url, "eth_sendRawTransaction", [raw])).to.equal(hash);
    const r = await rpc<{ blockNumber: string }>(url, "eth_getTransactionReceipt", [hash]);
    expect(Number(r.blockNumber)).to.equal(await blockNumber(url));
  });

  it("evm_mine, hardhat_mine (count and interval) and anvil_mine produce real, strictly timed blocks", async () => {
    const n0 = await blockNumber(url);
    await rpc(url, "evm_mine");
    expect(await blockNumber(url)).to.equal(n0 + 1);
    const t0 = Number((await latest(url)).timestamp);
    expect(await rpc(url, "hardhat_mine", ["0x64", "0x3c"])).to.equal(true);
    expect(await blockNumber(url)).to.equal(n0 + 101);
    const last = await latest(url);
    const prev = await rpc<RpcBlock>(url, "eth_getBlockByNumber", [`0x${(n0 + 100).toString(16)}`, false]);
    expect(Number(last.timestamp) - Number(prev.timestamp)).to.equal(60);
    expect(Number(last.timestamp)).to.be.greaterThan(t0 + 99 * 60 - 1);
    await rpc(url, "anvil_mine", ["0x2"]);
    expect(await blockNumber(url)).to.equal(n0 + 103);
    expect((await rpcError(url, "hardhat_mine", ["ten"])).code).to.equal(-32602);
    expect((await rpcError(url, "hardhat_mine", ["0xffffffffff"])).code).to.equal(-32602);
    expect((await rpcError(url, "evm_mine", [-1])).code).to.equal(-32602);
  });

  it("evm_increaseTime and evm_setNextBlockTimestamp move block time forward only", async () => {
    const t0 = Number((await latest(url)).timestamp);
    expect(Number(await rpc<string>(url, "evm_increaseTime", [86_400]))).to.be.at.least(86_400);
    await rpc(url, "evm_mine");
    expect(Number((await latest(url)).timestamp)).to.be.at.least(t0 + 86_400);
    const target = Number((await latest(url)).timestamp) + 1000;
    await rpc(url, "evm_setNextBlockTimestamp", [`0x${target.toString(16)}`]);
    await rpc(url, "evm_mine");
    expect(Number((await latest(url)).timestamp)).to.equal(target);
    await rpc(url, "evm_mine", [target + 50]);
    expect(Number((await latest(url)).timestamp)).to.equal(target + 50);
    expect((await rpcError(url, "evm_setNextBlockTimestamp", [target])).message).to.match(/lower than or equal to previous block's timestamp/);
    expect((await rpcError(url, "evm_increaseTime", [-5])).code).to.equal(-32602);
    expect((await rpcError(url, "evm_increaseTime", ["soon"])).code).to.equal(-32602);
  });

  it("evm_setAutomine(false) keeps transactions pending until evm_mine; hardhat_getAutomine reports it", async () => {
    expect(await rpc(url, "hardhat_getAutomine")).to.equal(true);
    await rpc(url, "evm_setAutomine", [false]);
    expect(await rpc(url, "anvil_getAutomine")).to.equal(false);
    const n0 = await blockNumber(url);
    const h1 = await rpc<string>(url, "eth_sendTransaction", [{ from: a0, to: a1, value: "0x1" }]);
    const h2 = await rpc<string>(url, "eth_sendTransaction", [{ from: a0, to: a1, value: "0x2" }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await rpc(url, "eth_getTransactionReceipt", [h1])).to.equal(null);
    expect(await blockNumber(url)).to.equal(n0);
    await rpc(url, "evm_mine");
    const block = await latest(url);
    expect(block.transactions).to.deep.equal([h1, h2]);
    await rpc(url, "evm_setAutomine", [true]);
    expect((await rpcError(url, "evm_setAutomine", ["yes"])).code).to.equal(-32602);
  });

  it("evm_setIntervalMining produces blocks on a timer and 0 stops it", async () => {
    const n0 = await blockNumber(url);
    await rpc(url, "evm_setIntervalMining", [200]);
    await waitFor(async () => (await blockNumber(url)) >= n0 + 3, 30_000, "interval blocks");
    await rpc(url, "evm_setIntervalMining", [0]);
    await new Promise((r) => setTimeout(r, 400));
    const n1 = await blockNumber(url);
    await new Promise((r) => setTimeout(r, 800));
    expect(await blockNumber(url)).to.equal(n1);
    expect((await rpcError(url, "evm_setIntervalMining", [5])).message).to.match(/below the minimum/);
    expect((await rpcError(url, "evm_setIntervalMining", [1.5])).code).to.equal(-32602);
  });

  it("hardhat_setBalance / setCode / setStorageAt / setNonce edit the head state at once (and anvil_ aliases)", async () => {
    const x = Wallet.createRandom().address;
    await rpc(url, "hardhat_setBalance", [x, "0xde0b6b3a7640000"]);
    expect(await balance(url, x)).to.equal(10n ** 18n);
    await rpc(url, "anvil_setBalance", [x, "0x2"]);
    expect(await balance(url, x)).to.equal(2n);
    // PUSH1 0x2a PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN: returns 42.
    const code = "0x602a60005260206000f3";
    await rpc(url, "hardhat_setCode", [x, code]);
    expect(await rpc(url, "eth_getCode", [x, "latest"])).to.equal(code);
    expect(BigInt(await rpc<string>(url, "eth_call", [{ to: x }, "latest"]))).to.equal(42n);
    const word = `0x${"ab".padStart(64, "0")}`;
    await rpc(url, "hardhat_setStorageAt", [x, "0x7", word]);
    expect(await rpc(url, "eth_getStorageAt", [x, "0x7", "latest"])).to.equal(word);
    await rpc(url, "hardhat_setNonce", [x, "0x10"]);
    expect(await rpc(url, "eth_getTransactionCount", [x, "latest"])).to.equal("0x10");
    // Edits survive the next block (it builds on the edited state).
    await rpc(url, "evm_mine");
    expect(await balance(url, x)).to.equal(2n);
    expect(await rpc(url, "eth_getStorageAt", [x, "0x7", "latest"])).to.equal(word);
    expect((await rpcError(url, "hardhat_setNonce", [x, "0x1"])).message).to.match(/smaller than the account's nonce/);
    expect((await rpcError(url, "hardhat_setStorageAt", [x, "0x7", "0xab"])).message).to.match(/32 bytes/);
    expect((await rpcError(url, "hardhat_setBalance", ["0x1234", "0x1"])).code).to.equal(-32602);
    expect((await rpcError(url, "hardhat_setCode", [x, "0xzz"])).code).to.equal(-32602);
  });

  it("hardhat_setNextBlockBaseFeePerGas sets the next block's base fee once", async () => {
    await rpc(url, "hardhat_setNextBlockBaseFeePerGas", ["0x3b9aca00"]);
    await rpc(url, "evm_mine");
    const b = await latest(url);
    expect(BigInt(b.baseFeePerGas)).to.equal(1_000_000_000n);
    await rpc(url, "evm_mine");
    expect(BigInt((await latest(url)).baseFeePerGas)).to.not.equal(1_000_000_000n);
    expect((await rpcError(url, "hardhat_setNextBlockBaseFeePerGas", [5])).code).to.equal(-32602);
  });

  it("hardhat_impersonateAccount lets eth_sendTransaction send from any address until stopped", async () => {
    const whale = Wallet.createRandom().address;
    await rpc(url, "hardhat_setBalance", [whale, "0xde0b6b3a7640000"]);
    expect((await rpcError(url, "eth_sendTransaction", [{ from: whale, to: a1, value: "0x1" }])).message).to.match(/unknown account/);
    expect(await rpc(url, "hardhat_impersonateAccount", [whale])).to.equal(true);
    const before = await balance(url, a1);
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from: whale, to: a1, value: "0x5" }]);
    const receipt = await rpc<{ status: string; from: string }>(url, "eth_getTransactionReceipt", [hash]);
    expect(receipt.status).to.equal("0x1");
    expect(receipt.from).to.equal(whale.toLowerCase());
    expect((await rpc<{ from: string }>(url, "eth_getTransactionByHash", [hash])).from).to.equal(whale.toLowerCase());
    expect(await balance(url, a1)).to.equal(before + 5n);
    expect(await rpc(url, "hardhat_stopImpersonatingAccount", [whale])).to.equal(true);
    expect(await rpc(url, "anvil_stopImpersonatingAccount", [whale])).to.equal(false);
    expect((await rpcError(url, "eth_sendTransaction", [{ from: whale, to: a1, value: "0x1" }])).message).to.match(/unknown account/);
    expect((await rpcError(url, "hardhat_impersonateAccount", ["0xnope"])).code).to.equal(-32602);
  });

  it("anvil_autoImpersonateAccount lets every address send until turned off; such a sender still cannot sign", async () => {
    const [x, y] = [Wallet.createRandom().address, Wallet.createRandom().address];
    await rpc(url, "anvil_setBalance", [x, "0xde0b6b3a7640000"]);
    expect(await rpc(url, "anvil_autoImpersonateAccount", [true])).to.equal(null);
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from: x, to: y, value: "0x9" }]);
    expect((await rpc<{ status: string; from: string }>(url, "eth_getTransactionReceipt", [hash])).from).to.equal(x.toLowerCase());
    expect(await balance(url, y)).to.equal(9n);
    expect((await rpcError(url, "personal_sign", ["0x68656c6c6f", x])).message).to.match(/can send \(eth_sendTransaction\) but not sign/);
    await rpc(url, "anvil_autoImpersonateAccount", [false]);
    expect((await rpcError(url, "eth_sendTransaction", [{ from: x, to: y, value: "0x1" }])).message).to.match(/unknown account.*anvil_autoImpersonateAccount/);
    expect((await rpcError(url, "anvil_autoImpersonateAccount", ["yes"])).code).to.equal(-32602);
  });

  it("anvil_removePoolTransactions drops one sender's pooled transactions, anvil_dropAllTransactions every one", async () => {
    await rpc(url, "evm_setAutomine", [false]);
    try {
      const sent = async (from: string, n: number): Promise<string[]> => {
        const out: string[] = [];
        for (let i = 0; i < n; i++) out.push(await rpc<string>(url, "eth_sendTransaction", [{ from, to: a1, value: "0x1" }]));
        return out;
      };
      const fromA0 = await sent(a0, 2);
      const other = new Wallet(devKeys(3)[2]).address;
      const fromOther = await sent(other, 2);
      expect(await rpc(url, "anvil_removePoolTransactions", [a0])).to.equal(null);
      for (const h of fromA0) expect(await rpc(url, "eth_getTransactionByHash", [h]), h).to.equal(null);
      for (const h of fromOther) expect(await rpc(url, "eth_getTransactionByHash", [h]), h).to.not.equal(null);
      expect(await rpc(url, "anvil_dropAllTransactions")).to.equal(null);
      expect(await rpc(url, "txpool_status")).to.deep.equal({ pending: "0x0", queued: "0x0" });
      // Nothing dropped is mined; the senders' next transactions take the nonces the dropped ones had.
      const n0 = await blockNumber(url);
      await rpc(url, "evm_mine");
      expect((await latest(url)).transactions).to.deep.equal([]);
      expect(await blockNumber(url)).to.equal(n0 + 1);
      expect((await rpcError(url, "anvil_removePoolTransactions", ["0x12"])).code).to.equal(-32602);
    } finally {
      await rpc(url, "evm_setAutomine", [true]);
    }
    const after = await rpc<string>(url, "eth_sendTransaction", [{ from: a0, to: a1, value: "0x1" }]);
    expect((await rpc<{ status: string }>(url, "eth_getTransactionReceipt", [after])).status).to.equal("0x1");
  });
});

describe("node --dev: evm_setBlockGasLimit and hardhat_reset / anvil_reset", function () {
  this.timeout(120_000);
  let dev: SpawnedNode;
  let url: string;
  const [k0, k1] = devKeys(2);
  const a0 = new Wallet(k0).address;
  const a1 = new Wallet(k1).address;
  const hexOf = (n: bigint): string => `0x${n.toString(16)}`;

  before(async () => {
    dev = await startNode({ args: ["--quiet", "--dev"] });
    url = dev.url;
  });

  after(async () => {
    await dev?.stop();
  });

  it("evm_setBlockGasLimit sets the gas limit of every next block and of what the pool admits; a revert restores it", async () => {
    const chainLimit = BigInt((await latest(url)).gasLimit);
    const snap = await rpc<string>(url, "evm_snapshot");
    expect(await rpc(url, "evm_setBlockGasLimit", [hexOf(100_000n)])).to.equal(true);
    await rpc(url, "evm_mine");
    await rpc(url, "evm_mine");
    expect(BigInt((await latest(url)).gasLimit)).to.equal(100_000n);
    const tooBig = await rpcError(url, "eth_sendTransaction", [{ from: a0, to: a1, value: "0x1", gas: hexOf(150_000n) }]);
    expect(tooBig.message).to.match(/exceeds block gas limit/);
    // A transaction that fits is mined under the new limit.
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from: a0, to: a1, value: "0x1", gas: hexOf(90_000n) }]);
    expect((await rpc<{ status: string }>(url, "eth_getTransactionReceipt", [hash])).status).to.equal("0x1");
    expect(await rpc(url, "evm_revert", [snap])).to.equal(true);
    await rpc(url, "evm_mine");
    expect(BigInt((await latest(url)).gasLimit)).to.equal(chainLimit);
    for (const bad of ["0x0", hexOf(20_999n), hexOf(2n ** 63n)]) {
      const err = await rpcError(url, "evm_setBlockGasLimit", [bad]);
      expect([err.code, err.message]).to.deep.equal([-32602, `invalid argument gasLimit: ${BigInt(bad)} is outside 21000..${2n ** 63n - 1n}`]);
    }
    expect((await rpcError(url, "evm_setBlockGasLimit", [])).code).to.equal(-32602);
  });

  it("hardhat_reset returns a fresh --dev node to genesis: blocks, state, pool, clock, snapshots, impersonation, automine and gas limit", async () => {
    const fresh = await balance(url, a1);
    const genesis = await rpc<{ hash: string }>(url, "eth_getBlockByNumber", ["0x0", false]);
    const snap = await rpc<string>(url, "evm_snapshot");
    await rpc(url, "eth_sendTransaction", [{ from: a0, to: a1, value: "0x5" }]);
    await rpc(url, "hardhat_mine", ["0x10"]);
    await rpc(url, "hardhat_setBalance", [a1, "0x1"]);
    await rpc(url, "evm_increaseTime", [86_400 * 365]);
    await rpc(url, "evm_setBlockGasLimit", [hexOf(50_000n)]);
    const stranger = Wallet.createRandom().address;
    await rpc(url, "hardhat_impersonateAccount", [stranger]);
    await rpc(url, "evm_setAutomine", [false]);
    await rpc(url, "eth_sendTransaction", [{ from: a0, to: a1, value: "0x6" }]);
    expect(await blockNumber(url)).to.be.greaterThan(16);

    expect(await rpc(url, "hardhat_reset", [])).to.equal(true);
    expect(await blockNumber(url)).to.equal(0);
    expect((await latest(url)).transactions).to.deep.equal([]);
    expect((await rpc<{ hash: string }>(url, "eth_getBlockByNumber", ["latest", false])).hash).to.equal(genesis.hash);
    expect(await balance(url, a1)).to.equal(fresh);
    expect(await rpc(url, "txpool_status")).to.deep.equal({ pending: "0x0", queued: "0x0" });
    expect(await rpc(url, "evm_revert", [snap])).to.equal(false);
    expect(await rpc(url, "hardhat_getAutomine")).to.equal(true);
    expect((await rpcError(url, "eth_sendTransaction", [{ from: stranger, to: a1 }])).message).to.match(/unknown account/);
    // The next block follows genesis at wall-clock time, with the chain's gas limit, mined at once.
    const hash = await rpc<string>(url, "eth_sendTransaction", [{ from: a0, to: a1, value: "0x7" }]);
    expect((await rpc<{ blockNumber: string }>(url, "eth_getTransactionReceipt", [hash])).blockNumber).to.equal("0x1");
    const block1 = await latest(url);
    expect(Number(block1.timestamp)).to.be.closeTo(Date.now() / 1000, 60);
    expect(BigInt(block1.gasLimit)).to.be.greaterThan(50_000n);
    expect(await balance(url, a1)).to.equal(fresh + 7n);
  });

  it("hardhat_metadata answers as Hardhat's does (hardhat-ethers detects a Hardhat network by it); a reset makes a new instance", async () => {
    interface Metadata { clientVersion: string; chainId: number; instanceId: string; latestBlockNumber: number; latestBlockHash: string }
    await rpc(url, "evm_mine");
    const head = await rpc<{ number: string; hash: string }>(url, "eth_getBlockByNumber", ["latest", false]);
    const m = await rpc<Metadata>(url, "hardhat_metadata");
    expect(m).to.deep.equal({
      clientVersion: await rpc<string>(url, "web3_clientVersion"), chainId: 8898, instanceId: m.instanceId, latestBlockNumber: Number(head.number), latestBlockHash: head.hash,
    });
    expect(m.instanceId).to.match(/^0x[0-9a-f]{64}$/);
    expect((await rpc<Metadata>(url, "hardhat_metadata")).instanceId).to.equal(m.instanceId);
    await rpc(url, "hardhat_reset");
    const after = await rpc<Metadata>(url, "hardhat_metadata");
    expect([after.latestBlockNumber, after.instanceId === m.instanceId]).to.deep.equal([0, false]);
  });

  it("anvil_reset is the same; both refuse to fork another chain", async () => {
    await rpc(url, "evm_mine");
    expect(await rpc(url, "anvil_reset", [])).to.equal(true);
    expect(await blockNumber(url)).to.equal(0);
    for (const m of ["hardhat_reset", "anvil_reset"]) {
      const err = await rpcError(url, m, [{ forking: { jsonRpcUrl: "http://127.0.0.1:1", blockNumber: 1 } }]);
      expect([err.code, err.message], m).to.deep.equal([-32602, "invalid argument options: forking is not supported (the devnet cannot fork another chain); call hardhat_reset without options to go back to the chain as the node started"]);
      expect((await rpcError(url, m, ["not an object"])).code, m).to.equal(-32602);
    }
    expect(await blockNumber(url)).to.equal(0);
  });
});

describe("a validator of a real network (no --dev) has no development methods", function () {
  this.timeout(120_000);
  let node: SpawnedNode;

  before(async () => {
    node = await startNode({ args: ["--quiet"] });
  });

  after(async () => {
    await node?.stop();
  });

  it("answers method-not-found for every dev method, lists no accounts and names itself plainly", async () => {
    const methods = [
      "evm_snapshot", "evm_revert", "evm_mine", "hardhat_mine", "evm_increaseTime", "evm_setNextBlockTimestamp", "evm_setAutomine",
      "evm_setIntervalMining", "hardhat_setBalance", "hardhat_setCode", "hardhat_setStorageAt", "hardhat_setNonce",
      "hardhat_setNextBlockBaseFeePerGas", "hardhat_impersonateAccount", "anvil_setBalance", "anvil_impersonateAccount", "eth_sendTransaction",
      "eth_sign", "personal_sign", "eth_signTypedData_v4", "eth_signTransaction", "evm_setBlockGasLimit", "hardhat_reset", "anvil_reset", "hardhat_metadata",
      "debug_traceTransaction", "debug_traceCall", "debug_traceBlockByNumber", "debug_traceBlockByHash",
      "ots_getApiLevel", "ots_hasCode", "ots_getInternalOperations", "ots_getTransactionError", "ots_traceTransaction", "ots_getBlockDetails",
      "ots_getBlockDetailsByHash", "ots_getBlockTransactions", "ots_searchTransactionsBefore", "ots_searchTransactionsAfter",
      "ots_getTransactionBySenderAndNonce", "ots_getContractCreator", "erigon_getHeaderByNumber",
      "trace_transaction", "trace_get", "trace_block", "trace_replayTransaction", "trace_replayBlockTransactions", "trace_call", "trace_filter",
      "anvil_autoImpersonateAccount", "anvil_dropAllTransactions", "anvil_removePoolTransactions", "hardhat_setLoggingEnabled", "anvil_setLoggingEnabled",
      "evm_setTime", "anvil_setTime", "evm_mine_detailed", "anvil_mine_detailed", "anvil_setBlockTimestampInterval", "anvil_removeBlockTimestampInterval",
      "anvil_rollback", "eth_sendUnsignedTransaction", "anvil_dealERC20", "anvil_setERC20Allowance", "anvil_setCoinbase", "anvil_setMinGasPrice",
      "anvil_metadata", "anvil_nodeInfo", "eth_sendTransactionSync", "hardhat_setPrevRandao", "anvil_setChainId", "anvil_setRpcUrl", "anvil_reorg",
    ];
    for (const m of methods) {
      const err = await rpcError(node.url, m, []);
      expect(err.code, m).to.equal(-32601);
      expect(err.message, m).to.match(/does not exist\/is not available/);
    }
    expect(await rpc(node.url, "eth_accounts")).to.deep.equal([]);
    expect(Object.keys(await rpc<Record<string, string>>(node.url, "rpc_modules"))).to.deep.equal(["debug", "eth", "lux", "net", "rpc", "txpool", "web3"]);
    expect(await rpc<string>(node.url, "web3_clientVersion")).to.match(/^Luxtensor\//);
    // The attacker's move: take the dev keys' money through the node. The validator signs nothing.
    const a0 = new Wallet(devKeys(1)[0]).address;
    expect((await rpcError(node.url, "eth_sendTransaction", [{ from: a0, to: a0, value: "0x1" }])).code).to.equal(-32601);
    expect((await rpcError(node.url, "personal_sign", ["0x68656c6c6f", a0])).code).to.equal(-32601);
  });
});

describe("node --dev: signing with the unlocked dev accounts (eth_sign, personal_sign, eth_signTypedData_v4, eth_signTransaction)", function () {
  this.timeout(120_000);
  let dev: SpawnedNode;
  let provider: JsonRpcProvider;
  const [k0, k1] = devKeys(2);
  const w0 = new Wallet(k0);
  const a1 = new Wallet(k1).address;
  // An EIP-2612 permit, the typed data contract tests sign most.
  const domain = { name: "MDT", version: "1", chainId: 8898, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
  const types = { Permit: [{ name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] };
  const permit = { owner: w0.address, spender: a1, value: 10n ** 18n, nonce: 0n, deadline: 2n ** 48n };

  before(async () => {
    dev = await startNode({ args: ["--quiet", "--dev"] });
    provider = new JsonRpcProvider(dev.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  });

  after(async () => {
    provider?.destroy();
    await dev?.stop();
  });

  it("ethers' remote signer signs messages and EIP-712 data exactly as the key would (personal_sign, eth_signTypedData_v4)", async () => {
    const remote = await provider.getSigner(w0.address);
    const message = "Sign in to ModernTensor";
    const signed = await remote.signMessage(message);
    expect(signed).to.equal(await w0.signMessage(message));
    expect(verifyMessage(message, signed)).to.equal(w0.address);
    const typed = await remote.signTypedData(domain, types, permit);
    expect(typed).to.equal(await w0.signTypedData(domain, types, permit));
    expect(verifyTypedData(domain, types, permit, typed)).to.equal(w0.address);
  });

  it("eth_sign takes (address, data) and personal_sign (data, address[, password]); both sign EIP-191 messages", async () => {
    const bytes = "0xdeadbeef";
    const expected = await w0.signMessage(getBytes(bytes));
    expect(await rpc(dev.url, "eth_sign", [w0.address, bytes])).to.equal(expected);
    expect(await rpc(dev.url, "personal_sign", [bytes, w0.address])).to.equal(expected);
    expect(await rpc(dev.url, "personal_sign", [bytes, w0.address, "ignored password"])).to.equal(expected);
  });

  it("eth_signTypedData_v4 takes the typed data as JSON text too (MetaMask's form) and hashes the domain with the fields EIP712Domain lists", async () => {
    const payload = TypedDataEncoder.getPayload(domain, types, permit);
    const expected = await w0.signTypedData(domain, types, permit);
    expect(await rpc(dev.url, "eth_signTypedData_v4", [w0.address, JSON.stringify(payload)])).to.equal(expected);
    // A domain type listing only name and chainId: the other domain members are left out of the hash.
    const short = { ...payload, types: { ...payload.types, EIP712Domain: [{ name: "name", type: "string" }, { name: "chainId", type: "uint256" }] } };
    const shortSig = await rpc<string>(dev.url, "eth_signTypedData_v4", [w0.address, short]);
    expect(verifyTypedData({ name: domain.name, chainId: domain.chainId }, types, permit, shortSig)).to.equal(w0.address);
    expect(shortSig).to.not.equal(expected);
  });

  it("eth_signTransaction fills and signs like eth_sendTransaction but sends nothing; the raw transaction can be sent later", async () => {
    const status = await rpc<{ pending: string }>(dev.url, "txpool_status");
    const nonce = await provider.getTransactionCount(w0.address, "pending");
    const raw = await rpc<string>(dev.url, "eth_signTransaction", [{ from: w0.address, to: a1, value: "0x7" }]);
    const tx = Transaction.from(raw);
    expect([tx.from, tx.to, tx.value, tx.nonce, tx.chainId, tx.gasLimit]).to.deep.equal([w0.address, a1, 7n, nonce, 8898n, 21_000n]);
    expect(await rpc(dev.url, "txpool_status")).to.deep.equal(status);
    expect(await provider.getTransactionCount(w0.address, "pending")).to.equal(nonce);
    const before = await provider.getBalance(a1);
    const hash = await rpc<string>(dev.url, "eth_sendRawTransaction", [raw]);
    expect((await rpc<{ status: string }>(dev.url, "eth_getTransactionReceipt", [hash])).status).to.equal("0x1");
    expect(await provider.getBalance(a1)).to.equal(before + 7n);
  });

  it("refuses accounts it holds no key for (an impersonated one included) and malformed input, with the reason", async () => {
    const stranger = Wallet.createRandom().address;
    expect((await rpcError(dev.url, "personal_sign", ["0x01", stranger])).message).to.match(/unknown account .*not an unlocked dev account/);
    await rpc(dev.url, "hardhat_impersonateAccount", [stranger]);
    expect((await rpcError(dev.url, "eth_sign", [stranger, "0x01"])).message).to.match(/impersonated accounts can send .* but not sign/);
    expect((await rpcError(dev.url, "eth_signTransaction", [{ from: stranger, to: a1 }])).message).to.match(/but not sign/);
    await rpc(dev.url, "hardhat_stopImpersonatingAccount", [stranger]);
    const message = TypedDataEncoder.getPayload(domain, types, permit).message;
    const bad: [string, unknown[], RegExp, number?][] = [
      ["personal_sign", ["hello", w0.address], /invalid argument message: expected 0x-prefixed hex data/],
      ["eth_sign", ["0x1234", "0x01"], /invalid argument address/],
      ["personal_sign", [], /missing value for required argument/],
      ["eth_signTypedData_v4", [w0.address, "{not json"], /a string must hold JSON/],
      ["eth_signTypedData_v4", [w0.address, { types, domain, message }], /primaryType/],
      ["eth_signTypedData_v4", [w0.address, { types, primaryType: "Nope", domain, message: {} }], /primaryType Nope is not among the types/],
      ["eth_signTypedData_v4", [w0.address, { types, primaryType: "constructor", domain, message: {} }], /primaryType constructor is not among the types/],
      ["eth_signTypedData_v4", [w0.address, { types: { Permit: [{ name: "x", type: "toString" }] }, primaryType: "Permit", domain, message: { x: 1 } }], /invalid argument typedData/],
      ["eth_signTypedData_v4", [w0.address, { types: { Permit: [{ name: "owner" }] }, primaryType: "Permit", domain, message: {} }], /types.Permit must be a list of \{ name, type \}/],
      ["eth_signTypedData_v4", [w0.address, { types, primaryType: "Permit", domain, message: { owner: "not an address" } }], /invalid argument typedData/],
      ["eth_signTransaction", [{ to: a1 }], /needs a from address/],
      ["eth_signTransaction", [{ from: w0.address, to: a1, chainId: "0x1" }], /invalid chain id: have 1, want 8898/, -32000],
    ];
    for (const [m, params, re, code = -32602] of bad) {
      const err = await rpcError(dev.url, m, params);
      expect(err.code, m).to.equal(code);
      expect(err.message, `${m} ${JSON.stringify(params)}`).to.match(re);
    }
  });
});
