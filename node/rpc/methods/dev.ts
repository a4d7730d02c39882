import { Account, bigIntToBytes, bytesToHex, setLengthLeft, type Address } from "@ethereumjs/util";
import type { DevMode, ReorgTx } from "../../dev/devMode";
import { parseSendRequest, type SendDeps } from "../../dev/send";
import { parseTypedData, signPersonalMessage, signTypedData, type TypedData } from "../../dev/sign";
import { LuxError } from "../../errors";
import type { LuxStateManager } from "../../execution/stateManager";
import { formatBlock, hexQ, type Json } from "../format";
import { address, bool, data, hash, object, optional, quantity, str, type Param } from "../params";
import type { PoolTx } from "../../txpool/types";
import { method, untimed, type MethodSpec, type RequestScope, type RpcContext } from "../types";
import { simulationVm } from "../resolve";
import { receiptWhenMined, syncTimeout, syncWaitMs } from "../txSync";
import { ExecutionGuard } from "../../execution/guard";
import { allowanceCall, balanceOfCall, findTokenSlot, uintWord } from "../../dev/erc20Slot";
import { SUGGESTED_TIP } from "./fees";
import { estimate } from "./state";

const STORAGE_WORD_BYTES = 32;
const MAX_U64 = 2n ** 64n - 1n;

/** A non-negative integer as a JSON number or a hex quantity (Hardhat's and anvil's time methods take both). */
export const numberish = (name: string): Param<bigint> => ({
  name,
  parse: (v) => {
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === "string" && /^0x[0-9a-fA-F]{1,16}$/.test(v)) return BigInt(v);
    throw new LuxError("INVALID_PARAMS", `invalid argument ${name}: expected a non-negative integer (number or hex quantity below 2^64)`);
  },
});

/** A uint256 as a hex quantity or a JSON number (anvil's token methods take both). */
const amount = (name: string): Param<bigint> => ({
  name,
  parse: (v) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : quantity(name).parse(v)),
});

/** A full 32-byte storage word. */
const word = (name: string): Param<Uint8Array> => ({
  name,
  parse: (v) => {
    const bytes = data(name).parse(v);
    if (bytes.length !== STORAGE_WORD_BYTES) throw new LuxError("INVALID_PARAMS", `invalid argument ${name}: expected 32 bytes of data, got ${bytes.length}`);
    return bytes;
  },
});

/** EIP-712 typed data (an object, or JSON in a string). */
const typedData = (name: string): Param<TypedData> => ({ name, parse: parseTypedData });

// Rewinding to the start takes as long as the chain is long: no request time-out.
const reset = untimed(method([optional(object("options"))], async (ctx, [options]) => {
  if (options?.forking !== undefined && options.forking !== null) {
    throw new LuxError("INVALID_PARAMS", "invalid argument options: forking is not supported (the devnet cannot fork another chain); call hardhat_reset without options to go back to the chain as the node started");
  }
  await devOf(ctx).reset();
  return true;
}));

/** How the dev send methods fill a missing gas limit: as eth_estimateGas without a block (on the pending block). */
function estimatorFor(ctx: RpcContext, scope: RequestScope): SendDeps["estimate"] {
  return (req) => estimate(ctx, req, undefined, undefined, scope);
}

function devOf(ctx: RpcContext): DevMode {
  // Only registered on dev nodes; this guards a wiring mistake.
  if (!ctx.dev) throw new LuxError("METHOD_NOT_FOUND", "development methods are available on a --dev node or the devnet only");
  return ctx.dev;
}

async function ensureAccount(sm: LuxStateManager, addr: Address): Promise<Account> {
  const a = await sm.getAccount(addr);
  if (a) return a;
  const fresh = new Account();
  await sm.putAccount(addr, fresh);
  return fresh;
}

// Mining a count and reverting over it take as long as the caller asked for: no request time-out.
const mine = untimed(method([optional(numberish("blocks")), optional(numberish("interval"))], async (ctx, [blocks, interval]) => {
  await devOf(ctx).mine(blocks ?? 1n, interval ?? 1n);
  return true;
}));
const setBalance = method([address("address"), quantity("balance")], async (ctx, [addr, balance]) => {
  await devOf(ctx).edit(async (sm) => {
    const a = await ensureAccount(sm, addr);
    a.balance = balance;
    await sm.putAccount(addr, a);
  });
  return true;
});
const setCode = method([address("address"), data("code")], async (ctx, [addr, code]) => {
  await devOf(ctx).edit(async (sm) => sm.putCode(addr, code));
  return true;
});
const setStorageAt = method([address("address"), quantity("slot"), word("value")], async (ctx, [addr, slot, value]) => {
  await devOf(ctx).edit(async (sm) => {
    await ensureAccount(sm, addr);
    await sm.putStorage(addr, setLengthLeft(bigIntToBytes(slot), STORAGE_WORD_BYTES), value);
  });
  return true;
});
const setNonce = method([address("address"), quantity("nonce")], async (ctx, [addr, nonce]) => {
  if (nonce > MAX_U64) throw new LuxError("INVALID_PARAMS", "invalid argument nonce: above 2^64 - 1");
  const dev = devOf(ctx);
  const current = (await (await ctx.chain.headState()).getAccount(addr))?.nonce ?? 0n;
  // Hardhat's rule: a nonce never goes back (transactions already signed for it would replay).
  if (nonce < current) throw new LuxError("INVALID_PARAMS", `invalid argument nonce: ${nonce} is smaller than the account's nonce ${current}`);
  await dev.edit(async (sm) => {
    const a = await ensureAccount(sm, addr);
    a.nonce = nonce;
    await sm.putAccount(addr, a);
  });
  return true;
});
const setNextBaseFee = method([quantity("baseFeePerGas")], (ctx, [fee]) => {
  devOf(ctx).clock.nextBaseFee = fee;
  return true;
});
const impersonate = method([address("address")], (ctx, [addr]) => {
  devOf(ctx).impersonate(addr);
  return true;
});
const stopImpersonating = method([address("address")], (ctx, [addr]) => devOf(ctx).stopImpersonating(addr));
const setAutomine = method([bool("enabled")], (ctx, [on]) => {
  devOf(ctx).setAutomine(on);
  return true;
});
const getAutomine = method([], (ctx) => devOf(ctx).automine);
const setIntervalMining = method([numberish("interval")], (ctx, [ms]) => {
  if (ms > BigInt(Number.MAX_SAFE_INTEGER)) throw new LuxError("INVALID_PARAMS", "invalid argument interval: too large");
  devOf(ctx).setIntervalMining(Number(ms));
  return true;
});
const snapshot = method([], (ctx) => devOf(ctx).snapshot());
const revert = untimed(method([quantity("snapshotId")], (ctx, [id]) => devOf(ctx).revert(id)));
const increaseTime = method([numberish("seconds")], (ctx, [s]) => devOf(ctx).clock.increase(s).toString());
const setNextTimestamp = method([numberish("timestamp")], (ctx, [ts]) => {
  devOf(ctx).clock.setNext(ts, ctx.chain.head);
  return ts.toString();
});
/** anvil's MineOptions: a timestamp (number or hex), or `{ timestamp?, blocks? }`. */
interface MineOptions {
  timestamp?: bigint;
  blocks?: bigint;
}
const MINE_OPTION_KEYS = new Set(["timestamp", "blocks"]);
const mineOptions = (name: string): Param<MineOptions> => ({
  name,
  parse: (v) => {
    if (v === null) return {};
    if (typeof v !== "object" || Array.isArray(v)) return { timestamp: numberish(name).parse(v) };
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!MINE_OPTION_KEYS.has(k)) throw new LuxError("INVALID_PARAMS", `invalid argument ${name}: unknown field ${k} (expected timestamp and/or blocks)`);
    }
    return {
      timestamp: o.timestamp === undefined || o.timestamp === null ? undefined : numberish(`${name}.timestamp`).parse(o.timestamp),
      blocks: o.blocks === undefined || o.blocks === null ? undefined : numberish(`${name}.blocks`).parse(o.blocks),
    };
  },
});

/** Mines as anvil's evm_mine with options; returns the blocks it appended, lowest first. */
async function mineWith(ctx: RpcContext, o: MineOptions): Promise<bigint[]> {
  const before = ctx.chain.head.block.header.number;
  await devOf(ctx).mine(o.blocks ?? 1n, 1n, o.timestamp);
  const after = ctx.chain.head.block.header.number;
  const out: bigint[] = [];
  for (let n = before + 1n; n <= after; n++) out.push(n);
  return out;
}

const mineDetailed = untimed(method([optional(mineOptions("options"))], async (ctx, [o]) => {
  const out: Json[] = [];
  for (const n of await mineWith(ctx, o ?? {})) {
    const h = await ctx.chain.store.getCanonicalHash(n);
    const rec = h && (await ctx.chain.loadBlock(h));
    if (rec) out.push(formatBlock(rec, true));
  }
  return out;
}));

const setTime = method([numberish("timestamp")], (ctx, [ts]) => Number(devOf(ctx).clock.setTime(ts)));

// The header's coinbase is the block's proposer: consensus (proposer checks, liveness) reads it.
const setCoinbase = method([address("address")], () => {
  throw new LuxError("INVALID_PARAMS", "the coinbase of a Luxtensor block is its proposer (the validator whose slot it is) and cannot be set; fees and tips go to it");
});
// PREVRANDAO is the block's RANDAO mix: the proposer's VRF reveal folded into its parent's, checked on import.
const setPrevRandao = method([data("prevRandao")], () => {
  throw new LuxError("INVALID_PARAMS", "PREVRANDAO of a Luxtensor block is its RANDAO mix (the proposer's VRF reveal folded into the parent's mix, checked by every node) and cannot be set; override it for a call with eth_call's block overrides or eth_simulateV1");
});
// Every block has an EIP-1559 base fee: a minimum gas price does not apply (anvil's and Hardhat's answer too).
const setMinGasPrice = (name: string): MethodSpec => method([quantity("gasPrice")], () => {
  throw new LuxError("INVALID_PARAMS", `${name} is not supported when EIP-1559 is active`);
});

/**
 * anvil_dealERC20 / anvil_setERC20Allowance: writes `value` into the token's slot that `data` (a
 * balanceOf or allowance call) reads, found by probing (see findTokenSlot) at the head.
 */
async function setTokenWord(ctx: RpcContext, scope: RequestScope, token: Address, data: Uint8Array, value: bigint, what: string): Promise<null> {
  const dev = devOf(ctx);
  const slot = await ctx.simulations.run(scope.signal, async () => {
    const { vm, env } = await simulationVm(ctx, ctx.chain.head);
    return findTokenSlot(vm, env, token, data, ctx.limits.gasCap, new ExecutionGuard({ timeoutMs: ctx.limits.evmTimeoutMs, signal: scope.signal }));
  });
  if (!slot) {
    throw new LuxError("INVALID_PARAMS", `Unable to set ERC20 ${what}, no slot found: ${token.toString()} has no storage slot its ${what === "balance" ? "balanceOf" : "allowance"} returns (not an ERC-20, or a computed amount)`);
  }
  await dev.edit(async (sm) => sm.putStorage(token, slot, uintWord(value)));
  return null;
}

const dealErc20 = method([address("address"), address("token"), amount("balance")], (ctx, [owner, token, value], _conn, scope) =>
  setTokenWord(ctx, scope, token, balanceOfCall(owner), value, "balance"));

/** anvil's ReorgOptions: `{ depth, tx_block_pairs: [[raw tx | transaction request, new block index], …] }`. */
interface ReorgOptions {
  depth: bigint;
  pairs: Array<[unknown, bigint]>;
}
const REORG_KEYS = new Set(["depth", "tx_block_pairs"]);
const reorgOptions = (name: string): Param<ReorgOptions> => ({
  name,
  parse: (v) => {
    const o = object(name).parse(v);
    for (const k of Object.keys(o)) {
      if (!REORG_KEYS.has(k)) throw new LuxError("INVALID_PARAMS", `invalid argument ${name}: unknown field ${k} (expected depth and tx_block_pairs)`);
    }
    const depth = numberish(`${name}.depth`).parse(o.depth);
    const raw = o.tx_block_pairs ?? [];
    if (!Array.isArray(raw)) throw new LuxError("INVALID_PARAMS", `invalid argument ${name}.tx_block_pairs: expected an array of [transaction, block index] pairs`);
    const pairs = raw.map((p, i): [unknown, bigint] => {
      if (!Array.isArray(p) || p.length !== 2) throw new LuxError("INVALID_PARAMS", `invalid argument ${name}.tx_block_pairs[${i}]: expected [transaction, block index]`);
      return [p[0], numberish(`${name}.tx_block_pairs[${i}][1]`).parse(p[1])];
    });
    return { depth, pairs };
  },
});

/** The new blocks' transactions with their block index: raw bytes as sent, requests from the first dev account unless they name one. */
function reorgTxs(ctx: RpcContext, o: ReorgOptions): ReorgTx[] {
  const dev = devOf(ctx);
  return o.pairs.map(([tx, index], i) => {
    const where = `options.tx_block_pairs[${i}][0]`;
    const block = Number(index);
    if (typeof tx === "string") return { raw: data(where).parse(tx), block };
    return { request: parseSendRequest({ from: dev.accounts()[0], ...object(where).parse(tx) }, ctx.config.chainId), block };
  });
}

// What hardhat-ethers asks to tell a Hardhat network (it then polls for events every 50 ms, not 500).
const metadata = method([], (ctx): Json => ({
  clientVersion: ctx.clientVersion,
  chainId: Number(ctx.config.chainId),
  instanceId: devOf(ctx).instanceId,
  latestBlockNumber: Number(ctx.chain.head.block.header.number),
  latestBlockHash: bytesToHex(ctx.chain.head.hash),
}));

const dropTransaction = method([hash("txHash")], (ctx, [h]) => {
  const key = bytesToHex(h);
  if (!ctx.pool.get(key)) return false;
  ctx.pool.drop(key, "hardhat_dropTransaction");
  return true;
});

/** Drops pooled transactions (anvil's pool methods): never mined, their senders' later nonces wait behind the gap. */
function dropAll(ctx: RpcContext, which: (t: PoolTx) => boolean, by: string): null {
  for (const t of ctx.pool.all()) if (which(t)) ctx.pool.drop(t.hash, by);
  return null;
}

/**
 * Hardhat's and anvil's development methods, registered on dev nodes only (the `--dev` node and the
 * devnet). On a validator of a real network none of them exists: the dispatcher answers
 * "method not found", and eth_accounts is empty.
 */
export const devMethods: Record<string, MethodSpec> = {
  evm_snapshot: snapshot,
  evm_revert: revert,
  // Hardhat's timestamp, or anvil's `{ timestamp, blocks }`.
  evm_mine: untimed(method([optional(mineOptions("options"))], async (ctx, [o]) => {
    await mineWith(ctx, o ?? {});
    return "0x0";
  })),
  evm_increaseTime: increaseTime,
  evm_setTime: setTime,
  anvil_setTime: setTime,
  evm_mine_detailed: mineDetailed,
  anvil_mine_detailed: mineDetailed,
  anvil_setBlockTimestampInterval: method([numberish("seconds")], (ctx, [seconds]) => {
    devOf(ctx).clock.setInterval(seconds);
    return null;
  }),
  anvil_removeBlockTimestampInterval: method([], (ctx) => devOf(ctx).clock.removeInterval()),
  // Rewinding and mining `depth` blocks take as long as they are many: no request time-out.
  anvil_reorg: {
    ...untimed(method([reorgOptions("options")], async (ctx, [o], _conn, scope) => {
      await devOf(ctx).reorg(o.depth, reorgTxs(ctx, o), estimatorFor(ctx, scope));
      return null;
    })),
    objectParams: true,
  },
  // Rewinding over many blocks takes as long as they are many: no request time-out.
  anvil_rollback: untimed(method([optional(numberish("depth"))], async (ctx, [depth]) => {
    await devOf(ctx).rollback(depth ?? 1n);
    return null;
  })),
  anvil_dealERC20: dealErc20,
  anvil_setERC20Balance: dealErc20,
  hardhat_dealERC20: dealErc20,
  anvil_setERC20Allowance: method([address("owner"), address("spender"), address("token"), amount("amount")], (ctx, [owner, spender, token, value], _conn, scope) =>
    setTokenWord(ctx, scope, token, allowanceCall(owner, spender), value, "allowance")),
  anvil_setCoinbase: setCoinbase,
  hardhat_setCoinbase: setCoinbase,
  hardhat_setPrevRandao: setPrevRandao,
  anvil_setNextBlockPrevRandao: setPrevRandao,
  anvil_setChainId: method([numberish("chainId")], () => {
    throw new LuxError("INVALID_PARAMS", "the chain id is fixed when the chain is created (it is stored with the data dir and signed into every transaction): start the node with --reset --chain-id <id> for another one");
  }),
  anvil_setRpcUrl: method([str("url")], () => {
    throw new LuxError("INVALID_PARAMS", "forking is not supported (the devnet cannot fork another chain)");
  }),
  anvil_setMinGasPrice: setMinGasPrice("anvil_setMinGasPrice"),
  hardhat_setMinGasPrice: setMinGasPrice("hardhat_setMinGasPrice"),
  evm_setNextBlockTimestamp: setNextTimestamp,
  evm_setAutomine: setAutomine,
  evm_setIntervalMining: setIntervalMining,
  hardhat_mine: mine,
  hardhat_getAutomine: getAutomine,
  hardhat_setBalance: setBalance,
  hardhat_setCode: setCode,
  hardhat_setStorageAt: setStorageAt,
  hardhat_setNonce: setNonce,
  hardhat_setNextBlockBaseFeePerGas: setNextBaseFee,
  hardhat_impersonateAccount: impersonate,
  hardhat_stopImpersonatingAccount: stopImpersonating,
  hardhat_dropTransaction: dropTransaction,
  anvil_mine: mine,
  anvil_getAutomine: getAutomine,
  anvil_setAutomine: setAutomine,
  anvil_setIntervalMining: setIntervalMining,
  anvil_setBalance: setBalance,
  anvil_setCode: setCode,
  anvil_setStorageAt: setStorageAt,
  anvil_setNonce: setNonce,
  anvil_setNextBlockBaseFeePerGas: setNextBaseFee,
  anvil_impersonateAccount: impersonate,
  anvil_stopImpersonatingAccount: stopImpersonating,
  anvil_dropTransaction: dropTransaction,
  anvil_dropAllTransactions: method([], (ctx) => dropAll(ctx, () => true, "anvil_dropAllTransactions")),
  anvil_removePoolTransactions: method([address("address")], (ctx, [addr]) => {
    const from = addr.toString().toLowerCase();
    return dropAll(ctx, (t) => t.from === from, "anvil_removePoolTransactions");
  }),
  hardhat_setLoggingEnabled: method([bool("enabled")], (ctx, [on]) => {
    devOf(ctx).loggingEnabled = on;
    return true;
  }),
  anvil_setLoggingEnabled: method([bool("enabled")], (ctx, [on]) => {
    devOf(ctx).loggingEnabled = on;
    return null;
  }),
  anvil_autoImpersonateAccount: method([bool("enabled")], (ctx, [on]) => {
    devOf(ctx).setAutoImpersonate(on);
    return null;
  }),
  anvil_snapshot: snapshot,
  anvil_revert: revert,
  anvil_increaseTime: increaseTime,
  anvil_setNextBlockTimestamp: setNextTimestamp,
  evm_setBlockGasLimit: method([quantity("gasLimit")], (ctx, [limit]) => {
    devOf(ctx).setBlockGasLimit(limit);
    return true;
  }),
  hardhat_reset: reset,
  hardhat_metadata: metadata,
  anvil_metadata: metadata,
  anvil_nodeInfo: method([], (ctx): Json => {
    const h = ctx.chain.head.block.header;
    const baseFee = ctx.chain.nextBaseFee();
    return {
      currentBlockNumber: hexQ(h.number),
      currentBlockTimestamp: Number(h.timestamp),
      currentBlockHash: bytesToHex(ctx.chain.head.hash),
      hardFork: ctx.chain.common.hardfork(),
      transactionOrder: "fees",
      // Wei as quantities: exact whatever their size.
      environment: { baseFee: hexQ(baseFee), chainId: Number(ctx.config.chainId), gasLimit: Number(h.gasLimit), gasPrice: hexQ(baseFee + SUGGESTED_TIP) },
      forkConfig: {},
    };
  }),
  anvil_reset: reset,
  eth_accounts: method([], (ctx): Json => devOf(ctx).accounts()),
  // The signing methods of geth, Hardhat and anvil for the unlocked dev accounts: what ethers' and
  // Hardhat's remote signers (a network with `accounts: "remote"`, the default) call.
  eth_sign: method([address("address"), data("message")], (ctx, [addr, message]) => signPersonalMessage(devOf(ctx).signingKey(addr), message)),
  personal_sign: method([data("message"), address("address"), optional(str("password"))], (ctx, [message, addr]) =>
    signPersonalMessage(devOf(ctx).signingKey(addr), message),
  ),
  eth_signTypedData_v4: method([address("address"), typedData("typedData")], (ctx, [addr, typed]) => signTypedData(devOf(ctx).signingKey(addr), typed)),
  eth_signTransaction: method([object("transaction")], async (ctx, [o], _conn, scope) => {
    const raw = await devOf(ctx).signTransaction(parseSendRequest(o, ctx.config.chainId), estimatorFor(ctx, scope));
    return bytesToHex(raw);
  }),
  // anvil's: any `from`, no key and no impersonation needed, for this one transaction.
  eth_sendUnsignedTransaction: method([object("transaction")], async (ctx, [o], _conn, scope) => {
    const t = await devOf(ctx).sendUnsigned(parseSendRequest(o, ctx.config.chainId), estimatorFor(ctx, scope));
    await ctx.awaitMined?.(t);
    return t.hash;
  }),
  // anvil's synchronous form (EIP-7966's shape): the receipt once mined.
  eth_sendTransactionSync: untimed(method([object("transaction"), optional(syncTimeout("timeout"))], async (ctx, [o, ms], _conn, scope) => {
    const t = await devOf(ctx).send(parseSendRequest(o, ctx.config.chainId), estimatorFor(ctx, scope));
    return receiptWhenMined(ctx, t, syncWaitMs(ms), scope);
  })),
  eth_sendTransaction: method([object("transaction")], async (ctx, [o], _conn, scope) => {
    // A missing gas limit is estimated as eth_estimateGas without a block would: on the pending block.
    const t = await devOf(ctx).send(parseSendRequest(o, ctx.config.chainId), estimatorFor(ctx, scope));
    await ctx.awaitMined?.(t);
    return t.hash;
  }),
};
