/**
 * `ChainPort` over the consensus seam (`ConsensusNetwork`): blocks on any branch above the final block
 * (fork choice decides the head), votes and evidence checked by the vote service, status with the real
 * finalized block.
 */
import { hexToBytes } from "@ethereumjs/util";
import type { Chain } from "../chain/chain";
import type { ConsensusNetwork, ImportOutcome as ConsensusOutcome } from "../chain/types";
import { consensusParams, type PeerStatus } from "./messages";
import type { ChainPort, ImportOutcome } from "./types";

/** Maps the consensus outcome to the transport's (an unknown parent means: sync from that peer). */
function toPort(o: ConsensusOutcome): ImportOutcome {
  const reason = o.reason === undefined ? undefined : `${o.code ?? ""}: ${o.reason}`;
  if (o.status === "unknown-parent") return { status: "future", reason };
  if (o.status === "invalid" && o.code === "FINALITY_CONFLICT") return { status: "stale", reason };
  return { status: o.status, reason };
}

/** Builds the port. */
export function consensusPort(chain: Chain, network: ConsensusNetwork): ChainPort {
  return {
    status(): PeerStatus {
      const s = network.status();
      return {
        chainId: chain.config.chainId,
        genesisHash: chain.genesisHash,
        headNumber: s.head.number,
        headHash: hexToBytes(s.head.hash as `0x${string}`),
        headSlot: s.head.slot,
        finalizedNumber: s.finalized.number,
        finalizedHash: hexToBytes(s.finalized.hash as `0x${string}`),
        params: consensusParams(chain.config),
      };
    },
    importEnvelope: async (data) => toPort(await network.importEnvelope(data)),
    envelopesByRange: (start, count) => network.getBlocksByRange(start, count),
    importVote: async (data) => toPort(await network.importVote(data)),
    importEvidence: async (data) => toPort(await network.importEvidence(data)),
  };
}
