/** Claims one epoch's reward with the proof from the runner's data directory. */
import { getRewardProof } from "../../../rewards";
import { isModernTensorError } from "../../../errors";
import { read, requireSigner, write } from "../../call";
import { clientError } from "../../errors";
import { clientDataDir, requireTree } from "../../rewardStore";
import { resolveAccount } from "./getClaimable";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link claim}. */
export interface ClaimParameters {
  /** The epoch to claim. */
  epoch: bigint;
  /** Whose reward (anyone may submit a claim; the reward goes to the account). Default: the caller. */
  account?: string;
}

/** Result of {@link claim}. */
export interface ClaimReturnType extends TxResult {
  epoch: bigint;
  account: string;
  amount: bigint;
}

/** Claims `account`'s reward of `epoch`. */
export async function claim(client: Client, params: ClaimParameters): Promise<ClaimReturnType> {
  requireSigner(client, "claim");
  const account = resolveAccount(client, params.account);
  const { distributor } = client.contracts;
  const record = await read(client, "RewardDistributor.epochReward", () => distributor.epochReward(params.epoch));
  if (!record.distributed) {
    throw clientError("NOTHING_TO_CLAIM", `epoch ${params.epoch} has not been accepted yet (validators holding > 2/3 of its stake must attest it: "mtcli epoch run")`, { epoch: params.epoch });
  }
  const tree = requireTree(clientDataDir(client), params.epoch, record.root);
  let proof;
  try {
    proof = getRewardProof(tree, account);
  } catch (error) {
    if (!isModernTensorError(error, "ACCOUNT_NOT_IN_TREE")) throw error;
    throw clientError("NOTHING_TO_CLAIM", `${account} has no reward in epoch ${params.epoch}`, { epoch: params.epoch, account }, error);
  }
  const tx = await write(client, "RewardDistributor.claim", () => distributor.claim(params.epoch, proof.index, account, proof.amount, proof.proof));
  return { ...tx, epoch: params.epoch, account, amount: proof.amount };
}
