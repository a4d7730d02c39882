import { expect } from "chai";
import fc from "fast-check";
import { bytesToHex } from "@ethereumjs/util";
import { branchesBetween, reorgIndexChanges } from "../../node/chain/reorg";
import { systemReceiptHash } from "../../node/chain/system";
import type { BlockRecord } from "../../node/chain/types";

const hash32 = (n: number): Uint8Array => {
  const b = new Uint8Array(32);
  new DataView(b.buffer).setUint32(28, n);
  return b;
};

/** A block record with just what the reorg planning reads: number, parent, burn, transaction hashes. */
function fakeBlock(id: number, parent: BlockRecord | undefined, txs: number[], gasUsed: bigint): BlockRecord {
  const header = { number: parent ? parent.block.header.number + 1n : 0n, parentHash: parent ? parent.hash : new Uint8Array(32), baseFeePerGas: 7n, gasUsed };
  const transactions = txs.map((t) => ({ hash: () => hash32(1_000_000 + t) }));
  return { hash: hash32(id), block: { header, transactions } } as unknown as BlockRecord;
}

/** A random block tree: block i's parent is one of the blocks before it. */
const treeArb = fc.array(fc.tuple(fc.nat(), fc.array(fc.nat({ max: 30 }), { maxLength: 3 }), fc.bigInt({ min: 0n, max: 100n })), { minLength: 1, maxLength: 40 });

function buildTree(spec: [number, number[], bigint][]): BlockRecord[] {
  const blocks: BlockRecord[] = [fakeBlock(1, undefined, [], 0n)];
  spec.forEach(([p, txs, gas], i) => blocks.push(fakeBlock(i + 2, blocks[p % blocks.length], txs, gas)));
  return blocks;
}

function pathToGenesis(b: BlockRecord, byHash: Map<string, BlockRecord>): BlockRecord[] {
  const out = [b];
  for (let cur = b; cur.block.header.number > 0n; ) {
    cur = byHash.get(bytesToHex(cur.block.header.parentHash)) as BlockRecord;
    out.push(cur);
  }
  return out;
}

describe("reorg planning (chain/reorg.ts)", () => {
  it("walks both heads to their common ancestor: removed from the old head down, adopted in chain order", async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, fc.nat(), fc.nat(), async (spec, i, j) => {
        const blocks = buildTree(spec);
        const byHash = new Map(blocks.map((b) => [bytesToHex(b.hash), b]));
        const parentOf = async (r: BlockRecord): Promise<BlockRecord> => byHash.get(bytesToHex(r.block.header.parentHash)) as BlockRecord;
        const oldHead = blocks[i % blocks.length];
        const newHead = blocks[j % blocks.length];
        const { ancestor, removed, adopted } = await branchesBetween(oldHead, newHead, parentOf);
        const oldPath = pathToGenesis(oldHead, byHash).map((b) => bytesToHex(b.hash));
        const newPath = pathToGenesis(newHead, byHash).map((b) => bytesToHex(b.hash));
        // The ancestor is the deepest block on both paths.
        const common = oldPath.filter((h) => newPath.includes(h));
        expect(bytesToHex(ancestor.hash)).to.equal(common[0]);
        expect(removed.map((b) => bytesToHex(b.hash))).to.deep.equal(oldPath.slice(0, oldPath.indexOf(common[0])));
        expect(adopted.map((b) => bytesToHex(b.hash))).to.deep.equal(newPath.slice(0, newPath.indexOf(common[0])).reverse());
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it("drops the removed transactions the new branch does not hold, every removed system receipt, and moves the burn", () => {
    const g = fakeBlock(1, undefined, [], 0n);
    const a1 = fakeBlock(2, g, [1, 2], 100n);
    const a2 = fakeBlock(3, a1, [3], 50n);
    const b1 = fakeBlock(4, g, [2, 4], 10n);
    const { dropTxHashes, totalBurned } = reorgIndexChanges({ removed: [a2, a1], adopted: [b1] }, 1_000n);
    const dropped = dropTxHashes.map(bytesToHex);
    // Transaction 2 is in the adopted block again: its index entry stays (rewritten by the adoption).
    expect(dropped).to.have.members([hash32(1_000_003), hash32(1_000_001), systemReceiptHash(a2.hash), systemReceiptHash(a1.hash)].map(bytesToHex));
    expect(totalBurned).to.equal(1_000n - 7n * 150n + 7n * 10n);
  });
});
