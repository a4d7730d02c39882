/**
 * Wire formats of the Luxtensor peer-to-peer protocol: gossip topics, request/response protocol ids,
 * size limits and the RLP codecs of the status and blocks-by-range messages. Every decoder checks
 * shapes and bounds and throws a LuxError("INVALID_MESSAGE") with the reason.
 */
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt, bytesToHex, equalsBytes, hexToBytes } from "@ethereumjs/util";
import { keccak } from "../execution/crypto";
import { LuxError, errorMessage } from "../errors";

/** Gossip topics; the chain id keeps networks of different chains apart. */
export function topics(chainId: bigint): { block: string; tx: string; vote: string; evidence: string } {
  const p = `/luxtensor/${chainId}`;
  return { block: `${p}/block/1`, tx: `${p}/tx/1`, vote: `${p}/vote/1`, evidence: `${p}/evidence/1` };
}

/** Request/response protocol ids. */
export const STATUS_PROTOCOL = "/luxtensor/status/1";
export const BLOCKS_BY_RANGE_PROTOCOL = "/luxtensor/blocks-by-range/1";

/** Largest block envelope accepted (30M gas of zero-byte calldata is ~7.5 MB). */
export const MAX_BLOCK_BYTES = 10 * 1024 * 1024;
/** Largest gossiped transaction (the txpool's own limit is 128 KiB). */
export const MAX_TX_BYTES = 128 * 1024;
/** Largest vote message. */
export const MAX_VOTE_BYTES = 4 * 1024;
/** Largest evidence message (two signed headers or two votes). */
export const MAX_EVIDENCE_BYTES = 64 * 1024;
/** Largest status or range-request frame. */
export const MAX_SMALL_FRAME_BYTES = 1024;
/** Most blocks one range request may ask for. */
export const MAX_RANGE_BLOCKS = 64;

/** What a peer says about its chain. */
export interface PeerStatus {
  chainId: bigint;
  genesisHash: Uint8Array;
  headNumber: bigint;
  headHash: Uint8Array;
  headSlot: bigint;
  finalizedNumber: bigint;
  finalizedHash: Uint8Array;
  /** Consensus parameters the genesis hash does not commit to; peers must agree on them. */
  params: ConsensusParams;
}

/**
 * Chain parameters outside the genesis block that two nodes must share to follow one chain: with a
 * different slot time, epoch length, dev-mode rule or genesis validator set, each would reject the
 * other's blocks (wrong slot, wrong proposer) after the handshake had let it in.
 */
export interface ConsensusParams {
  slotTimeMs: bigint;
  slotsPerEpoch: bigint;
  devMode: boolean;
  /** keccak(RLP([[address, signer, stake], …])) of the genesis validators. */
  validatorsHash: Uint8Array;
}

/** The consensus parameters of a chain config, as peers compare them. */
export function consensusParams(c: {
  slotTimeMs: number; slotsPerEpoch: number; devMode: boolean; genesisValidators: readonly { address: string; signer: string; stake: bigint }[];
}): ConsensusParams {
  const validators = c.genesisValidators.map((v) => [hexToBytes(v.address.toLowerCase() as `0x${string}`), hexToBytes(v.signer.toLowerCase() as `0x${string}`), q(v.stake)]);
  return { slotTimeMs: BigInt(c.slotTimeMs), slotsPerEpoch: BigInt(c.slotsPerEpoch), devMode: c.devMode, validatorsHash: keccak(RLP.encode(validators)) };
}

/** Why a peer's parameters differ from ours (every difference, readable), or undefined when they agree. */
export function paramsMismatch(theirs: ConsensusParams, ours: ConsensusParams): string | undefined {
  const diffs: string[] = [];
  if (theirs.slotTimeMs !== ours.slotTimeMs) diffs.push(`slot time ${theirs.slotTimeMs} ms, ours ${ours.slotTimeMs} ms`);
  if (theirs.slotsPerEpoch !== ours.slotsPerEpoch) diffs.push(`${theirs.slotsPerEpoch} slots per epoch, ours ${ours.slotsPerEpoch}`);
  if (theirs.devMode !== ours.devMode) diffs.push(`dev mode ${theirs.devMode ? "on" : "off"}, ours ${ours.devMode ? "on" : "off"}`);
  if (!equalsBytes(theirs.validatorsHash, ours.validatorsHash)) {
    diffs.push(`genesis validator set ${bytesToHex(theirs.validatorsHash).slice(0, 18)}…, ours ${bytesToHex(ours.validatorsHash).slice(0, 18)}…`);
  }
  return diffs.length > 0 ? diffs.join("; ") : undefined;
}

/** A blocks-by-range request: `count` canonical blocks from `start`. */
export interface RangeRequest {
  start: bigint;
  count: number;
}

const q = bigIntToUnpaddedBytes;

function fail(what: string, reason: string): never {
  throw new LuxError("INVALID_MESSAGE", `malformed ${what}: ${reason}`);
}

function decodeList(data: Uint8Array, what: string, fields: number): Uint8Array[] {
  if (data.length > MAX_SMALL_FRAME_BYTES) fail(what, `${data.length} bytes, limit ${MAX_SMALL_FRAME_BYTES}`);
  let list: unknown;
  try {
    list = RLP.decode(data);
  } catch (err) {
    fail(what, errorMessage(err));
  }
  if (!Array.isArray(list) || list.length !== fields) fail(what, `expected a list of ${fields} fields`);
  for (const f of list) if (!(f instanceof Uint8Array)) fail(what, "nested list where bytes were expected");
  return list as Uint8Array[];
}

// A canonical quantity: at most 8 bytes (block numbers and slots fit in uint64), no leading zero.
function quantity(b: Uint8Array, what: string, field: string): bigint {
  if (b.length > 8) fail(what, `${field} longer than 8 bytes`);
  if (b.length > 0 && b[0] === 0) fail(what, `${field} has a leading zero`);
  return bytesToBigInt(b);
}

function hash32(b: Uint8Array, what: string, field: string): Uint8Array {
  if (b.length !== 32) fail(what, `${field} must be 32 bytes, got ${b.length}`);
  return b;
}

/**
 * RLP([chainId, genesisHash, headNumber, headHash, headSlot, finalizedNumber, finalizedHash,
 * slotTimeMs, slotsPerEpoch, devMode (0 | 1), validatorsHash]).
 */
export function encodeStatus(s: PeerStatus): Uint8Array {
  const p = s.params;
  return RLP.encode([
    q(s.chainId), s.genesisHash, q(s.headNumber), s.headHash, q(s.headSlot), q(s.finalizedNumber), s.finalizedHash,
    q(p.slotTimeMs), q(p.slotsPerEpoch), q(p.devMode ? 1n : 0n), p.validatorsHash,
  ]);
}

const STATUS_FIELDS = 11;

/** Decodes and bounds-checks a status message. */
export function decodeStatus(data: Uint8Array): PeerStatus {
  const w = "status";
  const f = decodeList(data, w, STATUS_FIELDS);
  const devMode = quantity(f[9], w, "devMode");
  if (devMode > 1n) fail(w, `devMode must be 0 or 1, got ${devMode}`);
  const s: PeerStatus = {
    chainId: quantity(f[0], w, "chainId"),
    genesisHash: hash32(f[1], w, "genesisHash"),
    headNumber: quantity(f[2], w, "headNumber"),
    headHash: hash32(f[3], w, "headHash"),
    headSlot: quantity(f[4], w, "headSlot"),
    finalizedNumber: quantity(f[5], w, "finalizedNumber"),
    finalizedHash: hash32(f[6], w, "finalizedHash"),
    params: {
      slotTimeMs: quantity(f[7], w, "slotTimeMs"),
      slotsPerEpoch: quantity(f[8], w, "slotsPerEpoch"),
      devMode: devMode === 1n,
      validatorsHash: hash32(f[10], w, "validatorsHash"),
    },
  };
  if (s.finalizedNumber > s.headNumber) fail(w, `finalized ${s.finalizedNumber} above head ${s.headNumber}`);
  return s;
}

/** RLP([start, count]). */
export function encodeRangeRequest(r: RangeRequest): Uint8Array {
  return RLP.encode([q(r.start), q(BigInt(r.count))]);
}

/** Decodes a range request; count must be 1..MAX_RANGE_BLOCKS. */
export function decodeRangeRequest(data: Uint8Array): RangeRequest {
  const w = "blocks-by-range request";
  const f = decodeList(data, w, 2);
  const start = quantity(f[0], w, "start");
  const count = quantity(f[1], w, "count");
  if (count < 1n || count > BigInt(MAX_RANGE_BLOCKS)) fail(w, `count ${count} outside 1..${MAX_RANGE_BLOCKS}`);
  return { start, count: Number(count) };
}

/** The number of envelopes that follow in a range response. */
export function encodeCount(n: number): Uint8Array {
  return RLP.encode(q(BigInt(n)));
}

/** Decodes a range response's count frame, at most the number asked for. */
export function decodeCount(data: Uint8Array, asked: number): number {
  let v: unknown;
  try {
    v = RLP.decode(data);
  } catch (err) {
    fail("range response", errorMessage(err));
  }
  if (!(v instanceof Uint8Array)) fail("range response", "count must be bytes");
  const n = quantity(v, "range response", "count");
  if (n > BigInt(asked)) fail("range response", `${n} blocks, asked for ${asked}`);
  return Number(n);
}
