import { createTx, type TypedTransaction } from "@ethereumjs/tx";
import { runTx, type RunTxResult, type VM } from "@ethereumjs/vm";
import { bytesToHex, createZeroAddress, type Address } from "@ethereumjs/util";
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
 * Runs a request as a transaction in `env` (base fee 0, so no gas price is needed) inside a state
 * checkpoint that is always reverted: nothing of a simulation ever reaches the trie.
 */
export async function simulate(vm: VM, env: BlockEnv, req: CallRequest, gasLimit: bigint, guard?: ExecutionGuard): Promise<RunTxResult> {
  guard?.attach(vm);
  guard?.check();
  const sm = vm.stateManager;
  const from = req.from ?? createZeroAddress();
  const nonce = (await sm.getAccount(from))?.nonce ?? 0n;
  const block = envBlock(vm.common, { ...env, baseFeePerGas: 0n });
  await sm.checkpoint();
  try {
    return await runTx(vm, { tx: buildTx(vm, req, gasLimit, nonce), block, skipBalance: true, skipNonce: true, skipHardForkValidation: true, skipBlockGasLimitValidation: true });
  } catch (err) {
    if (err instanceof LuxError) throw err;
    throw new LuxError("EXECUTION_FAILED", errorMessage(err).split(" (")[0], { cause: err });
  } finally {
    await sm.revert();
  }
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
 * cap (a revert there is reported with its reason), then brackets from gas used plus refund plus the
 * 63/64 call margin and bisects: deployments and calls sized by it never run out of gas.
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
  let lo = first.totalGasSpent - 1n;
  let hi = ((first.totalGasSpent + first.gasRefund) * CALL_STIPEND_NUM) / CALL_STIPEND_DEN + 1n;
  if (hi > cap) hi = cap;
  if (!(await ok(hi))) hi = cap;
  if (await ok(first.totalGasSpent)) return first.totalGasSpent;
  while (hi - lo > hi / ESTIMATE_PRECISION_DIVISOR && hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (await ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
