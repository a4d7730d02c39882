import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt, equalsBytes } from "@ethereumjs/util";
import { LuxError, errorMessage } from "../errors";
import { keccak } from "../execution/crypto";
import { SIGNATURE_BYTES, recoverSigner, signingRoot } from "./signing";
import type { Checkpoint, Evidence, SignedBlockRef, Vote } from "./types";

/** Domain tags: a signature of one kind can never be replayed as another. */
const VOTE_DOMAIN = new TextEncoder().encode("luxtensor-vote-v1");
const RANDAO_DOMAIN = new TextEncoder().encode("luxtensor-randao-v1");
/** Evidence kinds on the wire. */
const KIND_DOUBLE_PROPOSAL = 1;
const KIND_DOUBLE_VOTE = 2;

type Nested = Uint8Array | Nested[];
const q = bigIntToUnpaddedBytes;

function bytes(v: unknown, what: string, len?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new Error(`${what} must be a byte string`);
  if (len !== undefined && v.length !== len) throw new Error(`${what} must be ${len} bytes, got ${v.length}`);
  return v;
}
function list(v: unknown, what: string, len?: number): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${what} must be a list`);
  if (len !== undefined && v.length !== len) throw new Error(`${what} must have ${len} items, got ${v.length}`);
  return v;
}
function uint(v: unknown, what: string): bigint {
  const b = bytes(v, what);
  if (b.length > 8 || (b.length > 0 && b[0] === 0)) throw new Error(`${what} must be a canonical uint64`);
  return bytesToBigInt(b);
}

/** The RANDAO message a proposer proves its VRF over: rlp([domain, chainId, slot]). */
export function randaoMessage(chainId: bigint, slot: bigint): Uint8Array {
  return RLP.encode([RANDAO_DOMAIN, q(chainId), q(slot)]);
}

function checkpointRaw(c: Checkpoint): Nested {
  return [c.hash, q(c.number), q(c.slot)];
}
function checkpointFrom(v: unknown, what: string): Checkpoint {
  const f = list(v, what, 3);
  return { hash: bytes(f[0], `${what}.hash`, 32), number: uint(f[1], `${what}.number`), slot: uint(f[2], `${what}.slot`) };
}

/** The digest a voter signs: keccak(rlp([domain, chainId, source, target])). */
export function voteSigningRoot(chainId: bigint, v: Pick<Vote, "source" | "target">): Uint8Array {
  return keccak(RLP.encode([VOTE_DOMAIN, q(chainId), checkpointRaw(v.source), checkpointRaw(v.target)]));
}

/** Raw RLP list of a vote. */
export function voteRaw(v: Vote): Nested {
  return [checkpointRaw(v.source), checkpointRaw(v.target), v.signature];
}
function voteFrom(v: unknown, what: string): Vote {
  const f = list(v, what, 3);
  return { source: checkpointFrom(f[0], `${what}.source`), target: checkpointFrom(f[1], `${what}.target`), signature: bytes(f[2], `${what}.signature`, SIGNATURE_BYTES) };
}

/** Encodes a vote for gossip. */
export function encodeVote(v: Vote): Uint8Array {
  return RLP.encode(voteRaw(v));
}

/** Decodes a gossiped vote; throws INVALID_VOTE. */
export function decodeVote(data: Uint8Array): Vote {
  try {
    return voteFrom(RLP.decode(data), "vote");
  } catch (err) {
    throw new LuxError("INVALID_VOTE", `malformed vote: ${errorMessage(err)}`, { cause: err });
  }
}

/** The signer address a vote recovers to; throws BAD_SIGNATURE. */
export function voteSigner(chainId: bigint, v: Vote): string {
  return recoverSigner(voteSigningRoot(chainId, v), v.signature);
}

function refRaw(r: SignedBlockRef): Nested {
  return [r.blockHash, r.signature];
}
function refFrom(v: unknown, what: string): SignedBlockRef {
  const f = list(v, what, 2);
  return { blockHash: bytes(f[0], `${what}.blockHash`, 32), signature: bytes(f[1], `${what}.signature`, SIGNATURE_BYTES) };
}

/** Raw RLP list of evidence. */
export function evidenceRaw(e: Evidence): Nested {
  return e.kind === "double-proposal"
    ? [q(BigInt(KIND_DOUBLE_PROPOSAL)), q(e.slot), refRaw(e.a), refRaw(e.b)]
    : [q(BigInt(KIND_DOUBLE_VOTE)), voteRaw(e.a), voteRaw(e.b)];
}
function evidenceFrom(v: unknown, what: string): Evidence {
  const f = list(v, what);
  const kind = Number(uint(f[0], `${what}.kind`));
  if (kind === KIND_DOUBLE_PROPOSAL && f.length === 4) return { kind: "double-proposal", slot: uint(f[1], `${what}.slot`), a: refFrom(f[2], `${what}.a`), b: refFrom(f[3], `${what}.b`) };
  if (kind === KIND_DOUBLE_VOTE && f.length === 3) return { kind: "double-vote", a: voteFrom(f[1], `${what}.a`), b: voteFrom(f[2], `${what}.b`) };
  throw new Error(`${what}: unknown evidence kind ${kind} with ${f.length} fields`);
}

/** Encodes evidence for gossip. */
export function encodeEvidence(e: Evidence): Uint8Array {
  return RLP.encode(evidenceRaw(e));
}

/** Decodes gossiped evidence; throws INVALID_EVIDENCE. */
export function decodeEvidence(data: Uint8Array): Evidence {
  try {
    return evidenceFrom(RLP.decode(data), "evidence");
  } catch (err) {
    throw new LuxError("INVALID_EVIDENCE", `malformed evidence: ${errorMessage(err)}`, { cause: err });
  }
}

/** Identity of evidence (dedup key): keccak of its encoding with the two halves in canonical order. */
export function evidenceId(chainId: bigint, e: Evidence): Uint8Array {
  void chainId;
  const [a, b] = e.kind === "double-proposal" ? [refRaw(e.a), refRaw(e.b)] : [voteRaw(e.a), voteRaw(e.b)];
  const ea = RLP.encode(a);
  const eb = RLP.encode(b);
  const ordered = Buffer.compare(Buffer.from(ea), Buffer.from(eb)) <= 0 ? [ea, eb] : [eb, ea];
  return keccak(RLP.encode([q(BigInt(e.kind === "double-proposal" ? KIND_DOUBLE_PROPOSAL : KIND_DOUBLE_VOTE)), ...ordered]));
}

/** True when two votes by one signer break an FFG rule: double vote (same target height) or surround. */
export function votesConflict(a: Vote, b: Vote): boolean {
  const sameTarget = equalsBytes(a.target.hash, b.target.hash) && a.target.number === b.target.number;
  if (a.target.number === b.target.number) return !sameTarget || !equalsBytes(a.source.hash, b.source.hash) || a.source.number !== b.source.number;
  const surrounds = (x: Vote, y: Vote): boolean => x.source.number < y.source.number && y.target.number < x.target.number;
  return surrounds(a, b) || surrounds(b, a);
}

/**
 * Checks evidence with signatures alone and returns the offending signer address; throws
 * INVALID_EVIDENCE when the two halves do not prove a fault by one signer.
 */
export function verifyEvidence(chainId: bigint, e: Evidence): string {
  let sa: string;
  let sb: string;
  if (e.kind === "double-proposal") {
    if (equalsBytes(e.a.blockHash, e.b.blockHash)) throw new LuxError("INVALID_EVIDENCE", "double proposal names the same block twice");
    sa = recoverSigner(signingRoot(chainId, e.a.blockHash, e.slot), e.a.signature);
    sb = recoverSigner(signingRoot(chainId, e.b.blockHash, e.slot), e.b.signature);
  } else {
    if (!votesConflict(e.a, e.b)) throw new LuxError("INVALID_EVIDENCE", "the two votes do not conflict (neither a double vote nor a surround vote)");
    sa = voteSigner(chainId, e.a);
    sb = voteSigner(chainId, e.b);
  }
  if (sa.toLowerCase() !== sb.toLowerCase()) throw new LuxError("INVALID_EVIDENCE", `the two halves are signed by different keys (${sa}, ${sb})`);
  return sa;
}
