/** Minimal JSON-RPC over fetch for the benchmark's setup and checks (the measured client uses ethers). */
export async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return res.json();
}

/** One call; throws the RPC error message. */
export async function call<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const r = (await post(url, { jsonrpc: "2.0", id: 1, method, params })) as { result?: T; error?: { message: string } };
  if (r.error) throw new Error(`${method}: ${r.error.message}`);
  return r.result as T;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until every address reached its expected nonce ("latest"). */
export async function waitNonces(url: string, finalNonce: Map<string, bigint>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Map(finalNonce);
  while (pending.size > 0) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pending.size} senders' transactions to be mined`);
    const entries = [...pending];
    const out = (await post(url, entries.map(([a], id) => ({ jsonrpc: "2.0", id, method: "eth_getTransactionCount", params: [a, "latest"] })))) as { id: number; result: string }[];
    for (const r of out) if (BigInt(r.result) >= entries[r.id][1]) pending.delete(entries[r.id][0]);
    if (pending.size > 0) await sleep(20);
  }
}

/** Counts successful receipts among `hashes` (batched reads, not timed). */
export async function countSuccess(url: string, hashes: string[]): Promise<number> {
  let ok = 0;
  for (let i = 0; i < hashes.length; i += 200) {
    const out = (await post(url, hashes.slice(i, i + 200).map((h, id) => ({ jsonrpc: "2.0", id, method: "eth_getTransactionReceipt", params: [h] })))) as { result: { status: string } | null }[];
    ok += out.filter((r) => r.result?.status === "0x1").length;
  }
  return ok;
}
