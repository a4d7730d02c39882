import { bytesToHex } from "@ethereumjs/util";
import type { Chain } from "./chain";
import type { NewHead } from "./types";

/**
 * Waits for transactions to land in a block. Backs automine semantics: with it,
 * eth_sendRawTransaction answers once the transaction is mined, as Hardhat and Anvil do, so tools that
 * read the receipt right after sending (Hardhat's chai matchers) work against this node.
 */
export class InclusionWaiter {
  private readonly waiting = new Map<string, (included: boolean) => void>();

  constructor(chain: Chain) {
    chain.on("head", (head: NewHead) => this.onHead(head));
  }

  /** Resolves true when `hash` is included, false after `timeoutMs` (the transaction stays pooled). */
  wait(hash: string, timeoutMs: number): Promise<boolean> {
    const key = hash.toLowerCase();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        resolve(false);
      }, timeoutMs);
      this.waiting.set(key, (included) => {
        clearTimeout(timer);
        resolve(included);
      });
    });
  }

  /** Stops waiting for `hash` (it left the pool without being included): the waiter resolves false. */
  cancel(hash: string): void {
    const key = hash.toLowerCase();
    const done = this.waiting.get(key);
    if (!done) return;
    this.waiting.delete(key);
    done(false);
  }

  private onHead(head: NewHead): void {
    if (this.waiting.size === 0) return;
    for (const receipt of head.receipts) {
      const key = bytesToHex(receipt.txHash).toLowerCase();
      const done = this.waiting.get(key);
      if (done === undefined) continue;
      this.waiting.delete(key);
      done(true);
    }
  }
}
