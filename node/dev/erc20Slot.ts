import { bigIntToBytes, equalsBytes, hexToBytes, setLengthLeft, type Address } from "@ethereumjs/util";
import type { VM } from "@ethereumjs/vm";
import { cappedGas, createAccessList, simulate } from "../execution/call";
import type { ExecutionGuard } from "../execution/guard";
import type { BlockEnv } from "../execution/types";

const WORD_BYTES = 32;
/** `balanceOf(address)` and `allowance(address,address)`. */
const BALANCE_OF = "70a08231";
const ALLOWANCE = "dd62ed3e";
/**
 * What a candidate slot is set to while probing: no real balance holds it, so a call that returns it
 * read that very slot (probing with the requested amount could match an unrelated slot that already
 * holds it, zero above all).
 */
const PROBE = setLengthLeft(hexToBytes("0x5eed5eed5eed5eed5eed5eed5eed5eed"), WORD_BYTES);

const addressWord = (a: Address): string => a.toString().slice(2).padStart(WORD_BYTES * 2, "0");

/** Calldata of `balanceOf(owner)`. */
export function balanceOfCall(owner: Address): Uint8Array {
  return hexToBytes(`0x${BALANCE_OF}${addressWord(owner)}`);
}

/** Calldata of `allowance(owner, spender)`. */
export function allowanceCall(owner: Address, spender: Address): Uint8Array {
  return hexToBytes(`0x${ALLOWANCE}${addressWord(owner)}${addressWord(spender)}`);
}

/** A uint256 as a storage word. */
export function uintWord(value: bigint): Uint8Array {
  return setLengthLeft(bigIntToBytes(value), WORD_BYTES);
}

/**
 * The storage slot of `token` that a view call (`balanceOf`, `allowance`) returns, as anvil's
 * anvil_dealERC20 finds it: run the call once to collect the token's slots it reads, then set each to
 * a probe value in turn (in a checkpoint, reverted) until the call returns the probe. Works for any
 * layout, proxies included (their storage is the token address's). Undefined when no slot answers:
 * not a token, a computed balance (rebasing), or a call that reverts. `vm` is a private simulation VM.
 */
export async function findTokenSlot(vm: VM, env: BlockEnv, token: Address, data: Uint8Array, gasCap: bigint, guard?: ExecutionGuard): Promise<Uint8Array | undefined> {
  const req = { to: token, data };
  const { accessList } = await createAccessList(vm, env, req, gasCap, guard);
  const own = token.toString().toLowerCase();
  const sm = vm.stateManager;
  for (const entry of accessList) {
    if (entry.address.toLowerCase() !== own) continue;
    for (const key of entry.storageKeys) {
      const slot = hexToBytes(key);
      await sm.checkpoint();
      try {
        await sm.putStorage(token, slot, PROBE);
        const res = await simulate(vm, env, req, cappedGas(req, gasCap), guard);
        if (!res.execResult.exceptionError && equalsBytes(res.execResult.returnValue, PROBE)) return slot;
      } finally {
        await sm.revert();
      }
    }
  }
  return undefined;
}
