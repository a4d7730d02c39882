import { RLP } from "@ethereumjs/rlp";
import { bytesToBigInt, bytesToHex } from "@ethereumjs/util";
import { LuxError } from "../../errors";
import { keccak } from "../../execution/crypto";
import { hexQ, type Json } from "../format";
import { blockRef, data, hexOrDecimal64, optional } from "../params";
import { resolveBlock } from "../resolve";
import { method, untimed, type MethodSpec, type RpcContext } from "../types";
import { receiptWhenMined, syncTimeout, syncWaitMs } from "../txSync";
import type { PoolTx } from "../../txpool/types";

/** Admits a raw transaction to the pool as eth_sendRawTransaction does. */
async function submitRaw(ctx: RpcContext, raw: Uint8Array): Promise<PoolTx> {
  // geth refuses these over RPC by default: the same signature is valid on every chain.
  if (!ctx.limits.allowUnprotectedTxs && isUnprotected(raw)) {
    throw new LuxError("UNPROTECTED_TX", "only replay-protected (EIP-155) transactions allowed over RPC (start the node with --allow-unprotected-txs to accept them)");
  }
  return ctx.pool.add(raw);
}

/** Tip suggested to wallets (1 gwei, like Hardhat and geth's default). */
export const SUGGESTED_TIP = 1_000_000_000n;
const MAX_PERCENTILE = 100;
/** EIP-155 `v` values of an unprotected legacy signature (27/28; protected ones are chainId*2+35/36). */
const UNPROTECTED_V = new Set([27n, 28n]);

/** Whether a raw transaction is a legacy one signed without a chain id (replayable on every chain). */
export function isUnprotected(raw: Uint8Array): boolean {
  // Typed transactions (first byte < 0xc0) always carry their chain id.
  if (raw.length === 0 || raw[0] < 0xc0) return false;
  try {
    const fields = RLP.decode(raw) as Uint8Array[];
    return Array.isArray(fields) && fields[6] instanceof Uint8Array && UNPROTECTED_V.has(bytesToBigInt(fields[6]));
  } catch {
    return false; // malformed: the pool rejects it with its own message
  }
}

/** Fees, transaction submission, and chain identity. */
export const txMethods: Record<string, MethodSpec> = {
  eth_chainId: method([], (ctx) => hexQ(ctx.config.chainId)),
  eth_gasPrice: method([], (ctx) => hexQ(ctx.chain.head.block.header.calcNextBaseFee() + SUGGESTED_TIP)),
  eth_maxPriorityFeePerGas: method([], () => hexQ(SUGGESTED_TIP)),
  eth_blobBaseFee: method([], () => "0x1"),
  eth_sendRawTransaction: method([data("transaction")], async (ctx, [raw]) => {
    const t = await submitRaw(ctx, raw);
    await ctx.awaitMined?.(t);
    return t.hash;
  }),
  // EIP-7966: sends and answers the receipt once mined (its own wait bounds it: no request time-out).
  eth_sendRawTransactionSync: untimed(method([data("transaction"), optional(syncTimeout("timeout"))], async (ctx, [raw, ms], _conn, scope) =>
    receiptWhenMined(ctx, await submitRaw(ctx, raw), syncWaitMs(ms), scope))),
  eth_feeHistory: method(
    [hexOrDecimal64("blockCount"), blockRef("newestBlock"), optional<unknown[]>({ name: "rewardPercentiles", parse: (v) => (Array.isArray(v) ? v : (() => { throw new LuxError("INVALID_PARAMS", "invalid argument rewardPercentiles: expected an array"); })()) })],
    async (ctx, [countRaw, ref, pctRaw]) => {
      const maxPcts = ctx.limits.maxFeeHistoryPercentiles;
      if (pctRaw && pctRaw.length > maxPcts) {
        throw new LuxError("LIMIT_EXCEEDED", `too many reward percentiles: ${pctRaw.length}, limit ${maxPcts}`);
      }
      const pcts = (pctRaw ?? []).map((p) => {
        if (typeof p !== "number" || p < 0 || p > MAX_PERCENTILE) throw new LuxError("INVALID_PARAMS", "invalid argument rewardPercentiles: numbers in [0, 100]");
        return p;
      });
      for (let i = 1; i < pcts.length; i++) if (pcts[i] < pcts[i - 1]) throw new LuxError("INVALID_PARAMS", "invalid argument rewardPercentiles: must be ascending");
      const newest = await resolveBlock(ctx, ref);
      if (!newest) throw new LuxError("RESOURCE_NOT_FOUND", "header not found");
      // Like geth, a larger count is clipped (the answer says which blocks it covers), not refused.
      const count = countRaw > ctx.limits.maxFeeHistoryBlocks ? ctx.limits.maxFeeHistoryBlocks : countRaw;
      const last = newest.block.header.number;
      const first = last + 1n > count ? last + 1n - count : 0n;
      const baseFees: Json[] = [];
      const ratios: Json[] = [];
      const rewards: Json[] = [];
      for (let n = first; n <= last && count > 0n; n++) {
        const rec = await ctx.chain.getBlockByNumber(n);
        if (!rec) break;
        const h = rec.block.header;
        const base = h.baseFeePerGas ?? 0n;
        baseFees.push(hexQ(base));
        ratios.push(Number(h.gasUsed) / Number(h.gasLimit));
        if (pcts.length > 0) {
          // The transactions' receipts only (a system receipt, after them, pays no tip).
          const receipts = ((await ctx.chain.getReceipts(rec.hash)) ?? []).slice(0, rec.block.transactions.length);
          const tips = receipts.map((r) => ({ tip: r.effectiveGasPrice - base, gas: r.gasUsed })).sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0));
          rewards.push(pcts.map((p) => {
            if (tips.length === 0) return "0x0";
            const threshold = (Number(h.gasUsed) * p) / MAX_PERCENTILE;
            let acc = 0;
            for (const t of tips) {
              acc += Number(t.gas);
              if (acc >= threshold) return hexQ(t.tip);
            }
            return hexQ(tips[tips.length - 1].tip);
          }));
        }
        if (n === last) baseFees.push(hexQ(h.calcNextBaseFee()));
      }
      const out: Record<string, Json> = { oldestBlock: hexQ(first), baseFeePerGas: baseFees, gasUsedRatio: ratios };
      if (pcts.length > 0) out.reward = rewards;
      return out;
    },
  ),
  net_version: method([], (ctx) => ctx.config.chainId.toString()),
  // Truthful: listening means the peer-to-peer host is up; the count is of connected peers.
  net_listening: method([], (ctx) => ctx.network?.().listening ?? false),
  net_peerCount: method([], (ctx) => hexQ(BigInt(ctx.network?.().peers.filter((p) => p.connected).length ?? 0))),
  web3_clientVersion: method([], (ctx) => ctx.clientVersion),
  web3_sha3: method([data("data")], (_ctx, [d]) => bytesToHex(keccak(d))),
  eth_syncing: method([], () => false),
  eth_accounts: method([], () => []),
  eth_mining: method([], () => true),
  eth_hashrate: method([], () => "0x0"),
  eth_coinbase: method([], (ctx) => ctx.chain.head.block.header.coinbase.toString()),
  eth_protocolVersion: method([], () => "0x44"),
};
