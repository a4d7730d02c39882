import type { VM } from "@ethereumjs/vm";
import { LuxError } from "../errors";

/**
 * Keeps one simulation (eth_call, eth_estimateGas) from owning the process. The ethereumjs interpreter
 * awaits only microtasks between opcodes, so a long loop never lets timers or sockets run: block
 * production and every other request would wait for it. The guard wraps the opcodes every loop or
 * recursion must pass through (JUMP, JUMPI and the call/create family): every few hundred of them it
 * checks the deadline and the caller's abort signal, and once a slice has run for `sliceMs` it yields
 * to the event loop with setImmediate.
 *
 * Why not the EVM's `step` event: it copies the frame's memory and stack on every opcode (measured
 * 5–20x slower, and quadratic in memory size); the wrapped opcodes cost one counter increment.
 */
export interface GuardOptions {
  /** Wall-clock budget of the whole simulation, in ms (geth: --rpc.evmtimeout, 5 s). */
  timeoutMs: number;
  /** Aborted when the client disconnects or the request times out. */
  signal?: AbortSignal;
  /** Longest uninterrupted run before yielding to the event loop, in ms. */
  sliceMs?: number;
}

/** Control-flow opcodes: every unbounded execution passes through one of them again and again. */
const GUARDED_OPCODES = [0x56, 0x57, 0xf0, 0xf1, 0xf2, 0xf4, 0xf5, 0xfa];
/** Check the clock every this many guarded opcodes (a clock read costs ~50 ns, a JUMP ~200 ns). */
const CHECK_EVERY = 256;
const DEFAULT_SLICE_MS = 10;

type OpHandler = (runState: unknown, common: unknown) => unknown;
interface OpEntry {
  opcodeInfo: { isAsync: boolean };
  opHandler: OpHandler;
}

/** Deadline and cancellation of one simulation; installs itself on a VM with `attach`. */
export class ExecutionGuard {
  private readonly deadline: number;
  private readonly sliceMs: number;
  private count = 0;
  private sliceStart = performance.now();

  constructor(private readonly opts: GuardOptions) {
    this.deadline = performance.now() + opts.timeoutMs;
    this.sliceMs = opts.sliceMs ?? DEFAULT_SLICE_MS;
  }

  /** Throws when the simulation must stop (time-out or cancellation). */
  check(): void {
    const reason = this.opts.signal?.reason as unknown;
    if (this.opts.signal?.aborted) throw reason instanceof LuxError ? reason : new LuxError("CANCELLED", "request cancelled");
    if (performance.now() > this.deadline) {
      throw new LuxError("EXECUTION_TIMEOUT", `execution aborted (timeout = ${this.opts.timeoutMs / 1000}s)`);
    }
  }

  /** Called by the wrapped opcodes: undefined (no await needed) unless the clock must be read. */
  tick(): Promise<void> | undefined {
    if (++this.count % CHECK_EVERY !== 0) return undefined;
    return this.slow();
  }

  private async slow(): Promise<void> {
    this.check();
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
    this.check();
  }

  /**
   * Wraps the guarded opcodes of this VM's EVM (its opcode table and entries are built per instance,
   * so the chain's own block-building VM is untouched). A thrown LuxError is not an EVM error, so the
   * interpreter rethrows it and the whole simulation stops.
   */
  attach(vm: VM): void {
    const evm = vm.evm as unknown as { _opcodeMap: OpEntry[]; luxGuard?: ExecutionGuard };
    const wrapped = evm.luxGuard !== undefined;
    evm.luxGuard = this;
    if (wrapped) return;
    for (const code of GUARDED_OPCODES) {
      const entry = evm._opcodeMap[code];
      if (!entry) continue;
      const inner = entry.opHandler;
      if (entry.opcodeInfo.isAsync) {
        entry.opHandler = async (runState, common) => {
          await evm.luxGuard?.tick();
          await inner(runState, common);
        };
      } else {
        // Made async so the interpreter awaits the (rare) yield; returns a promise only when yielding.
        const info = entry.opcodeInfo;
        entry.opcodeInfo = Object.freeze(Object.assign(Object.create(Object.getPrototypeOf(info) as object) as object, info, { isAsync: true })) as OpEntry["opcodeInfo"];
        entry.opHandler = (runState, common) => {
          inner(runState, common);
          return evm.luxGuard?.tick();
        };
      }
    }
  }
}
