/**
 * Miner scoring, Yuma-style: deterministic, integer-only, and independent of input order.
 *
 * 1. Normalise: each validator's raw weights become w_vm = raw_vm · WAD / Σ_m raw_vm (floor).
 *    A validator whose raw weights sum to 0 expressed no opinion and is dropped.
 * 2. Consensus: for miner m, sort the kept validators' w_vm descending (a validator that did not
 *    weight m counts as 0) and walk down accumulating stake; the consensus c_m is the first w_vm at
 *    which cumulative stake · WAD ≥ κ · totalStake — the largest weight backed by at least a κ-fraction
 *    of the stake. Ties do not matter: c_m is a weight value, identical across equal weights.
 * 3. Clip: w'_vm = min(w_vm, c_m). A minority cannot lift a miner above what the κ-majority supports.
 * 4. Rank: r_m = Σ_v stake_v · w'_vm / totalStake (one floor at the end). The score is r_m; miners with
 *    r_m = 0 get nothing. The miners' pool is then shared by score with `proportionalSplit`, which is
 *    the normalisation step.
 *
 * If every kept validator has zero stake, nobody can back a weight: every rank is 0 and no miner scores.
 */
import { getAddress } from "ethers";
import { ModernTensorError } from "../errors";
import { assertAddress, assertNonNegative, assertUnique, compareAddresses } from "./assert";
import { DEFAULT_KAPPA, WAD } from "./constants";
import type { MinerConsensus, MinerScore, ScoreMinersOptions, ScoringResult, ValidatorWeights } from "./types";

/** A validator that expressed an opinion: its stake and normalised weights keyed by lowercase miner. */
interface NormalisedValidator {
  stake: bigint;
  weights: ReadonlyMap<string, bigint>;
}

function assertKappa(kappa: bigint): void {
  if (kappa <= 0n || kappa > WAD) {
    throw new ModernTensorError("INVALID_FRACTION", `kappa must be in (0, 1e18], got ${kappa}`, { details: { kappa } });
  }
}

/** Validates the whole input first so an invalid entry is reported even in a validator later dropped. */
function validateInput(validators: readonly ValidatorWeights[]): void {
  if (validators.length === 0) {
    throw new ModernTensorError("EMPTY_SET", "scoreMiners needs at least one validator's weights, got none");
  }
  const seenValidators = new Set<string>();
  validators.forEach((v, i) => {
    assertAddress(`validators[${i}].validator`, v.validator);
    assertUnique(seenValidators, v.validator.toLowerCase(), "validator");
    assertNonNegative(`validators[${i}].stake`, v.stake);
    const seenMiners = new Set<string>();
    v.weights.forEach((w, j) => {
      assertAddress(`validators[${i}].weights[${j}].miner`, w.miner);
      assertUnique(seenMiners, w.miner.toLowerCase(), `validator ${v.validator}: miner`);
      if (w.weight < 0n) {
        throw new ModernTensorError(
          "INVALID_WEIGHTS",
          `validators[${i}].weights[${j}].weight must be >= 0, got ${w.weight}`,
          { details: { validator: v.validator, miner: w.miner, weight: w.weight } },
        );
      }
    });
  });
}

/** Step 1: normalise each vector to sum to ~WAD; drop validators whose raw weights sum to 0. */
function normalise(validators: readonly ValidatorWeights[]): NormalisedValidator[] {
  const kept: NormalisedValidator[] = [];
  for (const v of validators) {
    const rawSum = v.weights.reduce((sum, w) => sum + w.weight, 0n);
    if (rawSum === 0n) continue;
    const weights = new Map<string, bigint>();
    for (const w of v.weights) weights.set(w.miner.toLowerCase(), (w.weight * WAD) / rawSum);
    kept.push({ stake: v.stake, weights });
  }
  return kept;
}

/** Step 2: the largest weight for `miner` backed by at least a κ-fraction of the total stake. */
function consensusWeight(
  miner: string,
  validators: readonly NormalisedValidator[],
  totalStake: bigint,
  kappa: bigint,
): bigint {
  const column = validators
    .map((v) => ({ weight: v.weights.get(miner) ?? 0n, stake: v.stake }))
    .sort((a, b) => (a.weight === b.weight ? 0 : a.weight > b.weight ? -1 : 1));
  const threshold = kappa * totalStake;
  let cumulative = 0n;
  for (const { weight, stake } of column) {
    cumulative += stake;
    if (cumulative * WAD >= threshold) return weight;
  }
  // Unreachable: κ ≤ WAD, so the full stake always meets the threshold.
  return 0n;
}

/** Scores miners from the validators' weight vectors and stakes (see the module doc). */
export function scoreMiners(validators: readonly ValidatorWeights[], options: ScoreMinersOptions = {}): ScoringResult {
  const kappa = options.kappa ?? DEFAULT_KAPPA;
  assertKappa(kappa);
  validateInput(validators);

  const kept = normalise(validators);
  const totalStake = kept.reduce((sum, v) => sum + v.stake, 0n);
  const miners = [...new Set(kept.flatMap((v) => [...v.weights.keys()]))].sort(compareAddresses);

  const consensus: MinerConsensus[] = miners.map((miner) => {
    const c = consensusWeight(miner, kept, totalStake, kappa);
    let stakeWeighted = 0n;
    for (const v of kept) {
      const w = v.weights.get(miner) ?? 0n;
      stakeWeighted += v.stake * (w < c ? w : c); // step 3: clip at consensus
    }
    const rank = totalStake === 0n ? 0n : stakeWeighted / totalStake; // step 4
    return { miner: getAddress(miner), consensus: c, rank };
  });
  const scores: MinerScore[] = consensus.filter((m) => m.rank > 0n).map((m) => ({ miner: m.miner, score: m.rank }));
  return { scores, consensus, totalStake };
}
