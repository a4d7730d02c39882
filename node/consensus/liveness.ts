/** A validator is judged only when the schedule gave it at least this many slots in the epoch. */
export const LIVENESS_MIN_ASSIGNED = 4;

/** What one epoch looked like on a branch. */
export interface EpochRecord {
  /** Slots of the epoch. */
  slotsPerEpoch: number;
  /** Scheduled proposer (validator address, lowercase) of every slot of the epoch. */
  assigned: string[];
  /** Proposer (lowercase) of every block the branch holds in the epoch. */
  proposed: string[];
}

/**
 * The liveness rule: a validator that the schedule gave at least LIVENESS_MIN_ASSIGNED slots of an
 * epoch and that proposed fewer than half of them is jailed (no slash) by the first block of the next
 * epoch — but only when the epoch was live, i.e. blocks filled at least half of its slots: when the
 * whole network stalls (or before the first block after genesis) nobody is blamed. Returns the
 * offenders, lowercase, in schedule order.
 */
export function livenessOffenders(e: EpochRecord): string[] {
  if (e.proposed.length * 2 < e.slotsPerEpoch) return [];
  const assigned = new Map<string, number>();
  for (const a of e.assigned) assigned.set(a, (assigned.get(a) ?? 0) + 1);
  const made = new Map<string, number>();
  for (const p of e.proposed) made.set(p, (made.get(p) ?? 0) + 1);
  const out: string[] = [];
  for (const [v, n] of assigned) {
    if (n >= LIVENESS_MIN_ASSIGNED && (made.get(v) ?? 0) * 2 < n) out.push(v);
  }
  return out;
}
