import type { Block } from "@ethereumjs/block";
import { createTx, type TypedTransaction } from "@ethereumjs/tx";
import { KECCAK256_NULL, createAccount, createZeroAddress, equalsBytes, toChecksumAddress, type Account, type Address } from "@ethereumjs/util";
import { runTx, type RunTxResult, type VM } from "@ethereumjs/vm";
import { LuxError, errorMessage } from "../errors";
import type { StoredLog } from "../storage/types";
import { revertReason, type CallRequest } from "./call";
import type { BlockEnv } from "./types";
import type { TransferTracer } from "./transferLogs";

/** How a simulated call pays for gas: a type-1 transaction's gas price or a type-2 transaction's fee caps. */
export type SimFees = { type: 1; gasPrice: bigint } | { type: 2; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

/** One call of an eth_simulateV1 block: eth_call's fields plus an explicit nonce and fees (default 0). */
export interface SimCall extends CallRequest {
  /** Nonce; the sender's current one when absent. Checked only in validation mode. */
  nonce?: bigint;
  /** Fees; zero when the caller names none. */
  fees: SimFees;
}

/** Why a call failed inside the EVM (the simulation goes on with the next call). */
export interface SimCallError {
  /** "revert": REVERT with data; "vm": any other EVM failure (out of gas, invalid opcode…). */
  kind: "revert" | "vm";
  /** geth's message (`execution reverted: reason`, `out of gas`). */
  message: string;
  /** Revert data. */
  data?: Uint8Array;
}

/** What one simulated call did. */
export interface SimCallResult {
  /** The transaction built for it (unsigned: v, r and s are zero, as geth's). */
  tx: TypedTransaction;
  /** Its sender. */
  from: Address;
  /** Receipt status. */
  status: 0 | 1;
  /** Return data (empty when it failed, as geth's). */
  returnData: Uint8Array;
  /** Gas charged (after refunds). */
  gasUsed: bigint;
  /** Gas consumed before refunds: what a gas limit must cover. */
  maxUsedGas: bigint;
  /** Logs (with the ERC-7528 transfer logs when traced); none when it failed. */
  logs: StoredLog[];
  /** The failure, when it failed. */
  error?: SimCallError;
  /** Its receipt and bloom, for the block's roots. */
  run: RunTxResult;
}

/** What a call runs in: its block, and the same block at base fee zero for calls that pay no fee. */
export interface CallContext {
  env: BlockEnv;
  block: Block;
  freeBlock: Block;
  /** Gas used by the block's calls so far. */
  gasUsed: bigint;
  /** Gas left of the request's budget (the node's gas cap, over all calls of all blocks). */
  budget: { left: bigint };
  /** Real transaction rules: nonces, and the base fee even for calls that name no fee. */
  validation: boolean;
  tracer?: TransferTracer;
}

const DELEGATION_PREFIX = Uint8Array.from([0xef, 0x01, 0x00]);
const ZERO_SIG = { v: 0n, r: 0n, s: 0n };

const invalid = (msg: string): LuxError => new LuxError("INVALID_PARAMS", msg);

function buildTx(vm: VM, call: SimCall, from: Address, nonce: bigint, gasLimit: bigint): TypedTransaction {
  const base = { nonce, to: call.to, value: call.value ?? 0n, data: call.data ?? new Uint8Array(0), gasLimit, accessList: call.accessList ?? [], ...ZERO_SIG };
  const fields = call.fees.type === 1 ? { ...base, type: 1, gasPrice: call.fees.gasPrice } : { ...base, type: 2, maxFeePerGas: call.fees.maxFeePerGas, maxPriorityFeePerGas: call.fees.maxPriorityFeePerGas };
  let tx: TypedTransaction;
  try {
    // Zero signature values, as geth's simulated transactions: the hash is defined and matches geth's.
    tx = createTx(fields, { common: vm.common, freeze: false });
  } catch (err) {
    const msg = errorMessage(err).split(" (")[0];
    if (msg.includes("initcode size")) throw new LuxError("SIM_INIT_CODE_TOO_LARGE", `max initcode size exceeded: ${msg}`);
    throw invalid(`invalid transaction: ${msg}`);
  }
  // Simulations are unsigned: the sender is whoever the call names.
  tx.getSenderAddress = () => from;
  return tx;
}

/** geth's order of transaction checks: fee caps, nonce (validation mode), then funds for gas and value. */
function precheck(call: SimCall, from: Address, account: Account | undefined, nonce: bigint, gas: bigint, baseFee: bigint, validation: boolean): void {
  const who = toChecksumAddress(from.toString());
  const f = call.fees;
  const feeCap = f.type === 1 ? f.gasPrice : f.maxFeePerGas;
  if (f.type === 2 && f.maxPriorityFeePerGas > f.maxFeePerGas) {
    throw invalid(`max priority fee per gas higher than max fee per gas: address ${who}, maxPriorityFeePerGas: ${f.maxPriorityFeePerGas}, maxFeePerGas: ${f.maxFeePerGas}`);
  }
  if (feeCap < baseFee) throw new LuxError("SIM_BASE_FEE_TOO_LOW", `max fee per gas less than block base fee: address ${who}, maxFeePerGas: ${feeCap}, baseFee: ${baseFee}`);
  const stateNonce = account?.nonce ?? 0n;
  if (validation && nonce < stateNonce) throw new LuxError("SIM_NONCE_TOO_LOW", `nonce too low: address ${who}, tx: ${nonce} state: ${stateNonce}`);
  if (validation && nonce > stateNonce) throw new LuxError("SIM_NONCE_TOO_HIGH", `nonce too high: address ${who}, tx: ${nonce} state: ${stateNonce}`);
  // As geth (with or without validation): the value always needs funds; gas only when it has a price.
  const want = (call.value ?? 0n) + gas * feeCap;
  const have = account?.balance ?? 0n;
  if (have < want) throw new LuxError("SIM_INSUFFICIENT_FUNDS", `insufficient funds for gas * price + value: address ${who} have ${have} want ${want}`);
}

/**
 * geth's simulations skip EIP-3607 (a sender with code), in validation mode too. runTx has no option for
 * it, so the sender's code hash reads empty while its transaction runs (its code stays in the code cache,
 * keyed by address: a call back into it still runs it) and is put back afterwards. Returns the restore
 * step, or undefined when nothing was masked (an EOA, or an EIP-7702 delegation, which runTx accepts).
 */
async function maskSenderCode(vm: VM, from: Address, account: Account | undefined): Promise<(() => Promise<void>) | undefined> {
  if (!account?.isContract()) return undefined;
  const sm = vm.stateManager;
  const code = await sm.getCode(from);
  if (equalsBytes(code.subarray(0, DELEGATION_PREFIX.length), DELEGATION_PREFIX)) return undefined;
  await sm.putAccount(from, createAccount({ nonce: account.nonce, balance: account.balance, storageRoot: account.storageRoot, codeHash: KECCAK256_NULL }));
  if ((await sm.getCode(from)).length !== code.length) {
    // No code cache to keep it in: put it back and let runTx refuse the sender.
    await sm.putAccount(from, account);
    return undefined;
  }
  const codeHash = account.codeHash;
  return async () => {
    const after = await sm.getAccount(from);
    if (!after) return;
    after.codeHash = codeHash;
    await sm.putAccount(from, after);
  };
}

const INTRINSIC = /tx gas limit (\d+) is lower than the minimum gas limit of (\d+)/;

/** A transaction runTx refused, as geth's simulate reports it (the whole request fails). */
function refused(err: unknown, capped: boolean): LuxError {
  if (err instanceof LuxError) return err;
  const msg = errorMessage(err).split(" (")[0];
  const intrinsic = INTRINSIC.exec(msg);
  if (intrinsic) {
    const note = capped ? " (gas limit was capped by the RPC server's global gas cap)" : "";
    return new LuxError("SIM_INTRINSIC_GAS", `intrinsic gas too low: have ${intrinsic[1]}, want ${intrinsic[2]}${note}`);
  }
  if (msg.includes("initcode size")) return new LuxError("SIM_INIT_CODE_TOO_LARGE", `max initcode size exceeded: ${msg}`);
  return new LuxError("EXECUTION_FAILED", msg, { cause: err });
}

/**
 * Runs one call as a transaction of the block being simulated; its changes stay in the state for the
 * calls after it. A call the rules refuse (nonce, funds, fee cap, intrinsic gas, block gas) fails the
 * whole request with geth's code; a call that reverts or fails in the EVM is a result with status 0.
 */
export async function runSimulatedCall(vm: VM, c: CallContext, call: SimCall): Promise<SimCallResult> {
  const from = call.from ?? createZeroAddress();
  const account = await vm.stateManager.getAccount(from);
  const nonce = call.nonce ?? account?.nonce ?? 0n;
  const remaining = c.env.gasLimit - c.gasUsed;
  const wanted = call.gas ?? remaining;
  if (wanted > remaining) throw new LuxError("SIM_BLOCK_GAS_LIMIT", `block gas limit reached: remaining: ${remaining}, required: ${wanted}`);
  const gas = wanted < c.budget.left ? wanted : c.budget.left;
  const f = call.fees;
  const noFee = f.type === 1 ? f.gasPrice === 0n : f.maxFeePerGas === 0n && f.maxPriorityFeePerGas === 0n;
  // geth's NoBaseFee: without validation a call that names no fee pays none, whatever the base fee.
  const block = !c.validation && noFee ? c.freeBlock : c.block;
  precheck(call, from, account, nonce, gas, block.header.baseFeePerGas ?? 0n, c.validation);
  const tx = buildTx(vm, call, from, nonce, gas);
  const restore = await maskSenderCode(vm, from, account);
  c.tracer?.begin();
  let run: RunTxResult;
  try {
    run = await runTx(vm, { tx, block, blockGasUsed: c.gasUsed, skipNonce: !c.validation, skipHardForkValidation: true, skipBlockGasLimitValidation: true });
  } catch (err) {
    throw refused(err, gas < wanted);
  } finally {
    await restore?.();
  }
  c.budget.left -= run.totalGasSpent;
  const beforeRefund = run.execResult.executionGasUsed + tx.getIntrinsicGas();
  const real = run.receipt.logs.map(([address, topics, data]) => ({ address, topics, data }));
  const ex = run.execResult.exceptionError;
  const base = { tx, from, gasUsed: run.totalGasSpent, maxUsedGas: beforeRefund > run.totalGasSpent ? beforeRefund : run.totalGasSpent, run };
  if (!ex) return { ...base, status: 1, returnData: run.execResult.returnValue, logs: c.tracer ? c.tracer.logs(real) : real };
  const data = run.execResult.returnValue;
  const error: SimCallError = ex.error === "revert" ? { kind: "revert", message: revertReason(data), data } : { kind: "vm", message: ex.error };
  return { ...base, status: 0, returnData: new Uint8Array(0), logs: [], error };
}

