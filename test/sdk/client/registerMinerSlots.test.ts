/** registerMiner through the SDK when every slot is taken: it picks the miner the registry lets it replace. */
import { expect } from "chai";
import { isClientError, registerMiner, type Client } from "../../../sdk/client";
import { findReplaceableMiner } from "../../../sdk/client/actions/subnet/registerMiner";
import { clientFor, deployTestSuite, mineToNextEpoch, type TestSuite } from "../helpers/suite";

describe("client: registerMiner with full slots", function () {
  let t: TestSuite;
  let miners: Client[];

  before(async function () {
    t = await deployTestSuite(4n, (c) => {
      c.registry.maxMiners = 2n;
      c.registry.immunityEpochs = 2n;
    });
    miners = await Promise.all([4, 5, 6].map((i) => clientFor(t, t.signers[i])));
    await registerMiner(miners[0]);
    await mineToNextEpoch(t);
    await registerMiner(miners[1]);
  });

  it("refuses while every miner is immune, then replaces the one the contract calls replaceable", async function () {
    try {
      await registerMiner(miners[2]);
      expect.fail("expected INVALID_ARGUMENT");
    } catch (error) {
      expect(isClientError(error, "INVALID_ARGUMENT"), String(error)).to.equal(true);
    }
    expect(await findReplaceableMiner(miners[2])).to.equal(null);
    // One epoch on, the first miner's immunity is over (the second's is not): the SDK and the contract agree.
    await mineToNextEpoch(t);
    const candidate = await findReplaceableMiner(miners[2]);
    expect(candidate).to.equal(miners[0].account);
    for (const m of await t.suite.registry.miners()) {
      expect(await t.suite.registry.isReplaceable(m)).to.equal(m === candidate);
    }
    const tx = await registerMiner(miners[2]);
    expect(tx.replaced).to.equal(miners[0].account);
    expect(await t.suite.registry.isMiner(miners[0].account as string)).to.equal(false);
    expect(await t.suite.registry.isMiner(miners[2].account as string)).to.equal(true);
  });
});
