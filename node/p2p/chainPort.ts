/**
 * `ChainPort` over today's `Chain`: classifies an envelope (known, stale branch, unknown parent) before
 * handing it to `Chain.importBlock`, which verifies schedule, slot, time and signature and re-executes it.
 */
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import type { Chain } from "../chain/chain";
import { decodeEnvelope, encodeEnvelope } from "../consensus/envelope";
import { LuxError, errorMessage } from "../errors";
import { consensusParams, type PeerStatus } from "./messages";
import type { ChainPort, ImportOutcome } from "./types";

/** Builds the port. */
export function chainPort(chain: Chain): ChainPort {
  const known = async (n: bigint, hash: Uint8Array): Promise<ImportOutcome> => {
    const canonical = await chain.store.getCanonicalHash(n);
    return canonical && equalsBytes(canonical, hash) && n <= chain.head.block.header.number
      ? { status: "known" }
      : { status: "stale", reason: `block ${n} ${bytesToHex(hash).slice(0, 18)}… is not on our chain` };
  };
  return {
    status(): PeerStatus {
      const head = chain.head;
      return {
        chainId: chain.config.chainId,
        genesisHash: chain.genesisHash,
        headNumber: head.block.header.number,
        headHash: head.hash,
        headSlot: head.slot,
        finalizedNumber: 0n,
        finalizedHash: chain.genesisHash,
        params: consensusParams(chain.config),
      };
    },

    hasBlock: async (hash: Uint8Array) => (await chain.store.getHeader(hash)) !== undefined,

    async importEnvelope(data: Uint8Array): Promise<ImportOutcome> {
      let env;
      try {
        env = decodeEnvelope(data, chain.common);
      } catch (err) {
        return { status: "invalid", reason: errorMessage(err) };
      }
      const h = env.block.header;
      const hash = env.block.hash();
      const head = chain.head;
      if (h.number === 0n) return known(0n, hash);
      if (h.number <= head.block.header.number) return known(h.number, hash);
      if (h.number > head.block.header.number + 1n) return { status: "future", reason: `block ${h.number} is ahead of head ${head.block.header.number}` };
      if (!equalsBytes(h.parentHash, head.hash)) {
        const parentKnown = (await chain.store.getHeader(h.parentHash)) !== undefined;
        return parentKnown
          ? { status: "stale", reason: `block ${h.number} builds on a branch we do not follow` }
          : { status: "future", reason: `parent of block ${h.number} is unknown` };
      }
      try {
        await chain.importBlock(env);
        return { status: "imported" };
      } catch (err) {
        const reason = err instanceof LuxError ? `${err.code}: ${err.message}` : errorMessage(err);
        // The head moved while this block waited for the import lock (the same block arrived twice).
        if (err instanceof LuxError && err.code === "UNKNOWN_PARENT") return known(h.number, hash);
        // A block from the future may be honest with a skewed clock: drop it without penalty.
        if (err instanceof LuxError && err.code === "BAD_SLOT" && /future/.test(err.message)) return { status: "future", reason };
        if (err instanceof LuxError && err.code === "STORAGE_CORRUPT") return { status: "stale", reason };
        return { status: "invalid", reason };
      }
    },

    async envelopesByRange(start: bigint, count: number): Promise<Uint8Array[]> {
      const out: Uint8Array[] = [];
      const head = chain.head.block.header.number;
      for (let n = start; n < start + BigInt(count) && n <= head; n++) {
        const env = await chain.getEnvelopeByNumber(n);
        if (!env) break;
        out.push(env);
      }
      return out;
    },
  };
}

/** The serialized envelope of a block the chain holds in memory. */
export function envelopeBytes(rec: Parameters<typeof encodeEnvelope>[0]): Uint8Array {
  return encodeEnvelope({ block: rec.block, slot: rec.slot, signature: rec.signature, reveal: rec.reveal, votes: rec.votes, evidence: rec.evidence });
}
