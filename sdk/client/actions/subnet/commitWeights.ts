/**
 * Commit–reveal, step 1: commits to the caller's weights for the current epoch. The vector and a
 * random salt are stored in the data directory first; `revealWeights` (or the epoch runner, by itself)
 * opens the commitment during the next epoch.
 */
import { randomBytes } from "node:crypto";
import { hexlify, isHexString } from "ethers";
import { read, requireSigner, write } from "../../call";
import { saveCommit, weightsCommitment, type StoredCommit } from "../../commitStore";
import { clientError } from "../../errors";
import { clientDataDir } from "../../rewardStore";
import { sortWeights, type MinerWeightInput } from "./submitWeights";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link commitWeights}. */
export interface CommitWeightsParameters {
  /** Weights in any order; sorted as the contract requires. */
  weights: readonly MinerWeightInput[];
  /** 32-byte hex salt; default: 32 random bytes. Never reuse one. */
  salt?: string;
}

/** Result of {@link commitWeights}. */
export interface CommitWeightsReturnType extends TxResult {
  /** The epoch the commitment counts for. */
  epoch: bigint;
  commitment: string;
  /** Where the salt is stored. */
  file: string;
}

// The epoch the next block belongs to: the commitment binds the epoch, so aim at where the tx lands.
async function nextBlockEpoch(client: Client): Promise<bigint> {
  const { clock } = client.contracts;
  const [block, current] = await Promise.all([
    read(client, "eth_blockNumber", () => client.provider.getBlockNumber()),
    read(client, "EpochClock.currentEpoch", () => clock.currentEpoch()),
  ]);
  const nextStart = await read(client, "EpochClock.epochStartBlock", () => clock.epochStartBlock(current + 1n));
  return BigInt(block + 1) >= nextStart ? current + 1n : current;
}

/** Commits (and stores) the caller's weights for the current epoch; a later commit replaces it. */
export async function commitWeights(client: Client, params: CommitWeightsParameters): Promise<CommitWeightsReturnType> {
  const { account } = requireSigner(client, "commitWeights");
  const sorted = sortWeights(params.weights);
  const salt = params.salt ?? hexlify(randomBytes(32));
  if (!isHexString(salt, 32)) throw clientError("INVALID_ARGUMENT", `salt must be 32 bytes of 0x-hex, got "${salt}"`, { salt });
  const { registry, clock } = client.contracts;
  const dir = clientDataDir(client);
  // At most twice: if the epoch turned between reading it and mining, commit again for the new one.
  for (let attempt = 0; ; attempt++) {
    const epoch = await nextBlockEpoch(client);
    const commit: StoredCommit = { epoch, validator: account, ...sorted, salt, commitment: weightsCommitment(account, epoch, sorted.miners, sorted.weights, salt) };
    const file = saveCommit(dir, commit);
    const tx = await write(client, "SubnetRegistry.commitWeights", () => registry.commitWeights(commit.commitment));
    const landed = await read(client, "EpochClock.currentEpoch", () => clock.currentEpoch({ blockTag: tx.blockNumber }));
    if (landed === epoch || attempt >= 1) {
      if (landed !== epoch) throw clientError("TX_FAILED", `commitWeights landed in epoch ${landed}, not ${epoch}, twice; try again`, { epoch, landed });
      return { ...tx, epoch, commitment: commit.commitment, file };
    }
  }
}
