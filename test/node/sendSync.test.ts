/**
 * EIP-7966's synchronous sends (eth_sendRawTransactionSync on every node, as geth 1.16.6+;
 * eth_sendTransactionSync on dev nodes, as anvil), against spawned nodes: the receipt once mined, the
 * time-out (code 4, the hash as data), a transaction that leaves the pool while waited for, and
 * malformed input. viem's sendRawTransactionSync and sendTransactionSync are the clients.
 */
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { devKeys, rawRpc, rpc, startNode, type SpawnedNode } from "./helpers";

interface RpcError { code: number; message: string; data?: unknown }
interface Receipt { transactionHash: string; status: string; blockNumber: string; from: string }

const CHAIN_ID = 8898;

async function errorOf(url: string, method: string, params: unknown[]): Promise<RpcError> {
  const r = (await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params })).json as { error?: RpcError; result?: unknown };
  if (!r.error) throw new Error(`${method} did not fail: ${JSON.stringify(r.result)}`);
  return r.error;
}

/** The part of viem this test uses, loaded at run time: viem is only a transitive dependency here. */
interface Viem {
  createWalletClient(o: { account: unknown; chain: unknown; transport: unknown }): {
    sendTransactionSync(p: { to: string; value: bigint; timeout?: number }): Promise<{ status: string; transactionHash: string }>;
  };
  defineChain(c: unknown): unknown;
  http(url: string): unknown;
}

describe("EIP-7966: synchronous sends", function () {
  this.timeout(120_000);

  describe("eth_sendRawTransactionSync on a validator's node (no --dev)", () => {
    let node: SpawnedNode;
    let provider: JsonRpcProvider;
    const wallet = new Wallet(devKeys(9)[8]);
    const to = Wallet.createRandom().address;

    before(async () => {
      node = await startNode({ args: ["--quiet"] });
      provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    });

    after(async () => {
      provider?.destroy();
      await node?.stop();
    });

    const signed = async (nonceOffset = 0n, value = 1n): Promise<{ raw: string; hash: string }> => {
      const nonce = Number(BigInt(await rpc<string>(node.url, "eth_getTransactionCount", [wallet.address, "pending"])) + nonceOffset);
      const fee = await provider.getFeeData();
      const raw = await wallet.signTransaction({ to, value, nonce, gasLimit: 21_000n, maxFeePerGas: fee.maxFeePerGas!, maxPriorityFeePerGas: fee.maxPriorityFeePerGas!, chainId: CHAIN_ID, type: 2 });
      const { keccak256 } = await import("ethers");
      return { raw, hash: keccak256(raw) };
    };

    it("answers the receipt once the transaction is mined, the one eth_getTransactionReceipt gives", async () => {
      const { raw, hash } = await signed();
      const receipt = await rpc<Receipt>(node.url, "eth_sendRawTransactionSync", [raw]);
      expect(receipt).to.include({ transactionHash: hash, status: "0x1", from: wallet.address.toLowerCase() });
      expect(receipt).to.deep.equal(await rpc(node.url, "eth_getTransactionReceipt", [hash]));
      // A timeout as a hex quantity (and as a number, below) is taken.
      const second = await signed(0n, 2n);
      expect((await rpc<Receipt>(node.url, "eth_sendRawTransactionSync", [second.raw, "0x2710"])).transactionHash).to.equal(second.hash);
      expect(await provider.getBalance(to)).to.equal(3n);
    });

    it("times out with code 4 and the hash as data when the transaction cannot be mined yet; it stays pooled", async () => {
      // A nonce gap: the transaction waits behind it in the pool.
      const { raw, hash } = await signed(5n);
      const started = Date.now();
      const err = await errorOf(node.url, "eth_sendRawTransactionSync", [raw, 300]);
      const took = Date.now() - started;
      expect(err).to.deep.equal({ code: 4, message: "The transaction was added to the transaction pool but wasn't processed in 0.3s", data: hash });
      expect(took).to.be.within(250, 5_000);
      const pool = await rpc<{ queued: Record<string, Record<string, unknown>> }>(node.url, "txpool_content");
      expect(Object.keys(pool.queued[wallet.address] ?? {})).to.have.length(1);
    });

    it("refuses malformed input and what the pool refuses, at once", async () => {
      const { raw } = await signed();
      for (const params of [[], ["0x12"], [raw, "soon"], [raw, -1], [raw, 1.5]]) {
        const err = await errorOf(node.url, "eth_sendRawTransactionSync", params);
        expect([-32602, -32000], JSON.stringify(params)).to.include(err.code);
      }
      expect((await errorOf(node.url, "eth_sendRawTransactionSync", [raw, "soon"])).message).to.match(/invalid argument timeout/);
      // Already known / nonce too low: the pool's own error, not a wait.
      await rpc(node.url, "eth_sendRawTransactionSync", [raw]);
      const started = Date.now();
      const again = await errorOf(node.url, "eth_sendRawTransactionSync", [raw]);
      expect(again.code).to.equal(-32000);
      expect(again.message).to.match(/nonce too low|already known/);
      expect(Date.now() - started).to.be.lessThan(2_000);
    });

    it("viem's sendTransactionSync (a local account: eth_sendRawTransactionSync) gets its receipt", async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const viem = require("viem") as Viem;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { privateKeyToAccount } = require("viem/accounts") as { privateKeyToAccount(k: string): unknown };
      const chain = viem.defineChain({ id: CHAIN_ID, name: "luxtensor", nativeCurrency: { name: "LUX", symbol: "LUX", decimals: 18 }, rpcUrls: { default: { http: [node.url] } } });
      const client = viem.createWalletClient({ account: privateKeyToAccount(devKeys(10)[9]), chain, transport: viem.http(node.url) });
      const before = await provider.getBalance(to);
      const receipt = await client.sendTransactionSync({ to, value: 7n, timeout: 10_000 });
      expect(receipt.status).to.equal("success");
      expect(await provider.getBalance(to)).to.equal(before + 7n);
    });
  });

  describe("eth_sendTransactionSync on a --dev node (anvil's)", () => {
    let dev: SpawnedNode;
    const from = new Wallet(devKeys(1)[0]).address;
    const to = Wallet.createRandom().address;

    before(async () => {
      dev = await startNode({ args: ["--quiet", "--dev"] });
    });

    after(async () => {
      await dev?.stop();
    });

    it("answers the receipt with automine; without it, waits for evm_mine within the time-out", async () => {
      const r = await rpc<Receipt>(dev.url, "eth_sendTransactionSync", [{ from, to, value: "0x5" }]);
      expect(r.status).to.equal("0x1");
      await rpc(dev.url, "evm_setAutomine", [false]);
      try {
        const waiting = rpc<Receipt>(dev.url, "eth_sendTransactionSync", [{ from, to, value: "0x6" }, 10_000]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await rpc(dev.url, "evm_mine");
        const mined = await waiting;
        expect(mined.status).to.equal("0x1");
        expect(mined).to.deep.equal(await rpc(dev.url, "eth_getTransactionReceipt", [mined.transactionHash]));
        // Nothing mines it: code 4 after the time-out.
        const err = await errorOf(dev.url, "eth_sendTransactionSync", [{ from, to, value: "0x7" }, 200]);
        expect(err.code).to.equal(4);
        expect(await rpc(dev.url, "eth_getTransactionByHash", [err.data])).to.include({ hash: err.data, blockNumber: null });
        // Dropped while waited for: answered at once, not at the time-out.
        const started = Date.now();
        const dropped = errorOf(dev.url, "eth_sendTransactionSync", [{ from, to, value: "0x8", nonce: `0x${(BigInt(await rpc<string>(dev.url, "eth_getTransactionCount", [from, "pending"]))).toString(16)}` }, 20_000]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const pending = await rpc<{ pending: Record<string, Record<string, { hash: string }>> }>(dev.url, "txpool_content");
        for (const t of Object.values(pending.pending[from] ?? {})) await rpc(dev.url, "anvil_dropTransaction", [t.hash]);
        const e = await dropped;
        expect(e.code).to.equal(4);
        expect(e.message).to.match(/left it unmined/);
        expect(Date.now() - started).to.be.lessThan(10_000);
      } finally {
        await rpc(dev.url, "evm_setAutomine", [true]);
      }
      expect((await errorOf(dev.url, "eth_sendTransactionSync", [{ from, to }, "later"])).code).to.equal(-32602);
      expect((await errorOf(dev.url, "eth_sendTransactionSync", [{ to }])).code).to.equal(-32602);
    });
  });
});
