import { bytesToHex, bytesToUtf8, hexToBytes, utf8ToBytes } from "@ethereumjs/util";
import type { ChainStore } from "../storage/types";

/** Meta key of the list. */
const SYSTEM_BLOCKS_META = "system-blocks";

/** A canonical block that included evidence or has a system receipt. */
export interface SystemBlock {
  /** Its number. */
  number: bigint;
  /** Its hash. */
  hash: Uint8Array;
}

/**
 * The few canonical blocks that included evidence or ran end-of-block system calls, persisted in the
 * store's meta. An `evm_revert` rewind reads only the headers of the blocks it drops (a revert over a
 * 50,400-block `hardhat_mine` stays cheap), and an empty block's header does not tell whether it carried
 * evidence; this list does, so the rewind can forget those evidence ids (the offence is slashable again on
 * the new branch) and drop their system receipts from the transaction index.
 */
export class SystemBlockIndex {
  private entries: SystemBlock[] | undefined;

  constructor(private readonly store: Pick<ChainStore, "getMeta" | "putMeta">) {}

  private async load(): Promise<SystemBlock[]> {
    if (this.entries) return this.entries;
    const raw = await this.store.getMeta(SYSTEM_BLOCKS_META);
    const json = raw ? (JSON.parse(bytesToUtf8(raw)) as { number: string; hash: string }[]) : [];
    this.entries = json.map((e) => ({ number: BigInt(e.number), hash: hexToBytes(e.hash as `0x${string}`) }));
    return this.entries;
  }

  private async save(entries: SystemBlock[]): Promise<void> {
    this.entries = entries;
    const json = entries.map((e) => ({ number: e.number.toString(), hash: bytesToHex(e.hash) }));
    await this.store.putMeta(SYSTEM_BLOCKS_META, utf8ToBytes(JSON.stringify(json)));
  }

  /** Records a block that became canonical with evidence or a system receipt. */
  async mark(number: bigint, hash: Uint8Array): Promise<void> {
    await this.save([...(await this.load()).filter((e) => e.number < number), { number, hash }]);
  }

  /** Removes and returns the entries above `number` (the blocks a rewind to `number` drops). */
  async takeAbove(number: bigint): Promise<SystemBlock[]> {
    const all = await this.load();
    const above = all.filter((e) => e.number > number);
    if (above.length > 0) await this.save(all.filter((e) => e.number <= number));
    return above;
  }
}
