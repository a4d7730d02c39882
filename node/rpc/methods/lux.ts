import { bytesToHex } from "@ethereumjs/util";
import { epochOf } from "../../consensus/schedule";
import { LuxError } from "../../errors";
import { hexQ, type Json } from "../format";
import { blockNumber, data } from "../params";
import { method, type MethodSpec, type RpcContext } from "../types";

async function currentDuty(ctx: RpcContext) {
  const head = ctx.chain.head;
  return ctx.chain.engine.duty(ctx.chain.parentInfo(head), head.slot + 1n);
}

/** Luxtensor-specific reads: validators, epochs, supply; block export/import for syncing and tests. */
export const luxMethods: Record<string, MethodSpec> = {
  lux_getValidators: method([], async (ctx) => {
    const duty = await currentDuty(ctx);
    return {
      epoch: hexQ(duty.epoch.epoch),
      source: duty.epoch.source,
      totalStake: hexQ(duty.epoch.totalStake),
      validators: duty.epoch.validators.map((v) => ({ address: v.address, signer: v.signer, stake: hexQ(v.stake) })),
    };
  }),
  lux_getEpoch: method([], async (ctx) => {
    const duty = await currentDuty(ctx);
    const spe = BigInt(ctx.config.slotsPerEpoch);
    const head = ctx.chain.head;
    return {
      epoch: hexQ(epochOf(head.slot, ctx.config.slotsPerEpoch)),
      nextSlotEpoch: hexQ(duty.epoch.epoch),
      headSlot: hexQ(head.slot),
      slotsPerEpoch: hexQ(spe),
      slotTimeMs: ctx.config.slotTimeMs,
      epochStartSlot: hexQ(duty.epoch.epoch * spe),
      boundaryBlockHash: bytesToHex(duty.epoch.boundaryHash),
      nextProposer: duty.proposer.address,
      validatorSource: duty.epoch.source,
    };
  }),
  lux_getSupply: method([], (ctx) => {
    const genesis = ctx.config.alloc.reduce((s, a) => s + a.balance, 0n);
    const burned = ctx.totalBurned();
    return { genesis: hexQ(genesis), burned: hexQ(burned), total: hexQ(genesis - burned), symbol: "LUX" };
  }),
  lux_getChainConfig: method([], (ctx): Json => ({
    chainId: hexQ(ctx.config.chainId),
    hardfork: ctx.config.hardfork,
    gasLimit: hexQ(ctx.config.gasLimit),
    slotTimeMs: ctx.config.slotTimeMs,
    slotsPerEpoch: ctx.config.slotsPerEpoch,
    stakingContract: ctx.config.stakingContract,
    genesisHash: bytesToHex(ctx.chain.genesisHash),
  })),
  lux_getFinality: method([], (ctx): Json => {
    const head = ctx.chain.head;
    const id = (b: { number: bigint; hash: string; slot: bigint }): Json => ({ number: hexQ(b.number), hash: b.hash, slot: hexQ(b.slot) });
    return {
      head: id({ number: head.block.header.number, hash: bytesToHex(head.hash), slot: head.slot }),
      justified: id(ctx.chain.justifiedId()),
      finalized: id(ctx.chain.finalizedId()),
    };
  }),
  lux_peers: method([], (ctx): Json => {
    const n = ctx.network?.();
    return {
      listening: n?.listening ?? false,
      peerId: n?.peerId ?? null,
      addresses: n?.addresses ?? [],
      peers: (n?.peers ?? []).map((p) => ({
        peerId: p.peerId,
        connected: p.connected,
        addresses: p.addresses,
        penalty: p.penalty,
        banned: p.bannedUntil !== undefined,
        head: p.status ? { number: hexQ(p.status.headNumber), hash: p.status.headHash, finalized: hexQ(p.status.finalizedNumber) } : null,
      })),
    };
  }),
  lux_getBlockEnvelope: method([blockNumber("number")], async (ctx, [n]) => {
    const env = await ctx.chain.getEnvelopeByNumber(n);
    return env ? bytesToHex(env) : null;
  }),
  lux_importBlock: method([data("envelope")], async (ctx, [env]) => {
    if (!ctx.allowImportBlock) throw new LuxError("IMPORT_DISABLED", "lux_importBlock is disabled: start the node with --allow-import-block to enable it");
    try {
      const h = await ctx.chain.importBlock(env);
      return { number: hexQ(h.record.block.header.number), hash: bytesToHex(h.record.hash) };
    } catch (err) {
      if (err instanceof LuxError) ctx.log.warn(`rejected block: ${err.code}: ${err.message}`);
      throw err;
    }
  }),
};
