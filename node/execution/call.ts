import { createTx, type TypedTransaction } from "@ethereumjs/tx";
import { runTx, type RunTxResult, type VM } from "@ethereumjs/vm";
import {
  KECCAK256_NULL, bigIntToUnpaddedBytes, bytesToHex, bytesToUnprefixedHex, createAccount, createZeroAddress, generateAddress, type Account, type Address,
} from "@ethereumjs/util";
import { AbiCoder } from "ethers";
import { LuxError, errorMessage } from "../errors";
import { envBlock } from "./executor";
import { ExecutionGuard } from "./guard";
import type { BlockEnv } from "./types";

/** A call or transaction to simulate (eth_call / eth_estimateGas). */
export interface CallRequest {
  /** Caller; zero address when absent. */
  from?: Address;
  /** Callee; contract creation when absent. */
  to?: Address;
  /** Gas limit; the block gas limit when absent. */
  gas?: bigint;
  /** Wei sent. */
  value?: bigint;
  /** Calldata or init code. */
  data?: Uint8Array;
  /** Optional access list (EIP-2930 form). */
  accessList?: { address: `0x${string}`; storageKeys: `0x${string}`[] }[];
}

/** Selector of Solidity's `Error(string)`. */
const ERROR_STRING_SELECTOR = "0x08c379a0";
/** Selector of Solidity's `Panic(uint256)`. */
const PANIC_SELECTOR = "0x4e487b71";
/** Estimates stop refining once the bracket is within this fraction of the answer (1/64). */
const ESTIMATE_PRECISION_DIVISOR = 64n;
/** Safety margin over gas-used-before-refund for the first upper bound: the 63/64 call rule. */
const CALL_STIPEND_NUM = 64n;
const CALL_STIPEND_DEN = 63n;

/** Human-readable revert reason of revert data, as geth and Hardhat print it. */
export function revertReason(data: Uint8Array): string {
  const hex = bytesToHex(data);
  try {
    if (hex.startsWith(ERROR_STRING_SELECTOR)) {
      const [msg] = AbiCoder.defaultAbiCoder().decode(["string"], `0x${hex.slice(10)}`);
      return `execution reverted: ${String(msg)}`;
    }
    if (hex.startsWith(PANIC_SELECTOR)) {
      const [code] = AbiCoder.defaultAbiCoder().decode(["uint256"], `0x${hex.slice(10)}`);
      return `execution reverted: panic code 0x${BigInt(code as bigint).toString(16)}`;
    }
  } catch {
    // Undecodable: fall through to the generic message.
  }
  return "execution reverted";
}

function buildTx(vm: VM, req: CallRequest, gasLimit: bigint, nonce: bigint): TypedTransaction {
  const tx = createTx(
    {
      type: 2,
      nonce,
      to: req.to,
      value: req.value ?? 0n,
      data: req.data ?? new Uint8Array(0),
      gasLimit,
      maxFeePerGas: 0n,
      maxPriorityFeePerGas: 0n,
      accessList: req.accessList,
    },
    { common: vm.common, freeze: false },
  );
  const from = req.from ?? createZeroAddress();
  // Simulation runs unsigned: the sender is whoever the request names.
  tx.getSenderAddress = () => from;
  return tx;
}

/**
 * Lets a simulation come from an address with code, as geth's eth_call does (it skips the EIP-3607
 * "sender is not an EOA" check; Hardhat too, for impersonated contracts). runTx has no option for it,
 * so inside the simulation's checkpoint the sender's code hash reads empty, while its code stays in the
 * code cache, keyed by address: a call back into the sender still runs its code. Only EXTCODEHASH of
 * the sender itself reads the empty hash during such a call.
 */
async function passEoaCheck(sm: VM["stateManager"], from: Address, sender: Account): Promise<void> {
  const code = await sm.getCode(from);
  const masked = createAccount({ nonce: sender.nonce, balance: sender.balance, storageRoot: sender.storageRoot, codeHash: KECCAK256_NULL });
  await sm.putAccount(from, masked);
  if ((await sm.getCode(from)).length !== code.length) {
    // No code cache to keep it in: restore, and let runTx refuse the sender as before.
    await sm.putAccount(from, sender);
  }
}

/**
 * Runs a request as a transaction in `env` (base fee 0, so no gas price is needed) inside a state
 * checkpoint that is always reverted: nothing of a simulation ever reaches the trie.
 */
export async function simulate(vm: VM, env: BlockEnv, req: CallRequest, gasLimit: bigint, guard?: ExecutionGuard, reportAccessList = false): Promise<RunTxResult> {
  guard?.attach(vm);
  guard?.check();
  const sm = vm.stateManager;
  const from = req.from ?? createZeroAddress();
  const sender = await sm.getAccount(from);
  const nonce = sender?.nonce ?? 0n;
  const block = envBlock(vm.common, { ...env, baseFeePerGas: 0n });
  await sm.checkpoint();
  try {
    if (sender?.isContract()) await passEoaCheck(sm, from, sender);
    return await runTx(vm, { tx: buildTx(vm, req, gasLimit, nonce), block, skipBalance: true, skipNonce: true, skipHardForkValidation: true, skipBlockGasLimitValidation: true, reportAccessList });
  } catch (err) {
    if (err instanceof LuxError) throw err;
    throw new LuxError("EXECUTION_FAILED", errorMessage(err).split(" (")[0], { cause: err });
  } finally {
    await sm.revert();
  }
}

/** The message of a failed execution (geth's wording), or undefined when it succeeded. */
export function failureMessage(res: RunTxResult): string | undefined {
  const ex = res.execResult.exceptionError;
  if (!ex) return undefined;
  return ex.error === "revert" ? revertReason(res.execResult.returnValue) : ex.error;
}

/** Throws the JSON-RPC-visible error of a failed execution (revert → code 3 with data). */
export function throwIfFailed(res: RunTxResult): void {
  const ex = res.execResult.exceptionError;
  if (!ex) return;
  if (ex.error === "revert") {
    const data = res.execResult.returnValue;
    throw new LuxError("EXECUTION_REVERTED", revertReason(data), { data: bytesToHex(data) });
  }
  throw new LuxError("EXECUTION_FAILED", ex.error);
}

/** The gas a simulation runs with: the caller's, but never above the cap (geth: --rpc.gascap, 50M). */
export function cappedGas(req: CallRequest, gasCap: bigint): bigint {
  return req.gas === undefined || req.gas > gasCap ? gasCap : req.gas;
}

/**
 * eth_call: the return data, or a revert error. The caller's gas is capped at `gasCap`, which also
 * bounds memory (expansion costs quadratic gas: 50M gas buys at most ~5 MB per frame); `guard`
 * bounds wall-clock time and lets other work run in between.
 */
export async function call(vm: VM, env: BlockEnv, req: CallRequest, gasCap: bigint, guard?: ExecutionGuard): Promise<Uint8Array> {
  const res = await simulate(vm, env, req, cappedGas(req, gasCap), guard);
  throwIfFailed(res);
  return res.execResult.returnValue;
}

/**
 * eth_estimateGas: the smallest gas limit (within 1/64) at which the request succeeds. Runs once at the
 * cap (a revert there is reported with its reason), then tries the gas that run consumed before its
 * refund: that is exactly what a transaction needs when nothing on its path depends on the gas left,
 * which is most of them, so most estimates take two runs. Otherwise (the 63/64 rule of a nested call,
 * `gasleft()`, the SSTORE stipend check) it brackets up to consumed × 64/63 and bisects: deployments
 * and calls sized by it never run out of gas.
 */
export async function estimateGas(vm: VM, env: BlockEnv, req: CallRequest, gasCap: bigint, guard?: ExecutionGuard): Promise<bigint> {
  const cap = cappedGas(req, gasCap);
  const first = await simulate(vm, env, req, cap, guard);
  throwIfFailed(first);
  const ok = async (gas: bigint): Promise<boolean> => {
    try {
      const r = await simulate(vm, env, req, gas, guard);
      return r.execResult.exceptionError === undefined;
    } catch (err) {
      // A time-out or cancellation ends the whole estimate; anything else means "fails at this gas".
      if (err instanceof LuxError && (err.code === "EXECUTION_TIMEOUT" || err.code === "CANCELLED" || err.code === "TIMEOUT")) throw err;
      return false;
    }
  };
  // Gas is taken before refunds are given back (and never less than the EIP-7623 calldata floor, which
  // totalGasSpent includes), so a limit must cover what the run consumed before its refund.
  const intrinsic = buildTx(vm, req, cap, 0n).getIntrinsicGas();
  const beforeRefund = first.execResult.executionGasUsed + intrinsic;
  const consumed = beforeRefund > first.totalGasSpent ? beforeRefund : first.totalGasSpent;
  if (consumed >= cap || (await ok(consumed))) return consumed < cap ? consumed : cap;
  let lo = consumed;
  let hi = (consumed * CALL_STIPEND_NUM) / CALL_STIPEND_DEN + 1n;
  if (hi > cap || !(await ok(hi))) hi = cap;
  while (hi - lo > hi / ESTIMATE_PRECISION_DIVISOR && hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (await ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** One entry of an EIP-2930 access list. */
export interface AccessListEntry {
  /** 0x-address. */
  address: `0x${string}`;
  /** 0x-slots (32 bytes each). */
  storageKeys: `0x${string}`[];
}

/** eth_createAccessList's answer (geth's shape before hex encoding). */
export interface AccessListResult {
  /** The list the request should carry. */
  accessList: AccessListEntry[];
  /** Gas the request uses when it carries that list (intrinsic cost of the list included). */
  gasUsed: bigint;
  /** Why the execution failed, when it did (the list is still the one it touched). */
  error?: string;
}

/** Rounds of "run with the list, collect what it touched" before giving up on a fixed point. */
const MAX_ACCESS_LIST_ROUNDS = 10;

/** Sorted, so that two lists compare by content (the EVM reports them in first-touch order). */
function sortList(list: AccessListEntry[]): AccessListEntry[] {
  return list
    .map((e) => ({ address: e.address.toLowerCase() as `0x${string}`, storageKeys: [...new Set(e.storageKeys.map((k) => k.toLowerCase() as `0x${string}`))].sort() }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/**
 * eth_createAccessList, geth's algorithm: run the request with the current list, record every address
 * and slot it touches, and repeat with that list until it no longer changes (a list can change the
 * path a contract takes, through gasleft()). Like geth's access-list tracer, the sender, the
 * recipient (or the created contract) and the precompiles are left out, since they are warm anyway —
 * except that slots of the recipient are listed, with its address, because they are not.
 */
export async function createAccessList(vm: VM, env: BlockEnv, req: CallRequest, gasCap: bigint, guard?: ExecutionGuard): Promise<AccessListResult> {
  const from = req.from ?? createZeroAddress();
  const nonce = (await vm.stateManager.getAccount(from))?.nonce ?? 0n;
  const to = req.to ? req.to.bytes : generateAddress(from.bytes, bigIntToUnpaddedBytes(nonce));
  const precompiles = (vm.evm as unknown as { precompiles: Map<string, unknown> }).precompiles;
  const excluded = new Set([bytesToUnprefixedHex(from.bytes), bytesToUnprefixedHex(to), ...precompiles.keys()]);
  const keep = (list: AccessListEntry[]): AccessListEntry[] =>
    sortList(list).filter((e) => e.storageKeys.length > 0 || !excluded.has(e.address.slice(2)));
  let list = keep(req.accessList ?? []);
  const gas = cappedGas(req, gasCap);
  for (let round = 0; ; round++) {
    const res = await simulate(vm, env, { ...req, accessList: list }, gas, guard, true);
    const touched = keep((res.accessList ?? []) as AccessListEntry[]);
    if (JSON.stringify(touched) === JSON.stringify(list) || round + 1 >= MAX_ACCESS_LIST_ROUNDS) {
      const error = failureMessage(res);
      return error === undefined ? { accessList: list, gasUsed: res.totalGasSpent } : { accessList: list, gasUsed: res.totalGasSpent, error };
    }
    list = touched;
  }
}
