import { expect } from "chai";
import { LevelChainStore, type StoredReceipt } from "../../node/storage";
import { encodeResponse } from "../../node/rpc/encode";
import { Semaphore } from "../../node/rpc/semaphore";
import { LuxError } from "../../node/errors";
import type { Json } from "../../node/rpc/format";
import { tempDataDir } from "./helpers";

const bytes = (n: number, len: number): Uint8Array => new Uint8Array(len).fill(n);
const A = bytes(0xaa, 20);
const B = bytes(0xbb, 20);
const T = bytes(0x11, 32);
const U = bytes(0x22, 32);

function receipt(logs: { address: Uint8Array; topics: Uint8Array[] }[]): StoredReceipt {
  return {
    txHash: bytes(logs.length, 32), type: 2, status: 1, cumulativeGasUsed: 0n, gasUsed: 0n, effectiveGasPrice: 0n, from: bytes(1, 20),
    logs: logs.map((l) => ({ ...l, data: new Uint8Array(0) })),
  };
}

describe("node: log index and RPC limit helpers (units)", () => {
  describe("the log index", () => {
    let store: LevelChainStore;
    const noop = async (): Promise<void> => undefined;
    const blocks = async (q: { addresses: Uint8Array[]; topics: (Uint8Array[] | null)[] }, from = 0n, to = 100n): Promise<bigint[]> => {
      const out: bigint[] = [];
      for await (const n of store.logCandidates(q, from, to, noop)) out.push(n);
      return out;
    };

    before(async () => {
      store = new LevelChainStore(tempDataDir("logindex"));
      await store.open();
      // A logs in 1, 5, 9; B in 7; topic T at position 0 in 5, 7, 9 and at position 1 in 3; U at 0 in 9.
      await store.indexLogs(1n, [receipt([{ address: A, topics: [] }])]);
      await store.indexLogs(3n, [receipt([{ address: B, topics: [U, T] }])]);
      await store.indexLogs(5n, [receipt([{ address: A, topics: [T] }])]);
      await store.indexLogs(7n, [receipt([{ address: B, topics: [T] }])]);
      await store.indexLogs(9n, [receipt([{ address: A, topics: [T] }, { address: A, topics: [U] }])]);
      await store.indexLogs(11n, []);
    });

    after(async () => {
      await store.close();
    });

    it("finds blocks by address, by positioned topic, by both, and any block with logs", async () => {
      expect(await blocks({ addresses: [A], topics: [] })).to.deep.equal([1n, 5n, 9n]);
      expect(await blocks({ addresses: [A, B], topics: [] })).to.deep.equal([1n, 3n, 5n, 7n, 9n]);
      expect(await blocks({ addresses: [], topics: [[T]] })).to.deep.equal([5n, 7n, 9n]);
      expect(await blocks({ addresses: [], topics: [null, [T]] })).to.deep.equal([3n]);
      expect(await blocks({ addresses: [A], topics: [[T]] })).to.deep.equal([5n, 9n]);
      expect(await blocks({ addresses: [B], topics: [[T, U]] })).to.deep.equal([3n, 7n]);
      expect(await blocks({ addresses: [], topics: [[U], null] })).to.deep.equal([3n, 9n]);
      expect(await blocks({ addresses: [], topics: [] })).to.deep.equal([1n, 3n, 5n, 7n, 9n]);
      expect(await blocks({ addresses: [bytes(0xcc, 20)], topics: [] })).to.deep.equal([]);
    });

    it("respects the range bounds", async () => {
      expect(await blocks({ addresses: [A], topics: [] }, 2n, 9n)).to.deep.equal([5n, 9n]);
      expect(await blocks({ addresses: [], topics: [] }, 5n, 5n)).to.deep.equal([5n]);
      expect(await blocks({ addresses: [], topics: [] }, 10n, 100n)).to.deep.equal([]);
    });
  });

  describe("response encoding", () => {
    it("replaces an answer that cannot be serialised or is too large by -32003 with its id", () => {
      const unserialisable = { jsonrpc: "2.0", id: 4, result: 1n as unknown as Json };
      expect(JSON.parse(encodeResponse(unserialisable, 1000)).error.code).to.equal(-32003);
      const big = { jsonrpc: "2.0", id: 5, result: "x".repeat(2000) };
      expect(JSON.parse(encodeResponse(big, 1000))).to.deep.include({ id: 5 });
      const batch = JSON.parse(encodeResponse([{ jsonrpc: "2.0", id: 1, result: "a".repeat(600) }, { jsonrpc: "2.0", id: 2, result: "b".repeat(600) }], 1000)) as { id: number; error?: { code: number } }[];
      expect(batch.map((r) => [r.id, r.error?.code])).to.deep.equal([[1, undefined], [2, -32003]]);
    });
  });

  describe("the simulation semaphore", () => {
    it("runs at most its size at once and drops waiters whose request was aborted", async () => {
      const sem = new Semaphore(1);
      let release = (): void => undefined;
      const first = sem.run(undefined, () => new Promise<void>((r) => (release = r)));
      const abort = new AbortController();
      const waiting = sem.run(abort.signal, async () => "ran");
      abort.abort(new LuxError("CANCELLED", "gone"));
      const err = await waiting.catch((e: LuxError) => e.code);
      expect(err).to.equal("CANCELLED");
      release();
      await first;
      expect(await sem.run(undefined, async () => "next")).to.equal("next");
    });
  });
});
