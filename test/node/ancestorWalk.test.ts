/**
 * After hardhat_mine of a Governor's voting period (tens of thousands of empty blocks at once), the last
 * final block lies that far below the head. Consensus asks "is this checkpoint an ancestor of the head"
 * for every proposal; walking the stored blocks one read at a time took over 10 s, longer than automine
 * waits, so the next transaction was answered unmined (a contract suite on the devnet failed there).
 * The fork-choice tree holds every block above the last final one in memory: the walk reads nothing.
 */
import { expect } from "chai";
import { Wallet } from "ethers";
import { createNode, type LuxNode } from "../../node/node";
import { devAccounts, devChainConfig } from "../../node/config";
import type { Logger } from "../../node/chain/types";
import { rpc, tempDataDir } from "./helpers";

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };
/** Blocks mined in one hardhat_mine: several of the chain's write batches. */
const COUNT = 5_000;

describe("node --dev: ancestry checks above the last final block after a long hardhat_mine", function () {
  this.timeout(120_000);
  let node: LuxNode;

  after(async () => {
    await node?.stop();
  });

  it("answer from memory, and the next automined transaction is answered mined", async () => {
    const keys = devAccounts(2).map((a) => a.privateKey);
    node = await createNode({
      dataDir: tempDataDir("ancestor"), chain: devChainConfig(), port: 0, log: silent, logBlocks: false, signerKeys: keys,
      dev: { accounts: keys, automine: true, slotBlocks: false },
    });
    const chain = node.chain;
    const finalCp = chain.finalized;
    expect(await rpc(node.rpcUrl, "hardhat_mine", [`0x${COUNT.toString(16)}`])).to.equal(true);
    const head = chain.head;
    const headCp = { hash: head.hash, number: head.block.header.number, slot: head.slot };
    expect(headCp.number - finalCp.number >= BigInt(COUNT)).to.equal(true);
    let reads = 0;
    const blockMeta = chain.blockMeta.bind(chain);
    chain.blockMeta = (hash) => {
      reads++;
      return blockMeta(hash);
    };
    expect(await chain.isAncestor(finalCp, headCp)).to.equal(true);
    // Same height, another hash: not an ancestor.
    expect(await chain.isAncestor({ ...finalCp, hash: new Uint8Array(32).fill(7) }, headCp)).to.equal(false);
    const mid = await rpc<{ hash: string }>(node.rpcUrl, "eth_getBlockByNumber", [`0x${(finalCp.number + 1000n).toString(16)}`, false]);
    expect(await chain.isAncestor({ hash: Buffer.from(mid.hash.slice(2), "hex"), number: finalCp.number + 1000n, slot: 0n }, headCp)).to.equal(true);
    expect(reads).to.equal(0);
    chain.blockMeta = blockMeta;
    // The next transaction is mined, and answered only then, as on Hardhat.
    const to = Wallet.createRandom().address;
    const hash = await rpc<string>(node.rpcUrl, "eth_sendTransaction", [{ from: new Wallet(keys[0]).address, to, value: "0x1" }]);
    expect((await rpc<{ status: string } | null>(node.rpcUrl, "eth_getTransactionReceipt", [hash]))?.status).to.equal("0x1");
  });
});
