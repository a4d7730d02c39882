/**
 * The contract suite's network-agnostic part (test/network/) run by Hardhat against a spawned node
 * through the `devnet` network entry of hardhat.config.ts — what a user does with
 * `npx hardhat test --network devnet`.
 */
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { devKeys, rpc, runNpx, startNode, type SpawnedNode } from "./helpers";

const SPEC = "test/network/tokenomics.test.ts";
const RUN_TIMEOUT_MS = 240_000;
/** Slots far apart: blocks come from transactions, as on Hardhat's automine, so epochs advance by the spec's own transactions. */
const SLOW_SLOT_MS = "10000";

function hardhatTest(url: string): Promise<{ code: number; out: string }> {
  const env = { DEVNET_RPC_URL: url, DEVNET_CHAIN_ID: "8898" };
  return runNpx(["hardhat", "test", "--no-compile", "--network", "devnet", SPEC], env, RUN_TIMEOUT_MS);
}

describe("node: contract tests through Hardhat's devnet network entry", function () {
  this.timeout(RUN_TIMEOUT_MS + 60_000);
  let node: SpawnedNode;

  before(async function () {
    node = await startNode({ args: ["--quiet", "--automine", "--slot-time", SLOW_SLOT_MS] });
  });

  after(async () => {
    await node?.stop();
  });

  it(`passes ${SPEC} with --network devnet`, async () => {
    const { code, out } = await hardhatTest(node.url);
    expect(code, out).to.equal(0);
    expect(out).to.match(/\b7 passing\b/);
    expect(out).to.not.match(/failing/);
  });

  it("automine: the receipt exists when eth_sendRawTransaction answers; a nonce gap is answered at once and mined once filled", async () => {
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const wallet = new Wallet(devKeys(12)[11], provider);
    const nonce = await provider.getTransactionCount(wallet.address, "latest");
    const sign = (n: number): Promise<string> =>
      wallet.signTransaction({ to: wallet.address, value: 1n, nonce: n, gasLimit: 21_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 10n ** 9n, chainId: 8898n, type: 2 });

    const mined = await rpc<string>(node.url, "eth_sendRawTransaction", [await sign(nonce)]);
    expect(await rpc(node.url, "eth_getTransactionReceipt", [mined])).to.not.equal(null);

    const gapped = await rpc<string>(node.url, "eth_sendRawTransaction", [await sign(nonce + 2)]);
    expect(await rpc(node.url, "eth_getTransactionReceipt", [gapped])).to.equal(null);
    const filler = await rpc<string>(node.url, "eth_sendRawTransaction", [await sign(nonce + 1)]);
    expect(await rpc(node.url, "eth_getTransactionReceipt", [filler])).to.not.equal(null);
    const gappedReceipt = await provider.waitForTransaction(gapped, 1, 30_000);
    expect(gappedReceipt?.status).to.equal(1);
    provider.destroy();
  });
});
