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
  // rewards: Merkle reward trees
  | "INVALID_REWARD_TREE"
  | "ACCOUNT_NOT_IN_TREE";

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
