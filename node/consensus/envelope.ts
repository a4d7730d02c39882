import { createBlockFromBytesArray, type Block } from "@ethereumjs/block";
import type { BlockBytes } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt } from "@ethereumjs/util";
import { LuxError, errorMessage } from "../errors";
import { keccak } from "../execution/crypto";
import { decodeEvidence, decodeVote, evidenceRaw, voteRaw } from "./messages";
import type { Envelope } from "./types";

export { SIGNATURE_BYTES, signingRoot, signDigest, recoverSigner } from "./signing";

/** The last encoding of each block's envelope, with the fields it was made from. */
const encoded = new WeakMap<Block, { fields: Omit<Envelope, "block">; bytes: Uint8Array }>();

/**
 * Serializes an envelope as RLP([executionBlock, slot, signature, reveal, votes, evidence]). A new block
 * is encoded several times (stored, gossiped, served): the bytes are kept per block object and reused
 * while the other fields are the very same values (re-encoding re-serializes every transaction).
 */
export function encodeEnvelope(env: Envelope): Uint8Array {
  const hit = encoded.get(env.block);
  const f = hit?.fields;
  if (hit && f && f.slot === env.slot && f.signature === env.signature && f.reveal === env.reveal && f.votes === env.votes && f.evidence === env.evidence) return hit.bytes;
  const bytes = RLP.encode([env.block.raw(), bigIntToUnpaddedBytes(env.slot), env.signature, env.reveal, env.votes.map(voteRaw), env.evidence.map(evidenceRaw)] as never);
  encoded.set(env.block, { fields: { slot: env.slot, signature: env.signature, reveal: env.reveal, votes: env.votes, evidence: env.evidence }, bytes });
  return bytes;
}

/**
 * The block's commitment to its consensus fields: keccak(rlp([slot, reveal, votes, evidence])), stored
 * as the header's extraData (32 bytes, the most a proof-of-stake header allows). The block hash, and so
 * the proposer's signature, thereby covers everything in the envelope but the signature itself.
 */
export function consensusCommitment(env: Pick<Envelope, "slot" | "reveal" | "votes" | "evidence">): Uint8Array {
  return keccak(RLP.encode([bigIntToUnpaddedBytes(env.slot), env.reveal, env.votes.map(voteRaw), env.evidence.map(evidenceRaw)] as never));
}

/** Most votes and evidence items one envelope may carry (bounds the work of verifying a block). */
export const MAX_ENVELOPE_VOTES = 1024;
export const MAX_ENVELOPE_EVIDENCE = 16;

/** Decodes an envelope; throws INVALID_BLOCK on malformed input. */
export function decodeEnvelope(data: Uint8Array, common: Common): Envelope {
  try {
    const f = RLP.decode(data) as unknown[];
    // Three fields: an envelope stored before votes existed (genesis and blocks of old data dirs).
    if (!Array.isArray(f) || (f.length !== 6 && f.length !== 3)) throw new Error("envelope must have 6 fields");
    const block = createBlockFromBytesArray(f[0] as BlockBytes, { common });
    const slot = bytesToBigInt(f[1] as Uint8Array);
    if (f.length === 3) return { block, slot, signature: f[2] as Uint8Array, reveal: new Uint8Array(0), votes: [], evidence: [] };
    const votes = f[4] as unknown[];
    const evidence = f[5] as unknown[];
    if (!Array.isArray(votes) || votes.length > MAX_ENVELOPE_VOTES) throw new Error(`votes must be a list of at most ${MAX_ENVELOPE_VOTES}`);
    if (!Array.isArray(evidence) || evidence.length > MAX_ENVELOPE_EVIDENCE) throw new Error(`evidence must be a list of at most ${MAX_ENVELOPE_EVIDENCE}`);
    return {
      block, slot, signature: f[2] as Uint8Array, reveal: f[3] as Uint8Array,
      votes: votes.map((v) => decodeVote(RLP.encode(v as Uint8Array[]))),
      evidence: evidence.map((e) => decodeEvidence(RLP.encode(e as Uint8Array[]))),
    };
  } catch (err) {
    throw new LuxError("INVALID_BLOCK", `malformed block envelope: ${errorMessage(err)}`, { cause: err });
  }
}

/** The execution block of an envelope, re-exported for callers that only need its type. */
export type { Block };
