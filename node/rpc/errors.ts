import { LuxError, type LuxErrorCode } from "../errors";

/** JSON-RPC error codes the node returns (JSON-RPC 2.0 + EIP-1474 + geth's conventions). */
export const RpcCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** geth's generic server error: txpool rejections and failed executions. */
  SERVER_ERROR: -32000,
  RESOURCE_NOT_FOUND: -32001,
  /** geth: the request ran past the server's time-out (or its client went away). */
  TIMEOUT: -32002,
  /** geth: the response (or batch response) exceeds the size limit. */
  RESPONSE_TOO_LARGE: -32003,
  LIMIT_EXCEEDED: -32005,
  /** Execution reverted; `data` carries the revert data. */
  EXECUTION_REVERTED: 3,
  /** eth_simulateV1's per-call EVM failure other than a revert (geth: errCodeVMError). */
  VM_ERROR: -32015,
  /** EIP-7966: a synchronous send's transaction was pooled but not mined in time; `data` is its hash. */
  TX_SYNC_TIMEOUT: 4,
} as const;

/** eth_simulateV1's codes for a request the transaction or block rules refuse (execution-apis, geth). */
const SIMULATE_CODES: Partial<Record<LuxErrorCode, number>> = {
  SIM_NONCE_TOO_LOW: -38010,
  SIM_NONCE_TOO_HIGH: -38011,
  SIM_BASE_FEE_TOO_LOW: -38012,
  SIM_INTRINSIC_GAS: -38013,
  SIM_INSUFFICIENT_FUNDS: -38014,
  SIM_BLOCK_GAS_LIMIT: -38015,
  SIM_BLOCK_NUMBER_ORDER: -38020,
  SIM_BLOCK_TIMESTAMP_ORDER: -38021,
  SIM_INIT_CODE_TOO_LARGE: -38025,
  SIM_CLIENT_LIMIT: -38026,
};

/** A JSON-RPC error object. */
export interface RpcErrorObject {
  /** Numeric code. */
  code: number;
  /** Message. */
  message: string;
  /** Optional data (revert data as 0x-hex). */
  data?: unknown;
}

const CODE_OF: Partial<Record<LuxErrorCode, number>> = {
  EXECUTION_REVERTED: RpcCode.EXECUTION_REVERTED,
  INVALID_PARAMS: RpcCode.INVALID_PARAMS,
  METHOD_NOT_FOUND: RpcCode.METHOD_NOT_FOUND,
  INVALID_REQUEST: RpcCode.INVALID_REQUEST,
  PARSE_ERROR: RpcCode.PARSE_ERROR,
  LIMIT_EXCEEDED: RpcCode.LIMIT_EXCEEDED,
  RESOURCE_NOT_FOUND: RpcCode.RESOURCE_NOT_FOUND,
  TIMEOUT: RpcCode.TIMEOUT,
  CANCELLED: RpcCode.TIMEOUT,
  RESPONSE_TOO_LARGE: RpcCode.RESPONSE_TOO_LARGE,
  TX_SYNC_TIMEOUT: RpcCode.TX_SYNC_TIMEOUT,
  STORAGE_CORRUPT: RpcCode.INTERNAL_ERROR,
  ...SIMULATE_CODES,
};

/**
 * The one place node errors become JSON-RPC errors. Txpool, execution and block-import errors use
 * geth's -32000 with geth's messages (wallets and ethers recognise "nonce too low" and friends);
 * anything unexpected is an internal error and never leaks a stack.
 */
export function toRpcError(err: unknown): RpcErrorObject {
  if (err instanceof LuxError) {
    const code = CODE_OF[err.code] ?? RpcCode.SERVER_ERROR;
    return err.data === undefined ? { code, message: err.message } : { code, message: err.message, data: err.data };
  }
  return { code: RpcCode.INTERNAL_ERROR, message: "internal error" };
}

/** Shorthand for an invalid-params error. */
export function invalidParams(message: string): LuxError {
  return new LuxError("INVALID_PARAMS", message);
}
