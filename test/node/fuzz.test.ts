import { expect } from "chai";
import fc from "fast-check";
import { Wallet } from "ethers";
import { devKeys, rawRpc, rpc, startNode, waitFor, type SpawnedNode } from "./helpers";
import { WsClient } from "./wsClient";

/**
 * Code that loops forever: 32 × JUMPDEST; PUSH1 0; JUMP. The JUMPDESTs (1 gas each) make the 50M-gas
 * cap last ~40M interpreter steps, several times the time-out on any machine (a bare JUMPDEST; PUSH1 0;
 * JUMP ran its 50M gas out in about the 1.5 s time-out on a fast one).
 */
const ENDLESS_LOOP = `0x${"5b".repeat(32)}600056`;
/** Init code that stores a word at offset 3 GiB: PUSH1 1; PUSH4 0xc0000000; MSTORE. */
const MSTORE_3GIB = "0x600163c000000052";
const MAX_U64 = "0xffffffffffffffff";
const EVM_TIMEOUT_MS = 1500;
const TOPIC = `0x${"ab".repeat(32)}`;

interface RpcReply {
  jsonrpc?: string;
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

/** Checks a reply is a well-formed JSON-RPC 2.0 response: a result or an error with an integer code. */
function expectWellFormed(r: unknown): void {
  const m = r as RpcReply;
  expect(m.jsonrpc, JSON.stringify(r).slice(0, 300)).to.equal("2.0");
  expect("result" in m !== "error" in m, "result xor error").to.equal(true);
  if (m.error) expect(Number.isInteger(m.error.code) && typeof m.error.message === "string").to.equal(true);
}

const errorOf = async (url: string, method: string, params: unknown[]): Promise<{ code: number; message: string }> => {
  const r = (await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params })).json as RpcReply;
  if (!r.error) throw new Error(`expected an error from ${method}, got ${JSON.stringify(r.result).slice(0, 200)}`);
  return r.error;
};

const head = async (url: string): Promise<number> => Number(await rpc<string>(url, "eth_blockNumber"));

describe("node: RPC that no request can take down (fuzz)", function () {
  this.timeout(300_000);
  let node: SpawnedNode;
  let lax: SpawnedNode;

  before(async () => {
    [node, lax] = await Promise.all([
      startNode({
        args: [
          "--quiet", "--slot-time", "200", "--rpc-evm-timeout", String(EVM_TIMEOUT_MS), "--rpc-max-concurrent-calls", "2",
          "--ws-max-pending", "8", "--ws-max-subscriptions", "3", "--rpc-max-response", "40000",
        ],
      }),
      startNode({ args: ["--quiet", "--allow-unprotected-txs"] }),
    ]);
  });

  after(async () => {
    await Promise.all([node?.stop(), lax?.stop()]);
  });

  afterEach(async function () {
    // Whatever a test sent, the node is alive, answers, and produced no uncaught error.
    expect(node.proc.exitCode, node.output()).to.equal(null);
    expect(node.output()).to.not.match(/uncaught exception|unhandled rejection/);
    expect(await rpc(node.url, "eth_chainId")).to.equal("0x22c2");
  });

  describe("eth_call and eth_estimateGas", () => {
    it("an endless loop with gas 2^64-1 is capped, times out with a clear error, and blocks keep coming", async () => {
      const before = await head(node.url);
      const err = await errorOf(node.url, "eth_call", [{ data: ENDLESS_LOOP, gas: MAX_U64 }]);
      expect(err).to.deep.equal({ code: -32000, message: "execution aborted (timeout = 1.5s)" });
      expect(await head(node.url), "blocks produced while the call ran").to.be.greaterThan(before);
      expect(await errorOf(node.url, "eth_estimateGas", [{ data: ENDLESS_LOOP }])).to.deep.equal(err);
    });

    it("a batch of endless loops is answered item by item while other requests are served", async () => {
      const batch = Array.from({ length: 6 }, (_, id) => ({ jsonrpc: "2.0", id, method: "eth_call", params: [{ data: ENDLESS_LOOP }] }));
      let batchDone = false;
      const pending = rawRpc(node.url, batch).then((r) => {
        batchDone = true;
        return r;
      });
      // Answered while the loops still run (they queue two at a time: at least three time-outs long).
      expect(await rpc(node.url, "eth_blockNumber")).to.match(/^0x/);
      expect(batchDone, "a plain request waited for the batch").to.equal(false);
      const out = (await pending).json as RpcReply[];
      expect(out.map((r) => r.id)).to.have.members([0, 1, 2, 3, 4, 5]);
      for (const r of out) expect(r.error?.message).to.match(/^execution aborted \(timeout|^request timed out/);
    });

    it("eth_createAccessList and state-overridden code obey the same gas cap and time-out", async () => {
      const timeout = { code: -32000, message: "execution aborted (timeout = 1.5s)" };
      expect(await errorOf(node.url, "eth_createAccessList", [{ data: ENDLESS_LOOP, gas: MAX_U64 }])).to.deep.equal(timeout);
      // Runtime code that loops forever, planted by an override at an address that has none.
      const looper = "0x00000000000000000000000000000000000100f0";
      expect(await errorOf(node.url, "eth_call", [{ to: looper }, "latest", { [looper]: { code: ENDLESS_LOOP } }])).to.deep.equal(timeout);
      expect(await errorOf(node.url, "eth_estimateGas", [{ to: looper }, "latest", { [looper]: { code: ENDLESS_LOOP } }])).to.deep.equal(timeout);
      expect(await rpc(node.url, "eth_getCode", [looper, "latest"]), "the override left no trace").to.equal("0x");
    });

    it("an MSTORE at offset 3 GiB runs out of the capped gas instead of allocating", async () => {
      expect(await errorOf(node.url, "eth_call", [{ data: MSTORE_3GIB, gas: MAX_U64 }])).to.deep.equal({ code: -32000, message: "out of gas" });
    });

    it("a client that disconnects cancels its calls", async () => {
      // Six loops would hold the two simulation slots for three time-outs; aborting frees them at once.
      const aborters = Array.from({ length: 6 }, () => new AbortController());
      const calls = aborters.map((a, id) =>
        fetch(node.url, { method: "POST", signal: a.signal, headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id, method: "eth_call", params: [{ data: ENDLESS_LOOP }] }) }).catch(() => undefined),
      );
      await new Promise((r) => setTimeout(r, 200));
      aborters.forEach((a) => a.abort());
      await Promise.all(calls);
      const started = Date.now();
      expect(await rpc(node.url, "eth_call", [{ data: "0x6001600052" }])).to.equal("0x");
      // Without cancellation this call would queue behind ~3 × 1.5 s of abandoned loops.
      expect(Date.now() - started, "waited for abandoned calls").to.be.lessThan(3 * EVM_TIMEOUT_MS);
    });
  });

  describe("log, fee-history and block-number limits", () => {
    it("eth_getLogs with 70,000 topics or 2,000 addresses is refused at once", async () => {
      const topics = [Array.from({ length: 70_000 }, () => TOPIC)];
      expect(await errorOf(node.url, "eth_getLogs", [{ fromBlock: "0x0", topics }])).to.deep.equal({
        code: -32005, message: "too many alternatives for topic 0 in the filter: 70000, limit 1000 (--rpc-logs-max-criteria)",
      });
      const address = Array.from({ length: 2000 }, (_, i) => `0x${i.toString(16).padStart(40, "0")}`);
      expect((await errorOf(node.url, "eth_newFilter", [{ address }])).message).to.equal("too many addresses in the filter: 2000, limit 1000 (--rpc-logs-max-criteria)");
    });

    it("eth_feeHistory with a million percentiles over WebSocket is refused, and its block count is clipped", async () => {
      const ws = await WsClient.open(node.wsUrl);
      try {
        ws.send({ jsonrpc: "2.0", id: 7, method: "eth_feeHistory", params: ["0x400", "latest", Array.from({ length: 1_000_000 }, () => 50)] });
        expect((await ws.reply(7)).error).to.deep.equal({ code: -32005, message: "too many reward percentiles: 1000000, limit 100" });
        const ok = await ws.call(8, "eth_feeHistory", ["0xffffffffffff", "latest", [10, 50]]);
        expect(((ok.result as { baseFeePerGas: unknown[] }).baseFeePerGas.length)).to.be.at.most(1025);
      } finally {
        ws.close();
      }
    });

    it("a response above the size limit is an error with its id, not a crash", async () => {
      const pcts = Array.from({ length: 100 }, (_, i) => i);
      // 100 blocks × 100 percentiles is ~60 KB of answer.
      await waitFor(async () => (await head(node.url)) > 100, 120_000, "100 blocks");
      const big = (await rawRpc(node.url, { jsonrpc: "2.0", id: 3, method: "eth_feeHistory", params: ["0x400", "latest", pcts] })).json as RpcReply;
      expect(big.id).to.equal(3);
      expect(big.error).to.deep.equal({ code: -32003, message: "response too large: limit 40000 bytes (--rpc-max-response)" });
    });

    it("block numbers of 2^64 and more are refused instead of wrapping", async () => {
      expect(await errorOf(node.url, "lux_getBlockEnvelope", ["0x10000000000000001"])).to.deep.equal({ code: -32602, message: "invalid argument number: block number larger than int64" });
      expect(await errorOf(node.url, "eth_getBlockByNumber", ["0x10000000000000001", false])).to.deep.equal({ code: -32602, message: "invalid argument block: block number larger than int64" });
      expect(await rpc(node.url, "eth_getBlockByNumber", ["0x7fffffffffffffff", false])).to.equal(null);
    });
  });

  describe("transactions and the JSON-RPC envelope", () => {
    it("a transaction without EIP-155 replay protection is refused unless --allow-unprotected-txs", async () => {
      const w = new Wallet(devKeys(20)[19]);
      const sign = async (url: string): Promise<string> => w.signTransaction({
        type: 0, chainId: 0n, nonce: Number(await rpc<string>(url, "eth_getTransactionCount", [w.address, "pending"])),
        gasPrice: 100_000_000_000n, gasLimit: 21_000n, to: w.address, value: 1n,
      });
      expect(await errorOf(node.url, "eth_sendRawTransaction", [await sign(node.url)])).to.deep.equal({
        code: -32000, message: "only replay-protected (EIP-155) transactions allowed over RPC (start the node with --allow-unprotected-txs to accept them)",
      });
      const raw = await sign(lax.url);
      expect(await rpc(lax.url, "eth_sendRawTransaction", [raw])).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("notifications get no answer over HTTP and WebSocket", async () => {
      const one = await rawRpc(node.url, { jsonrpc: "2.0", method: "eth_chainId" });
      expect([one.status, one.text]).to.deep.equal([200, ""]);
      const batch = await rawRpc(node.url, [{ jsonrpc: "2.0", method: "eth_chainId" }, { jsonrpc: "2.0", method: "eth_nope" }]);
      expect([batch.status, batch.text]).to.deep.equal([200, ""]);
      const ws = await WsClient.open(node.wsUrl);
      try {
        ws.send({ jsonrpc: "2.0", method: "eth_chainId" });
        ws.send({ jsonrpc: "2.0", method: "eth_blockNumber", params: {} });
        expect((await ws.call(1, "eth_chainId")).result).to.equal("0x22c2");
        expect(ws.received).to.have.length(1);
      } finally {
        ws.close();
      }
    });

    it("a WebSocket connection is limited in requests in flight, subscriptions and message size", async () => {
      const ws = await WsClient.open(node.wsUrl);
      try {
        for (let id = 0; id < 12; id++) ws.send({ jsonrpc: "2.0", id, method: "eth_call", params: [{ data: ENDLESS_LOOP }] });
        const refused = await ws.reply(11, 10_000);
        expect(refused.error).to.deep.equal({ code: -32005, message: "too many requests in flight on this connection: limit 8 (--ws-max-pending)" });
      } finally {
        ws.close(); // also cancels the eight loops still in flight
      }
      const subs = await WsClient.open(node.wsUrl);
      try {
        for (let id = 100; id < 103; id++) expect((await subs.call(id, "eth_subscribe", ["newHeads"])).result).to.match(/^0x/);
        expect((await subs.call(103, "eth_subscribe", ["newHeads"])).error).to.deep.equal({ code: -32005, message: "too many subscriptions on this connection: limit 3 (--ws-max-subscriptions)" });
        expect((await subs.call(104, "eth_unsubscribe", [(await subs.reply(100)).result])).result).to.equal(true);
        expect((await subs.call(105, "eth_subscribe", ["newHeads"])).result).to.match(/^0x/);
      } finally {
        subs.close();
      }
      const big = await WsClient.open(node.wsUrl);
      big.send({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: ["x".repeat(6 * 1024 * 1024)] });
      // The server closes with 1009 (message too big) as soon as the frame header announces the size; when
      // its TCP reset overtakes that close frame while the client is still writing the 6 MiB, the client
      // sees an abnormal closure (1006) instead. Either way the connection is refused and the node lives.
      expect(await big.closed(), "close code 1009: message too big, or 1006 when the reset came first").to.be.oneOf([1009, 1006]);
      const after = await WsClient.open(node.wsUrl);
      try {
        expect((await after.call(1, "eth_chainId", [])).result).to.equal("0x22c2");
      } finally {
        after.close();
      }
    });
  });

  describe("generated malformed requests", () => {
    const methods = [
      "eth_call", "eth_estimateGas", "eth_getLogs", "eth_feeHistory", "eth_getBlockByNumber", "eth_getBlockByHash", "eth_getBalance",
      "eth_getStorageAt", "eth_sendRawTransaction", "eth_newFilter", "eth_getFilterChanges", "eth_getFilterLogs", "eth_subscribe",
      "eth_unsubscribe", "eth_getTransactionReceipt", "lux_getBlockEnvelope", "lux_importBlock", "web3_sha3", "eth_getCode",
      "eth_getProof", "eth_createAccessList", "txpool_status", "txpool_content", "txpool_contentFrom", "txpool_inspect",
      "eth_getHeaderByNumber", "eth_getHeaderByHash", "eth_getUncleByBlockHashAndIndex", "debug_getRawBlock", "debug_getRawReceipts", "debug_getRawTransaction", "eth_simulateV1",
      "eth_getAccount", "eth_getAccountInfo", "eth_newPendingTransactionFilter", "eth_sendRawTransactionSync",
    ];
    const hex = fc.string({ unit: fc.constantFrom(..."0123456789abcdefX"), maxLength: 70 }).map((s) => `0x${s}`);
    const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hex, fc.constantFrom("latest", "pending", "earliest", MAX_U64, "0x10000000000000001"),
      fc.record({ to: hex, data: hex, gas: hex, fromBlock: hex, toBlock: hex, topics: fc.array(fc.oneof(hex, fc.array(hex))), address: fc.oneof(hex, fc.array(hex)) }, { requiredKeys: [] }));
    const request = fc.record({
      jsonrpc: fc.oneof(fc.constant("2.0"), fc.jsonValue({ maxDepth: 1 })),
      id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.jsonValue({ maxDepth: 1 })),
      method: fc.oneof(fc.constantFrom(...methods), fc.string()),
      params: fc.oneof(fc.array(value, { maxLength: 4 }), value),
    }, { requiredKeys: ["method"] });

    it("every generated request or batch over HTTP gets well-formed answers", async () => {
      await fc.assert(fc.asyncProperty(fc.oneof(request, fc.array(request, { minLength: 1, maxLength: 8 }), fc.string(), fc.jsonValue()), async (body) => {
        const res = await rawRpc(node.url, typeof body === "string" ? body : JSON.stringify(body));
        expect(res.status).to.be.oneOf([200, 413]);
        if (res.text === "") return; // only notifications
        const replies = Array.isArray(res.json) ? res.json : [res.json];
        for (const r of replies) expectWellFormed(r);
      }), { numRuns: 250 });
    });

    it("every generated message over WebSocket gets well-formed answers", async () => {
      const ws = await WsClient.open(node.wsUrl);
      try {
        const bodies = fc.sample(fc.oneof(request, fc.array(request, { minLength: 1, maxLength: 4 }), fc.string()), 200);
        for (const b of bodies) ws.send(typeof b === "string" ? b : JSON.stringify(b));
        ws.send({ jsonrpc: "2.0", id: "last", method: "eth_chainId" });
        await ws.reply("last", 120_000);
        for (const m of ws.received) {
          if ((m as { method?: string }).method === "eth_subscription") continue;
          for (const r of Array.isArray(m) ? m : [m]) expectWellFormed(r);
        }
      } finally {
        ws.close();
      }
    });

    it("after everything, the node still answers and keeps producing blocks", async () => {
      const before = await head(node.url);
      await waitFor(async () => (await head(node.url)) > before + 2, 30_000, "three more blocks");
    });
  });
});
