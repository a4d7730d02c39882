import type { Block } from "@ethereumjs/block";
import { createAddressFromString, hexToBytes } from "@ethereumjs/util";
import type { VM } from "@ethereumjs/vm";
import { Interface, encodeBytes32String } from "ethers";
import type { ChainConfig } from "../config/types";
import type { Evidence } from "../consensus/types";
import { errorMessage } from "../errors";
import type { Logger } from "./types";

/** A verified piece of evidence and the validator it convicts. */
export interface Conviction {
  /** The evidence. */
  evidence: Evidence;
  /** Validator (operator) address to slash and jail. */
  validator: string;
}

/** Share of the bonded stake slashed for a double proposal or a double/surround vote: 5% (WAD). */
export const EQUIVOCATION_SLASH_FRACTION = 5n * 10n ** 16n;
/** Gas given to each system call (not counted in the block). */
const SYSTEM_CALL_GAS = 30_000_000n;

const STAKING = new Interface([
  "function slash(address validator, uint256 fraction, bytes32 reason)",
  "function jail(address validator)",
]);

/** What a system call did, for logs and tests. */
export interface SystemCallResult {
  /** Called function. */
  fn: "slash" | "jail";
  /** Validator. */
  validator: string;
  /** True when it did not revert. */
  ok: boolean;
  /** Revert or exception message. */
  error?: string;
}

async function call(vm: VM, block: Block, config: ChainConfig, data: string): Promise<string | undefined> {
  const res = await vm.evm.runCall({
    caller: createAddressFromString(config.systemAddress),
    to: createAddressFromString(config.stakingContract),
    data: hexToBytes(data as `0x${string}`),
    gasLimit: SYSTEM_CALL_GAS,
    gasPrice: 0n,
    skipBalance: true,
    block,
  });
  return res.execResult.exceptionError ? `${res.execResult.exceptionError.error}` : undefined;
}

/**
 * End-of-block system calls, like the EIP-4788/7002 ones: from the chain's fixed system address (which
 * holds SLASHER_ROLE on the StakingManager; nobody has its key), outside the block's gas and receipts.
 * For each conviction: `slash(validator, 5%, "double-sign" | "double-vote")`, then `jail(validator)`
 * (the contract removes a jailed validator from the active set from the next epoch). A reverting call
 * (no role, unknown validator, no contract yet) changes nothing; every node runs the same calls on the
 * same state, so the outcome is part of consensus through the state root.
 */
export async function runSystemCalls(vm: VM, block: Block, config: ChainConfig, convicted: Conviction[], log: Logger): Promise<SystemCallResult[]> {
  const out: SystemCallResult[] = [];
  const code = await vm.stateManager.getCode(createAddressFromString(config.stakingContract));
  if (code.length === 0) {
    log.warn(`block ${block.header.number}: ${convicted.length} conviction(s) but no StakingManager code at ${config.stakingContract}; nothing slashed`);
    return out;
  }
  for (const c of convicted) {
    const reason = encodeBytes32String(c.evidence.kind === "double-proposal" ? "double-sign" : "double-vote");
    const steps: [SystemCallResult["fn"], string][] = [
      ["slash", STAKING.encodeFunctionData("slash", [c.validator, EQUIVOCATION_SLASH_FRACTION, reason])],
      ["jail", STAKING.encodeFunctionData("jail", [c.validator])],
    ];
    for (const [fn, data] of steps) {
      let error: string | undefined;
      try {
        error = await call(vm, block, config, data);
      } catch (err) {
        error = errorMessage(err);
      }
      out.push({ fn, validator: c.validator, ok: error === undefined, error });
      if (error) log.warn(`block ${block.header.number}: system call ${fn}(${c.validator}) reverted: ${error}`);
      else log.info(`block ${block.header.number}: system call ${fn}(${c.validator}) for ${c.evidence.kind}`);
    }
  }
  return out;
}
