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
  private readonly waiting = new Map<string, Array<(receipt: StoredReceipt | undefined) => void>>();

  constructor(chain: Chain) {
    chain.on("head", (head: NewHead) => this.onHead(head));
  }

  /**
   * Resolves with the receipt when `hash` is included (callers read its status without a database
   * lookup), undefined after `timeoutMs` or when `signal` aborts (the transaction stays pooled). Any
   * number of callers may wait for one transaction (automine and a synchronous send, say).
   */
  wait(hash: string, timeoutMs: number, signal?: AbortSignal): Promise<StoredReceipt | undefined> {
    const key = hash.toLowerCase();
    return new Promise((resolve) => {
      const done = (receipt: StoredReceipt | undefined): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", abort);
        resolve(receipt);
      };
      const leave = (): void => {
        const rest = (this.waiting.get(key) ?? []).filter((d) => d !== done);
        if (rest.length > 0) this.waiting.set(key, rest);
        else this.waiting.delete(key);
        done(undefined);
      };
      const abort = (): void => leave();
      const timer = setTimeout(leave, timeoutMs);
      signal?.addEventListener("abort", abort, { once: true });
      this.waiting.set(key, [...(this.waiting.get(key) ?? []), done]);
    });
  }

  /** Stops waiting for `hash` (it left the pool without being included): its waiters resolve undefined. */
  cancel(hash: string): void {
    this.settle(hash.toLowerCase(), undefined);
  }

  private settle(key: string, receipt: StoredReceipt | undefined): void {
    const waiters = this.waiting.get(key);
    if (!waiters) return;
    this.waiting.delete(key);
    for (const done of waiters) done(receipt);
  }

  private onHead(head: NewHead): void {
    if (this.waiting.size === 0) return;
    for (const receipt of head.receipts) this.settle(bytesToHex(receipt.txHash).toLowerCase(), receipt);
  }
}
