/**
 * The SDK's one error type. Every failure the SDK raises is a `ModernTensorError` with a typed `code`
 * (so callers branch on the code, never on message text), a short actionable message, an optional
 * `details` payload carrying the values that explain the failure, and the underlying error as `cause`.
 */

/** Every error code the SDK raises. Extend this union (never reuse a code for another meaning). */
export type ModernTensorErrorCode =
  // tokenomics: invalid inputs to the pure math
  | "INVALID_UTILITY"
  | "INVALID_WEIGHTS"
  | "INVALID_POLICY"
  | "INVALID_METRICS"
  | "NEGATIVE_AMOUNT"
  | "EMPTY_SET"
  | "INVALID_EPOCH"
  | "INVALID_FRACTION"
  | "INVALID_ADDRESS"
  | "DUPLICATE_ENTRY"
  | "SUPPLY_EXCEEDS_CAP"
  | "COMMISSION_TOO_HIGH"
  // rewards: Merkle reward trees
  | "INVALID_REWARD_TREE"
  | "ACCOUNT_NOT_IN_TREE"
  // client, epoch runner and CLI
  | ClientErrorCode;

/** Codes raised by the client, the runner and the CLI. */
export type ClientErrorCode =
  /** An RPC call did not answer within its timeout (after every retry). */
  | "RPC_TIMEOUT"
  /** An RPC call failed with a network or server error (after every retry). */
  | "RPC_ERROR"
  /** A contract call reverted; `details.error` names the custom error, `details.args` its arguments. */
  | "CONTRACT_REVERT"
  /** No deployments/<chainId>.json for the connected chain. */
  | "DEPLOYMENT_NOT_FOUND"
  /** An amount is not a valid non-negative MDT amount. */
  | "INVALID_AMOUNT"
  /** An argument (address, epoch, weight) is malformed. */
  | "INVALID_ARGUMENT"
  /** The account holds less MDT than the action needs. */
  | "INSUFFICIENT_BALANCE"
  /** The action sends a transaction but the client has no signer. */
  | "MISSING_SIGNER"
  /** A transaction was mined but failed, or never produced a receipt. */
  | "TX_FAILED"
  /** No claimable reward was found. */
  | "NOTHING_TO_CLAIM"
  /** The reward tree of an epoch is not in the data directory. */
  | "TREE_NOT_FOUND"
  /** No stored weight commitment (salt) for the epoch in the data directory. */
  | "COMMIT_NOT_FOUND"
  /** The SDK's computation disagrees with the contract's view of the same quantity. */
  | "CHAIN_MISMATCH"
  /** An epoch was distributed with a root that no stored tree has. */
  | "ROOT_MISMATCH"
  /** After distributing, the on-chain record does not match what was submitted. */
  | "VERIFY_FAILED"
  /** The runner was stopped by an injected failure hook (tests) or an abort signal. */
  | "RUNNER_ABORTED";

/** Values that explain a failure (amounts stay `bigint`; serialise with a bigint-aware replacer). */
export type ModernTensorErrorDetails = Readonly<Record<string, unknown>>;

/** Options accepted by {@link ModernTensorError}. */
export interface ModernTensorErrorOptions {
  /** Values that explain the failure, e.g. `{ utility: 2n * WAD }`. */
  details?: ModernTensorErrorDetails;
  /** The underlying error, if this one wraps another. */
  cause?: unknown;
}

/** Base class of every error thrown by the ModernTensor SDK. */
export class ModernTensorError<C extends ModernTensorErrorCode = ModernTensorErrorCode> extends Error {
  override readonly name = "ModernTensorError";
  /** Machine-readable reason; stable across releases. */
  readonly code: C;
  /** Values that explain the failure. */
  readonly details?: ModernTensorErrorDetails;

  constructor(code: C, message: string, options: ModernTensorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.details !== undefined) this.details = options.details;
  }
}

/** True when `error` is a {@link ModernTensorError}, optionally with the given code. */
export function isModernTensorError<C extends ModernTensorErrorCode>(
  error: unknown,
  code?: C,
): error is ModernTensorError<C> {
  return error instanceof ModernTensorError && (code === undefined || error.code === code);
}
