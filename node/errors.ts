/**
 * One base error for the node. Every failure carries a typed `code` (so the RPC layer can map it to a
 * JSON-RPC code in one place), an optional payload explaining it, and the underlying error as `cause`.
 */

/** Every error code the node raises. */
export type LuxErrorCode =
  // txpool
  | "NONCE_TOO_LOW"
  | "ALREADY_KNOWN"
  | "REPLACEMENT_UNDERPRICED"
  | "INSUFFICIENT_FUNDS"
  | "INTRINSIC_GAS_TOO_LOW"
  | "FEE_CAP_BELOW_BASE_FEE"
  | "WRONG_CHAIN_ID"
  | "INVALID_SIGNATURE"
  | "OVERSIZED"
  | "GAS_LIMIT_EXCEEDED"
  | "TXPOOL_FULL"
  | "SENDER_LIMIT"
  | "INVALID_TRANSACTION"
  | "TIP_ABOVE_FEE_CAP"
  // execution
  | "EXECUTION_REVERTED"
  | "EXECUTION_FAILED"
  | "EXECUTION_TIMEOUT"
  // eth_simulateV1: a simulated transaction or block the rules refuse (geth's -380xx codes)
  | "SIM_NONCE_TOO_LOW"
  | "SIM_NONCE_TOO_HIGH"
  | "SIM_BASE_FEE_TOO_LOW"
  | "SIM_INTRINSIC_GAS"
  | "SIM_INSUFFICIENT_FUNDS"
  | "SIM_BLOCK_GAS_LIMIT"
  | "SIM_BLOCK_NUMBER_ORDER"
  | "SIM_BLOCK_TIMESTAMP_ORDER"
  | "SIM_INIT_CODE_TOO_LARGE"
  | "SIM_CLIENT_LIMIT"
  // consensus / import
  | "INVALID_BLOCK"
  | "UNKNOWN_PARENT"
  | "WRONG_PROPOSER"
  | "BAD_SIGNATURE"
  | "BAD_SLOT"
  | "FUTURE_SLOT"
  | "BAD_TIMESTAMP"
  | "ALREADY_IMPORTED"
  | "INVALID_VOTE"
  | "INVALID_EVIDENCE"
  | "FINALITY_CONFLICT"
  | "IMPORT_DISABLED"
  // rpc input
  | "INVALID_PARAMS"
  | "METHOD_NOT_FOUND"
  | "INVALID_REQUEST"
  | "PARSE_ERROR"
  | "LIMIT_EXCEEDED"
  | "RESOURCE_NOT_FOUND"
  | "TIMEOUT"
  | "CANCELLED"
  | "RESPONSE_TOO_LARGE"
  | "UNPROTECTED_TX"
  | "TX_SYNC_TIMEOUT"
  // storage
  | "STORAGE_CORRUPT"
  | "STORAGE_LOCKED"
  // peer-to-peer
  | "INVALID_MESSAGE"
  | "PEER_ERROR"
  | "PEER_INCOMPATIBLE"
  | "P2P_CONFIG";

/** The node's base error: a short message, a typed code, optional data, the original error as cause. */
export class LuxError extends Error {
  override readonly name = "LuxError";
  readonly code: LuxErrorCode;
  /** Extra values explaining the failure (e.g. the revert data or the expected and got values). */
  readonly data?: unknown;

  constructor(code: LuxErrorCode, message: string, opts: { data?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.data = opts.data;
  }
}

/** A short string of any thrown value, for logs and wrapped errors. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
