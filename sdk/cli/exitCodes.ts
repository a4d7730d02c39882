/** Exit codes of mtcli: scripts branch on these, so each failure class keeps its number. */
import { isClientError, type ClientErrorCode } from "../client/errors";
import { isModernTensorError } from "../errors";

export const EXIT_OK = 0;
/** Anything not classified below. */
export const EXIT_FAILURE = 1;
/** Bad usage: unknown command, bad address, bad amount, malformed argument. */
export const EXIT_USAGE = 2;
/** A transaction is needed but no key was given. */
export const EXIT_MISSING_KEY = 3;
/** Not enough MDT (or LUX for gas). */
export const EXIT_INSUFFICIENT_BALANCE = 4;
/** A contract call reverted (the message names the custom error). */
export const EXIT_REVERT = 5;
/** The node could not be reached, timed out, or has no deployment. */
export const EXIT_NETWORK = 6;
/** Nothing to claim, or no stored tree for the epoch. */
export const EXIT_NOTHING_TO_DO = 7;
/** The runner found the chain disagreeing with the SDK or with its stored trees. */
export const EXIT_CHAIN_INCONSISTENT = 8;

const BY_CODE: Partial<Record<ClientErrorCode, number>> = {
  INVALID_AMOUNT: EXIT_USAGE,
  INVALID_ARGUMENT: EXIT_USAGE,
  MISSING_SIGNER: EXIT_MISSING_KEY,
  INSUFFICIENT_BALANCE: EXIT_INSUFFICIENT_BALANCE,
  CONTRACT_REVERT: EXIT_REVERT,
  TX_FAILED: EXIT_REVERT,
  RPC_ERROR: EXIT_NETWORK,
  RPC_TIMEOUT: EXIT_NETWORK,
  DEPLOYMENT_NOT_FOUND: EXIT_NETWORK,
  NOTHING_TO_CLAIM: EXIT_NOTHING_TO_DO,
  TREE_NOT_FOUND: EXIT_NOTHING_TO_DO,
  COMMIT_NOT_FOUND: EXIT_NOTHING_TO_DO,
  CHAIN_MISMATCH: EXIT_CHAIN_INCONSISTENT,
  ROOT_MISMATCH: EXIT_CHAIN_INCONSISTENT,
  VERIFY_FAILED: EXIT_CHAIN_INCONSISTENT,
};

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (isClientError(error)) return BY_CODE[error.code] ?? EXIT_FAILURE;
  if (isModernTensorError(error, "INVALID_ADDRESS")) return EXIT_USAGE;
  return EXIT_FAILURE;
}
