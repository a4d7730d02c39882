import { Account, bigIntToBytes, bytesToHex, setLengthLeft, type Address } from "@ethereumjs/util";
import type { DevMode } from "../../dev/devMode";
import { parseSendRequest } from "../../dev/send";
import { parseTypedData, signPersonalMessage, signTypedData, type TypedData } from "../../dev/sign";
import { LuxError } from "../../errors";
import type { LuxStateManager } from "../../execution/stateManager";
import type { Json } from "../format";
import { address, bool, data, hash, object, optional, quantity, str, type Param } from "../params";
import type { PoolTx } from "../../txpool/types";
import { method, untimed, type MethodSpec, type RpcContext } from "../types";
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
  evm_mine: method([optional(numberish("timestamp"))], async (ctx, [ts]) => {
    await devOf(ctx).mine(1n, 1n, ts);
    return "0x0";
  }),
  evm_increaseTime: increaseTime,
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
  // What hardhat-ethers asks to tell a Hardhat network (it then polls for events every 50 ms, not 500).
  hardhat_metadata: method([], (ctx): Json => ({
    clientVersion: ctx.clientVersion,
    chainId: Number(ctx.config.chainId),
    instanceId: devOf(ctx).instanceId,
    latestBlockNumber: Number(ctx.chain.head.block.header.number),
    latestBlockHash: bytesToHex(ctx.chain.head.hash),
  })),
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
    const raw = await devOf(ctx).signTransaction(parseSendRequest(o, ctx.config.chainId), (req) => estimate(ctx, req, undefined, undefined, scope));
    return bytesToHex(raw);
  }),
  eth_sendTransaction: method([object("transaction")], async (ctx, [o], _conn, scope) => {
    // A missing gas limit is estimated as eth_estimateGas without a block would: on the pending block.
    const t = await devOf(ctx).send(parseSendRequest(o, ctx.config.chainId), (req) => estimate(ctx, req, undefined, undefined, scope));
    await ctx.awaitMined?.(t);
    return t.hash;
  }),
};
