/** Commit–reveal, step 2: reveals the weights the caller committed for an epoch, during the next epoch. */
import { read, requireSigner, write } from "../../call";
import { requireCommit } from "../../commitStore";
import { clientDataDir } from "../../rewardStore";
import { requireNonNegative } from "../../validate";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link revealWeights}. */
export interface RevealWeightsParameters {
  /** The epoch the weights were committed in; default: the previous epoch (the one revealable now). */
  epoch?: bigint;
}

/** Result of {@link revealWeights}. */
export interface RevealWeightsReturnType extends TxResult {
  epoch: bigint;
  miners: string[];
  weights: bigint[];
}

/** Reveals the stored commitment of the caller for `epoch` (COMMIT_NOT_FOUND when none is stored). */
export async function revealWeights(client: Client, params: RevealWeightsParameters = {}): Promise<RevealWeightsReturnType> {
  const { account } = requireSigner(client, "revealWeights");
  const { registry, clock } = client.contracts;
  const epoch = params.epoch ?? (await read(client, "EpochClock.currentEpoch", () => clock.currentEpoch())) - 1n;
  requireNonNegative("epoch", epoch);
  const commit = requireCommit(clientDataDir(client), account, epoch);
  const tx = await write(client, "SubnetRegistry.revealWeights", () => registry.revealWeights(epoch, commit.miners, commit.weights, commit.salt));
  return { ...tx, epoch, miners: commit.miners, weights: commit.weights };
}
