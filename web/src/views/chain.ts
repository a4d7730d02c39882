/** Renders the chain pills and stats. */
import { formatUnits } from "ethers";
import type { ChainState } from "../data/chain";
import { setText } from "../dom";

/** Updates the header pills and the Chain section. */
export function renderChain(s: ChainState): void {
  setText("head-number", `#${s.head}`);
  setText("stat-head", `#${s.head}`);
  setText("stat-block-time", s.blockTimeSec === null ? "–" : `${s.blockTimeSec.toFixed(2)} s`);
  setText("stat-finalized", s.finalized === null ? "n/a — this node reports no finality" : `#${s.finalized} (${s.head - s.finalized} behind head)`);
  setText("stat-peers", s.peers === null ? "n/a — this node runs no p2p" : String(s.peers));
  setText("stat-proposer", s.nextProposer ?? "–");
  setText("stat-basefee", s.baseFee === null ? "–" : `${formatUnits(s.baseFee, "gwei")} gwei`);
}
