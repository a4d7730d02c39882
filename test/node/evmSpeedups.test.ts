/**
 * The EVM speed-ups answer exactly what the stock code answers. The jump-destination analysis cache
 * (node/execution/jumpCache.ts): on every compiled contract of the project, on arbitrary bytes
 * (fast-check, including a PUSH cut off by the end of the code), on a first sight, on a copy of seen
 * code and on the same array again, and the opcode entries are always the asking EVM's own. The
 * constant-time EIP lookup (eipLookup.ts): on every hardfork, with extra EIPs, after a hardfork change
 * and on copies.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { createEVM } from "@ethereumjs/evm";
import { hexToBytes } from "@ethereumjs/util";
import { createChainCommon, devChainConfig } from "../../node/config";
import { networkConfig, openChain } from "./chainHarness";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { installFastEipLookup } from "../../node/execution/eipLookup";
import { currentJumpAnalysis, installJumpAnalysisCache, stockJumpAnalysis } from "../../node/execution/jumpCache";

interface Analysis {
  jumps: Uint8Array;
  pushes: Record<number, bigint>;
  opcodesCached: unknown[];
}

/** Deployed bytecode of every compiled contract under artifacts/contracts. */
function projectCode(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".json") && !e.name.endsWith(".dbg.json")) {
        const a = JSON.parse(fs.readFileSync(p, "utf8")) as { deployedBytecode?: string; bytecode?: string };
        for (const hex of [a.deployedBytecode, a.bytecode]) if (hex && hex.length > 2) out.push(hexToBytes(hex as `0x${string}`));
      }
    }
  };
  walk(path.resolve(__dirname, "../../artifacts/contracts"));
  return out;
}

/** The first difference between two analyses of `code`, or undefined (plain loops: chai per byte is too slow). */
function difference(got: Analysis | undefined, want: Analysis | undefined, code: Uint8Array): string | undefined {
  if (!got || !want) return "no analysis";
  if (got.jumps.length !== want.jumps.length || got.jumps.some((v, i) => v !== want.jumps[i])) return "jumps differ";
  const gotKeys = Object.keys(got.pushes);
  if (gotKeys.length !== Object.keys(want.pushes).length) return "push count differs";
  for (const k of gotKeys) if (got.pushes[Number(k)] !== want.pushes[Number(k)]) return `push at ${k} differs`;
  if (got.opcodesCached.length !== code.length) return "opcode array length differs";
  for (let i = 0; i < code.length; i++) {
    if (i in got.opcodesCached !== i in want.opcodesCached) return `instruction boundary at ${i} differs`;
    // The very same entry objects: a simulation's EVM wraps some of them (guard.ts).
    if (got.opcodesCached[i] !== want.opcodesCached[i]) return `opcode entry at ${i} differs`;
  }
  return undefined;
}

function expectSame(got: Analysis | undefined, want: Analysis | undefined, code: Uint8Array): void {
  expect(difference(got, want, code)).to.equal(undefined);
}

describe("node: jump-destination analysis cache", () => {
  let interpreter: { lookupOpInfo(op: number): unknown; common: ReturnType<typeof createChainCommon>; _evm: { _opcodeMap: object } };
  let other: typeof interpreter;

  before(async () => {
    installJumpAnalysisCache();
    const common = createChainCommon(devChainConfig({}));
    const evms = [await createEVM({ common }), await createEVM({ common })];
    const [a, b] = evms.map((evm) => {
      const _evm = evm as unknown as { _opcodeMap: unknown[] };
      return { lookupOpInfo: (op: number): unknown => _evm._opcodeMap[op], common, _evm };
    });
    interpreter = a;
    other = b;
  });

  it("equals the stock analysis on every compiled contract: first sight, a copy, the same array, another EVM", () => {
    const codes = projectCode();
    expect(codes.length).to.be.greaterThan(20);
    for (const code of codes) {
      const want = stockJumpAnalysis(interpreter, code);
      expectSame(currentJumpAnalysis(interpreter, code), want, code);
      expectSame(currentJumpAnalysis(interpreter, Uint8Array.from(code)), want, code);
      expectSame(currentJumpAnalysis(interpreter, code), want, code);
      expectSame(currentJumpAnalysis(other, code), stockJumpAnalysis(other, code), code);
    }
  });

  it("equals the stock analysis on arbitrary bytes, PUSH data cut off at the end included", () => {
    const bytes = fc.uint8Array({ minLength: 200, maxLength: 2000 });
    const endsInPush = fc.tuple(bytes, fc.integer({ min: 0x60, max: 0x7f })).map(([b, push]) => Uint8Array.from([...b, push, 1, 2]));
    fc.assert(
      fc.property(fc.oneof(bytes, endsInPush), (code) => {
        const want = stockJumpAnalysis(interpreter, code);
        expectSame(currentJumpAnalysis(interpreter, code), want, code);
        expectSame(currentJumpAnalysis(interpreter, Uint8Array.from(code)), want, code);
      }),
      { numRuns: 200 },
    );
  });
});

describe("node: constant-time EIP lookup", () => {
  it("answers what the stock scan answers, on every hardfork, with extra EIPs, after a change and on copies", () => {
    installFastEipLookup();
    const scan = (c: Common, eip: number): boolean => (c as unknown as { _activatedEIPsCache: number[] })._activatedEIPsCache.includes(eip);
    const common = new Common({ chain: Mainnet, eips: [7702, 2537] });
    const eips = Array.from({ length: 9000 }, (_, i) => i);
    for (const hf of Object.values(Hardfork)) {
      try {
        common.setHardfork(hf);
      } catch {
        continue; // a hardfork this chain does not define
      }
      const copy = common.copy();
      // Plain loops: a chai assertion per EIP number would take minutes.
      const wrong = eips.filter((eip) => common.isActivatedEIP(eip) !== scan(common, eip) || copy.isActivatedEIP(eip) !== scan(copy, eip));
      expect(wrong, `hardfork ${hf}`).to.deep.equal([]);
      expect(eips.filter((eip) => common.isActivatedEIP(eip)).length, `hardfork ${hf}`).to.be.greaterThan(0);
    }
    // A copy moved to another hardfork answers for its own, the original for its own.
    common.setHardfork(Hardfork.Prague);
    const older = common.copy();
    older.setHardfork(Hardfork.London);
    expect(common.isActivatedEIP(7702)).to.equal(true);
    expect(older.isActivatedEIP(1153)).to.equal(false);
    expect(common.isActivatedEIP(1153)).to.equal(true);
  });
});

describe("node: VMs made for simulations are not kept alive by the chain", () => {
  it("creating VMs adds no listener to the chain's Common (each EVM subscribes to its own copy)", async () => {
    const t = await openChain(networkConfig(1));
    try {
      const events = (t.chain.common as unknown as { events: { listenerCount(e: string): number } }).events;
      const before = events.listenerCount("hardforkChanged");
      for (let i = 0; i < 20; i++) {
        const vm = await t.chain.createVm(await t.chain.stateAt(t.chain.head));
        expect(vm.common).to.not.equal(t.chain.common);
        expect(vm.common.hardfork()).to.equal(t.chain.common.hardfork());
      }
      expect(events.listenerCount("hardforkChanged")).to.equal(before);
    } finally {
      await t.close();
    }
  });
});
