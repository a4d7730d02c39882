import type { PeerStatus } from "./messages";

/** What gossip validation decided: forward (accept), drop quietly (ignore), or drop and penalise (reject). */
export type Verdict = "accept" | "ignore" | "reject";

/** The result of offering a block envelope to the chain. */
export type ImportStatus =
  /** Verified, executed and stored. */
  | "imported"
  /** Already have it. */
  | "known"
  /** Its parent is unknown or its slot lies ahead of our clock: we are behind (sync) or the sender is early. */
  | "future"
  /** Well-formed but on a branch we do not follow. */
  | "stale"
  /** Fails a validity rule: the sender is faulty or hostile. */
  | "invalid";

/** Outcome of an import, with the reason for anything but "imported"/"known". */
export interface ImportOutcome {
  status: ImportStatus;
  reason?: string;
}

/**
 * What the network needs from the chain. `chainPort` implements it over `Chain`; the consensus layer
 * (votes, evidence) plugs its importers in through the optional members.
 */
export interface ChainPort {
  /** Our status: genesis, head and finalized block. */
  status(): PeerStatus;
  /** Offers a serialized envelope (from gossip or sync). Never throws for bad input. */
  importEnvelope(data: Uint8Array): Promise<ImportOutcome>;
  /** Serialized canonical envelopes [start, start + count), stopping at the head. */
  envelopesByRange(start: bigint, count: number): Promise<Uint8Array[]>;
  /** Whether a block (on any branch) is stored. */
  hasBlock?(hash: Uint8Array): Promise<boolean>;
  /** Verifies and records a gossiped vote. Without it votes are not forwarded. */
  importVote?(data: Uint8Array): Promise<ImportOutcome>;
  /** Verifies and records gossiped evidence. Without it evidence is not forwarded. */
  importEvidence?(data: Uint8Array): Promise<ImportOutcome>;
}

/** One connected or known peer, for `lux_peers`. */
export interface PeerInfo {
  peerId: string;
  connected: boolean;
  addresses: string[];
  /** Invalid messages received from it. */
  penalty: number;
  /** Unix ms until which it is banned, if banned. */
  bannedUntil?: number;
  status?: { headNumber: bigint; headHash: string; finalizedNumber: bigint };
}

/** Maps an import outcome to a gossip verdict. */
export function verdictOf(o: ImportOutcome): Verdict {
  if (o.status === "imported") return "accept";
  if (o.status === "invalid") return "reject";
  return "ignore";
}
