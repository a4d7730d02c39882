/**
 * Turns a failed contract call into a ClientError that names the contract's custom error and its
 * arguments (`CONTRACT_REVERT`, e.g. "StakingManager.stake reverted: InsufficientStake(0xab…, 0, 5)").
 * The revert data is found wherever the provider put it, then parsed with the TypeChain interfaces of
 * every suite contract (an error can bubble up from a callee, e.g. the token inside a transferFrom).
 */
import { Interface, type ErrorDescription, type Result } from "ethers";
import {
  BurnPool__factory,
  DAOTreasury__factory,
  EmissionController__factory,
  EpochClock__factory,
  MDTGovernor__factory,
  MDTToken__factory,
  RecyclingPool__factory,
  RewardDistributor__factory,
  StakingManager__factory,
  SubnetRegistry__factory,
} from "./factories";
import { ClientError, clientError, isClientError } from "./errors";

/** The interfaces whose errors the SDK can name. */
const INTERFACES: readonly Interface[] = [
  StakingManager__factory.createInterface(),
  SubnetRegistry__factory.createInterface(),
  RewardDistributor__factory.createInterface(),
  EmissionController__factory.createInterface(),
  MDTToken__factory.createInterface(),
  EpochClock__factory.createInterface(),
  BurnPool__factory.createInterface(),
  RecyclingPool__factory.createInterface(),
  DAOTreasury__factory.createInterface(),
  MDTGovernor__factory.createInterface(),
];

const MAX_DEPTH = 6;
// 4-byte selector at least: "0x" + 8 hex digits.
const REVERT_DATA = /^0x[0-9a-fA-F]{8,}$/;

/** A decoded revert: the error's name and its arguments (bigints kept). */
export interface DecodedRevert {
  /** Custom error name, e.g. "InsufficientStake"; "Error" for a revert string, "Panic" for a panic. */
  name: string;
  /** Arguments in declaration order. */
  args: unknown[];
  /** The raw revert data. */
  data: string;
}

/** Finds revert data in an error from ethers, hardhat or a JSON-RPC node. */
export function findRevertData(error: unknown, depth = 0): string | undefined {
  if (depth > MAX_DEPTH || typeof error !== "object" || error === null) return undefined;
  const e = error as Record<string, unknown>;
  for (const key of ["data", "revert"]) {
    const value = e[key];
    if (typeof value === "string" && REVERT_DATA.test(value)) return value;
  }
  for (const key of ["data", "error", "info", "cause", "payload"]) {
    const found = findRevertData(e[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function plainArgs(args: Result): unknown[] {
  return args.toArray().map((value: unknown) => (value instanceof Array ? [...value] : value));
}

/** Decodes revert data with the suite's interfaces, or undefined if no interface knows the selector. */
export function decodeRevertData(data: string): DecodedRevert | undefined {
  for (const iface of INTERFACES) {
    let parsed: ErrorDescription | null = null;
    try {
      parsed = iface.parseError(data);
    } catch {
      parsed = null; // known selector, malformed arguments: try the next interface
    }
    if (parsed !== null) return { name: parsed.name, args: plainArgs(parsed.args), data };
  }
  return undefined;
}

function formatArg(value: unknown): string {
  return typeof value === "string" || typeof value === "bigint" || typeof value === "number" ? String(value) : JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** A human signature of a decoded revert: `InsufficientStake(0xab…, 0, 5)`. */
export function formatRevert(revert: DecodedRevert): string {
  if (revert.name === "Error" && typeof revert.args[0] === "string") return `Error("${revert.args[0]}")`;
  return `${revert.name}(${revert.args.map(formatArg).join(", ")})`;
}

/**
 * Wraps a failed call: a revert becomes CONTRACT_REVERT naming the custom error; anything already a
 * ClientError passes through; other failures are returned unchanged (the caller decides).
 */
export function toContractError(error: unknown, label: string): unknown {
  if (isClientError(error)) return error;
  const data = findRevertData(error);
  if (data === undefined) return error;
  const decoded = decodeRevertData(data);
  if (decoded === undefined) {
    return clientError("CONTRACT_REVERT", `${label} reverted with unknown error data ${data.slice(0, 10)}`, { label, error: "unknown", args: [], data }, error);
  }
  return new ClientError("CONTRACT_REVERT", `${label} reverted: ${formatRevert(decoded)}`, {
    details: { label, error: decoded.name, args: decoded.args, data },
    cause: error,
  });
}
