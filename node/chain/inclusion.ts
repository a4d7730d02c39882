import { bytesToHex } from "@ethereumjs/util";
import type { Chain } from "./chain";
import type { NewHead } from "./types";
import type { StoredReceipt } from "../storage/types";

/**
 * Waits for transactions to land in a block. Backs automine semantics: with it,
 * eth_sendRawTransaction answers once the transaction is mined, as Hardhat and Anvil do, so tools that
 * read the receipt right after sending (Hardhat's chai matchers) work against this node.
 */
export class InclusionWaiter {
  private readonly waiting = new Map<string, (receipt: StoredReceipt | undefined) => void>();

  constructor(chain: Chain) {
    chain.on("head", (head: NewHead) => this.onHead(head));
  }

  /**
   * Resolves with the receipt when `hash` is included (callers read its status without a database
   * lookup), undefined after `timeoutMs` (the transaction stays pooled).
   */
  wait(hash: string, timeoutMs: number): Promise<StoredReceipt | undefined> {
    const key = hash.toLowerCase();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(key, (receipt) => {
        clearTimeout(timer);
        resolve(receipt);
      });
    });
  }

  /** Stops waiting for `hash` (it left the pool without being included): the waiter resolves undefined. */
  cancel(hash: string): void {
    const key = hash.toLowerCase();
    const done = this.waiting.get(key);
    if (!done) return;
    this.waiting.delete(key);
    done(undefined);
  }

  private onHead(head: NewHead): void {
    if (this.waiting.size === 0) return;
    for (const receipt of head.receipts) {
      const key = bytesToHex(receipt.txHash).toLowerCase();
      const done = this.waiting.get(key);
      if (done === undefined) continue;
      this.waiting.delete(key);
      done(receipt);
    }
  }
}
