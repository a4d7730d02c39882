import { hexToBytes } from "@ethereumjs/util";
import { errorMessage } from "../errors";
import type { Logger } from "../chain/types";
import type { TxJournalStore } from "./types";

/**
 * Write-behind journal of the pool with group commit: additions and removals gather while the previous
 * write runs and go to the store in one atomic batch. `add` resolves once its entry is written, so an
 * accepted transaction is on disk before the RPC answers (it survives `kill -9`); removals are not
 * waited for (a stale entry is revalidated away on replay).
 */
export class TxJournal {
  private readonly puts = new Map<string, Uint8Array>();
  private readonly dels = new Set<string>();
  private scheduled?: Promise<void>;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly store: TxJournalStore, private readonly log: Logger) {}

  /** Journals a transaction; resolves when it is written. */
  add(hash: string, raw: Uint8Array): Promise<void> {
    this.dels.delete(hash);
    this.puts.set(hash, raw);
    return this.schedule();
  }

  /** Forgets a transaction (written with the next batch). */
  remove(hash: string): void {
    if (this.puts.delete(hash)) return; // never reached the disk
    this.dels.add(hash);
    void this.schedule();
  }

  /** Resolves when everything recorded so far is written. */
  flush(): Promise<void> {
    return this.puts.size + this.dels.size > 0 ? this.schedule() : this.tail;
  }

  /** Every journaled raw transaction. */
  load(): Promise<Uint8Array[]> {
    return this.store.load();
  }

  private schedule(): Promise<void> {
    if (this.scheduled) return this.scheduled;
    const run = this.tail.then(() => {
      this.scheduled = undefined;
      const put = [...this.puts].map(([h, raw]) => ({ hash: hexToBytes(h as `0x${string}`), raw }));
      const del = [...this.dels].map((h) => hexToBytes(h as `0x${string}`));
      this.puts.clear();
      this.dels.clear();
      if (put.length + del.length === 0) return;
      return this.store.write(put, del).catch((err: unknown) => {
        this.log.error(`txpool journal: write of ${put.length} additions and ${del.length} removals failed: ${errorMessage(err)}`);
      });
    });
    this.scheduled = run;
    this.tail = run;
    return run;
  }
}
