import { createTxFromRLP } from "@ethereumjs/tx";
import { createAddressFromString, hexToBytes } from "@ethereumjs/util";
import type { Chain } from "../../node/chain/chain";
import type { BlockRecord } from "../../node/chain/types";
import { devAccounts } from "../../node/config/devAccounts";
import { consensusCommitment, encodeEnvelope } from "../../node/consensus/envelope";
import { epochOf } from "../../node/consensus/schedule";
import { assembleBlock, strictSource } from "../../node/execution/executor";
import { EMPTY_TRIE_ROOT } from "../../node/execution/orderedTrieRoot";
import { LevelChainStore, type BlockWrite } from "../../node/storage";

const BLOOM_BYTES = 256;
/** Blocks written per LevelDB batch. */
const WRITE_CHUNK = 1000;

/**
 * Writes chain history as a devnet that had been running for a while would have produced it: blocks
 * at given slots with timestamps on the slot clock, the real proposer schedule, signatures, epoch
 * boundaries and base fees. Test support only (it runs on a node created with `produce: false`).
 */
export class HistoryWriter {
  private readonly keys = new Map(devAccounts().map((a) => [a.address.toLowerCase(), hexToBytes(a.privateKey as `0x${string}`)]));

  constructor(private readonly chain: Chain) {}

  private get store(): LevelChainStore {
    if (!(this.chain.store instanceof LevelChainStore)) throw new Error("HistoryWriter needs a LevelChainStore");
    return this.chain.store;
  }

  /** Milliseconds since the epoch at which a slot starts. */
  slotStartMs(slot: bigint): number {
    return Number(this.chain.config.genesisTimestamp) * 1000 + Number(slot) * this.chain.config.slotTimeMs;
  }

  private async duty(parent: BlockRecord, slot: bigint) {
    const duty = await this.chain.engine.duty(this.chain.parentInfo(parent), slot);
    const key = this.keys.get(duty.proposer.signer.toLowerCase()) ?? this.keys.get(duty.proposer.address.toLowerCase());
    if (!key) throw new Error(`no dev key for proposer ${duty.proposer.address}`);
    return { duty, key };
  }

  /** Produces a block at `slot` holding these signed transactions (hex), through the real executor. */
  async produce(slot: bigint, rawTxs: string[]): Promise<void> {
    const txs = rawTxs.map((r) => {
      const tx = createTxFromRLP(hexToBytes(r as `0x${string}`), { common: this.chain.common });
      return { tx, sender: tx.getSenderAddress() };
    });
    const { duty, key } = await this.duty(this.chain.head, slot);
    await this.chain.produce(duty, key, strictSource(txs), {}, this.slotStartMs(slot));
  }

  /**
   * Appends one empty block per slot in [fromSlot, toSlot] straight through the store, skipping the
   * executor: an empty block's post-state is its parent's, so only header, seal and commit remain
   * and blocks go to disk a thousand per batch. The RANDAO reveal is left empty and the mix carried
   * over (a VRF proof per block would cost minutes for a day of slots): these blocks are history for
   * the RPC to serve, never re-imported.
   */
  async appendEmpty(fromSlot: bigint, toSlot: bigint): Promise<void> {
    const bloom = new Uint8Array(BLOOM_BYTES);
    const pending: BlockWrite[] = [];
    let parent = this.chain.head;
    const spe = this.chain.config.slotsPerEpoch;
    const flush = async (): Promise<void> => {
      await this.store.commitBlocks(pending.splice(0, pending.length));
      this.chain.head = parent;
    };
    for (let slot = fromSlot; slot <= toSlot; slot++) {
      // An epoch's schedule reads its boundary block (the parent) from the store: write it first.
      if (pending.length > 0 && epochOf(slot, spe) !== epochOf(parent.slot, spe)) await flush();
      const { duty, key } = await this.duty(parent, slot);
      const ts = BigInt(Math.floor(this.slotStartMs(slot) / 1000));
      const fields = { slot, reveal: new Uint8Array(0), votes: [], evidence: [] };
      const env = this.chain.childEnv(parent, slot, createAddressFromString(duty.proposer.address), ts, { prevRandao: parent.block.header.mixHash, extraData: consensusCommitment(fields) });
      const block = assembleBlock(this.chain.common, env, {
        txs: [], gasUsed: 0n, stateRoot: parent.block.header.stateRoot,
        transactionsTrie: EMPTY_TRIE_ROOT, receiptTrie: EMPTY_TRIE_ROOT, logsBloom: bloom,
      });
      const envelope = this.chain.engine.seal(block, fields, key);
      const hash = block.hash();
      pending.push({
        hash, number: block.header.number, slot, envelope: encodeEnvelope(envelope), header: block.header.serialize(),
        senders: [], receipts: [], totalBurned: this.chain.totalBurned,
        epochBoundary: duty.opensEpoch ? { epoch: duty.epoch.epoch, hash: duty.epoch.boundaryHash } : undefined,
      });
      parent = { ...envelope, hash, senders: [] };
      // The schedule walks the branch back from the parent: keep unflushed blocks visible to it.
      this.chain.remember(parent);
      // ...and the block that opens an epoch records that boundary, which the rest of the epoch reads.
      if (pending.length >= WRITE_CHUNK || duty.opensEpoch || slot === toSlot) await flush();
    }
  }
}
