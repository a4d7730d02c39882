import { expect } from "chai";
import { Wallet, getBytes, keccak256 } from "ethers";
import fs from "node:fs";
import path from "node:path";
import { TXPOOL_JOURNAL_FILE, createNode, type LuxNode } from "../../node/node";
import { devAccounts, devChainConfig } from "../../node/config";
import { TxJournalFile } from "../../node/txpool/journal";
import type { NewHead, Logger } from "../../node/chain/types";
import type { TxPoolOptions } from "../../node/txpool";
import { rpc, tempDataDir } from "./helpers";

const CHAIN_ID = 8898n;
const GWEI = 1_000_000_000n;
const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const keys = devAccounts().map((a) => a.privateKey);
const wallets = keys.map((k) => new Wallet(k));

/** An in-process node that builds blocks only when the test says so (real LevelDB, real RPC). */
async function openNode(dataDir: string, txpool: Partial<TxPoolOptions> = {}): Promise<LuxNode> {
  return createNode({ dataDir, chain: devChainConfig(), port: 0, signerKeys: keys, produce: false, logBlocks: false, log: silent, txpool });
}

/** Builds and commits one block from the pool, as the producer does. */
async function build(node: LuxNode): Promise<NewHead> {
  const chain = node.chain;
  const duty = await chain.engine.duty(chain.parentInfo(), chain.head.slot + 1n);
  const signer = wallets.findIndex((w) => w.address.toLowerCase() === duty.proposer.signer.toLowerCase());
  return chain.produce(duty, getBytes(keys[signer]), node.pool.source(chain.head.block.header.calcNextBaseFee()));
}

function nextBaseFee(node: LuxNode): bigint {
  return node.chain.head.block.header.calcNextBaseFee();
}

async function nonceOf(node: LuxNode, w: Wallet): Promise<number> {
  return Number(BigInt(await rpc<string>(node.rpcUrl, "eth_getTransactionCount", [w.address, "latest"])));
}

interface TxOver { nonce: number; to?: string | null; gasLimit?: bigint; maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint; value?: bigint; data?: string }

function sign(w: Wallet, o: TxOver): Promise<string> {
  return w.signTransaction({
    type: 2, chainId: CHAIN_ID, to: o.to === undefined ? wallets[19].address : o.to, value: o.value ?? 1n, gasLimit: o.gasLimit ?? 21_000n,
    maxFeePerGas: o.maxFeePerGas ?? 50n * GWEI, maxPriorityFeePerGas: o.maxPriorityFeePerGas ?? GWEI, nonce: o.nonce, data: o.data,
  });
}

async function send(node: LuxNode, raw: string): Promise<string> {
  return rpc<string>(node.rpcUrl, "eth_sendRawTransaction", [raw]);
}

async function sendErr(node: LuxNode, raw: string): Promise<string> {
  try {
    await send(node, raw);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected a rejection");
}

const hashesOf = (h: NewHead): string[] => h.receipts.map((r) => `0x${Buffer.from(r.txHash).toString("hex")}`);

describe("node: txpool rules (skip, cumulative balance, queued fee caps, eviction, journal)", function () {
  this.timeout(120_000);

  describe("block building and admission", () => {
    let node: LuxNode;
    before(async () => {
      node = await openNode(tempDataDir("pool-rules"));
    });
    after(async () => {
      await node?.stop();
    });

    it("a sender whose transaction does not fit the gas left sits out the block; its later nonces are kept and mined next", async () => {
      const [, burner, skipped, other] = wallets;
      // Init code 0xfe (INVALID) burns its whole gas limit: 20M of the block's 30M.
      const burn = await send(node, await sign(burner, { nonce: await nonceOf(node, burner), to: null, data: "0xfe", value: 0n, gasLimit: 20_000_000n, maxPriorityFeePerGas: 5n * GWEI }));
      const n = await nonceOf(node, skipped);
      const big = await send(node, await sign(skipped, { nonce: n, gasLimit: 15_000_000n, maxPriorityFeePerGas: 2n * GWEI }));
      const after = await send(node, await sign(skipped, { nonce: n + 1, maxPriorityFeePerGas: 2n * GWEI }));
      const small = await send(node, await sign(other, { nonce: await nonceOf(node, other) }));
      const first = await build(node);
      expect(hashesOf(first)).to.deep.equal([burn, small]);
      expect(node.pool.get(big)).to.not.equal(undefined);
      expect(node.pool.get(after)).to.not.equal(undefined);
      const second = await build(node);
      expect(hashesOf(second)).to.deep.equal([big, after]);
      expect(node.pool.size).to.equal(0);
    });

    it("only a permanent failure drops a transaction, and only that one", async () => {
      const w = wallets[4];
      const n = await nonceOf(node, w);
      const h = [];
      for (let i = 0; i < 3; i++) h.push(await send(node, await sign(w, { nonce: n + i })));
      // Transient: the sender's balance may grow, the base fee may fall.
      let src = node.pool.source(nextBaseFee(node));
      let item = src.next();
      src.reject(item!, new Error("sender doesn't have enough funds to send tx. The upfront cost is: 2 and the sender's account only has: 1"));
      expect(src.next()).to.equal(undefined); // the sender sits out the rest of this block
      expect(node.pool.size).to.equal(3);
      // Permanent: the sender became a contract.
      src = node.pool.source(nextBaseFee(node));
      item = src.next();
      src.reject(item!, new Error("invalid sender address, address is not EOA (EIP-3607)"));
      expect(src.next()).to.equal(undefined);
      expect(node.pool.get(h[0])).to.equal(undefined);
      expect(node.pool.get(h[1])).to.not.equal(undefined);
      expect(node.pool.get(h[2])).to.not.equal(undefined);
      // The gap waits for a replacement of nonce n, then the run executes.
      const again = await send(node, await sign(w, { nonce: n, maxPriorityFeePerGas: 2n * GWEI }));
      expect(hashesOf(await build(node))).to.deep.equal([again, h[1], h[2]]);
    });

    it("a sender's held transactions together cannot exceed its balance (replacements included)", async () => {
      const poor = new Wallet(Wallet.createRandom().privateKey);
      const fee = 10n * GWEI;
      const cost = 21_000n * fee + 1n;
      await send(node, await sign(wallets[5], { nonce: await nonceOf(node, wallets[5]), to: poor.address, value: 2n * cost }));
      await build(node);
      await send(node, await sign(poor, { nonce: 0, maxFeePerGas: fee }));
      await send(node, await sign(poor, { nonce: 1, maxFeePerGas: fee }));
      expect(await sendErr(node, await sign(poor, { nonce: 2, maxFeePerGas: fee }))).to.equal(
        `insufficient funds for gas * price + value: balance ${2n * cost}, queued cost ${2n * cost}, tx cost ${cost}, overshot ${cost}`,
      );
      const bumped = 21_000n * 11n * GWEI + 1n;
      expect(await sendErr(node, await sign(poor, { nonce: 1, maxFeePerGas: 11n * GWEI, maxPriorityFeePerGas: 2n * GWEI }))).to.equal(
        `insufficient funds for gas * price + value: balance ${2n * cost}, queued cost ${2n * cost}, tx bumped ${bumped - cost}, overshot ${bumped - cost}`,
      );
      expect(node.pool.size).to.equal(2);
      await build(node);
      expect(node.pool.size).to.equal(0);
    });

    it("a fee cap below the next base fee waits in the pool (with the sender's later nonces) until the base fee falls", async () => {
      const w = wallets[6];
      const n = await nonceOf(node, w);
      const cap = nextBaseFee(node) - 1n;
      const low = await send(node, await sign(w, { nonce: n, maxFeePerGas: cap, maxPriorityFeePerGas: 0n }));
      const next = await send(node, await sign(w, { nonce: n + 1 }));
      expect((await rpc<{ blockNumber: string | null }>(node.rpcUrl, "eth_getTransactionByHash", [low])).blockNumber).to.equal(null);
      expect(node.pool.content().pending.map((t) => t.hash)).to.deep.equal([low, next]);
      let included: string[] = [];
      for (let i = 0; i < 10 && included.length === 0; i++) included = hashesOf(await build(node)); // empty blocks lower the base fee
      expect(included).to.deep.equal([low, next]);
      expect(nextBaseFee(node) <= cap + 1n).to.equal(true);
    });
  });

  describe("eviction when the pool is full", () => {
    let node: LuxNode;
    before(async () => {
      node = await openNode(tempDataDir("pool-evict"), { maxTotal: 8, maxPerSender: 6 });
    });
    after(async () => {
      await node?.stop();
    });

    it("a flooder cannot evict better-paying transactions; a better-paying one evicts the cheapest sender's highest nonce", async () => {
      const [, a, b, flooder, cheap, better, farFuture] = wallets;
      const held: Record<string, string[]> = { a: [], b: [], flooder: [] };
      for (let i = 0; i < 2; i++) held.a.push(await send(node, await sign(a, { nonce: (await nonceOf(node, a)) + i, maxPriorityFeePerGas: 5n * GWEI })));
      for (let i = 0; i < 2; i++) held.b.push(await send(node, await sign(b, { nonce: (await nonceOf(node, b)) + i, maxPriorityFeePerGas: 5n * GWEI })));
      const fn = await nonceOf(node, flooder);
      for (let i = 0; i < 4; i++) held.flooder.push(await send(node, await sign(flooder, { nonce: fn + i, maxPriorityFeePerGas: GWEI })));
      expect(node.pool.size).to.equal(8);
      // The flooder's fifth transaction (paying less than everyone else) cannot push anyone out.
      expect(await sendErr(node, await sign(flooder, { nonce: fn + 4, maxPriorityFeePerGas: GWEI }))).to.match(/^txpool is full: transaction underpriced/);
      // Nor can another account paying the same as the cheapest held.
      expect(await sendErr(node, await sign(cheap, { nonce: await nonceOf(node, cheap), maxPriorityFeePerGas: GWEI }))).to.match(/^txpool is full/);
      // A far-future nonce cannot evict executable transactions however much it offers.
      expect(await sendErr(node, await sign(farFuture, { nonce: (await nonceOf(node, farFuture)) + 5, maxPriorityFeePerGas: 40n * GWEI }))).to.match(/^txpool is full/);
      // Paying more evicts the cheapest sender's highest nonce, never a lower one.
      const winner = await send(node, await sign(better, { nonce: await nonceOf(node, better), maxPriorityFeePerGas: 2n * GWEI }));
      expect(node.pool.get(winner)).to.not.equal(undefined);
      expect(node.pool.get(held.flooder[3])).to.equal(undefined);
      for (const h of [...held.a, ...held.b, ...held.flooder.slice(0, 3)]) expect(node.pool.get(h), h).to.not.equal(undefined);
      expect(node.pool.size).to.equal(8);
      // A replacement needs a 10% bump on both fee cap and tip; a 9% one is refused, a full one replaces.
      const an = Number(node.pool.get(held.a[0])?.nonce);
      const rep = (tip: bigint, cap: bigint): Promise<string> => sign(a, { nonce: an, maxPriorityFeePerGas: tip, maxFeePerGas: cap });
      expect(await sendErr(node, await rep(5_450_000_000n, 55n * GWEI))).to.equal("replacement transaction underpriced");
      const replaced = await send(node, await rep(5_500_000_000n, 55n * GWEI));
      expect(node.pool.get(held.a[0])).to.equal(undefined);
      expect(node.pool.get(replaced)).to.not.equal(undefined);
      // Everything held is still minable, in nonce order per sender.
      const mined = hashesOf(await build(node));
      expect(mined).to.have.length(8);
      expect(mined.indexOf(held.flooder[0]) < mined.indexOf(held.flooder[2])).to.equal(true);
    });
  });

  describe("responsiveness", () => {
    it("answers RPC calls while a large block is being built", async () => {
      const node = await openNode(tempDataDir("pool-slices"));
      try {
        const senders = wallets.slice(1, 17);
        for (const w of senders) {
          const n = await nonceOf(node, w);
          for (let i = 0; i < 60; i++) await node.pool.add(getBytes(await sign(w, { nonce: n + i })));
        }
        // Count what the builder has taken so far: an answer that arrives mid-execution proves the builder
        // yields to the event loop between transactions (not just while the block is written to disk).
        let taken = 0;
        const src = node.pool.source(nextBaseFee(node));
        const counting = { next: () => { const t = src.next(); if (t) taken++; return t; }, reject: src.reject };
        const chain = node.chain;
        const duty = await chain.engine.duty(chain.parentInfo(), chain.head.slot + 1n);
        const signer = wallets.findIndex((w) => w.address.toLowerCase() === duty.proposer.signer.toLowerCase());
        const building = chain.produce(duty, getBytes(keys[signer]), counting);
        while (taken === 0) await new Promise((r) => setImmediate(r));
        const number = await rpc<string>(node.rpcUrl, "eth_blockNumber");
        const takenWhenAnswered = taken;
        const head = await building;
        expect(head.record.block.transactions.length).to.equal(960);
        expect(BigInt(number)).to.equal(head.record.block.header.number - 1n);
        expect(takenWhenAnswered).to.be.lessThan(960);
      } finally {
        await node.stop();
      }
    });
  });

  describe("journal", () => {
    it("pending transactions survive a restart and are revalidated on replay", async () => {
      const dir = tempDataDir("pool-journal");
      let node = await openNode(dir);
      const [, a, b] = wallets;
      const minedBefore = await send(node, await sign(wallets[3], { nonce: await nonceOf(node, wallets[3]) }));
      await build(node);
      const na = await nonceOf(node, a);
      const ready = await send(node, await sign(a, { nonce: na }));
      const gapped = await send(node, await sign(a, { nonce: na + 2 }));
      const queued = await send(node, await sign(b, { nonce: await nonceOf(node, b), maxFeePerGas: nextBaseFee(node) - 1n, maxPriorityFeePerGas: 0n }));
      expect(node.pool.size).to.equal(3);
      const stale = await sign(wallets[3], { nonce: 0, value: 2n }); // its nonce is used: must not come back
      await node.stop();
      // Journal one entry that the head no longer allows, as if the node had died before removing it,
      // and a torn record, as if it had died in the middle of a write.
      const journal = new TxJournalFile(path.join(dir, TXPOOL_JOURNAL_FILE), silent);
      journal.add(getBytes(stale));
      journal.close();
      fs.appendFileSync(path.join(dir, TXPOOL_JOURNAL_FILE), Uint8Array.of(1, 0, 0, 1, 0, 2));
      node = await openNode(dir);
      try {
        expect(node.pool.all().map((t) => t.hash).sort()).to.deep.equal([ready, gapped, queued].sort());
        expect(node.pool.get(minedBefore)).to.equal(undefined);
        const content = node.pool.content();
        expect(content.queued.map((t) => t.hash)).to.deep.equal([gapped]);
        expect(hashesOf(await build(node))).to.include(ready);
      } finally {
        await node.stop();
      }
      const left = new TxJournalFile(path.join(dir, TXPOOL_JOURNAL_FILE), silent).load().map((r) => keccak256(r)).sort();
      expect(left).to.deep.equal([gapped, queued].sort());
    });
  });
});
