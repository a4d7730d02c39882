/** How actions talk to the chain: reads with timeout + retry, writes with decoded reverts and receipts. */
import type { ContractTransactionResponse, Signer, TransactionReceipt } from "ethers";
import { clientError, isClientError } from "./errors";
import { toContractError } from "./revert";
import { withRetry, withTimeout } from "./rpc";
import { formatMdt } from "./units";
import type { Client, TxResult } from "./types";

/** A read: retried on transient failures; a revert is decoded (and never retried). */
export async function read<T>(client: Client, label: string, fn: () => Promise<T>): Promise<T> {
  return withRetry(label, client.rpc, async () => {
    try {
      return await fn();
    } catch (error) {
      throw toContractError(error, label);
    }
  });
}

/** The client's signer and address, or MISSING_SIGNER with what to do about it. */
export function requireSigner(client: Client, action: string): { signer: Signer; account: string } {
  if (client.signer === null || client.account === null) {
    throw clientError("MISSING_SIGNER", `${action} sends a transaction and needs a key: pass --key <hex> or set MTCLI_PRIVATE_KEY (SDK: createClient({ privateKey }) or a signer)`, { action });
  }
  return { signer: client.signer, account: client.account };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls for the receipt of `hash` until it is mined or `client.txTimeoutMs` passes. */
export async function waitForReceipt(client: Client, label: string, hash: string): Promise<TransactionReceipt> {
  const deadline = Date.now() + client.txTimeoutMs;
  for (;;) {
    const receipt = await read(client, `receipt of ${label}`, () => client.provider.getTransactionReceipt(hash));
    if (receipt !== null) return receipt;
    if (Date.now() > deadline) {
      throw clientError("TX_FAILED", `${label}: transaction ${hash} was not mined within ${client.txTimeoutMs} ms; check it before resending`, { label, hash });
    }
    await sleep(client.pollIntervalMs);
  }
}

// Only a refused connection proves nothing was broadcast; any other failure of a send may have
// reached the node, and resending could execute twice, so it is reported instead of retried.
function refusedBeforeSending(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String((error.cause as { code?: string } | undefined)?.code ?? "")}` : "";
  return text.includes("ECONNREFUSED");
}

/**
 * Sends a transaction built by `send`, waits for its receipt and checks its status. A revert during
 * gas estimation or execution is thrown as CONTRACT_REVERT naming the custom error. `onSent` runs once
 * the transaction is broadcast, before its receipt (the runner logs the hash there).
 */
export async function write(
  client: Client,
  label: string,
  send: () => Promise<ContractTransactionResponse>,
  onSent?: (hash: string) => void | Promise<void>,
): Promise<TxResult> {
  requireSigner(client, label);
  let response: ContractTransactionResponse | undefined;
  for (let attempt = 0; response === undefined; attempt++) {
    try {
      response = await withTimeout(label, client.rpc.timeoutMs, send);
    } catch (error) {
      const mapped = toContractError(error, label);
      if (isClientError(mapped) || attempt >= client.rpc.retries || !refusedBeforeSending(error)) throw wrapSendError(mapped, label);
      await sleep(client.rpc.baseDelayMs * 2 ** attempt);
    }
  }
  await onSent?.(response.hash);
  const receipt = await waitForReceipt(client, label, response.hash);
  if (receipt.status !== 1) {
    throw clientError("TX_FAILED", `${label}: transaction ${response.hash} was mined but failed`, { label, hash: response.hash });
  }
  return { hash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed };
}

function wrapSendError(error: unknown, label: string): unknown {
  if (isClientError(error)) return error;
  const code = (error as { code?: string }).code;
  if (code === "INSUFFICIENT_FUNDS") {
    return clientError("INSUFFICIENT_BALANCE", `${label}: the account cannot pay for gas (native LUX balance too low)`, { label }, error);
  }
  const message = error instanceof Error ? error.message : String(error);
  return clientError("RPC_ERROR", `${label} failed: ${message}`, { label }, error);
}

/** Throws INSUFFICIENT_BALANCE unless `account` holds at least `amount` MDT. */
export async function requireMdtBalance(client: Client, account: string, amount: bigint, action: string): Promise<void> {
  const balance = await read(client, "MDTToken.balanceOf", () => client.contracts.token.balanceOf(account));
  if (balance < amount) {
    throw clientError("INSUFFICIENT_BALANCE", `${action} needs ${formatMdt(amount)} MDT but ${account} holds ${formatMdt(balance)} MDT`, { account, needed: amount, balance });
  }
}

/** Approves `spender` for `amount` MDT unless the allowance already covers it. */
export async function ensureAllowance(client: Client, spender: string, amount: bigint): Promise<TxResult | null> {
  const { account } = requireSigner(client, "approve");
  const { token } = client.contracts;
  const allowance = await read(client, "MDTToken.allowance", () => token.allowance(account, spender));
  if (allowance >= amount) return null;
  return write(client, "MDTToken.approve", () => token.approve(spender, amount));
}
