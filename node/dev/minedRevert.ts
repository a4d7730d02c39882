import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import type { Chain } from "../chain/chain";
import { LuxError } from "../errors";
import { revertReason } from "../execution/call";
import { replayTx } from "../execution/replay";

/**
 * Hardhat node's automine answer for a transaction that was mined but reverted: an error carrying the
 * revert data (`data.data`) and the mined transaction's hash (`data.txHash`), so test tools see the
 * revert where the transaction was sent. The revert data is not stored: the transaction is replayed.
 * Undefined when the transaction succeeded or is not mined.
 */
export async function minedRevertError(chain: Chain, txHash: string): Promise<LuxError | undefined> {
  const hash = hexToBytes(txHash as `0x${string}`);
  const loc = await chain.locateTx(hash);
  if (!loc) return undefined;
  const receipts = await chain.getReceipts(loc.blockHash);
  if (receipts?.[loc.index]?.status !== 0) return undefined;
  const rec = await chain.getBlockByHash(loc.blockHash);
  if (!rec) return undefined;
  const res = await replayTx(chain, rec, loc.index);
  const ex = res.execResult.exceptionError;
  const returned = res.execResult.returnValue;
  const message = ex?.error === "revert" ? revertReason(returned) : `execution failed: ${ex?.error ?? "reverted"}`;
  return new LuxError("EXECUTION_REVERTED", message, { data: { txHash, data: bytesToHex(returned) } });
}
