import { expect } from "chai";
import fc from "fast-check";
import { BranchMPTNode, MerklePatriciaTrie } from "@ethereumjs/mpt";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, Address, MapDB, bytesToHex, setLengthLeft } from "@ethereumjs/util";
import { encodeBranch, trieBatchPut } from "../../node/execution/trieBatch";
import { createStateManager } from "../../node/execution/stateManager";
import { LuxError } from "../../node/errors";


const newTrie = (): MerklePatriciaTrie => new MerklePatriciaTrie({ db: new MapDB(), useKeyHashing: true, valueEncoding: "view" as never });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

describe("batched trie writes (the state flush)", function () {
  this.timeout(120_000);

  it("gives the stock trie's root, node for node, for any initial content and any batch of puts", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(bytes(20, 20), bytes(1, 80)), { maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(), bytes(20, 20), bytes(1, 80), fc.boolean()), { minLength: 1, maxLength: 60 }),
        async (initial, updates) => {
          const stock = newTrie();
          const batched = newTrie();
          for (const [k, v] of initial) {
            await stock.put(k, v);
            await batched.put(k, v);
          }
          // Half the updates hit existing keys (value changes), half add new ones; small values make inline nodes.
          const puts = updates.map(([i, k, v, existing]) => ({ key: existing && initial.length > 0 ? initial[i % initial.length][0] : k, value: v }));
          for (const p of puts) await stock.put(p.key, p.value);
          await trieBatchPut(batched, puts);
          expect(bytesToHex(batched.root())).to.equal(bytesToHex(stock.root()));
          // Every node the new root needs is in the database: reading back works from a fresh handle.
          const reread = new MerklePatriciaTrie({ db: batched.database().db, useKeyHashing: true, valueEncoding: "view" as never, root: batched.root() });
          for (const p of puts.slice(-5)) expect(bytesToHex((await reread.get(p.key)) as Uint8Array)).to.equal(bytesToHex((await stock.get(p.key)) as Uint8Array));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("successive batches on one trie — each walking the nodes the previous one wrote, decoded from the node cache — keep the stock root", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.tuple(fc.nat(), bytes(20, 20), bytes(1, 80), fc.boolean()), { minLength: 1, maxLength: 30 }), { minLength: 2, maxLength: 5 }),
        async (batches) => {
          const stock = newTrie();
          const batched = newTrie();
          const keys: Uint8Array[] = [];
          for (const updates of batches) {
            const puts = updates.map(([i, k, v, existing]) => ({ key: existing && keys.length > 0 ? keys[i % keys.length] : k, value: v }));
            for (const p of puts) {
              keys.push(p.key);
              await stock.put(p.key, p.value);
            }
            await trieBatchPut(batched, puts);
            expect(bytesToHex(batched.root())).to.equal(bytesToHex(stock.root()));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("encodes a branch node byte for byte as the library does: empty children, hashes, embedded nodes", () => {
    const embedded = fc.tuple(bytes(1, 12), bytes(1, 12)); // a short leaf's raw [path, value]
    const child = fc.oneof(fc.constant(null), bytes(32, 32), embedded, bytes(1, 31));
    fc.assert(
      fc.property(fc.array(child, { minLength: 16, maxLength: 16 }), (refs) => {
        const stock = new BranchMPTNode();
        refs.forEach((r, i) => stock.setBranch(i, r as never));
        expect(bytesToHex(encodeBranch(refs as never))).to.equal(bytesToHex(stock.serialize()));
      }),
      { numRuns: 500 },
    );
  });

  it("refuses deletions and keys of mixed length with a clear error", async () => {
    await expectReject(trieBatchPut(newTrie(), [{ key: new Uint8Array(20), value: new Uint8Array(0) }]), /no deletions/);
    const raw = new MerklePatriciaTrie({ db: new MapDB(), valueEncoding: "view" as never });
    await expectReject(trieBatchPut(raw, [{ key: new Uint8Array(2), value: new Uint8Array([1]) }, { key: new Uint8Array(3), value: new Uint8Array([1]) }]), /one length/);
  });

  it("the node's state manager ends on the stock state root: balances, nonces, code, storage set, changed and cleared, removed accounts", async () => {
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            who: fc.integer({ min: 1, max: 12 }),
            kind: fc.constantFrom("balance", "nonce", "code", "store", "clear", "delete"),
            slot: fc.integer({ min: 0, max: 6 }),
            value: fc.bigInt({ min: 0n, max: 1n << 70n }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        async (ops) => {
          const lux = createStateManager(common, new MapDB());
          const stock = new MerkleStateManager({ common });
          for (const sm of [lux, stock] as MerkleStateManager[]) {
            // Two blocks: the second one changes what the first one flushed.
            for (const half of [ops.slice(0, ops.length / 2), ops.slice(ops.length / 2)]) {
              await sm.checkpoint();
              for (const op of half) await applyOp(sm, op, sm === stock);
              await sm.commit();
              await sm.getStateRoot();
            }
          }
          expect(bytesToHex(await lux.getStateRoot())).to.equal(bytesToHex(await stock.getStateRoot()));
        },
      ),
      // Storage written, then the account deleted and created again with a new slot: the old slot must be
      // gone, whether it was flushed in the block before (the node kept it) or written in the same block
      // (the stock manager kept it).
      { numRuns: 40, examples: [
        [[{ who: 7, kind: "store", slot: 1, value: 0n }, { who: 7, kind: "delete", slot: 0, value: 0n }, { who: 7, kind: "store", slot: 0, value: 0n }]],
        [[{ who: 1, kind: "balance", slot: 0, value: 0n }, { who: 1, kind: "balance", slot: 0, value: 0n }, { who: 7, kind: "store", slot: 1, value: 0n }, { who: 7, kind: "delete", slot: 0, value: 0n }, { who: 7, kind: "store", slot: 0, value: 0n }]],
      ] },
    );
  });
});

interface Op {
  who: number;
  kind: string;
  slot: number;
  value: bigint;
}

/**
 * One operation on a state manager. `oracle`: the stock manager as the reference. It keeps a deleted
 * account's storage trie (written through by its putStorage) and hands it to the account when it is
 * created again, so storage written before the delete comes back. The node's manager drops it, which is
 * right (a deleted account has no storage); the reference clears it explicitly to agree.
 */
async function applyOp(sm: MerkleStateManager, op: Op, oracle = false): Promise<void> {
  const addr = new Address(setLengthLeft(new Uint8Array([op.who]), 20));
  const acct = (await sm.getAccount(addr)) ?? new Account();
  if (op.kind === "balance") await sm.putAccount(addr, new Account(acct.nonce, op.value, acct.storageRoot, acct.codeHash));
  else if (op.kind === "nonce") await sm.putAccount(addr, new Account(op.value % 1000n, acct.balance, acct.storageRoot, acct.codeHash));
  else if (op.kind === "code") await sm.putCode(addr, new Uint8Array([0x60, Number(op.value % 256n), 0x00]));
  else if (op.kind === "delete") {
    if (oracle) await sm.clearStorage(addr);
    await sm.deleteAccount(addr);
  }
  else {
    if (!(await sm.getAccount(addr))) await sm.putAccount(addr, new Account(0n, 1n));
    const key = setLengthLeft(new Uint8Array([op.slot]), 32);
    const value = op.kind === "clear" ? new Uint8Array(0) : setLengthLeft(bigToBytes(op.value + 1n), 32);
    await sm.putStorage(addr, key, value);
  }
}

function bigToBytes(v: bigint): Uint8Array {
  const hex = v.toString(16);
  return Uint8Array.from(Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex"));
}

async function expectReject(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(LuxError);
    expect((err as Error).message).to.match(re);
    return;
  }
  expect.fail("expected a rejection");
}
