import { expect } from "chai";
import { Account, createAddressFromString } from "@ethereumjs/util";
import { devAccounts, devChainConfig } from "../../node/config";
import { nowSlot, openChain, produceAt, transfer, type TestChain } from "./chainHarness";
import type { Chain } from "../../node/chain/chain";

const SENDER = 1;
const sender = createAddressFromString(devAccounts(SENDER + 1)[SENDER].address);
const TXS_PER_BLOCK = 3;

/** What the shared head state (the slow, always-correct path) says. */
async function slowPath(chain: Chain): Promise<{ nonce: bigint; balance: bigint } | undefined> {
  const a = await (await chain.headState()).getAccount(sender);
  return a && { nonce: a.nonce, balance: a.balance };
}

async function fastPath(chain: Chain): Promise<{ nonce: bigint; balance: bigint } | undefined> {
  const a = await chain.headAccount(sender);
  return a && { nonce: a.nonce, balance: a.balance };
}

describe("chain: head accounts from the block builder's warm cache (the txpool's balance and nonce checks)", function () {
  this.timeout(60_000);
  let tc: TestChain;

  beforeEach(async () => {
    tc = await openChain(devChainConfig({ genesisTimestamp: BigInt(Math.floor(Date.now() / 1000) - 60) }));
  });
  afterEach(async () => {
    await tc.close();
  });

  it("agrees with the head state at genesis, after blocks, after a dev edit and after a rewind", async () => {
    const { chain } = tc;
    const genesis = await slowPath(chain);
    expect(await fastPath(chain)).to.deep.equal(genesis);
    const txs = await Promise.all([0, 1, 2].map((n) => transfer(chain, SENDER, n, 1000n)));
    await produceAt(chain, nowSlot(chain), txs);
    const after = await fastPath(chain);
    expect(after?.nonce).to.equal(3n);
    expect(after).to.deep.equal(await slowPath(chain));
    // hardhat_setBalance edits the head state in place.
    await chain.editHeadState(async (sm) => {
      const a = (await sm.getAccount(sender)) ?? new Account();
      a.balance = 42n;
      await sm.putAccount(sender, a);
    });
    expect(await fastPath(chain)).to.deep.equal({ nonce: 3n, balance: 42n });
    expect(await slowPath(chain)).to.deep.equal({ nonce: 3n, balance: 42n });
    // evm_revert to genesis: the builder's state goes back by root.
    const g = await chain.getBlockByNumber(0n);
    await chain.rewindTo(g!.hash);
    expect(await fastPath(chain)).to.deep.equal(genesis);
  });

  it("never shows a state between two heads while a block is being built (reads polled throughout the build)", async () => {
    const { chain } = tc;
    const before = await fastPath(chain);
    const txs = await Promise.all(Array.from({ length: TXS_PER_BLOCK }, (_, n) => transfer(chain, SENDER, n, 1000n)));
    // Each read with the head number before and after it: when the head did not move meanwhile, the
    // answer must be that head's state (the builder's state holds the next block's a moment before the
    // head moves).
    const seen: { head: bigint; account: { nonce: bigint; balance: bigint } | undefined }[] = [];
    let done = false;
    const poll = (async () => {
      while (!done) {
        const head = chain.head.block.header.number;
        const account = await fastPath(chain);
        if (chain.head.block.header.number === head) seen.push({ head, account });
        await new Promise((r) => setImmediate(r));
      }
    })();
    await produceAt(chain, nowSlot(chain), txs);
    done = true;
    await poll;
    const after = await slowPath(chain);
    expect(after?.nonce).to.equal(BigInt(TXS_PER_BLOCK));
    expect(seen.length, "reads taken during the build").to.be.greaterThan(2);
    for (const s of seen) expect(s.account, `read at head #${s.head}`).to.deep.equal(s.head === 0n ? before : after);
  });
});
