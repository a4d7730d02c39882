/** Submits the caller's (an active validator's) weights over miners for the current epoch. */
import { requireSigner, write } from "../../call";
import { clientError } from "../../errors";
import { requireAddress, requireNonNegative } from "../../validate";
import type { Client, TxResult } from "../../types";

/** One miner's weight. */
export interface MinerWeightInput {
  /** Registered miner. */
  miner: string;
  /** Relative weight, any scale (not all zero). */
  weight: bigint;
}

/** Parameters of {@link submitWeights}. */
export interface SubmitWeightsParameters {
  /** Weights in any order; the action sorts them as the contract requires. */
  weights: readonly MinerWeightInput[];
}

/** Result of {@link submitWeights}: the transaction and the vector as submitted (sorted). */
export interface SubmitWeightsReturnType extends TxResult {
  miners: string[];
  weights: bigint[];
}

/** Checks and sorts weights ascending by miner address (the contract rejects any other order). */
export function sortWeights(weights: readonly MinerWeightInput[]): { miners: string[]; weights: bigint[] } {
  if (weights.length === 0) throw clientError("INVALID_ARGUMENT", "weights must name at least one miner");
  const seen = new Set<string>();
  const entries = weights.map((w, i) => {
    const miner = requireAddress(`weights[${i}].miner`, w.miner);
    requireNonNegative(`weight of ${miner}`, w.weight);
    if (seen.has(miner)) throw clientError("INVALID_ARGUMENT", `miner ${miner} appears more than once`, { miner });
    seen.add(miner);
    return { miner, weight: w.weight, key: BigInt(miner) };
  });
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { miners: entries.map((e) => e.miner), weights: entries.map((e) => e.weight) };
}

/** Submits weights; a later submission in the same epoch replaces the earlier one. */
export async function submitWeights(client: Client, params: SubmitWeightsParameters): Promise<SubmitWeightsReturnType> {
  requireSigner(client, "submitWeights");
  const sorted = sortWeights(params.weights);
  const { registry } = client.contracts;
  const tx = await write(client, "SubnetRegistry.submitWeights", () => registry.submitWeights(sorted.miners, sorted.weights));
  return { ...tx, ...sorted };
}
