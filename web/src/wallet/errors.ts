/** Errors in plain words: wallet rejections, wrong chain, and the contracts' custom errors decoded by the SDK. */
import { formatMdt } from "../../../sdk/client/units";
import { isClientError } from "../../../sdk/client/errors";

const PLAIN: Record<string, (args: readonly unknown[]) => string> = {
  InsufficientStake: (a) => `You have ${fmt(a[1])} MDT staked with this validator and asked to take out ${fmt(a[2])} MDT.`,
  StakeTooSmall: (a) => `The amount ${fmt(a[0])} MDT is below the smallest stake the contract accepts.`,
  NotRegistered: () => "That address is not a registered validator.",
  AlreadyClaimed: (a) => `The reward of epoch ${String(a[0])} was already claimed.`,
  InvalidProof: (a) => `The proof for epoch ${String(a[0])} does not match the on-chain root (wrong amount or tree).`,
  ClaimWindowClosed: (a) => `The claim window of epoch ${String(a[0])} closed after epoch ${String(a[1])}; the reward was recycled.`,
  EpochNotDistributed: (a) => `Epoch ${String(a[0])} has not been distributed yet.`,
  ValidatorJailedUntil: (a) => `The validator is jailed until epoch ${String(a[1])}.`,
  NothingToWithdraw: () => "Nothing has finished unbonding yet.",
  ERC20InsufficientBalance: (a) => `Your MDT balance is ${fmt(a[1])} MDT but ${fmt(a[2])} MDT are needed.`,
  ZeroAmount: () => "The amount must be more than zero.",
};

function fmt(v: unknown): string {
  return typeof v === "bigint" ? formatMdt(v) : String(v);
}

/** True when the user said no in the wallet (EIP-1193 4001, ethers ACTION_REJECTED), however deeply the SDK wrapped it. */
function rejectedByUser(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { code?: unknown; info?: { error?: { code?: unknown } } };
    if (x.code === 4001 || x.code === "ACTION_REJECTED" || x.info?.error?.code === 4001) return true;
  }
  return false;
}

/** A sentence for the user, and the technical detail (the decoded error) under it. */
export function explainError(err: unknown): string {
  if (rejectedByUser(err)) return "You rejected the request in your wallet. Nothing was sent.";
  if (isClientError(err)) {
    const details = err.details as { error?: string; args?: readonly unknown[] } | undefined;
    if (err.code === "CONTRACT_REVERT" && details?.error) {
      const plain = PLAIN[details.error]?.(details.args ?? []) ?? "The contract refused the transaction.";
      return `${plain}\n${err.message}`;
    }
    return `${err.message} (${err.code})`;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith("WRONG_CHAIN")) return `Your wallet is on another chain than this dashboard. ${message.slice("WRONG_CHAIN: ".length)}`;
  return message;
}
