/** One epoch's distribution record and the utility its on-chain reports give. */
import { read } from "../../call";
import type { Client } from "../../types";

/** Parameters of {@link getEpochReward}. */
export interface GetEpochRewardParameters {
  epoch: bigint;
}

/** Result of {@link getEpochReward}. */
export interface GetEpochRewardReturnType {
  epoch: bigint;
  /** The epoch has ended. */
  ended: boolean;
  distributed: boolean;
  /** Merkle root (zero hash before distribution). */
  root: string;
  /** MDT claimable through the tree. */
  funded: bigint;
  claimed: bigint;
  claimDeadline: bigint;
  swept: boolean;
  /** Task volume, difficulty (WAD) and participation (WAD) reported on-chain. */
  metrics: { tasks: bigint; difficulty: bigint; participation: bigint };
  /** Utility the contract will require for this epoch (WAD). */
  expectedUtility: bigint;
  /** Its weights go through commit–reveal. */
  commitReveal: boolean;
  /** Validators attest it once this epoch is over (the epoch itself, or the next one under commit–reveal). */
  finalAfter: bigint;
  /** Digest of (root, totals) that more than 2/3 of its active stake attested; zero hash until then. */
  acceptedDigest: string;
}

/** Reads the epoch's record, metrics and expected utility. */
export async function getEpochReward(client: Client, params: GetEpochRewardParameters): Promise<GetEpochRewardReturnType> {
  const { distributor, registry, clock } = client.contracts;
  const { epoch } = params;
  const [record, metrics, ended, commitReveal, finalAfter, acceptedDigest] = await Promise.all([
    read(client, "RewardDistributor.epochReward", () => distributor.epochReward(epoch)),
    read(client, "SubnetRegistry.epochMetrics", () => registry.epochMetrics(epoch)),
    read(client, "EpochClock.hasEnded", () => clock.hasEnded(epoch)),
    read(client, "SubnetRegistry.commitRevealAt", () => registry.commitRevealAt(epoch)),
    read(client, "SubnetRegistry.inputsFinalAfter", () => registry.inputsFinalAfter(epoch)),
    read(client, "RewardDistributor.acceptedDigest", () => distributor.acceptedDigest(epoch)),
  ]);
  // activeCountAt (inside the utility) rejects future epochs; report 0 until the epoch starts.
  const current = await read(client, "EpochClock.currentEpoch", () => clock.currentEpoch());
  const expectedUtility = epoch > current ? 0n : await read(client, "RewardDistributor.expectedUtility", () => distributor.expectedUtility(epoch));
  return {
    epoch,
    ended,
    distributed: record.distributed,
    root: record.root,
    funded: record.funded,
    claimed: record.claimed,
    claimDeadline: record.claimDeadline,
    swept: record.swept,
    metrics: { tasks: metrics.tasks, difficulty: metrics.difficulty, participation: metrics.participation },
    expectedUtility,
    commitReveal,
    finalAfter,
    acceptedDigest,
  };
}
