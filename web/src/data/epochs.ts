/**
 * Per-epoch series from the chain: EpochDistributed (utility, emission, split, root) and EpochFunded
 * (recycled vs minted) events, the registry's on-chain metrics (tasks, difficulty, participation),
 * claims so far, and the token supply right after each distribution. Emission bounds come from the
 * SDK's tokenomics with the policy read from the EmissionController, not re-implemented here.
 */
import { getEvents } from "../../../sdk/client/actions/events/getEvents";
import { read } from "../../../sdk/client/call";
import type { Client } from "../../../sdk/client/types";
import { readPolicy } from "../../../sdk/epoch/compute";
import { allowedEmission, fullEmission } from "../../../sdk/tokenomics/emission";
import type { EmissionPolicy } from "../../../sdk/tokenomics/types";

/** At most this many recent epochs are charted (bounded reads on a long chain). */
export const MAX_EPOCHS = 96;

/** One distributed epoch. Amounts in wei, fractions in WAD. */
export interface EpochRow {
  epoch: bigint;
  /** Block of the distribution transaction. */
  block: number;
  utility: bigint;
  emission: bigint;
  /** What the policy allows at this utility (SDK `allowedEmission`). */
  allowed: bigint;
  /** The policy's emission at utility 1 (SDK `fullEmission`): the planned maximum. */
  full: bigint;
  miners: bigint;
  validators: bigint;
  dao: bigint;
  /** Funded from the recycling pool. */
  recycled: bigint;
  /** Newly minted. */
  minted: bigint;
  tasks: bigint;
  difficulty: bigint;
  participation: bigint;
  /** Claimable through the tree, and claimed so far. */
  funded: bigint;
  claimed: bigint;
  root: string;
  /** MDT total supply right after the distribution. */
  supply: bigint;
}

/** The series and the policy they were computed with. */
export interface EpochSeries {
  rows: EpochRow[];
  policy: EmissionPolicy;
}

/** Reads the last {@link MAX_EPOCHS} distributed epochs. */
export async function loadEpochSeries(client: Client): Promise<EpochSeries> {
  const { distributor, controller, registry, token } = client.contracts;
  const head = await read(client, "eth_blockNumber", () => client.provider.getBlockNumber());
  const [distributed, funded, policy] = await Promise.all([
    getEvents(client, { label: "EpochDistributed", toBlock: head, query: (f, t) => distributor.queryFilter(distributor.filters.EpochDistributed(), f, t) }),
    getEvents(client, { label: "EpochFunded", toBlock: head, query: (f, t) => controller.queryFilter(controller.filters.EpochFunded(), f, t) }),
    readPolicy(client, head),
  ]);
  const fundedBy = new Map(funded.map((e) => [e.args.epoch, e.args]));
  const recent = distributed.slice(-MAX_EPOCHS);
  const rows = await Promise.all(
    recent.map(async (ev): Promise<EpochRow> => {
      const a = ev.args;
      const [m, record, supply] = await Promise.all([
        read(client, "SubnetRegistry.epochMetrics", () => registry.epochMetrics(a.epoch)),
        read(client, "RewardDistributor.epochReward", () => distributor.epochReward(a.epoch)),
        read(client, "MDTToken.totalSupply", () => token.totalSupply({ blockTag: ev.blockNumber })),
      ]);
      const f = fundedBy.get(a.epoch);
      return {
        epoch: a.epoch,
        block: ev.blockNumber,
        utility: a.utility,
        emission: a.emission,
        allowed: allowedEmission(a.epoch, a.utility, policy),
        full: fullEmission(a.epoch, policy),
        miners: a.miners,
        validators: a.validators,
        dao: a.dao,
        recycled: f?.fromPool ?? 0n,
        minted: f?.minted ?? 0n,
        tasks: m.tasks,
        difficulty: m.difficulty,
        participation: m.participation,
        funded: record.funded,
        claimed: record.claimed,
        root: a.root,
        supply,
      };
    }),
  );
  return { rows, policy };
}

/**
 * Planned supply: the supply before the first charted epoch plus the policy's full emission of every
 * epoch since (all at utility 1), capped. What the network could have emitted at most.
 */
export function plannedSupply(rows: readonly EpochRow[], policy: EmissionPolicy): bigint[] {
  if (rows.length === 0) return [];
  let supply = rows[0].supply - rows[0].minted;
  let prev = rows[0].epoch - 1n;
  return rows.map((r) => {
    for (let e = prev + 1n; e <= r.epoch; e++) supply += fullEmission(e, policy);
    prev = r.epoch;
    return supply < policy.supplyCap ? supply : policy.supplyCap;
  });
}

/** Supply at `to` when every epoch from `from` (exclusive) to `to` (inclusive) emits in full, capped. */
export function plannedSupplyAt(supply: bigint, from: bigint, to: bigint, policy: EmissionPolicy): bigint {
  let s = supply;
  let e = from + 1n;
  while (e <= to && s < policy.supplyCap) {
    // Whole stretches up to the next halving boundary at once: the emission is constant inside one.
    const boundary = (e / policy.halvingInterval + 1n) * policy.halvingInterval;
    const end = boundary - 1n < to ? boundary - 1n : to;
    s += fullEmission(e, policy) * (end - e + 1n);
    e = end + 1n;
  }
  return s < policy.supplyCap ? s : policy.supplyCap;
}

/**
 * The planned supply curve from `supply` at `epoch` (every epoch at utility 1): `points` samples up to
 * where the cap is reached or four halvings, whichever comes first. [epoch, supply][].
 */
export function halvingCurve(supply: bigint, epoch: bigint, policy: EmissionPolicy, points = 24): [bigint, bigint][] {
  const horizon = 4n * policy.halvingInterval;
  // Epochs to the cap at the current full emission bound the horizon (the default policy fills it in the first period).
  const perEpoch = fullEmission(epoch, policy);
  const toCap = perEpoch > 0n ? (policy.supplyCap - supply + perEpoch - 1n) / perEpoch + 1n : horizon;
  const span = toCap < horizon ? toCap : horizon;
  const step = span / BigInt(points) > 0n ? span / BigInt(points) : 1n;
  const out: [bigint, bigint][] = [];
  for (let e = epoch; e <= epoch + span; e += step) out.push([e, plannedSupplyAt(supply, epoch, e, policy)]);
  return out;
}
