import { expect } from "chai";
import fc from "fast-check";
import { FinalityTracker, type CountedVote } from "../../node/consensus/finality";
import type { Checkpoint, Vote } from "../../node/consensus/types";

/**
 * Accountable safety of the finality rule (node/consensus/finality.ts), property-tested: whatever the
 * validators sign and in whatever order the votes arrive, two conflicting blocks can only both become
 * final when validators holding more than 1/3 of the stake broke a slashing condition — and the tracker
 * caught them (it returned their double/surround votes as evidence). This is the FFG argument the
 * "justified from any justified source" rule relies on; the property is its executable check.
 *
 * The chain: a common prefix c1..cF from genesis, then two branches a and b. Honest validators vote
 * links along one branch with rising targets and never-falling sources (so they never conflict);
 * Byzantine validators vote along both branches and add arbitrary (possibly surrounding) votes.
 */

interface Tree {
  blocks: Map<string, { cp: Checkpoint; parent?: string }>;
  path: (branch: "a" | "b") => Checkpoint[];
}

function checkpoint(id: string, number: number): Checkpoint {
  const hash = new Uint8Array(32);
  hash.set(new TextEncoder().encode(id).slice(0, 32));
  return { hash, number: BigInt(number), slot: BigInt(number) };
}

function buildTree(common: number, lenA: number, lenB: number): Tree {
  const blocks = new Map<string, { cp: Checkpoint; parent?: string }>();
  blocks.set("g", { cp: checkpoint("g", 0) });
  let prev = "g";
  for (let h = 1; h <= common; h++) {
    blocks.set(`c${h}`, { cp: checkpoint(`c${h}`, h), parent: prev });
    prev = `c${h}`;
  }
  const fork = prev;
  for (const [b, len] of [["a", lenA], ["b", lenB]] as const) {
    let p = fork;
    for (let h = common + 1; h <= common + len; h++) {
      blocks.set(`${b}${h}`, { cp: checkpoint(`${b}${h}`, h), parent: p });
      p = `${b}${h}`;
    }
  }
  const path = (branch: "a" | "b"): Checkpoint[] => {
    const out: Checkpoint[] = [blocks.get("g")!.cp];
    for (let h = 1; h <= common; h++) out.push(blocks.get(`c${h}`)!.cp);
    for (let h = common + 1; blocks.has(`${branch}${h}`); h++) out.push(blocks.get(`${branch}${h}`)!.cp);
    return out;
  };
  return { blocks, path };
}

const idOf = (c: Checkpoint): string => new TextDecoder().decode(c.hash).replace(/\0+$/, "");

function ancestorFn(tree: Tree): (a: Checkpoint, d: Checkpoint) => boolean {
  return (a, d) => {
    for (let cur: string | undefined = idOf(d); cur !== undefined; cur = tree.blocks.get(cur)?.parent) if (cur === idOf(a)) return true;
    return false;
  };
}

interface Validator {
  stake: bigint;
  byzantine: boolean;
  branch: "a" | "b";
  /** Honest: how many links of its branch it votes; Byzantine: links on each branch. */
  links: number;
  /** Source skip per link (1 = parent link, 2 = grandparent), honest validators keep sources rising. */
  skips: number[];
  /** Byzantine extras: arbitrary (source height index, target height index) pairs on a random branch. */
  extras: { branch: "a" | "b"; s: number; t: number }[];
}

function votesOf(v: Validator, tree: Tree): Vote[] {
  const sig = new Uint8Array(65);
  const along = (branch: "a" | "b", links: number): Vote[] => {
    const p = tree.path(branch);
    const out: Vote[] = [];
    let source = 0;
    for (let i = 1; i <= Math.min(links, p.length - 1); i++) {
      // Rising targets, never-falling sources: an honest voter never doubles or surrounds itself.
      const s = Math.max(source, i - (v.skips[i % v.skips.length] ?? 1));
      out.push({ source: p[s], target: p[i], signature: sig });
      source = s;
    }
    return out;
  };
  if (!v.byzantine) return along(v.branch, v.links);
  const extras = v.extras.map((e) => {
    const p = tree.path(e.branch);
    const s = e.s % p.length;
    const t = e.t % p.length;
    return { source: p[Math.min(s, t)], target: p[Math.max(s, t)], signature: sig };
  });
  return [...along("a", v.links), ...along("b", v.links), ...extras];
}

const validatorArb = fc.record({
  stake: fc.bigInt({ min: 1n, max: 100n }),
  byzantine: fc.boolean(),
  branch: fc.constantFrom("a" as const, "b" as const),
  links: fc.integer({ min: 2, max: 9 }),
  // Mostly parent links (which finalize), sometimes a skipped one.
  skips: fc.array(fc.constantFrom(1, 1, 1, 2), { minLength: 1, maxLength: 3 }),
  extras: fc.array(fc.record({ branch: fc.constantFrom("a" as const, "b" as const), s: fc.nat(20), t: fc.nat(20) }), { maxLength: 3 }),
});

const scenarioArb = fc.record({
  common: fc.integer({ min: 0, max: 3 }),
  lenA: fc.integer({ min: 1, max: 6 }),
  lenB: fc.integer({ min: 1, max: 6 }),
  validators: fc.array(validatorArb, { minLength: 3, maxLength: 7 }),
  order: fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
});

/**
 * The partition attack itself: a Byzantine group voting along both branches, and one honest group on
 * each branch, every voter linking each block to its parent. Whether the two halves both finalize depends
 * on the stakes the run draws (it needs the Byzantine group above 1/3).
 */
const stakeGroup = (min: bigint, max: bigint) => fc.array(fc.bigInt({ min, max }), { minLength: 1, maxLength: 2 });
const attackArb = fc
  .record({
    common: fc.integer({ min: 0, max: 3 }),
    lenA: fc.integer({ min: 2, max: 6 }),
    lenB: fc.integer({ min: 2, max: 6 }),
    // Stakes around the interesting boundary: the Byzantine group near 1/3 of the total, above or below it.
    byzantine: stakeGroup(15n, 45n),
    honestA: stakeGroup(10n, 40n),
    honestB: stakeGroup(10n, 40n),
    order: fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
  })
  .map((a) => {
    const voter = (stake: bigint, byzantine: boolean, branch: "a" | "b"): Validator => ({ stake, byzantine, branch, links: 9, skips: [1], extras: [] });
    const validators = [...a.byzantine.map((st) => voter(st, true, "a")), ...a.honestA.map((st) => voter(st, false, "a")), ...a.honestB.map((st) => voter(st, false, "b"))];
    return { common: a.common, lenA: a.lenA, lenB: a.lenB, validators, order: a.order };
  });

/** Feeds votes to a fresh tracker in order; returns what it finalized and whom it caught. */
async function run(tree: Tree, votes: CountedVote[]): Promise<{ finalized: Checkpoint[]; caught: Set<string> }> {
  const isAncestor = ancestorFn(tree);
  const genesis = tree.blocks.get("g")!.cp;
  const tracker = new FinalityTracker({ justified: genesis, finalized: genesis }, async (a, d) => isAncestor(a, d));
  const finalized: Checkpoint[] = [];
  const caught = new Set<string>();
  for (const cv of votes) {
    const effect = await tracker.add(cv);
    if (effect.evidence) caught.add(cv.signer);
    if (effect.finalized) finalized.push(effect.finalized);
  }
  return { finalized, caught };
}

/** Every vote of every validator, in the order the run's keys give (gossip delivers in any order). */
function deliveries(sc: { validators: Validator[]; order: number[] }, tree: Tree): CountedVote[] {
  const total = sc.validators.reduce((s, v) => s + v.stake, 0n);
  const all = sc.validators.flatMap((v, i) => votesOf(v, tree).map((vote) => ({ vote, signer: `v${i}`, validator: `v${i}`, stake: v.stake, totalStake: total })));
  return all.map((cv, i) => ({ cv, k: sc.order[i % sc.order.length] * 1000 + i })).sort((x, y) => x.k - y.k).map((x) => x.cv);
}

const onBranch = (c: Checkpoint, b: "a" | "b"): boolean => idOf(c).startsWith(b);

describe("consensus: accountable safety of the finality rule (property)", function () {
  this.timeout(180_000);

  it("one node never finalizes two conflicting blocks, whatever validators sign and in whatever order votes arrive", async () => {
    let runsWithFinality = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (sc) => {
        const tree = buildTree(sc.common, sc.lenA, sc.lenB);
        const isAncestor = ancestorFn(tree);
        const { finalized } = await run(tree, deliveries(sc, tree));
        if (finalized.length > 0) runsWithFinality++;
        for (let i = 1; i < finalized.length; i++) {
          expect(isAncestor(finalized[i - 1], finalized[i]), `final #${finalized[i].number} does not extend #${finalized[i - 1].number}`).to.equal(true);
        }
      }),
      { numRuns: 300, seed: 20261201 },
    );
    expect(runsWithFinality).to.be.greaterThan(30);
  });

  it("two partitioned nodes finalizing conflicting blocks needs > 1/3 of the stake signing conflicting votes, all caught once the votes meet", async () => {
    let conflicts = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(scenarioArb, attackArb), fc.array(fc.nat(7), { minLength: 64, maxLength: 64 }), async (sc, leakDice) => {
        const tree = buildTree(sc.common, sc.lenA, sc.lenB);
        const isAncestor = ancestorFn(tree);
        const total = sc.validators.reduce((s, v) => s + v.stake, 0n);
        const votes = deliveries(sc, tree);
        const leak = leakDice.map((d) => d === 0);
        // A partition: node X hears every vote for branch a (and the common prefix), node Y every vote
        // for branch b; one vote in eight leaks across.
        const x = votes.filter((cv, i) => !onBranch(cv.vote.target, "b") || leak[i % leak.length]);
        const y = votes.filter((cv, i) => !onBranch(cv.vote.target, "a") || !leak[i % leak.length]);
        const [fx, fy] = [(await run(tree, x)).finalized, (await run(tree, y)).finalized];
        const conflicting = fx.some((a) => fy.some((b) => !isAncestor(a, b) && !isAncestor(b, a)));
        if (!conflicting) return;
        conflicts++;
        // When the partition heals, a node hearing every vote catches the conflicting signers.
        const { caught } = await run(tree, votes);
        for (const s of caught) expect(sc.validators[Number(s.slice(1))].byzantine, `honest ${s} accused`).to.equal(true);
        const caughtStake = sc.validators.reduce((sum, v, i) => (caught.has(`v${i}`) ? sum + v.stake : sum), 0n);
        expect(caughtStake * 3n > total, `conflicting finality with only ${caughtStake}/${total} of the stake caught`).to.equal(true);
      }),
      { numRuns: 1000, seed: 20261203 },
    );
    // Not vacuous: Byzantine stakes above 1/3 do split the partitioned nodes' finality.
    console.log(`      ${conflicts} runs of 1000 split the two nodes' finality`);
    expect(conflicts).to.be.greaterThan(0);
  });

  it("with honest validators only, nobody is accused and every block made final extends the previous one", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (sc) => {
        const tree = buildTree(sc.common, sc.lenA, sc.lenB);
        const isAncestor = ancestorFn(tree);
        const honest = { ...sc, validators: sc.validators.map((v) => ({ ...v, byzantine: false })) };
        const { finalized, caught } = await run(tree, deliveries(honest, tree));
        expect([...caught], "honest validators accused").to.deep.equal([]);
        for (let i = 1; i < finalized.length; i++) expect(isAncestor(finalized[i - 1], finalized[i])).to.equal(true);
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });
});
