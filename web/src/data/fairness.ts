/**
 * Fairness of each epoch's rewards. Per-recipient amounts are not on-chain (only the Merkle root is),
 * so the page reads the reward trees the epoch runner stored — served read-only by the node — and
 * keeps only trees whose root equals the RewardDistributor's root for that epoch: a tree the chain
 * does not confirm is shown as rejected, never used.
 */
import { read } from "../../../sdk/client/call";
import type { Client } from "../../../sdk/client/types";
import { loadRewardTree } from "../../../sdk/rewards/serialize";
import type { RewardLeaf, RewardTree, RewardTreeJson } from "../../../sdk/rewards/types";
import { WAD } from "../../../sdk/tokenomics/constants";
import { fetchJson } from "../env";

/** Trees checked per refresh (the most recent ones). */
export const MAX_TREES = 64;

/** The listing the node serves. */
interface TreeListing {
  source: string | null;
  trees: { epoch: string; root: string; file: string }[];
}

/** One epoch's distribution statistics. */
export interface EpochFairness {
  epoch: bigint;
  recipients: number;
  /** Gini coefficient of the leaf amounts, WAD (0 = equal, → 1 = one takes all). */
  gini: bigint;
  /** Share of the ten largest leaves, WAD. */
  top10: bigint;
  total: bigint;
}

/** A recipient's rewards over every verified tree. */
export interface Earner {
  account: string;
  amount: bigint;
  epochs: number;
}

/** What the fairness view shows. */
export interface FairnessData {
  /** Where trees come from, null when the node serves none. */
  source: string | null;
  epochs: EpochFairness[];
  earners: Earner[];
  /** Verified trees by epoch (claims use them for proofs). */
  trees: Map<bigint, RewardTree>;
  /** Epochs whose stored tree does not match the on-chain root. */
  rejected: bigint[];
}

/**
 * Gini of non-negative amounts, exact in bigint: with x sorted ascending and i = 1..n,
 * G = (2·Σ i·x_i − (n+1)·Σx) / (n·Σx).
 */
export function gini(amounts: readonly bigint[]): bigint {
  const n = BigInt(amounts.length);
  const sorted = [...amounts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sum = sorted.reduce((s, x) => s + x, 0n);
  if (n === 0n || sum === 0n) return 0n;
  const weighted = sorted.reduce((s, x, i) => s + BigInt(i + 1) * x, 0n);
  return ((2n * weighted - (n + 1n) * sum) * WAD) / (n * sum);
}

/** Share of the `k` largest amounts in the total, WAD. */
export function topShare(amounts: readonly bigint[], k = 10): bigint {
  const sorted = [...amounts].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  const sum = sorted.reduce((s, x) => s + x, 0n);
  if (sum === 0n) return 0n;
  return (sorted.slice(0, k).reduce((s, x) => s + x, 0n) * WAD) / sum;
}

/** Statistics of one tree's leaves. */
export function fairnessOf(epoch: bigint, leaves: readonly RewardLeaf[]): EpochFairness {
  const amounts = leaves.map((l) => l.amount);
  return { epoch, recipients: leaves.length, gini: gini(amounts), top10: topShare(amounts), total: amounts.reduce((s, x) => s + x, 0n) };
}

/** Loads, verifies and summarizes the stored trees. */
export async function loadFairness(client: Client): Promise<FairnessData> {
  const listing = await fetchJson<TreeListing>("trees");
  const { distributor } = client.contracts;
  const trees = new Map<bigint, RewardTree>();
  const rejected: bigint[] = [];
  for (const entry of listing.trees.slice(-MAX_TREES)) {
    const epoch = BigInt(entry.epoch);
    const record = await read(client, "RewardDistributor.epochReward", () => distributor.epochReward(epoch));
    // A tree for a submission that never landed has another root: skip it silently, it is not an error.
    if (record.root.toLowerCase() !== entry.root.toLowerCase()) continue;
    try {
      const tree = loadRewardTree(await fetchJson<RewardTreeJson>(`trees/${entry.file}`));
      if (tree.root.toLowerCase() !== record.root.toLowerCase()) throw new Error("root mismatch");
      trees.set(epoch, tree);
    } catch {
      rejected.push(epoch);
    }
  }
  const epochs: EpochFairness[] = [];
  const byAccount = new Map<string, Earner>();
  for (const [epoch, tree] of [...trees.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    epochs.push(fairnessOf(epoch, tree.leaves));
    for (const leaf of tree.leaves) {
      const e = byAccount.get(leaf.account) ?? { account: leaf.account, amount: 0n, epochs: 0 };
      e.amount += leaf.amount;
      e.epochs += 1;
      byAccount.set(leaf.account, e);
    }
  }
  const earners = [...byAccount.values()].sort((a, b) => (a.amount > b.amount ? -1 : a.amount < b.amount ? 1 : 0)).slice(0, 10);
  return { source: listing.source, epochs, earners, trees, rejected };
}
