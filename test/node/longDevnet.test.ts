import { expect } from "chai";
import { Contract, ContractFactory, JsonRpcProvider, Wallet, getCreateAddress, type EventLog, type InterfaceAbi } from "ethers";
import { createNode } from "../../node/node";
import { devChainConfig } from "../../node/config";
import { LevelChainStore } from "../../node/storage";
import { compileSolidity, devKeys, rpc, startNode, tempDataDir, type SpawnedNode } from "./helpers";
import { HistoryWriter } from "./longChain";

const PINGER = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;
contract Pinger {
  event Ping(address indexed from, uint256 indexed n, string note);
  function ping(uint256 n) external { emit Ping(msg.sender, n, "ping"); }
}`;
/** A day of one-second slots. */
const DAY_SLOTS = 86_400n;
const CHAIN_ID = 8898n;
const GWEI = 1_000_000_000n;
const silent = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };

interface LogJson {
  blockNumber: string;
  topics: string[];
}

describe("node: a devnet that has run for a day (log index, persisted filters)", function () {
  this.timeout(900_000);
  const dataDir = tempDataDir("day");
  const { abi: abiRaw, bytecode } = compileSolidity({ "Pinger.sol": PINGER }).Pinger;
  const abi = abiRaw as InterfaceAbi;
  const wallet = new Wallet(devKeys(1)[0]);
  const address = getCreateAddress({ from: wallet.address, nonce: 0 });
  let node: SpawnedNode | undefined;
  let headAfterDay = 0n;

  after(async () => {
    await node?.stop();
  });

  it("writes a day of history: a deploy and a ping, then 86,400 empty one-second blocks", async () => {
    const lux = await createNode({ dataDir, chain: devChainConfig(), port: 0, produce: false, logBlocks: false, log: silent });
    try {
      const history = new HistoryWriter(lux.chain);
      const clockSlot = BigInt(Math.floor((Date.now() - history.slotStartMs(0n)) / lux.config.slotTimeMs));
      const start = clockSlot - DAY_SLOTS;
      const sign = (nonce: number, fields: { to?: string; data: string }) =>
        wallet.signTransaction({ type: 2, chainId: CHAIN_ID, nonce, maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: GWEI, gasLimit: 1_000_000n, ...fields });
      await history.produce(start, [await sign(0, { data: new ContractFactory(abi, bytecode).bytecode })]);
      const iface = new Contract(address, abi).interface;
      await history.produce(start + 1n, [await sign(1, { to: address, data: iface.encodeFunctionData("ping", [1n]) })]);
      await history.appendEmpty(start + 2n, clockSlot - 1n);
      headAfterDay = lux.chain.head.block.header.number;
      expect(headAfterDay).to.equal(DAY_SLOTS);
    } finally {
      await lux.stop();
    }
  });

  it("queryFilter(0, latest) finds the pings of the day and of now, through ethers", async () => {
    node = await startNode({ dataDir, args: ["--quiet"] });
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    try {
      const pinger = new Contract(address, abi, wallet.connect(provider));
      await (await (pinger.getFunction("ping"))(2n)).wait();
      const events = (await pinger.queryFilter(pinger.filters.Ping(), 0, "latest")) as EventLog[];
      expect(events.map((e) => [e.blockNumber, e.args.n])).to.deep.equal([[2, 1n], [events[1]?.blockNumber, 2n]]);
      expect(BigInt(events[1].blockNumber)).to.be.greaterThan(headAfterDay);
      // Wildcard (the "any log" index), a topic at position 2, and an address with no logs.
      expect(await rpc<LogJson[]>(node.url, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }])).to.have.length(2);
      const n2 = `0x${"0".repeat(63)}2`;
      const byTopic = await rpc<LogJson[]>(node.url, "eth_getLogs", [{ fromBlock: "earliest", topics: [null, null, n2] }]);
      expect(byTopic.map((l) => BigInt(l.blockNumber))).to.deep.equal([BigInt(events[1].blockNumber)]);
      expect(await rpc(node.url, "eth_getLogs", [{ fromBlock: "0x0", address: wallet.address }])).to.deep.equal([]);
    } finally {
      provider.destroy();
    }
  });

  it("polling filters survive a restart and report what happened meanwhile", async () => {
    const url = node!.url;
    const logFilter = await rpc<string>(url, "eth_newFilter", [{ address }]);
    const blockFilter = await rpc<string>(url, "eth_newBlockFilter");
    const hashFilter = await rpc<string>(url, "eth_newPendingTransactionFilter");
    const fullFilter = await rpc<string>(url, "eth_newPendingTransactionFilter", [true]);
    const before = BigInt(await rpc<string>(url, "eth_blockNumber"));
    await node!.stop();
    node = await startNode({ dataDir, args: ["--quiet"] });
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    try {
      const pinger = new Contract(address, abi, wallet.connect(provider));
      const sent = await pinger.getFunction("ping")(3n);
      const receipt = await sent.wait();
      // Pending-transaction filters report arrivals since the restart, each in its own form.
      expect(await rpc(node.url, "eth_getFilterChanges", [hashFilter])).to.deep.equal([sent.hash]);
      const full = await rpc<Array<{ hash: string; from: string }>>(node.url, "eth_getFilterChanges", [fullFilter]);
      expect(full.map((t) => [t.hash, t.from])).to.deep.equal([[sent.hash, wallet.address.toLowerCase()]]);
      const logs = await rpc<LogJson[]>(node.url, "eth_getFilterChanges", [logFilter]);
      expect(logs.map((l) => BigInt(l.topics[2]))).to.deep.equal([3n]);
      expect(BigInt(logs[0].blockNumber)).to.equal(BigInt(receipt!.blockNumber));
      const hashes = await rpc<string[]>(node.url, "eth_getFilterChanges", [blockFilter]);
      expect(hashes.length).to.be.greaterThan(0);
      const first = await rpc<{ number: string }>(node.url, "eth_getBlockByHash", [hashes[0], false]);
      expect(BigInt(first.number)).to.equal(before + 1n);
      expect(await rpc(node.url, "eth_getFilterChanges", [logFilter])).to.deep.equal([]);
      const unknown = await rpc(node.url, "eth_getFilterChanges", ["0x1234"]).catch((e: Error) => e.message);
      expect(unknown).to.equal("filter not found");
    } finally {
      provider.destroy();
    }
  });

  it("a data dir from before the log index is indexed in the background, and answers meanwhile", async () => {
    await node!.stop();
    node = undefined;
    // Make the data dir look like one written before the index existed: no index keys, no tail.
    const store = new LevelChainStore(dataDir);
    await store.open();
    await store.dropLogIndex();
    await store.close();
    node = await startNode({ dataDir, args: ["--quiet"] });
    const logs = await rpc<LogJson[]>(node.url, "eth_getLogs", [{ fromBlock: "0x0", address }]);
    expect(logs.map((l) => BigInt(l.topics[2]))).to.deep.equal([1n, 2n, 3n]);
  });
});
