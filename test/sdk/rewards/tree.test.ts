import { expect } from "chai";
import fc from "fast-check";
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { concat, getBytes, keccak256, solidityPacked, ZeroHash } from "ethers";
import {
  buildRewardTree,
  getRewardProof,
  loadRewardTree,
  rewardLeafHash,
  serializeRewardTree,
  verifyRewardClaim,
  type RewardTree,
  type RewardTreeInput,
  type RewardTreeJson,
} from "../../../sdk/rewards";
import { scoreMiners, splitEmission } from "../../../sdk/tokenomics";
import { addr, addressArb, expectError, mdt } from "../tokenomics/helpers";

const [M1, M2, M3] = [addr(1), addr(2), addr(3)];
const [V1, V2] = [addr(0x101), addr(0x102)];

/** OpenZeppelin MerkleProof.verify as the contract runs it: sorted-pair keccak up to the root. */
function contractVerify(root: string, proof: readonly string[], leaf: string): boolean {
  let hash = leaf;
  for (const sibling of proof) {
    const [a, b] = BigInt(hash) < BigInt(sibling) ? [hash, sibling] : [sibling, hash];
    hash = keccak256(concat([getBytes(a), getBytes(b)]));
  }
  return hash === root;
}

function expectEveryClaimVerifies(rewardTree: RewardTree): void {
  for (const leaf of rewardTree.leaves) {
    const claim = getRewardProof(rewardTree, leaf.account);
    expect(claim.amount).to.equal(leaf.amount);
    expect(verifyRewardClaim(rewardTree.root, claim)).to.equal(true);
    expect(claim.index).to.equal(BigInt(leaf.index));
    expect(contractVerify(rewardTree.root, claim.proof, rewardLeafHash(claim.index, claim.account, claim.amount))).to.equal(true);
  }
}

/** The worked example's pools: 316 MDT for miners, 316 MDT for validators. */
const split = splitEmission(mdt(790));
const baseInput: RewardTreeInput = {
  epoch: 7n,
  minersTotal: split.miners,
  validatorsTotal: split.validators,
  miners: [
    { miner: M1, score: 3n },
    { miner: M2, score: 1n },
  ],
  validators: [
    { validator: V1, stake: mdt(100) },
    { validator: V2, stake: mdt(300) },
  ],
};

describe("sdk/rewards: reward tree", function () {
  describe("buildRewardTree", function () {
    it("pays miners by score and validators by stake, to the wei", function () {
      const rewardTree = buildRewardTree(baseInput);
      expect(rewardTree.leaves).to.deep.equal([
        { index: 0, account: M1, amount: mdt(237) },
        { index: 1, account: M2, amount: mdt(79) },
        { index: 2, account: V1, amount: mdt(79) },
        { index: 3, account: V2, amount: mdt(237) },
      ]);
      expect(rewardTree.allocated).to.equal(mdt(632));
      expect(rewardTree.unallocated).to.deep.equal({ miners: 0n, validators: 0n });
      expect(rewardTree.root).to.match(/^0x[0-9a-f]{64}$/);
      expectEveryClaimVerifies(rewardTree);
    });

    it("gives an address that is both miner and validator one leaf with the sum", function () {
      const rewardTree = buildRewardTree({
        ...baseInput,
        miners: [{ miner: V1.toLowerCase(), score: 1n }],
        validators: [{ validator: V1, stake: 1n }],
      });
      expect(rewardTree.leaves).to.deep.equal([{ index: 0, account: V1, amount: mdt(632) }]);
      expectEveryClaimVerifies(rewardTree);
    });

    it("hashes leaves exactly as the contract does: keccak256(abi.encodePacked(uint256 index, address, uint256 amount))", function () {
      const rewardTree = buildRewardTree(baseInput);
      for (const leaf of rewardTree.leaves) {
        const packed = solidityPacked(["uint256", "address", "uint256"], [leaf.index, leaf.account, leaf.amount]);
        expect(getBytes(packed).length).to.equal(84); // never the 64 bytes of an inner node
        expect(rewardLeafHash(leaf.index, leaf.account, leaf.amount)).to.equal(keccak256(packed));
        expect(rewardTree.tree?.at(leaf.index)).to.equal(keccak256(packed));
      }
    });

    it("leaves the miners' pool unallocated when no miner scored", function () {
      const rewardTree = buildRewardTree({ ...baseInput, miners: [] });
      expect(rewardTree.unallocated).to.deep.equal({ miners: split.miners, validators: 0n });
      expect(rewardTree.allocated).to.equal(split.validators);
      expect(rewardTree.leaves.map((l) => l.account)).to.deep.equal([V1, V2]);
    });

    it("skips zero amounts and zero weights", function () {
      const rewardTree = buildRewardTree({ ...baseInput, minersTotal: 1n, miners: [{ miner: M1, score: 1n }, { miner: M2, score: 0n }] });
      expect(rewardTree.leaves.map((l) => l.account)).to.deep.equal([M1, V1, V2]);
    });

    it("has the zero root and no tree when nobody can be paid", function () {
      const rewardTree = buildRewardTree({ ...baseInput, miners: [], validators: [] });
      expect(rewardTree.root).to.equal(ZeroHash);
      expect(rewardTree.tree).to.equal(null);
      expect(rewardTree.leaves).to.deep.equal([]);
      expect(rewardTree.unallocated).to.deep.equal({ miners: split.miners, validators: split.validators });
    });

    it("is deterministic whatever the input order", function () {
      const reversed = buildRewardTree({ ...baseInput, miners: [...baseInput.miners].reverse(), validators: [...baseInput.validators].reverse() });
      expect(reversed.root).to.equal(buildRewardTree(baseInput).root);
    });

    it("takes scoreMiners' output directly", function () {
      const { scores } = scoreMiners([
        { validator: V1, stake: 1n, weights: [{ miner: M1, weight: 1n }, { miner: M3, weight: 3n }] },
      ]);
      const rewardTree = buildRewardTree({ ...baseInput, miners: scores });
      expect(rewardTree.leaves.slice(0, 2)).to.deep.equal([
        { index: 0, account: M1, amount: mdt(79) },
        { index: 1, account: M3, amount: mdt(237) },
      ]);
    });

    it("always accounts for every wei and every claim verifies (property)", function () {
      const entriesArb = fc.uniqueArray(fc.record({ account: addressArb, weight: fc.bigInt({ min: 0n, max: 10n ** 21n }) }), {
        maxLength: 12,
        selector: (e) => e.account.toLowerCase(),
      });
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: mdt(1000) }),
          fc.bigInt({ min: 0n, max: mdt(1000) }),
          entriesArb,
          entriesArb,
          (minersTotal, validatorsTotal, miners, validators) => {
            const rewardTree = buildRewardTree({
              epoch: 1n,
              minersTotal,
              validatorsTotal,
              miners: miners.map((e) => ({ miner: e.account, score: e.weight })),
              validators: validators.map((e) => ({ validator: e.account, stake: e.weight })),
            });
            const sum = rewardTree.leaves.reduce((s, l) => s + l.amount, 0n);
            expect(sum + rewardTree.unallocated.miners + rewardTree.unallocated.validators).to.equal(minersTotal + validatorsTotal);
            expect(rewardTree.leaves.every((l) => l.amount > 0n)).to.equal(true);
            if (miners.some((m) => m.weight > 0n)) expect(rewardTree.unallocated.miners).to.equal(0n);
            if (validators.some((v) => v.weight > 0n)) expect(rewardTree.unallocated.validators).to.equal(0n);
            expectEveryClaimVerifies(rewardTree);
          },
        ),
        { numRuns: 30 },
      );
    });

    it("rejects a negative epoch, negative pools and duplicated recipients", function () {
      expectError(() => buildRewardTree({ ...baseInput, epoch: -1n }), "INVALID_EPOCH");
      expectError(() => buildRewardTree({ ...baseInput, minersTotal: -1n }), "NEGATIVE_AMOUNT", /minersTotal/);
      expectError(() => buildRewardTree({ ...baseInput, validatorsTotal: -1n }), "NEGATIVE_AMOUNT", /validatorsTotal/);
      expectError(
        () => buildRewardTree({ ...baseInput, miners: [{ miner: M1, score: 1n }, { miner: M1, score: 2n }] }),
        "DUPLICATE_ENTRY",
      );
      expectError(() => buildRewardTree({ ...baseInput, validators: [{ validator: V1, stake: -1n }] }), "INVALID_WEIGHTS");
    });
  });

  describe("getRewardProof", function () {
    it("finds an account whatever its capitalisation", function () {
      const rewardTree = buildRewardTree(baseInput);
      const claim = getRewardProof(rewardTree, V2.toLowerCase());
      expect(claim).to.include({ epoch: 7n, index: 3n, account: V2, amount: mdt(237) });
      expect(verifyRewardClaim(rewardTree.root, claim)).to.equal(true);
    });

    it("throws ACCOUNT_NOT_IN_TREE for an account without reward", function () {
      const rewardTree = buildRewardTree(baseInput);
      expectError(() => getRewardProof(rewardTree, M3), "ACCOUNT_NOT_IN_TREE", /has no reward in epoch 7/);
      expectError(() => getRewardProof(rewardTree, "not-an-address"), "ACCOUNT_NOT_IN_TREE");
      expectError(() => getRewardProof(buildRewardTree({ ...baseInput, miners: [], validators: [] }), V1), "ACCOUNT_NOT_IN_TREE");
    });

    it("a claim with a changed amount does not verify", function () {
      const rewardTree = buildRewardTree(baseInput);
      const claim = getRewardProof(rewardTree, M1);
      expect(verifyRewardClaim(rewardTree.root, { ...claim, amount: claim.amount + 1n })).to.equal(false);
      expect(verifyRewardClaim(rewardTree.root, { ...claim, index: claim.index + 1n })).to.equal(false);
    });
  });

  describe("serializeRewardTree / loadRewardTree", function () {
    function roundTrip(rewardTree: RewardTree): RewardTreeJson {
      return JSON.parse(JSON.stringify(serializeRewardTree(rewardTree))) as RewardTreeJson;
    }

    it("round-trips through JSON with amounts as decimal strings", function () {
      const rewardTree = buildRewardTree(baseInput);
      const json = roundTrip(rewardTree);
      expect(json).to.include({ format: "moderntensor-reward-tree-v2", epoch: "7", minersTotal: mdt(316).toString(), allocated: mdt(632).toString() });
      expect(json.leaves[0].amount).to.match(/^[0-9]+$/);
      const loaded = loadRewardTree(json);
      expect(loaded.root).to.equal(rewardTree.root);
      expect(loaded.leaves).to.deep.equal(rewardTree.leaves);
      expect(loaded.unallocated).to.deep.equal(rewardTree.unallocated);
      expect(loaded.epoch).to.equal(7n);
      for (const leaf of rewardTree.leaves) {
        expect(getRewardProof(loaded, leaf.account)).to.deep.equal(getRewardProof(rewardTree, leaf.account));
      }
    });

    it("round-trips a tree without leaves", function () {
      const rewardTree = buildRewardTree({ ...baseInput, miners: [], validators: [] });
      const loaded = loadRewardTree(roundTrip(rewardTree));
      expect(loaded.root).to.equal(ZeroHash);
      expect(loaded.tree).to.equal(null);
      expect(loaded.unallocated).to.deep.equal(rewardTree.unallocated);
    });

    it("loads a dump that OpenZeppelin's own loader accepts", function () {
      const json = roundTrip(buildRewardTree(baseInput));
      if (json.tree === null) expect.fail("expected a tree");
      expect(SimpleMerkleTree.load(json.tree).root).to.equal(json.root);
    });

    describe("rejects a tampered file with INVALID_REWARD_TREE", function () {
      const tamper: Array<[string, (json: RewardTreeJson) => unknown]> = [
        ["wrong format", (j) => ((j as { format: string }).format = "v0")],
        ["a changed root", (j) => (j.root = `0x${"11".repeat(32)}`)],
        ["a changed leaf amount", (j) => (j.leaves[0].amount = "1")],
        ["a changed leaf hash", (j) => j.tree && (j.tree.values[0].value = `0x${"22".repeat(32)}`)],
        ["swapped leaves", (j) => (j.leaves = [j.leaves[1], j.leaves[0], ...j.leaves.slice(2)])],
        ["a dropped leaf", (j) => (j.leaves = j.leaves.slice(1))],
        ["a changed total", (j) => (j.minersTotal = "1")],
        ["a wrong allocated sum", (j) => (j.allocated = "0")],
        ["a non-decimal amount", (j) => (j.validatorsTotal = "0x10")],
        ["a non-address leaf", (j) => (j.leaves[0].account = "0x1234")],
        ["a missing tree with a non-zero root", (j) => (j.tree = null)],
      ];
      for (const [name, change] of tamper) {
        it(name, function () {
          const json = roundTrip(buildRewardTree(baseInput));
          change(json);
          expectError(() => loadRewardTree(json), "INVALID_REWARD_TREE");
        });
      }
    });
  });
});
