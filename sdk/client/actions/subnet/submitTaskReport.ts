/** Reports the task volume and average difficulty the caller (an active validator) saw this epoch. */
import { requireSigner, write } from "../../call";
import { clientError } from "../../errors";
import { requireNonNegative } from "../../validate";
import { WAD } from "../../../tokenomics/constants";
import type { Client, TxResult } from "../../types";

/** Parameters of {@link submitTaskReport}. */
export interface SubmitTaskReportParameters {
  /** Tasks observed. */
  taskCount: bigint;
  /** Average difficulty, WAD-scaled in [0, 1e18]. */
  difficulty: bigint;
}

/** Result of {@link submitTaskReport}. */
export type SubmitTaskReportReturnType = TxResult;

/** Submits the epoch's task report (once per validator and epoch). */
export async function submitTaskReport(
  client: Client,
  params: SubmitTaskReportParameters,
): Promise<SubmitTaskReportReturnType> {
  requireSigner(client, "submitTaskReport");
  requireNonNegative("taskCount", params.taskCount);
  if (params.difficulty < 0n || params.difficulty > WAD) {
    throw clientError("INVALID_ARGUMENT", `difficulty must be in [0, 1e18], got ${params.difficulty}`, { difficulty: params.difficulty });
  }
  const { registry } = client.contracts;
  return write(client, "SubnetRegistry.submitTaskReport", () => registry.submitTaskReport(params.taskCount, params.difficulty));
}
