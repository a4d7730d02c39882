/**
 * The "pending" block against a spawned `--dev` node with automine off: reads and simulations at
 * "pending" (and eth_estimateGas / eth_createAccessList without a block) see the pool's executable
 * transactions applied to the head, as on Hardhat and geth. A script can deploy a contract and use it, or
 * spend tokens it was just sent, before anything is mined; what "pending" predicted is what gets mined.
 * Client: ethers v6.
 */
import { expect } from "chai";
import { Contract, ContractFactory, JsonRpcProvider, Wallet, getBytes, parseEther, type InterfaceAbi } from "ethers";
import { compileSolidity, devKeys, rawRpc, rpc, startNode, tempDataDir, type SpawnedNode } from "./helpers";
import { createAddressFromString } from "@ethereumjs/util";
import { createNode, type LuxNode } from "../../node/node";
import { devAccounts, devChainConfig } from "../../node/config";
import { PendingBlock } from "../../node/rpc/pendingBlock";
import { BufferedTrieDb } from "../../node/storage/bufferedTrieDb";
import type { Logger } from "../../node/chain/types";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract Token {
  mapping(address => uint256) public balanceOf;
  constructor(uint256 supply) { balanceOf[msg.sender] = supply; }
  function transfer(address to, uint256 value) external returns (bool) {
    require(balanceOf[msg.sender] >= value, "balance too low");
    balanceOf[msg.sender] -= value;
    balanceOf[to] += value;
    return true;
  }
  function time() external view returns (uint256) { return block.timestamp; }
  function height() external view returns (uint256) { return block.number; }
}`;

const SUPPLY = 1_000_000n;
const FEES = { maxFeePerGas: 5_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };

interface RpcAnswer {
  result?: unknown;
  error?: { code: number; message: string };
}

describe("node: the pending block (head + executable pool transactions)", function () {
  this.timeout(180_000);
  let node: SpawnedNode;
  let provider: JsonRpcProvider;
  let owner: Wallet;
  let spender: Wallet;
  let payer: Wallet;
  let holder: Wallet;
  let token: Contract;
  let tokenAddress: string;
  const receiver = Wallet.createRandom().address;
  const ethTarget = Wallet.createRandom().address;
  const replaced = Wallet.createRandom().address;
  const hashes: string[] = [];
  const compiled = compileSolidity({ "T.sol": SOURCE }).Token;

  const call = async (method: string, params: unknown[]): Promise<RpcAnswer> => (await rawRpc(node.url, { jsonrpc: "2.0", id: 1, method, params })).json as RpcAnswer;
  const tokenBalance = async (who: string, tag: string): Promise<bigint> => {
    const out = await rpc<string>(node.url, "eth_call", [{ to: tokenAddress, data: token.interface.encodeFunctionData("balanceOf", [who]) }, tag]);
    return BigInt(out);
  };
  const balance = async (who: string, tag: string): Promise<bigint> => BigInt(await rpc<string>(node.url, "eth_getBalance", [who, tag]));

  before(async () => {
    node = await startNode({ args: ["--quiet", "--dev"] });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    [owner, spender, payer, holder] = devKeys(13).slice(9).map((k) => new Wallet(k, provider));
    await rpc(node.url, "evm_setAutomine", [false]);
    // ethers estimates the deployment itself (eth_estimateGas without a block: the pending block).
    token = (await new ContractFactory(compiled.abi as InterfaceAbi, compiled.bytecode, owner).deploy(SUPPLY, FEES)) as Contract;
    tokenAddress = await token.getAddress();
    hashes.push(token.deploymentTransaction()!.hash);
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  it("an unmined deployment has code and storage at \"pending\" only", async () => {
    expect(await rpc(node.url, "eth_getCode", [tokenAddress, "latest"])).to.equal("0x");
    expect(await rpc<string>(node.url, "eth_getCode", [tokenAddress, "pending"])).to.equal(await rpc(node.url, "eth_getCode", [tokenAddress, "pending"]));
    expect((await rpc<string>(node.url, "eth_getCode", [tokenAddress, "pending"])).length).to.be.greaterThan(100);
    expect(await tokenBalance(owner.address, "pending")).to.equal(SUPPLY);
    expect(await rpc(node.url, "eth_call", [{ to: tokenAddress, data: token.interface.encodeFunctionData("balanceOf", [owner.address]) }, "latest"])).to.equal("0x");
  });

  it("ethers sends a transfer on the unmined token with a real estimate (at the head the call would hit an empty account)", async () => {
    const data = token.interface.encodeFunctionData("transfer", [spender.address, 1_000n]);
    const atHead = BigInt(await rpc<string>(node.url, "eth_estimateGas", [{ from: owner.address, to: tokenAddress, data }, "latest"]));
    const pending = BigInt(await rpc<string>(node.url, "eth_estimateGas", [{ from: owner.address, to: tokenAddress, data }]));
    // Two cold SSTOREs from zero need far more than a plain call to an address without code.
    expect(atHead < 30_000n).to.equal(true);
    expect(pending > 40_000n).to.equal(true);
    const sent = await (token.connect(owner) as Contract).transfer(spender.address, 1_000n, FEES);
    hashes.push(sent.hash);
    expect(await tokenBalance(spender.address, "pending")).to.equal(1_000n);
  });

  it("what was sent on the unmined token was mined as estimated; tokens received in an unmined transfer can be spent at once", async () => {
    await rpc(node.url, "evm_mine");
    for (const h of hashes) expect((await rpc<{ status: string }>(node.url, "eth_getTransactionReceipt", [h])).status, h).to.equal("0x1");
    expect(await tokenBalance(spender.address, "latest")).to.equal(1_000n);
    hashes.length = 0;
    hashes.push((await (token.connect(owner) as Contract).transfer(holder.address, 1_000n, FEES)).hash);
    const data = token.interface.encodeFunctionData("transfer", [receiver, 400n]);
    const head = await call("eth_estimateGas", [{ from: holder.address, to: tokenAddress, data }, "latest"]);
    expect(head.error?.message).to.equal("execution reverted: balance too low");
    const sent = await (token.connect(holder) as Contract).transfer(receiver, 400n, FEES);
    hashes.push(sent.hash);
    // The pending block is extended with what arrived since it was built.
    expect(await tokenBalance(receiver, "pending")).to.equal(400n);
    expect(await tokenBalance(holder.address, "pending")).to.equal(600n);
    expect(await tokenBalance(receiver, "latest")).to.equal(0n);
    const list = (await rpc<{ accessList: { address: string }[] }>(node.url, "eth_createAccessList", [{ from: receiver, to: tokenAddress, data: token.interface.encodeFunctionData("transfer", [owner.address, 400n]) }])).accessList;
    expect(list.map((e) => e.address.toLowerCase())).to.deep.equal([tokenAddress.toLowerCase()]);
  });

  it("value transfers show in the pending balance; a replacement replaces, a transaction behind a nonce gap does not count", async () => {
    const nonce = await provider.getTransactionCount(payer.address, "latest");
    hashes.push((await payer.sendTransaction({ to: ethTarget, value: parseEther("1"), nonce, gasLimit: 21_000n, ...FEES })).hash);
    expect(await balance(ethTarget, "pending")).to.equal(parseEther("1"));
    expect(await balance(ethTarget, "latest")).to.equal(0n);
    await payer.sendTransaction({ to: replaced, value: 5n, nonce: nonce + 1, gasLimit: 21_000n, ...FEES });
    expect(await balance(replaced, "pending")).to.equal(5n);
    // Same nonce, fees up by more than the bump: the pool swaps it, and the pending block is rebuilt.
    const bumped = { maxFeePerGas: FEES.maxFeePerGas * 2n, maxPriorityFeePerGas: FEES.maxPriorityFeePerGas * 2n };
    hashes.push((await payer.sendTransaction({ to: replaced, value: 7n, nonce: nonce + 1, gasLimit: 21_000n, ...bumped })).hash);
    expect(await balance(replaced, "pending")).to.equal(7n);
    const gapped = Wallet.createRandom().address;
    await payer.sendTransaction({ to: gapped, value: 9n, nonce: nonce + 5, gasLimit: 21_000n, ...FEES });
    expect(await balance(gapped, "pending")).to.equal(0n);
    expect(await rpc(node.url, "eth_getTransactionCount", [payer.address, "pending"])).to.equal(`0x${(nonce + 2).toString(16)}`);
  });

  it("state overrides and debug_traceCall at \"pending\" run on their own copy of the pending block", async () => {
    const data = token.interface.encodeFunctionData("balanceOf", [receiver]);
    const overridden = await rpc<string>(node.url, "eth_call", [{ to: tokenAddress, data }, "pending", { [ethTarget]: { balance: "0x1" } }]);
    expect(BigInt(overridden)).to.equal(400n);
    const trace = await rpc<{ output: string }>(node.url, "debug_traceCall", [{ to: tokenAddress, data }, "pending", { tracer: "callTracer" }]);
    expect(BigInt(trace.output)).to.equal(400n);
    // The shared pending block was not touched by either.
    expect(await balance(ethTarget, "pending")).to.equal(parseEther("1"));
  });

  it("eth_sendTransaction without a gas limit estimates on the pending block: a dev account spends tokens it has not received on chain", async () => {
    const other = Wallet.createRandom().address;
    const data = token.interface.encodeFunctionData("transfer", [other, 50n]);
    expect(await tokenBalance(holder.address, "latest")).to.equal(0n);
    const hash = await rpc<string>(node.url, "eth_sendTransaction", [{ from: holder.address, to: tokenAddress, data }]);
    hashes.push(hash);
    const sent = await rpc<{ gas: string }>(node.url, "eth_getTransactionByHash", [hash]);
    expect(BigInt(sent.gas) > 40_000n).to.equal(true);
    expect(await tokenBalance(other, "pending")).to.equal(50n);
  });

  it("runs in the next block's environment: its number, and the timestamp evm_setNextBlockTimestamp set", async () => {
    const head = await rpc<{ number: string; timestamp: string }>(node.url, "eth_getBlockByNumber", ["latest", false]);
    const next = BigInt(head.timestamp) + 1000n;
    await rpc(node.url, "evm_setNextBlockTimestamp", [`0x${next.toString(16)}`]);
    const data = token.interface.encodeFunctionData("time");
    expect(BigInt(await rpc<string>(node.url, "eth_call", [{ to: tokenAddress, data }, "pending"]))).to.equal(next);
    expect(BigInt(await rpc<string>(node.url, "eth_call", [{ to: tokenAddress, data }, "latest"]))).to.equal(BigInt(head.timestamp));
    const height = token.interface.encodeFunctionData("height");
    expect(BigInt(await rpc<string>(node.url, "eth_call", [{ to: tokenAddress, data: height }, "pending"]))).to.equal(BigInt(head.number) + 1n);
    expect(BigInt(await rpc<string>(node.url, "eth_call", [{ to: tokenAddress, data: height }, "latest"]))).to.equal(BigInt(head.number));
  });

  it("a hostile pool transaction that burns a whole block's gas in a loop: pending reads still answer, and it is mined as the pending block said", async () => {
    const attacker = new Wallet(devKeys(14)[13], provider);
    // Init code JUMPDEST PUSH1 0 JUMP: a creation that loops until its gas is gone.
    const sent = await attacker.sendTransaction({ data: "0x5b600056", gasLimit: 25_000_000n, ...FEES });
    hashes.push(sent.hash);
    const started = Date.now();
    expect(await tokenBalance(receiver, "pending")).to.equal(400n);
    expect(BigInt(await rpc<string>(node.url, "eth_estimateGas", [{ from: owner.address, to: tokenAddress, data: token.interface.encodeFunctionData("transfer", [receiver, 1n]) }]))).to.be.greaterThan(21_000n);
    // Bounded by the block gas limit: the pending block runs the loop once, like the builder will.
    expect(Date.now() - started).to.be.lessThan(30_000);
    expect(await balance(attacker.address, "pending") < (await balance(attacker.address, "latest"))).to.equal(true);
  });

  it("eth_getBlockByNumber(\"pending\") is the head's child with those transactions, unsealed: no hash, nonce or miner", async () => {
    const head = await rpc<{ number: string; hash: string }>(node.url, "eth_getBlockByNumber", ["latest", false]);
    const block = await rpc<Record<string, unknown> & { transactions: string[] }>(node.url, "eth_getBlockByNumber", ["pending", false]);
    expect(block.number).to.equal(`0x${(BigInt(head.number) + 1n).toString(16)}`);
    expect(block.parentHash).to.equal(head.hash);
    expect([block.hash, block.nonce, block.miner]).to.deep.equal([null, null, null]);
    // Every sent transaction but the one behind the nonce gap, each once.
    expect([...block.transactions].sort()).to.deep.equal([...hashes].sort());
    expect(await rpc(node.url, "eth_getBlockTransactionCountByNumber", ["pending"])).to.equal(`0x${hashes.length.toString(16)}`);
    const first = await rpc<{ hash: string; blockHash: unknown }>(node.url, "eth_getTransactionByBlockNumberAndIndex", ["pending", "0x0"]);
    expect([first.hash, first.blockHash]).to.deep.equal([block.transactions[0], null]);
    expect(await rpc(node.url, "eth_getTransactionByBlockNumberAndIndex", ["pending", `0x${hashes.length.toString(16)}`])).to.equal(null);
    // Not mined, so no receipts yet (the head's would be wrong).
    expect(await rpc(node.url, "eth_getBlockReceipts", ["pending"])).to.equal(null);
    // ethers reads it as a block without a hash, its transactions in full.
    const viaEthers = (await provider.getBlock("pending", true))!;
    expect([viaEthers.number, viaEthers.hash, viaEthers.prefetchedTransactions.length]).to.deep.equal([Number(head.number) + 1, null, hashes.length]);
  });

  it("what \"pending\" showed is what the next block holds", async () => {
    const pendingBlock = await rpc<Record<string, string>>(node.url, "eth_getBlockByNumber", ["pending", false]);
    const predictedTime = await rpc<string>(node.url, "eth_call", [{ to: tokenAddress, data: token.interface.encodeFunctionData("time") }, "pending"]);
    const predicted = {
      tokens: await Promise.all([owner.address, holder.address, receiver].map((a) => tokenBalance(a, "pending"))),
      eth: await Promise.all([owner.address, payer.address, ethTarget, replaced, new Wallet(devKeys(14)[13]).address].map((a) => balance(a, "pending"))),
    };
    await rpc(node.url, "evm_mine");
    const statuses = await Promise.all(hashes.map(async (h) => (await rpc<{ status: string }>(node.url, "eth_getTransactionReceipt", [h])).status));
    // Every transaction succeeded but the looping creation, which ran out of gas (as the pending block showed).
    expect(statuses).to.deep.equal(hashes.map((_, i) => (i === hashes.length - 1 ? "0x0" : "0x1")));
    expect(BigInt((await rpc<{ timestamp: string }>(node.url, "eth_getBlockByNumber", ["latest", false])).timestamp)).to.equal(BigInt(predictedTime));
    expect(await Promise.all([owner.address, holder.address, receiver].map((a) => tokenBalance(a, "latest")))).to.deep.equal(predicted.tokens);
    // The pending block's coinbase is the zero address and the mined one's the proposer; senders' and
    // recipients' balances do not depend on it.
    expect(await Promise.all([owner.address, payer.address, ethTarget, replaced, new Wallet(devKeys(14)[13]).address].map((a) => balance(a, "latest")))).to.deep.equal(predicted.eth);
    expect(await tokenBalance(receiver, "pending")).to.equal(400n);
    // The same transactions in the same order, with the same receipts (roots and bloom) and gas.
    const mined = await rpc<Record<string, string>>(node.url, "eth_getBlockByNumber", ["latest", false]);
    const fields = ["number", "parentHash", "transactions", "transactionsRoot", "receiptsRoot", "logsBloom", "gasUsed", "baseFeePerGas", "timestamp"];
    expect(Object.fromEntries(fields.map((f) => [f, mined[f]]))).to.deep.equal(Object.fromEntries(fields.map((f) => [f, pendingBlock[f]])));
  });

  it("without fee tips, the pending block's state root is the mined block's; with an empty pool it is the head's child, empty", async () => {
    const empty = await rpc<{ number: string; transactions: string[]; stateRoot: string; gasUsed: string }>(node.url, "eth_getBlockByNumber", ["pending", true]);
    const head = await rpc<{ number: string; stateRoot: string }>(node.url, "eth_getBlockByNumber", ["latest", false]);
    expect([BigInt(empty.number), empty.transactions, empty.stateRoot, empty.gasUsed]).to.deep.equal([BigInt(head.number) + 1n, [], head.stateRoot, "0x0"]);
    // The tip would go to the zero address in the pending block and to the proposer in the mined one.
    const noTip = { maxFeePerGas: FEES.maxFeePerGas, maxPriorityFeePerGas: 0n };
    await (token.connect(holder) as Contract).transfer(receiver, 1n, noTip);
    await payer.sendTransaction({ to: ethTarget, value: 3n, gasLimit: 21_000n, ...noTip });
    const predicted = await rpc<Record<string, string>>(node.url, "eth_getBlockByNumber", ["pending", false]);
    await rpc(node.url, "evm_mine", [Number(predicted.timestamp)]);
    const mined = await rpc<Record<string, string>>(node.url, "eth_getBlockByNumber", ["latest", false]);
    expect(mined.transactions).to.have.length(2);
    const fields = ["stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom", "gasUsed", "transactions"];
    expect(Object.fromEntries(fields.map((f) => [f, mined[f]]))).to.deep.equal(Object.fromEntries(fields.map((f) => [f, predicted[f]])));
  });
});

describe("node: the pending block is extended, and rebuilt only when a transaction it applied leaves the pool", function () {
  this.timeout(60_000);
  const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };
  const keys = devAccounts(3).map((a) => a.privateKey);
  const [w0, w1, w2] = keys.map((k) => new Wallet(k));
  const target = Wallet.createRandom().address;
  let node: LuxNode;
  let pending: PendingBlock;

  const send = async (w: Wallet, nonce: number, value: bigint, tip = 1_000_000_000n): Promise<void> => {
    const raw = await w.signTransaction({ type: 2, chainId: 8898n, nonce, to: target, value, gasLimit: 21_000n, maxFeePerGas: 10n * tip, maxPriorityFeePerGas: tip });
    await node.pool.add(getBytes(raw));
  };
  const targetBalance = async (): Promise<bigint> => {
    const lent = await pending.acquire();
    try {
      return (await lent.vm.stateManager.getAccount(createAddressFromString(target)))?.balance ?? 0n;
    } finally {
      lent.release();
    }
  };

  before(async () => {
    // An in-process node that builds no blocks: the pool only fills.
    node = await createNode({ dataDir: tempDataDir("pending-unit"), chain: devChainConfig(), port: 0, signerKeys: keys, produce: false, logBlocks: false, log: silent });
    pending = new PendingBlock(node.chain, node.pool, (head) => head.block.header.timestamp + 1n);
  });

  after(async () => {
    await node?.stop();
  });

  it("applies what arrives on top, keeps the block when another transaction is replaced, rebuilds when an applied one is", async () => {
    await send(w0, 0, 1n);
    await send(w1, 0, 2n);
    expect(await targetBalance()).to.equal(3n);
    expect(pending.stats).to.deep.equal({ builds: 1, applied: 2 });
    await send(w0, 1, 4n);
    expect(await targetBalance()).to.equal(7n);
    expect(pending.stats).to.deep.equal({ builds: 1, applied: 3 });
    // w2's transaction sits behind a nonce gap (not applied); replacing it removes it from the pool.
    await send(w2, 3, 100n);
    await send(w2, 3, 200n, 2_000_000_000n);
    expect(await targetBalance()).to.equal(7n);
    expect(pending.stats).to.deep.equal({ builds: 1, applied: 3 });
    // Replacing an applied one: the block is built again, with the replacement.
    await send(w1, 0, 20n, 2_000_000_000n);
    expect(await targetBalance()).to.equal(25n);
    expect(pending.stats.builds).to.equal(2);
  });

  it("its state writes stay in memory: showing it (a state root, storage written) adds nothing to the chain's trie database", async () => {
    const trieDb = node.chain.store.trieDb();
    if (!(trieDb instanceof BufferedTrieDb)) throw new Error("expected the LevelDB store's buffered trie database");
    const before = trieDb.size;
    // A creation whose init code stores a slot (PUSH1 1 PUSH1 0 SSTORE): a storage trie is flushed.
    const raw = await w2.signTransaction({ type: 2, chainId: 8898n, nonce: 0, data: "0x600160005500", gasLimit: 100_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
    await node.pool.add(getBytes(raw));
    const view = await pending.view();
    expect(view.block.transactions).to.have.length(4);
    expect(trieDb.size, "pending trie nodes written into the chain's database buffer").to.equal(before);
  });
});
