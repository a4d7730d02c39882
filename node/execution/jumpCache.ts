import { createHash } from "node:crypto";
import path from "node:path";

/**
 * Jump-destination analysis, once per distinct code instead of once per call frame.
 *
 * Before the first JUMP of every frame, the ethereumjs interpreter walks the whole code: which bytes
 * are JUMPDESTs, the value of every PUSH, the opcode entry at every instruction. For a 20 KB contract
 * that is ~1–3 ms, paid again by every call into it, by every eth_call and by each run of an
 * eth_estimateGas: the largest single cost of a contract call on the devnet (measured with --cpu-prof
 * under the contract test suite). The valid jumps and the push values depend only on the code, so they
 * are kept per code (by identity, then by SHA-256 of the bytes) and shared read-only; the opcode
 * entries belong to one EVM (a simulation's EVM wraps some of them, see guard.ts), so each frame still
 * takes them from its own EVM, now only at the recorded instruction offsets. Results are identical to
 * the stock analysis (a test compares them on the project's contracts).
 */

/** What the interpreter's `_getValidJumpDestinations` returns. */
interface JumpAnalysis {
  jumps: Uint8Array;
  pushes: Record<number, bigint>;
  opcodesCached: unknown[];
}

/** The part of the interpreter's prototype the cache replaces and uses. */
interface InterpreterProto {
  _getValidJumpDestinations(this: InterpreterLike, code: Uint8Array): JumpAnalysis;
  /** The stock analysis, kept once the cache is installed. */
  luxStockJumpAnalysis?: (this: InterpreterLike, code: Uint8Array) => JumpAnalysis;
}

interface InterpreterLike {
  lookupOpInfo(op: number): unknown;
  common: { isActivatedEIP(eip: number): boolean };
  /** The interpreter's EVM; its opcode table is what `lookupOpInfo` reads. */
  _evm?: { _opcodeMap?: object };
}

/** The code-only part of an analysis, shared by every frame and EVM. */
interface CodeAnalysis {
  jumps: Uint8Array;
  pushes: Record<number, bigint>;
  /** Offsets of the instructions (the bytes the stock analysis gives an opcode entry). */
  starts: Uint32Array;
}

/** Code shorter than this is analysed in place: hashing it would cost about as much. */
const MIN_CACHED_CODE = 256;
/** Bound of the cache, in bytes of code analysed (an analysis takes ~20–30 bytes per code byte). */
const MAX_CACHED_CODE_BYTES = 2 * 1024 * 1024;
/** EIP-8024 changes which bytes are instructions: analyses with and without it are kept apart. */
const EIP_8024 = 8024;

/** By code identity (code read from one state cache is one array), per EIP-8024 setting. */
const byIdentity = [new WeakMap<Uint8Array, CodeAnalysis>(), new WeakMap<Uint8Array, CodeAnalysis>()];
/** Insertion order is recency order: a hit is re-inserted, the oldest entries are evicted first. */
const byContent = new Map<string, CodeAnalysis>();
let cachedBytes = 0;

function remember(key: string, analysis: CodeAnalysis): void {
  byContent.set(key, analysis);
  cachedBytes += analysis.jumps.length;
  for (const [k, a] of byContent) {
    if (cachedBytes <= MAX_CACHED_CODE_BYTES || k === key) break;
    byContent.delete(k);
    cachedBytes -= a.jumps.length;
  }
}

function instructionStarts(opcodesCached: unknown[]): Uint32Array {
  const starts: number[] = [];
  for (let i = 0; i < opcodesCached.length; i++) if (i in opcodesCached) starts.push(i);
  return Uint32Array.from(starts);
}

/** Per opcode table (one per EVM): the entry array of each analysed code, built once. */
const entriesByTable = new WeakMap<object, WeakMap<CodeAnalysis, unknown[]>>();

/**
 * The opcode entry at every instruction of `code`, from the asking EVM's own table (the interpreter
 * only reads the array). The block builder's long-lived EVM builds it once per code; a simulation's
 * fresh EVM once per code it runs.
 */
function opcodeEntries(interpreter: InterpreterLike, code: Uint8Array, analysis: CodeAnalysis): unknown[] {
  const table = interpreter._evm?._opcodeMap;
  let perTable = table && entriesByTable.get(table);
  if (table && !perTable) entriesByTable.set(table, (perTable = new WeakMap()));
  const hit = perTable?.get(analysis);
  if (hit) return hit;
  const entries = new Array<unknown>(code.length);
  for (const at of analysis.starts) entries[at] = interpreter.lookupOpInfo(code[at]);
  perTable?.set(analysis, entries);
  return entries;
}

/** The interpreter class of the @ethereumjs/evm this process uses (not exported by the package). */
function interpreterPrototype(): InterpreterProto | undefined {
  const dir = path.dirname(require.resolve("@ethereumjs/evm"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(dir, "interpreter.js")) as { Interpreter?: { prototype: InterpreterProto } };
  return mod.Interpreter?.prototype;
}

/**
 * Installs the cache on the interpreter (once per process; later calls do nothing). If the library no
 * longer has the method, nothing is changed and the stock analysis runs.
 */
export function installJumpAnalysisCache(): void {
  const proto = interpreterPrototype();
  if (!proto || typeof proto._getValidJumpDestinations !== "function" || proto.luxStockJumpAnalysis) return;
  const stock = proto._getValidJumpDestinations;
  proto.luxStockJumpAnalysis = stock;
  proto._getValidJumpDestinations = function cachedJumpDestinations(this: InterpreterLike, code: Uint8Array): JumpAnalysis {
    if (code.length < MIN_CACHED_CODE) return stock.call(this, code);
    const eip8024 = this.common.isActivatedEIP(EIP_8024) ? 1 : 0;
    let analysis = byIdentity[eip8024].get(code);
    if (!analysis) {
      const key = `${eip8024}${createHash("sha256").update(code).digest("base64")}`;
      analysis = byContent.get(key);
      if (analysis) {
        byContent.delete(key);
        byContent.set(key, analysis);
      } else {
        const full = stock.call(this, code);
        remember(key, (analysis = { jumps: full.jumps, pushes: full.pushes, starts: instructionStarts(full.opcodesCached) }));
        byIdentity[eip8024].set(code, analysis);
        return full;
      }
      byIdentity[eip8024].set(code, analysis);
    }
    return { jumps: analysis.jumps, pushes: analysis.pushes, opcodesCached: opcodeEntries(this, code, analysis) };
  };
}

/** The stock analysis once the cache is installed (tests compare the two), else undefined. */
export function stockJumpAnalysis(interpreter: InterpreterLike, code: Uint8Array): JumpAnalysis | undefined {
  return interpreterPrototype()?.luxStockJumpAnalysis?.call(interpreter, code);
}

/** The analysis the interpreter now gets (cached once installed), for tests. */
export function currentJumpAnalysis(interpreter: InterpreterLike, code: Uint8Array): JumpAnalysis | undefined {
  return interpreterPrototype()?._getValidJumpDestinations.call(interpreter, code);
}
