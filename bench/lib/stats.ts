/** The p-quantile (0..1) of a list of numbers (nearest rank); NaN when empty. */
export function quantile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Result of one timed phase. */
export interface PhaseResult {
  /** Transactions sent. */
  count: number;
  /** Transactions per second from the first send until the last one was seen in a block. */
  tps: number;
  /** Median and 99th-percentile latency of one send request (ms). */
  sendP50: number;
  sendP99: number;
  /** Median latency from a transaction's send to the moment it was seen in a block (ms). */
  inclusionP50: number;
  /** Server CPU time per transaction (ms, user + system of its processes): steadier than tx/s on a busy machine. */
  cpuPerTx: number;
  /**
   * CPU time per transaction of this benchmark process (the client: ethers, HTTP, the inclusion watcher).
   * Client and server share the machine's cores, so at a given rate the two together bound what is left.
   */
  clientCpuPerTx: number;
}

/** User + system CPU time of this process so far (ms). */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
