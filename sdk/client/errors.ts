/**
 * Errors of the client, the epoch runner and the CLI: the SDK's one error type (`ModernTensorError`)
 * narrowed to the {@link ClientErrorCode}s, so `instanceof ModernTensorError` holds for them too.
 */
import {
  ModernTensorError,
  type ClientErrorCode,
  type ModernTensorErrorDetails,
  type ModernTensorErrorOptions,
} from "../errors";

export type { ClientErrorCode };

/** Options of {@link ClientError}. */
export type ClientErrorOptions = ModernTensorErrorOptions;

/** Every failure of the client, runner and CLI; a `ModernTensorError` with a {@link ClientErrorCode}. */
export class ClientError extends ModernTensorError<ClientErrorCode> {
  constructor(code: ClientErrorCode, message: string, options: ClientErrorOptions = {}) {
    super(code, message, options);
  }
}

/** True when `error` is a {@link ClientError}, optionally with the given code. */
export function isClientError(error: unknown, code?: ClientErrorCode): error is ClientError {
  return error instanceof ClientError && (code === undefined || error.code === code);
}

/** Shorthand for a {@link ClientError} with details. */
export function clientError(
  code: ClientErrorCode,
  message: string,
  details?: ModernTensorErrorDetails,
  cause?: unknown,
): ClientError {
  return new ClientError(code, message, { details, cause });
}
