/** Historical events over a block range, queried in chunks (RPC providers cap log ranges). */
import { read } from "../../call";
import type { Client } from "../../types";

/** Blocks per eth_getLogs request; public providers commonly cap ranges around 10,000. */
export const DEFAULT_LOG_CHUNK = 5_000;

/** Queries one block range, e.g. `(from, to) => registry.queryFilter(registry.filters.MinerRegistered(), from, to)`. */
export type EventQuery<T> = (fromBlock: number, toBlock: number) => Promise<T[]>;

/** Parameters of {@link getEvents}. */
export interface GetEventsParameters<T> {
  /** Names the query in errors. */
  label: string;
  query: EventQuery<T>;
  /** First block; default the suite's deploy block. */
  fromBlock?: number;
  /** Last block; default the latest. */
  toBlock?: number;
  /** Blocks per request. */
  chunkSize?: number;
}

/** Every event the query matches in the range, in chain order. */
export async function getEvents<T>(client: Client, params: GetEventsParameters<T>): Promise<T[]> {
  const from = params.fromBlock ?? client.deployment.deployBlock;
  const to = params.toBlock ?? (await read(client, "eth_blockNumber", () => client.provider.getBlockNumber()));
  const chunk = params.chunkSize ?? DEFAULT_LOG_CHUNK;
  const out: T[] = [];
  for (let start = from; start <= to; start += chunk) {
    const end = Math.min(to, start + chunk - 1);
    out.push(...(await read(client, params.label, () => params.query(start, end))));
  }
  return out;
}
