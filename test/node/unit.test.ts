import { expect } from "chai";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { createTxFromRLP } from "@ethereumjs/tx";
import { bytesToHex, intToBytes, type Address } from "@ethereumjs/util";
import { Wallet, ethers } from "ethers";
import { createChainCommon, devAccounts, devChainConfig } from "../../node/config";
import { recoverSigner, selectProposer, signDigest, signingRoot } from "../../node/consensus";
import { loadNativeCrypto, orderedTrieRoot } from "../../node/execution";
import { TxPool, DEFAULT_TXPOOL_OPTIONS } from "../../node/txpool";
import type { Logger } from "../../node/chain/types";

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

describe("node: pure parts", () => {
  it("loads native secp256k1 and keccak", () => {
    const c = loadNativeCrypto();
    expect(c.secp256k1).to.equal("native");
    expect(c.keccak).to.equal("native");
    // The native sponge (re-initialised per hash) against ethers' JS keccak, across block boundaries (136 bytes).
    for (const n of [0, 1, 31, 32, 33, 135, 136, 137, 271, 272, 273, 1000, 24_576]) {
      const msg = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
      const native = c.customCrypto.keccak256?.(msg) ?? new Uint8Array(0);
      expect(bytesToHex(native)).to.equal(ethers.keccak256(msg));
      // A view into a larger buffer hashes only its own bytes.
      const inner = new Uint8Array(n + 10).fill(0xaa);
      inner.set(msg, 5);
      expect(bytesToHex(c.customCrypto.keccak256?.(inner.subarray(5, 5 + n)) ?? new Uint8Array(0))).to.equal(ethers.keccak256(msg));
    }
  });

  it("ordered trie root equals the Merkle-Patricia trie's root", async () => {
    for (const n of [0, 1, 2, 16, 127, 128, 129, 300]) {
      const values = Array.from({ length: n }, (_, i) => new Uint8Array(i % 3 === 0 ? 5 : 90).fill(i & 0xff));
      const trie = new MerklePatriciaTrie();
      for (let i = 0; i < n; i++) await trie.put(RLP.encode(i === 0 ? new Uint8Array(0) : intToBytes(i)), values[i]);
      expect(bytesToHex(orderedTrieRoot(values))).to.equal(bytesToHex(trie.root()));
    }
  });

  it("computes receipt blooms like ethereumjs", async () => {
    const { Bloom } = await import("@ethereumjs/vm");
    const { receiptBloom } = await import("../../node/rpc/format");
    const logs = [{ address: ethers.getBytes(ethers.ZeroAddress.replace(/0$/, "1")), topics: [ethers.getBytes(ethers.id("a")), ethers.getBytes(ethers.id("b"))], data: new Uint8Array(0) }];
    const ref = new Bloom();
    ref.add(logs[0].address);
    logs[0].topics.forEach((t) => ref.add(t));
    expect(bytesToHex(receiptBloom(logs))).to.equal(bytesToHex(ref.bitvector));
  });

  it("draws proposers deterministically and in proportion to stake", () => {
    const set = [
      { address: "0x1", signer: "0x1", stake: 1n },
      { address: "0x2", signer: "0x2", stake: 3n },
    ];
    const seed = ethers.getBytes(ethers.id("seed"));
    const counts = { "0x1": 0, "0x2": 0 } as Record<string, number>;
    for (let s = 0n; s < 4000n; s++) counts[selectProposer(set, seed, s).address]++;
    expect(selectProposer(set, seed, 7n)).to.deep.equal(selectProposer(set, seed, 7n));
    expect(counts["0x2"] / 4000).to.be.within(0.7, 0.8);
  });

  it("signs and recovers block signatures over chain id, hash and slot", () => {
    const key = devAccounts(1)[0];
    const hash = ethers.getBytes(ethers.id("block"));
    const sig = signDigest(signingRoot(8898n, hash, 42n), ethers.getBytes(key.privateKey));
    expect(recoverSigner(signingRoot(8898n, hash, 42n), sig)).to.equal(key.address);
    expect(recoverSigner(signingRoot(8898n, hash, 43n), sig)).to.not.equal(key.address);
    expect(recoverSigner(signingRoot(1n, hash, 42n), sig)).to.not.equal(key.address);
  });

  describe("txpool ordering", () => {
    const common = createChainCommon(devChainConfig());
    const nonces = new Map<string, bigint>();
    const view = {
      chainId: 8898n,
      gasLimit: () => 30_000_000n,
      nextBaseFee: () => 1_000_000_000n,
      account: async (a: Address) => ({ nonce: nonces.get(a.toString()) ?? 0n, balance: 10n ** 24n }),
    };
    const [alice, bob] = devAccounts(2).map((a) => new Wallet(a.privateKey));
    const sign = async (w: Wallet, nonce: number, tip: bigint): Promise<Uint8Array> =>
      ethers.getBytes(await w.signTransaction({ type: 2, chainId: 8898n, nonce, to: ethers.ZeroAddress, gasLimit: 21_000n, maxFeePerGas: 10n ** 11n, maxPriorityFeePerGas: tip }));

    it("yields nonce order per sender, tip order across senders, and holds gaps back", async () => {
      const pool = new TxPool(common, view, DEFAULT_TXPOOL_OPTIONS, silent);
      await pool.add(await sign(alice, 1, 5n * 10n ** 9n));
      await pool.add(await sign(alice, 0, 1n * 10n ** 9n));
      await pool.add(await sign(bob, 0, 3n * 10n ** 9n));
      await pool.add(await sign(bob, 2, 9n * 10n ** 9n)); // gap at bob's nonce 1
      const src = pool.source(10n ** 9n);
      const order: string[] = [];
      for (let t = src.next(); t; t = src.next()) order.push(`${t.sender.toString() === alice.address.toLowerCase() ? "a" : "b"}${t.tx.nonce}`);
      expect(order).to.deep.equal(["b0", "a0", "a1"]);
      expect(pool.pendingNonce(alice.address, 0n)).to.equal(2n);
      expect(pool.pendingNonce(bob.address, 0n)).to.equal(1n);
    });

    it("peekSource walks the same order read-only: a rejection skips the sender, drops nothing, moves no revision; firstNonce resumes a run", async () => {
      const pool = new TxPool(common, view, DEFAULT_TXPOOL_OPTIONS, silent);
      await pool.add(await sign(alice, 0, 1n * 10n ** 9n));
      await pool.add(await sign(alice, 1, 1n * 10n ** 9n));
      await pool.add(await sign(bob, 0, 3n * 10n ** 9n));
      await pool.add(await sign(bob, 1, 3n * 10n ** 9n));
      const rev = pool.revision;
      const src = pool.peekSource(10n ** 9n);
      const order: string[] = [];
      for (let t = src.next(); t; t = src.next()) {
        order.push(`${t.sender.toString() === alice.address.toLowerCase() ? "a" : "b"}${t.tx.nonce}`);
        // A permanent-looking failure (invalid signature) would make `source` drop it; peekSource must not.
        if (t.sender.toString() === bob.address.toLowerCase()) src.reject(t, new Error("invalid signature"));
      }
      expect(order).to.deep.equal(["b0", "a0", "a1"]);
      expect(pool.size).to.equal(4);
      expect(pool.revision).to.deep.equal(rev);
      const resumed = pool.peekSource(10n ** 9n, (from) => (from === alice.address.toLowerCase() ? 1n : undefined));
      const rest: string[] = [];
      for (let t = resumed.next(); t; t = resumed.next()) rest.push(`${t.sender.toString() === alice.address.toLowerCase() ? "a" : "b"}${t.tx.nonce}`);
      expect(rest).to.deep.equal(["b0", "b1", "a1"]);
      await pool.add(await sign(alice, 2, 1n * 10n ** 9n));
      expect(pool.revision).to.deep.equal({ added: rev.added + 1, removed: rev.removed });
      pool.drop(pool.all()[0].hash, "test");
      expect(pool.revision.removed).to.equal(rev.removed + 1);
    });

    it("drops included transactions when a block lands", async () => {
      const pool = new TxPool(common, view, DEFAULT_TXPOOL_OPTIONS, silent);
      const raw = await sign(alice, 0, 10n ** 9n);
      await pool.add(raw);
      await pool.add(await sign(alice, 1, 10n ** 9n));
      const tx = createTxFromRLP(raw, { common });
      pool.onBlockIncluded([{ tx, sender: tx.getSenderAddress() }]);
      expect(pool.size).to.equal(1);
      expect(pool.all()[0].nonce).to.equal(1n);
    });
  });
});
