import { hexToBytes } from "@ethereumjs/util";
import { LuxError, errorMessage } from "../errors";
import type { Chain } from "./chain";
import type { Logger } from "./types";

/** Poll interval of the follower. */
const FOLLOW_POLL_MS = 250;
/** Back-off after a failed fetch or a rejected block. */
const FOLLOW_BACKOFF_MS = 2_000;

interface RpcReply<T> {
  result?: T;
  error?: { message: string };
}

async function remote<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as RpcReply<T>;
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/**
 * Follows another node over JSON-RPC until peer-to-peer sync exists: fetches each signed block with
 * `lux_getBlockEnvelope` and imports it, so every block is re-validated (schedule, signature, roots)
 * before it becomes head. A rejected block is logged with its reason and retried after a back-off.
 */
export class Follower {
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly chain: Chain,
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sync().then((delay) => this.schedule(delay));
    }, ms);
  }

  /** Imports every remote block above the local head; returns the delay before the next poll. */
  private async sync(): Promise<number> {
    try {
      const remoteHead = BigInt(await remote<string>(this.url, "eth_blockNumber", []));
      for (let n = this.chain.head.block.header.number + 1n; n <= remoteHead && !this.stopped; n++) {
        const env = await remote<string | null>(this.url, "lux_getBlockEnvelope", [`0x${n.toString(16)}`]);
        if (!env) break;
        await this.chain.importBlock(hexToBytes(env as `0x${string}`));
      }
      return FOLLOW_POLL_MS;
    } catch (err) {
      const reason = err instanceof LuxError ? `${err.code}: ${err.message}` : errorMessage(err);
      this.log.warn(`follow ${this.url}: ${reason}`);
      return FOLLOW_BACKOFF_MS;
    }
  }
}
