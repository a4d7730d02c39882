import type { Block } from "@ethereumjs/block";
import { concatBytes, createAddressFromString, hexToBytes, utf8ToBytes } from "@ethereumjs/util";
import { keccak } from "../execution/crypto";
import type { VM } from "@ethereumjs/vm";
import { Interface, encodeBytes32String } from "ethers";
import type { ChainConfig } from "../config/types";
import type { Evidence } from "../consensus/types";
import { errorMessage } from "../errors";
import type { StoredLog, StoredReceipt } from "../storage/types";
import type { Logger } from "./types";

/** A verified piece of evidence and the validator it convicts. */
export interface Conviction {
  /** The evidence. */
  evidence: Evidence;
  /** Validator (operator) address to slash and jail. */
  validator: string;
  /**
   * Height of the offence: the lower target of two conflicting votes; for a double proposal (whose
   * height is not signed) the including block's height minus the slots since — never above the truth,
   * so the slash reaches at least all stake bonded then.
   */
  height: bigint;
}

/** Share of the bonded stake slashed for a double proposal or a double/surround vote: 5% (WAD). */
export const EQUIVOCATION_SLASH_FRACTION = 5n * 10n ** 16n;
/** Gas given to each system call (not counted in the block). */
const SYSTEM_CALL_GAS = 30_000_000n;

const STAKING = new Interface([
  "function jail(address validator)",
  "function slashAndJail(address validator, uint256 fraction, uint256 infractionEpoch, bytes32 reason)",
  "function clock() view returns (address)",
]);
const CLOCK = new Interface([
  "function currentEpoch() view returns (uint256)",
  "function epochLength() view returns (uint256)",
  "function epochStartBlock(uint256 epoch) view returns (uint256)",
]);

/** What the end-of-block system calls did: each call, and the logs of those that succeeded, in order. */
export interface SystemCallOutcome {
  /** Each call. */
  calls: SystemCallResult[];
  /** Logs of the successful calls. */
  logs: StoredLog[];
}

/** What a system call did, for logs and tests. */
export interface SystemCallResult {
  /** Called function. */
  fn: "slashAndJail" | "jail";
  /** Validator. */
  validator: string;
  /** True when it did not revert. */
  ok: boolean;
  /** Revert or exception message. */
  error?: string;
}

async function call(vm: VM, block: Block, config: ChainConfig, to: string, data: string): Promise<{ error?: string; ret: Uint8Array; logs: StoredLog[] }> {
  const res = await vm.evm.runCall({
    caller: createAddressFromString(config.systemAddress),
    to: createAddressFromString(to),
    data: hexToBytes(data as `0x${string}`),
    gasLimit: SYSTEM_CALL_GAS,
    gasPrice: 0n,
    skipBalance: true,
    block,
  });
  const error = res.execResult.exceptionError ? `${res.execResult.exceptionError.error}` : undefined;
  // A reverted call's logs were reverted with its state.
  const logs = error ? [] : (res.execResult.logs ?? []).map(([address, topics, data]) => ({ address, topics, data }));
  return { error, ret: res.execResult.returnValue, logs };
}

/** The staking contract's epoch of block `height`, from its block-number clock (current epoch if unreadable). */
async function epochOfHeight(vm: VM, block: Block, config: ChainConfig, height: bigint): Promise<bigint | undefined> {
  try {
    const clock = await call(vm, block, config, config.stakingContract, STAKING.encodeFunctionData("clock"));
    if (clock.error) return undefined;
    const at = STAKING.decodeFunctionResult("clock", clock.ret)[0] as string;
    const read = async (fn: "currentEpoch" | "epochLength" | "epochStartBlock", args: unknown[] = []): Promise<bigint> => {
      const r = await call(vm, block, config, at, CLOCK.encodeFunctionData(fn, args));
      if (r.error) throw new Error(r.error);
      return CLOCK.decodeFunctionResult(fn, r.ret)[0] as bigint;
    };
    const current = await read("currentEpoch");
    const start = await read("epochStartBlock", [current]);
    if (height >= start) return current;
    const length = await read("epochLength");
    const back = 1n + (start - 1n - height) / length;
    return back > current ? 0n : current - back;
  } catch {
    return undefined;
  }
}

/**
 * End-of-block system calls, like the EIP-4788/7002 ones: from the chain's fixed system address (which
 * holds SLASHER_ROLE on the StakingManager; nobody has its key), outside the block's gas and receipts.
 * For each conviction: `slashAndJail(validator, 5%, infractionEpoch, "double-sign" | "double-vote")`
 * (the contract also cuts stake that started unbonding after the offence, and removes the jailed
 * validator from the active set from the next epoch). The infraction epoch is the staking clock's
 * epoch of the offence's height. A reverting call
 * (no role, unknown validator, no contract yet) changes nothing; every node runs the same calls on the
 * same state, so the outcome is part of consensus through the state root.
 */
export async function runSystemCalls(vm: VM, block: Block, config: ChainConfig, convicted: Conviction[], log: Logger, jails: string[] = []): Promise<SystemCallOutcome> {
  const out: SystemCallResult[] = [];
  const logs: StoredLog[] = [];
  const code = await vm.stateManager.getCode(createAddressFromString(config.stakingContract));
  if (code.length === 0) {
    log.warn(`block ${block.header.number}: ${convicted.length} conviction(s), ${jails.length} liveness fault(s) but no StakingManager code at ${config.stakingContract}; nothing done`);
    return { calls: out, logs };
  }
  // Liveness: jail only (no slash); a validator already jailed (or not registered) makes the call revert.
  for (const v of jails) {
    let error: string | undefined;
    try {
      const r = await call(vm, block, config, config.stakingContract, STAKING.encodeFunctionData("jail", [v]));
      error = r.error;
      logs.push(...r.logs);
    } catch (err) {
      error = errorMessage(err);
    }
    out.push({ fn: "jail", validator: v, ok: error === undefined, error });
    if (error) log.warn(`block ${block.header.number}: system call jail(${v}) for missed slots reverted: ${error}`);
    else log.info(`block ${block.header.number}: system call jail(${v}) for missing most of its slots`);
  }
  for (const c of convicted) {
    const reason = encodeBytes32String(c.evidence.kind === "double-proposal" ? "double-sign" : "double-vote");
    const epoch = (await epochOfHeight(vm, block, config, c.height)) ?? 0n;
    let error: string | undefined;
    try {
      const r = await call(vm, block, config, config.stakingContract, STAKING.encodeFunctionData("slashAndJail", [c.validator, EQUIVOCATION_SLASH_FRACTION, epoch, reason]));
      error = r.error;
      logs.push(...r.logs);
    } catch (err) {
      error = errorMessage(err);
    }
    out.push({ fn: "slashAndJail", validator: c.validator, ok: error === undefined, error });
    if (error) log.warn(`block ${block.header.number}: system call slashAndJail(${c.validator}) reverted: ${error}`);
    else log.info(`block ${block.header.number}: system call slashAndJail(${c.validator}, 5%, epoch ${epoch}) for ${c.evidence.kind}`);
  }
  return { calls: out, logs };
}

/** Domain of a system receipt's hash (no transaction hash can collide: it is not an RLP transaction). */
const SYSTEM_RECEIPT_DOMAIN = utf8ToBytes("luxtensor-system-receipt");

/** The pseudo transaction hash of block `blockHash`'s system receipt. */
export function systemReceiptHash(blockHash: Uint8Array): Uint8Array {
  return keccak(concatBytes(SYSTEM_RECEIPT_DOMAIN, blockHash));
}

/**
 * The block's receipts as stored and served: the transactions' receipts, then — when the end-of-block
 * system calls emitted logs — one system receipt carrying them (as Polygon's Bor does for its state-sync
 * system calls). It is not in the header's receipts root or bloom (the calls are outside the block's
 * transactions, like EIP-4788's), so nothing of consensus changes; every node derives the same one from
 * the same execution. Its hash is `systemReceiptHash(blockHash)`, from the system address to the
 * StakingManager, gas 0, so `eth_getLogs`, filters, `logs` subscriptions and `eth_getTransactionReceipt`
 * show the `Slashed`/`ValidatorJailed` events (and the pools' token transfers) of a slash.
 */
export function withSystemReceipt(receipts: StoredReceipt[], systemLogs: StoredLog[], blockHash: Uint8Array, gasUsed: bigint, config: ChainConfig): StoredReceipt[] {
  if (systemLogs.length === 0) return receipts;
  const system: StoredReceipt = {
    txHash: systemReceiptHash(blockHash),
    type: 0,
    status: 1,
    cumulativeGasUsed: gasUsed,
    gasUsed: 0n,
    effectiveGasPrice: 0n,
    from: hexToBytes(config.systemAddress as `0x${string}`),
    to: hexToBytes(config.stakingContract as `0x${string}`),
    logs: systemLogs,
  };
  return [...receipts, system];
}
