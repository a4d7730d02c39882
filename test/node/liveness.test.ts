import { expect } from "chai";
import { LIVENESS_MIN_ASSIGNED, livenessOffenders } from "../../node/consensus/liveness";
import { VALIDATORS, networkConfig, openValidators, runSlot, type TestValidator } from "./chainHarness";

describe("consensus: liveness — a validator missing most of its slots is jailed", function () {
  this.timeout(120_000);

  it("the rule: fewer than half of at least four assigned slots, in an epoch whose blocks filled half its slots", () => {
    const a = "0xa";
    const b = "0xb";
    const assigned = [a, a, a, a, b, b, b, b];
    expect(livenessOffenders({ slotsPerEpoch: 8, assigned, proposed: [a, a, a, a, b] })).to.deep.equal([b]);
    expect(livenessOffenders({ slotsPerEpoch: 8, assigned, proposed: [a, a, a, a, b, b] })).to.deep.equal([]); // half is enough
    expect(livenessOffenders({ slotsPerEpoch: 8, assigned, proposed: [a, a, a] })).to.deep.equal([]); // a stalled network blames nobody
    expect(livenessOffenders({ slotsPerEpoch: 8, assigned: [a, a, a, a, a, a, a, b], proposed: [a, a, a, a, a, a, a] })).to.deep.equal([]); // one slot is too few to judge
    expect(LIVENESS_MIN_ASSIGNED).to.equal(4);
  });

  describe("on a chain of three validators with one down for a whole epoch", () => {
    let nodes: TestValidator[];
    before(async () => {
      // Fixed genesis and slots: the schedule (and so the test) is the same on every run.
      nodes = await openValidators(3, networkConfig(3, { slotsPerEpoch: 24, genesisTimestamp: 1_735_689_600n }));
    });
    after(async () => {
      for (const n of nodes) await n.tc.close();
    });

    it("the first block of the next epoch jails it (system call), and only it", async () => {
      const live = nodes.slice(0, 2);
      const down = VALIDATORS[2].address.toLowerCase();
      let slot = 1200n; // epoch 50
      for (; slot < 1224n; slot++) await runSlot(nodes, slot, live);
      const chain = nodes[0].tc.chain;
      const parent = chain.head;
      const duty = await chain.engine.duty(chain.parentInfo(parent), 1224n);
      expect(duty.opensEpoch).to.equal(true);
      let assigned = 0;
      for (let s = 1200n; s < 1224n; s++) if ((await chain.engine.duty(chain.parentInfo(parent), s)).proposer.address.toLowerCase() === down) assigned++;
      expect(assigned).to.be.greaterThanOrEqual(4);
      expect(await chain.livenessJails(parent, duty)).to.deep.equal([down]);
      // Every node computes the same from the blocks alone: the block that opens epoch 51 is valid
      // everywhere (without a StakingManager the call is skipped; slashing.test runs it on the real one).
      const h = await runSlot(nodes, 1224n, live);
      expect(h).to.not.equal(undefined);
      expect(nodes[1].tc.chain.head.hash).to.deep.equal(h!.record.hash);
    });
  });
});
