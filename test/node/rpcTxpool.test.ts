/**
 * geth's txpool namespace against a spawned node without automine (`eth_sendRawTransaction` answers at
 * once): a transaction behind a nonce gap is `queued`, one whose fee cap is below the base fee stays
 * `pending` and unmined (as in geth), and filling the gap empties the queue. Client: ethers v6.
 */
import { expect } from "chai";
import { JsonRpcProvider, Wallet, getAddress, type TransactionResponse } from "ethers";
import { devKeys, rawRpc, startNode, waitFor, type SpawnedNode } from "./helpers";

interface RpcTx {
  hash: string;
  from: string;
  nonce: string;
  blockHash: string | null;
  blockNumber: string | null;
  maxFeePerGas?: string;
}
type BySender<T> = Record<string, Record<string, T>>;

const TARGET = "0x000000000000000000000000000000000000beef";

const errorOf = async (url: string, method: string, params: unknown[]): Promise<{ code: number; message: string }> => {
  const r = (await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params })).json as { error?: { code: number; message: string } };
  if (!r.error) throw new Error(`expected an error from ${method}`);
  return r.error;
};

describe("node: txpool_status, txpool_content, txpool_contentFrom, txpool_inspect", function () {
  this.timeout(180_000);
  let node: SpawnedNode;
  let provider: JsonRpcProvider;
  let gapped: Wallet;
  let cheap: Wallet;
  let gapTx: TransactionResponse;
  let cheapTx: TransactionResponse;
  let baseNonce: number;

  before(async () => {
    node = await startNode({ args: ["--quiet"] });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    [gapped, cheap] = devKeys(9).slice(7).map((k) => new Wallet(k, provider));
    baseNonce = await provider.getTransactionCount(gapped.address);
    gapTx = await gapped.sendTransaction({ to: TARGET, value: 1n, nonce: baseNonce + 1, gasLimit: 21_000n, maxFeePerGas: 3_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n });
    // A fee cap of 2 wei is below any base fee EIP-1559 can reach (it bottoms out at 7 wei).
    cheapTx = await cheap.sendTransaction({ to: TARGET, value: 2n, gasLimit: 21_000n, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n });
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  it("txpool_status counts pending and queued as hex", async () => {
    expect(await provider.send("txpool_status", [])).to.deep.equal({ pending: "0x1", queued: "0x1" });
  });

  it("txpool_content maps checksummed sender → decimal nonce → full transaction", async () => {
    const c = (await provider.send("txpool_content", [])) as { pending: BySender<RpcTx>; queued: BySender<RpcTx> };
    expect(Object.keys(c.pending)).to.deep.equal([getAddress(cheap.address)]);
    expect(Object.keys(c.queued)).to.deep.equal([getAddress(gapped.address)]);
    const q = c.queued[getAddress(gapped.address)][String(baseNonce + 1)];
    expect(q).to.include({ hash: gapTx.hash, blockHash: null, blockNumber: null, nonce: `0x${(baseNonce + 1).toString(16)}` });
    expect(q.from.toLowerCase()).to.equal(gapped.address.toLowerCase());
    const p = c.pending[getAddress(cheap.address)][String(cheapTx.nonce)];
    expect(p).to.include({ hash: cheapTx.hash, maxFeePerGas: "0x2", blockNumber: null });
    // The node's own view of the transaction is the same object eth_getTransactionByHash returns.
    expect(await provider.send("eth_getTransactionByHash", [cheapTx.hash])).to.deep.equal(p);
  });

  it("txpool_contentFrom and txpool_inspect", async () => {
    expect(await provider.send("txpool_contentFrom", [gapped.address.toLowerCase()])).to.deep.equal({
      pending: {},
      queued: { [String(baseNonce + 1)]: (await provider.send("txpool_content", [])).queued[getAddress(gapped.address)][String(baseNonce + 1)] },
    });
    const inspect = (await provider.send("txpool_inspect", [])) as { pending: BySender<string>; queued: BySender<string> };
    expect(inspect.queued[getAddress(gapped.address)][String(baseNonce + 1)]).to.equal(`${getAddress(TARGET)}: 1 wei + 21000 gas × 3000000000 wei`);
    expect(inspect.pending[getAddress(cheap.address)][String(cheapTx.nonce)]).to.equal(`${getAddress(TARGET)}: 2 wei + 21000 gas × 2 wei`);
  });

  it("blocks go by without the underpriced or the gapped transaction; filling the gap mines the queued one", async () => {
    const head = await provider.getBlockNumber();
    await waitFor(async () => (await provider.getBlockNumber()) >= head + 2, 30_000, "two more blocks");
    expect(await provider.send("txpool_status", [])).to.deep.equal({ pending: "0x1", queued: "0x1" });
    expect(await provider.getTransactionReceipt(cheapTx.hash)).to.equal(null);
    const filler = await gapped.sendTransaction({ to: TARGET, value: 1n, nonce: baseNonce, gasLimit: 21_000n });
    await filler.wait(1, 30_000);
    await gapTx.wait(1, 30_000);
    expect(await provider.send("txpool_status", [])).to.deep.equal({ pending: "0x1", queued: "0x0" });
    expect(await provider.send("txpool_contentFrom", [gapped.address])).to.deep.equal({ pending: {}, queued: {} });
  });

  it("refuses malformed input with clear errors", async () => {
    expect(await errorOf(node.url, "txpool_status", [1])).to.deep.equal({ code: -32602, message: "too many arguments, want at most 0" });
    expect(await errorOf(node.url, "txpool_contentFrom", [])).to.deep.equal({ code: -32602, message: "missing value for required argument 0 (address)" });
    expect(await errorOf(node.url, "txpool_contentFrom", ["0xbeef"])).to.deep.equal({ code: -32602, message: "invalid argument address: expected a 20-byte hex address" });
    expect(await errorOf(node.url, "txpool_content", [{}])).to.deep.equal({ code: -32602, message: "too many arguments, want at most 0" });
  });
});
