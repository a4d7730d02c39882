import { expect } from "chai";
import { ContractFactory, JsonRpcProvider, Wallet, WebSocketProvider, Contract, Interface, ethers } from "ethers";
import WebSocket from "ws";
import { compileSolidity, devKeys, rawRpc, rpc, startNode, waitFor, type SpawnedNode } from "./helpers";

const BOX_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract Box {
  event Stored(address indexed who, uint256 value);
  error TooBig(uint256 value, uint256 max);
  uint256 public value;
  function store(uint256 v) external {
    require(v != 13, "unlucky");
    if (v > 1000) revert TooBig(v, 1000);
    value = v;
    emit Stored(msg.sender, v);
  }
  function env() external view returns (uint256 number, uint256 basefee, address coinbase, uint256 chainid) {
    return (block.number, block.basefee, block.coinbase, block.chainid);
  }
}`;

describe("node: ethers v6 against a spawned node", function () {
  this.timeout(120_000);
  let node: SpawnedNode;
  let provider: JsonRpcProvider;
  let wallets: Wallet[];
  let box: Contract;
  let boxAddress: string;
  const compiled = compileSolidity({ "Box.sol": BOX_SOURCE }).Box;

  before(async () => {
    node = await startNode({ args: ["--quiet"] });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    wallets = devKeys(6).map((k) => new Wallet(k, provider));
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  it("reports chain id 8898, client version and a growing chain", async () => {
    expect((await provider.getNetwork()).chainId).to.equal(8898n);
    expect(await rpc(node.url, "net_version")).to.equal("8898");
    expect(await rpc<string>(node.url, "web3_clientVersion")).to.match(/^Luxtensor/);
    const b = await provider.getBlock("latest");
    expect(b?.baseFeePerGas).to.be.a("bigint");
    expect(b?.gasLimit).to.equal(30_000_000n);
  });

  it("transfers LUX, burns the base fee and pays the tip to the proposer", async () => {
    const [proposer, from, to] = wallets;
    const before = await provider.getBalance(to.address);
    const tx = await from.sendTransaction({ to: to.address, value: ethers.parseEther("1.5") });
    const receipt = await tx.wait(1, 30_000);
    expect(receipt?.status).to.equal(1);
    expect(await provider.getBalance(to.address)).to.equal(before + ethers.parseEther("1.5"));
    const block = await provider.getBlock(receipt!.blockNumber);
    expect(block?.miner).to.equal(proposer.address);
    const baseFee = block!.baseFeePerGas!;
    expect(receipt!.gasPrice).to.equal(baseFee + (tx.maxPriorityFeePerGas! < tx.maxFeePerGas! - baseFee ? tx.maxPriorityFeePerGas! : tx.maxFeePerGas! - baseFee));
    const prevProposer = await provider.getBalance(proposer.address, receipt!.blockNumber - 1);
    const nowProposer = await provider.getBalance(proposer.address, receipt!.blockNumber);
    expect(nowProposer - prevProposer).to.equal(receipt!.gasUsed * (receipt!.gasPrice - baseFee));
    const supply = await rpc<{ burned: string }>(node.url, "lux_getSupply");
    expect(BigInt(supply.burned) >= receipt!.gasUsed * baseFee).to.equal(true);
    const got = await provider.getTransaction(tx.hash);
    expect(got?.blockHash).to.equal(receipt!.blockHash);
    expect(got?.from).to.equal(from.address);
  });

  it("deploys a contract, calls it, and serves events and receipts", async () => {
    const factory = new ContractFactory(compiled.abi as never, compiled.bytecode, wallets[1]);
    const c = await factory.deploy();
    await c.waitForDeployment();
    boxAddress = await c.getAddress();
    box = new Contract(boxAddress, compiled.abi as never, wallets[1]);
    expect((await provider.getCode(boxAddress)).length).to.be.greaterThan(2);
    const deployReceipt = await provider.getTransactionReceipt(c.deploymentTransaction()!.hash);
    expect(deployReceipt?.contractAddress).to.equal(boxAddress);
    const tx = await box.store(42);
    const r = await tx.wait(1, 30_000);
    expect(await box.value()).to.equal(42n);
    expect(r.logs.length).to.equal(1);
    const parsed = box.interface.parseLog(r.logs[0]);
    expect(parsed?.name).to.equal("Stored");
    expect(parsed?.args.value).to.equal(42n);
    expect(r.logs[0].blockHash).to.equal(r.blockHash);
    const [number, , coinbase, chainid] = (await box.env()) as [bigint, bigint, string, bigint];
    expect(chainid).to.equal(8898n);
    expect(number >= BigInt(r.blockNumber)).to.equal(true);
    // A call at "latest" runs in the latest block's environment, as on geth: COINBASE is its proposer.
    const latest = await provider.getBlock(number);
    expect(coinbase).to.equal(latest?.miner);
  });

  it("returns revert reasons and custom errors (code 3 with data)", async () => {
    try {
      await box.store.staticCall(13);
      expect.fail("should revert");
    } catch (err) {
      expect((err as { reason?: string }).reason).to.equal("unlucky");
    }
    const res = await rawRpc(node.url, { jsonrpc: "2.0", id: 7, method: "eth_call", params: [{ to: boxAddress, data: box.interface.encodeFunctionData("store", [5000]) }, "latest"] });
    const error = (res.json as { error: { code: number; message: string; data: string } }).error;
    expect(error.code).to.equal(3);
    expect(error.message).to.equal("execution reverted");
    const decoded = box.interface.parseError(error.data);
    expect(decoded?.name).to.equal("TooBig");
    expect(decoded?.args[0]).to.equal(5000n);
    try {
      await box.store.estimateGas(13);
      expect.fail("estimate should revert");
    } catch (err) {
      expect((err as { reason?: string }).reason).to.equal("unlucky");
    }
  });

  it("filters logs with eth_getLogs and polling filters", async () => {
    const logFilter = await rpc<string>(node.url, "eth_newFilter", [{ address: boxAddress }]);
    const blockFilter = await rpc<string>(node.url, "eth_newBlockFilter");
    const r = await (await box.store(7)).wait(1, 30_000);
    const topic = box.interface.getEvent("Stored")!.topicHash;
    const logs = await provider.getLogs({ address: boxAddress, topics: [topic, ethers.zeroPadValue(wallets[1].address, 32)], fromBlock: 0 });
    expect(logs.length).to.equal(2);
    expect(logs[1].transactionHash).to.equal(r.hash);
    const none = await provider.getLogs({ address: boxAddress, topics: [topic, ethers.zeroPadValue(wallets[2].address, 32)], fromBlock: 0 });
    expect(none.length).to.equal(0);
    const changes = await rpc<{ transactionHash: string }[]>(node.url, "eth_getFilterChanges", [logFilter]);
    expect(changes.map((l) => l.transactionHash)).to.include(r.hash);
    expect(await rpc<unknown[]>(node.url, "eth_getFilterChanges", [logFilter])).to.deep.equal([]);
    const all = await rpc<unknown[]>(node.url, "eth_getFilterLogs", [logFilter]);
    expect(all.length).to.be.greaterThan(0);
    const blocks = await rpc<string[]>(node.url, "eth_getFilterChanges", [blockFilter]);
    expect(blocks.length).to.be.greaterThan(0);
    expect(await rpc(node.url, "eth_uninstallFilter", [blockFilter])).to.equal(true);
    const gone = await rawRpc(node.url, { jsonrpc: "2.0", id: 1, method: "eth_getFilterChanges", params: [blockFilter] });
    expect((gone.json as { error: { message: string } }).error.message).to.equal("filter not found");
  });

  it("polls pending transactions as hashes or, with geth's true, as whole transactions", async () => {
    const hashes = await rpc<string>(node.url, "eth_newPendingTransactionFilter");
    const explicit = await rpc<string>(node.url, "eth_newPendingTransactionFilter", [false]);
    const full = await rpc<string>(node.url, "eth_newPendingTransactionFilter", [true]);
    const tx = await box.store(41);
    await tx.wait(1, 30_000);
    const sent = (await provider.getTransaction(tx.hash))!;
    expect(await rpc(node.url, "eth_getFilterChanges", [hashes])).to.deep.equal([tx.hash]);
    expect(await rpc(node.url, "eth_getFilterChanges", [explicit])).to.deep.equal([tx.hash]);
    const txs = await rpc<Array<Record<string, unknown>>>(node.url, "eth_getFilterChanges", [full]);
    expect(txs).to.have.length(1);
    expect(txs[0]).to.include({ hash: tx.hash, from: sent.from.toLowerCase(), to: boxAddress.toLowerCase(), input: sent.data, nonce: ethers.toQuantity(sent.nonce) });
    // Drained by the poll.
    expect(await rpc(node.url, "eth_getFilterChanges", [full])).to.deep.equal([]);
    // A flag that is not a boolean, or an extra parameter, is refused and installs nothing.
    for (const params of [["yes"], [1], [true, true]]) {
      const bad = await rawRpc(node.url, { jsonrpc: "2.0", id: 1, method: "eth_newPendingTransactionFilter", params });
      expect((bad.json as { error: { code: number } }).error.code, JSON.stringify(params)).to.equal(-32602);
    }
    for (const id of [hashes, explicit, full]) expect(await rpc(node.url, "eth_uninstallFilter", [id])).to.equal(true);
  });

  it("pushes newHeads, logs and newPendingTransactions over WebSocket", async () => {
    const ws = new WebSocket(node.wsUrl);
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    const messages: { id?: number; result?: string; params?: { subscription: string; result: unknown } }[] = [];
    ws.on("message", (m) => messages.push(JSON.parse(m.toString())));
    const send = (id: number, method: string, params: unknown[]): void => ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    send(1, "eth_subscribe", ["newHeads"]);
    send(2, "eth_subscribe", ["logs", { address: boxAddress }]);
    send(3, "eth_subscribe", ["newPendingTransactions"]);
    // geth's option: whole transactions instead of hashes.
    send(4, "eth_subscribe", ["newPendingTransactions", true]);
    const ids = await waitFor(async () => {
      const r = [1, 2, 3, 4].map((id) => messages.find((m) => m.id === id)?.result);
      return r.every(Boolean) ? (r as string[]) : undefined;
    }, 10_000, "subscription ids");
    const tx = await box.store(99);
    await tx.wait(1, 30_000);
    await waitFor(async () => messages.some((m) => m.params?.subscription === ids[0]), 10_000, "newHeads");
    await waitFor(async () => messages.some((m) => m.params?.subscription === ids[1] && (m.params.result as { transactionHash: string }).transactionHash === tx.hash), 10_000, "logs");
    await waitFor(async () => messages.some((m) => m.params?.subscription === ids[2] && m.params.result === tx.hash), 10_000, "pending tx");
    const full = await waitFor(async () => messages.find((m) => m.params?.subscription === ids[3])?.params?.result as Record<string, unknown> | undefined, 10_000, "full pending tx");
    const sent = (await provider.getTransaction(tx.hash))!;
    expect(full).to.include({ hash: tx.hash, from: sent.from.toLowerCase(), to: boxAddress.toLowerCase(), input: sent.data, nonce: ethers.toQuantity(sent.nonce) });
    // Wrong options for a kind are refused, the connection stays usable.
    send(5, "eth_subscribe", ["newPendingTransactions", { address: boxAddress }]);
    send(6, "eth_subscribe", ["logs", true]);
    send(7, "eth_subscribe", ["newHeads", { fromBlock: "0x0" }]);
    const errors = await waitFor(async () => {
      const r = [5, 6, 7].map((id) => (messages.find((m) => m.id === id) as { error?: { code: number; message: string } } | undefined)?.error);
      return r.every(Boolean) ? (r as { code: number; message: string }[]) : undefined;
    }, 10_000, "option errors");
    expect(errors.map((e) => e.code)).to.deep.equal([-32602, -32602, -32602]);
    expect(errors[0].message).to.match(/true \(whole transactions\) or false/);
    ws.close();
    // ethers' own WebSocket provider sees blocks too.
    const wsp = new WebSocketProvider(node.wsUrl);
    const seen = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("no block over ethers WebSocketProvider")), 10_000);
      void wsp.once("block", (n: number) => {
        clearTimeout(t);
        resolve(n);
      });
    });
    expect(seen).to.be.greaterThan(0);
    await wsp.destroy();
  });

  it("serves fee data and fee history", async () => {
    const fees = await provider.getFeeData();
    expect(fees.maxPriorityFeePerGas).to.equal(1_000_000_000n);
    expect(fees.maxFeePerGas! > fees.maxPriorityFeePerGas!).to.equal(true);
    const h = await rpc<{ baseFeePerGas: string[]; gasUsedRatio: number[]; reward: string[][]; oldestBlock: string }>(node.url, "eth_feeHistory", ["0x2", "latest", [25, 75]]);
    expect(h.baseFeePerGas.length).to.equal(3);
    expect(h.gasUsedRatio.length).to.equal(2);
    expect(h.reward[0].length).to.equal(2);
  });

  it("orders nonces, holds gaps back and reports pending counts", async () => {
    const w = wallets[3];
    const to = wallets[4].address;
    const n0 = await provider.getTransactionCount(w.address, "latest");
    const fee = await provider.getFeeData();
    const base = { to, value: 1n, gasLimit: 21_000n, maxFeePerGas: fee.maxFeePerGas!, maxPriorityFeePerGas: fee.maxPriorityFeePerGas!, chainId: 8898n, type: 2 };
    const later = await w.signTransaction({ ...base, nonce: n0 + 1 });
    const first = await w.signTransaction({ ...base, nonce: n0 });
    const h1 = await rpc<string>(node.url, "eth_sendRawTransaction", [later]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await provider.getTransactionReceipt(h1)).to.equal(null);
    expect((await provider.getTransaction(h1))?.blockNumber).to.equal(null);
    expect(await provider.getTransactionCount(w.address, "pending")).to.equal(n0);
    const h0 = await rpc<string>(node.url, "eth_sendRawTransaction", [first]);
    const r1 = await provider.waitForTransaction(h1, 1, 30_000);
    const r0 = await provider.getTransactionReceipt(h0);
    expect(r0?.status).to.equal(1);
    expect(r1?.status).to.equal(1);
    expect(await provider.getTransactionCount(w.address, "latest")).to.equal(n0 + 2);
    // Several in flight from one wallet: ethers' pending nonce keeps them in order.
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await w.sendTransaction({ to, value: 1n }));
    const receipts = await Promise.all(sent.map((t) => t.wait(1, 30_000)));
    expect(receipts.every((r) => r?.status === 1)).to.equal(true);
    expect(await provider.getTransactionCount(w.address, "pending")).to.equal(n0 + 7);
  });

  it("answers block and transaction lookups by hash, number and index", async () => {
    const r = await (await wallets[5].sendTransaction({ to: wallets[0].address, value: 5n })).wait(1, 30_000);
    const byNumber = await rpc<{ hash: string; transactions: string[] }>(node.url, "eth_getBlockByNumber", [ethers.toQuantity(r!.blockNumber), false]);
    expect(byNumber.hash).to.equal(r!.blockHash);
    const byHash = await rpc<{ transactions: { hash: string }[] }>(node.url, "eth_getBlockByHash", [r!.blockHash, true]);
    expect(byHash.transactions[r!.index].hash).to.equal(r!.hash);
    expect(await rpc(node.url, "eth_getBlockTransactionCountByHash", [r!.blockHash])).to.equal(ethers.toQuantity(byHash.transactions.length));
    expect(await rpc(node.url, "eth_getBlockTransactionCountByNumber", [ethers.toQuantity(r!.blockNumber)])).to.equal(ethers.toQuantity(byHash.transactions.length));
    const t1 = await rpc<{ hash: string }>(node.url, "eth_getTransactionByBlockHashAndIndex", [r!.blockHash, ethers.toQuantity(r!.index)]);
    const t2 = await rpc<{ hash: string }>(node.url, "eth_getTransactionByBlockNumberAndIndex", [ethers.toQuantity(r!.blockNumber), ethers.toQuantity(r!.index)]);
    expect(t1.hash).to.equal(r!.hash);
    expect(t2.hash).to.equal(r!.hash);
    const earliest = await rpc<{ number: string }>(node.url, "eth_getBlockByNumber", ["earliest", false]);
    expect(earliest.number).to.equal("0x0");
    for (const tag of ["pending", "safe", "finalized"]) expect(await rpc(node.url, "eth_getBlockByNumber", [tag, false])).to.not.equal(null);
    expect(await rpc(node.url, "eth_getBlockByNumber", ["0xffffffff", false])).to.equal(null);
    const slot0 = await provider.getStorage(boxAddress, 0);
    expect(BigInt(slot0)).to.equal(99n);
    const iface = new Interface(compiled.abi as never);
    expect(iface.getFunction("value")).to.not.equal(null);
  });
});
