/**
 * Re-executing mined transactions (tracing, Otterscan, a reverted automine answer) works on state copies
 * whose trie writes must stay in memory: the chain's trie database only receives what its own blocks
 * write (the pending block's copy: pendingBlock.test.ts). In process, to watch the write buffer.
 */
import { expect } from "chai";
import { Wallet, getBytes } from "ethers";
import { createNode, type LuxNode } from "../../node/node";
import { devAccounts, devChainConfig } from "../../node/config";
import { replayBlock, replayTx } from "../../node/execution/replay";
import { traceRun } from "../../node/execution/trace";
import { BufferedTrieDb } from "../../node/storage/bufferedTrieDb";
import { tempDataDir } from "./helpers";
import { silent } from "./chainHarness";

describe("node: re-execution never writes to the chain's trie database", function () {
  this.timeout(60_000);
  let node: LuxNode;
  const keys = devAccounts(2).map((a) => a.privateKey);
  const wallet = new Wallet(keys[1]);

  before(async () => {
    node = await createNode({ dataDir: tempDataDir("replay-isolation"), chain: devChainConfig(), port: 0, signerKeys: keys, produce: false, logBlocks: false, log: silent });
  });

  after(async () => {
    await node?.stop();
  });

  it("replaying and tracing a block with storage writes adds nothing to the write buffer", async () => {
    // Two creations whose init code stores a slot (PUSH1 1 PUSH1 0 SSTORE), so storage tries are flushed.
    for (const nonce of [0, 1]) {
      const raw = await wallet.signTransaction({ type: 2, chainId: 8898n, nonce, data: "0x600160005500", gasLimit: 100_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
      await node.pool.add(getBytes(raw));
    }
    const chain = node.chain;
    const duty = await chain.engine.duty(chain.parentInfo(), chain.head.slot + 1n);
    const signer = keys.findIndex((k) => new Wallet(k).address.toLowerCase() === duty.proposer.signer.toLowerCase());
    const { record } = await chain.produce(duty, getBytes(keys[signer]), node.pool.source(chain.head.block.header.calcNextBaseFee()));
    expect(record.block.transactions).to.have.length(2);
    const trieDb = chain.store.trieDb();
    if (!(trieDb instanceof BufferedTrieDb)) throw new Error("expected the LevelDB store's buffered trie database");
    const before = trieDb.size;
    expect((await replayTx(chain, record, 1)).execResult.exceptionError).to.equal(undefined);
    const traces = await replayBlock(chain, record, (vm, tx, run) => traceRun(vm, { tracer: "callTracer" }, run, tx));
    expect(traces).to.have.length(2);
    expect(trieDb.size, "replayed trie nodes in the chain's write buffer").to.equal(before);
  });
});
