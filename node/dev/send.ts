import { createTx, type TypedTransaction, type TypedTxData } from "@ethereumjs/tx";
import { bytesToBigInt, type Address } from "@ethereumjs/util";
import { LuxError } from "../errors";
import type { CallRequest } from "../execution/call";
import type { PoolTx } from "../txpool/types";
import type { Chain } from "../chain/chain";
import type { TxPool } from "../txpool/pool";
import { address, data, member, quantity } from "../rpc/params";

/** Tip of dev-signed transactions that name no fees (1 gwei, as Hardhat). */
const DEFAULT_TIP = 1_000_000_000n;
/** Fee cap headroom over the next base fee (geth and ethers use 2x). */
const BASE_FEE_HEADROOM = 2n;
const EIP155_V_OFFSET = 35n;

/** A parsed eth_sendTransaction request. */
export interface SendRequest extends CallRequest {
  /** Sender (required). */
  from: Address;
  /** Legacy gas price; when set the transaction is type 0 (EIP-155). */
  gasPrice?: bigint;
  /** EIP-1559 fee cap. */
  maxFeePerGas?: bigint;
  /** EIP-1559 tip. */
  maxPriorityFeePerGas?: bigint;
  /** Nonce; the pending nonce when absent. */
  nonce?: bigint;
}

/** Parses the transaction object of eth_sendTransaction. */
export function parseSendRequest(o: Record<string, unknown>, chainId: bigint): SendRequest {
  const from = member(o, "from", address);
  if (!from) throw new LuxError("INVALID_PARAMS", "invalid argument from: eth_sendTransaction needs a from address");
  const claimed = member(o, "chainId", quantity);
  if (claimed !== undefined && claimed !== chainId) throw new LuxError("WRONG_CHAIN_ID", `invalid chain id: have ${claimed}, want ${chainId}`);
  const accessList = o.accessList as CallRequest["accessList"] | undefined;
  if (accessList !== undefined && !Array.isArray(accessList)) throw new LuxError("INVALID_PARAMS", "invalid argument accessList: expected an array");
  return {
    from,
    to: member(o, "to", address),
    gas: member(o, "gas", quantity),
    value: member(o, "value", quantity),
    data: member(o, "input", data) ?? member(o, "data", data),
    accessList,
    gasPrice: member(o, "gasPrice", quantity),
    maxFeePerGas: member(o, "maxFeePerGas", quantity),
    maxPriorityFeePerGas: member(o, "maxPriorityFeePerGas", quantity),
    nonce: member(o, "nonce", quantity),
  };
}

/** What sending needs from the node. */
export interface SendDeps {
  /** The chain (head state, simulation, common). */
  chain: Chain;
  /** The pool the transaction enters. */
  pool: TxPool;
  /** Gas a request needs in the next block, on the pending state (the RPC's pending block). */
  estimate(req: CallRequest): Promise<bigint>;
}

async function fill(deps: SendDeps, req: SendRequest): Promise<TypedTxData & { type: number }> {
  const { chain, pool } = deps;
  const state = await chain.headState();
  const stateNonce = (await state.getAccount(req.from))?.nonce ?? 0n;
  const nonce = req.nonce ?? pool.pendingNonce(req.from.toString(), stateNonce);
  // Like a wallet: estimated on the pending state, so it may depend on transactions not mined yet.
  const gasLimit = req.gas ?? (await deps.estimate(req));
  const base = { nonce, gasLimit, to: req.to, value: req.value ?? 0n, data: req.data ?? new Uint8Array(0), accessList: req.accessList };
  if (req.gasPrice !== undefined && req.maxFeePerGas === undefined) return { ...base, type: req.accessList ? 1 : 0, gasPrice: req.gasPrice };
  const tip = req.maxPriorityFeePerGas ?? DEFAULT_TIP;
  const maxFee = req.maxFeePerGas ?? chain.nextBaseFee() * BASE_FEE_HEADROOM + tip;
  return { ...base, type: 2, maxFeePerGas: maxFee, maxPriorityFeePerGas: tip < maxFee ? tip : maxFee };
}

/**
 * The transaction eth_sendTransaction would send, filled like a wallet fills it (nonce, gas and fees),
 * signed with the sender's unlocked dev key — or, for an impersonated account (no key), with a
 * placeholder signature (r = 1, s = the sender's address + 1, unique per sender) the pool accepts only
 * with the sender pinned. Such a block cannot be re-validated by another node: impersonation exists on
 * dev nodes only.
 */
export async function devTransaction(deps: SendDeps, req: SendRequest, key: Uint8Array | undefined): Promise<TypedTransaction> {
  const txData = await fill(deps, req);
  const common = deps.chain.common;
  if (key) return createTx(txData, { common }).sign(key);
  const yParity = txData.type === 0 ? common.chainId() * 2n + EIP155_V_OFFSET : 0n;
  return createTx({ ...txData, v: yParity, r: 1n, s: bytesToBigInt(req.from.bytes) + 1n }, { common });
}

/** eth_sendTransaction on a dev node: the filled, signed transaction enters the pool (see devTransaction). */
export async function sendTransaction(deps: SendDeps, req: SendRequest, key: Uint8Array | undefined): Promise<PoolTx> {
  const tx = await devTransaction(deps, req, key);
  return deps.pool.add(tx.serialize(), key ? undefined : req.from);
}
