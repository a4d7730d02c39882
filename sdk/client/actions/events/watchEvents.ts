/** Subscribes to new events by polling (works on any HTTP node; no filters kept on the node). */
import { read } from "../../call";
import { getEvents, type EventQuery } from "./getEvents";
import type { Client } from "../../types";

/** Parameters of {@link watchEvents}. */
export interface WatchEventsParameters<T> {
  label: string;
  query: EventQuery<T>;
  /** Called with each non-empty batch of new events, in chain order. */
  onEvents: (events: T[]) => void | Promise<void>;
  /** Called when a poll fails (the watcher keeps going); default: ignore. */
  onError?: (error: unknown) => void;
  /** First block to report; default the next block. */
  fromBlock?: number;
}

/** Result of {@link watchEvents}. */
export interface WatchEventsReturnType {
  /** Stops polling; resolves when the current poll has finished. */
  stop(): Promise<void>;
}

/** Polls for new events every `client.pollIntervalMs`. */
export function watchEvents<T>(client: Client, params: WatchEventsParameters<T>): WatchEventsReturnType {
  let stopped = false;
  let next: number | undefined = params.fromBlock;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const poll = async (): Promise<void> => {
    try {
      const latest = await read(client, "eth_blockNumber", () => client.provider.getBlockNumber());
      if (next === undefined) next = latest + 1;
      if (latest >= next) {
        const events = await getEvents(client, { label: params.label, query: params.query, fromBlock: next, toBlock: latest });
        next = latest + 1;
        if (events.length > 0 && !stopped) await params.onEvents(events);
      }
    } catch (error) {
      params.onError?.(error);
    }
    if (!stopped) timer = setTimeout(() => (running = poll()), client.pollIntervalMs);
  };
  running = poll();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
