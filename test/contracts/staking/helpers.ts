/** Fixtures shared by the StakingManager tests. */
import { toEpoch, suiteFixture, type SuiteFixture } from "../fixtures";

/** The suite at the start of epoch 2 (the next transaction runs in its first block). */
export async function stakingFixture(): Promise<SuiteFixture & { GOVERNOR_ROLE: string; SLASHER_ROLE: string }> {
  const suite = await suiteFixture();
  await toEpoch(suite.clock, 2n);
  return { ...suite, GOVERNOR_ROLE: await suite.staking.GOVERNOR_ROLE(), SLASHER_ROLE: await suite.staking.SLASHER_ROLE() };
}
