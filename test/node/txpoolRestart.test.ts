import { expect } from "chai";
import { Wallet } from "ethers";
import { devKeys, rpc, startNode, waitFor, type SpawnedNode } from "./helpers";

const CHAIN_ID = 8898n;

describe("node: pending transactions survive a restart (spawned node, kill -9)", function () {
  this.timeout(180_000);
  let node: SpawnedNode | undefined;

  after(async () => {
    await node?.stop();
  });

  it("transactions accepted before kill -9 are replayed and mined after the restart", async () => {
    // No block production: everything accepted stays pending until the process dies.
    node = await startNode({ args: ["--quiet", "--no-produce"] });
    const dataDir = node.dataDir;
    const senders = devKeys(3).slice(1).map((k) => new Wallet(k));
    const hashes: string[] = [];
    for (const w of senders) {
      const nonce = Number(BigInt(await rpc<string>(node.url, "eth_getTransactionCount", [w.address, "pending"])));
      for (let i = 0; i < 3; i++) {
        const raw = await w.signTransaction({ type: 2, chainId: CHAIN_ID, nonce: nonce + i, to: senders[0].address, value: 1n, gasLimit: 21_000n, maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n });
        hashes.push(await rpc<string>(node.url, "eth_sendRawTransaction", [raw]));
      }
    }
    for (const h of hashes) expect((await rpc<{ blockNumber: string | null }>(node.url, "eth_getTransactionByHash", [h])).blockNumber).to.equal(null);
    await node.kill9();
    node = await startNode({ dataDir, args: ["--quiet", "--slot-time", "200"] });
    const url = node.url;
    for (const h of hashes) {
      const receipt = await waitFor(() => rpc<{ status: string } | null>(url, "eth_getTransactionReceipt", [h]), 60_000, `receipt of ${h}`);
      expect(receipt.status).to.equal("0x1");
    }
  });
});
