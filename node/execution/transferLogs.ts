import type { EVM, EVMResult, Message } from "@ethereumjs/evm";
import { bigIntToAddressBytes, bigIntToBytes, equalsBytes, hexToBytes, setLengthLeft, type Address } from "@ethereumjs/util";
import type { VM } from "@ethereumjs/vm";
import type { StoredLog } from "../storage/types";
import { keccak } from "./crypto";

/** ERC-7528's pseudo-address of the native coin: the emitter of the synthetic transfer logs. */
export const NATIVE_TRANSFER_ADDRESS = hexToBytes("0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
/** ERC-20's `Transfer(address,address,uint256)` topic, which the synthetic logs reuse. */
export const TRANSFER_TOPIC = keccak(new TextEncoder().encode("Transfer(address,address,uint256)"));

const WORD = 32;
const LOG_OPS = [0xa0, 0xa1, 0xa2, 0xa3, 0xa4];
const SELFDESTRUCT = 0xff;

/** One event of a call frame, in execution order: a LOG opcode ran, or value moved. */
type Item = { kind: "log" } | { kind: "transfer"; from: Uint8Array; to?: Uint8Array; value: bigint };

interface OpEntry {
  opcodeInfo: { isAsync: boolean };
  opHandler: (runState: unknown, common: unknown) => unknown;
}
interface OpRunState {
  stack: { peek(n?: number): bigint[] };
  env: { address: Address; contract: { balance: bigint } };
}

/** The synthetic log of a native transfer (geth's eth_simulateV1 `traceTransfers`). */
export function transferLog(from: Uint8Array, to: Uint8Array, value: bigint): StoredLog {
  return {
    address: NATIVE_TRANSFER_ADDRESS,
    topics: [TRANSFER_TOPIC, setLengthLeft(from, WORD), setLengthLeft(to, WORD)],
    data: setLengthLeft(bigIntToBytes(value), WORD),
  };
}

/**
 * Records a transaction's native transfers (transaction value, CALL value, SELFDESTRUCT balance) as
 * ERC-7528 logs, interleaved with the real logs in execution order and dropped with the frame that made
 * them when it fails, as geth's simulate tracer does. Frames come from the EVM's message events; the
 * position of real logs among the transfers comes from a marker on the LOG opcodes (the receipt has the
 * real logs in order, but not where a nested call's transfer fell between them). DELEGATECALL moves no
 * value, and a transfer to oneself (CALLCODE is one) moves nothing, so neither is reported.
 *
 * Installs itself on a VM that is private to one simulation: the opcode wrappers stay for its lifetime.
 */
export class TransferTracer {
  private frames: Item[][] = [];
  private finished: Item[] = [];

  constructor(vm: VM) {
    const events = (vm.evm as EVM).events;
    events.on("beforeMessage", (msg: Message) => this.enter(msg));
    events.on("afterMessage", (res: EVMResult) => this.exit(res));
    const map = (vm.evm as unknown as { _opcodeMap: OpEntry[] })._opcodeMap;
    for (const code of LOG_OPS) {
      const entry = map[code];
      if (!entry) continue;
      const inner = entry.opHandler;
      // LOGn handlers are synchronous: mark after it ran (a static-context LOG throws before).
      entry.opHandler = (runState, common) => {
        const out = inner(runState, common);
        this.top()?.push({ kind: "log" });
        return out;
      };
    }
    const sd = map[SELFDESTRUCT];
    if (sd) {
      const inner = sd.opHandler;
      sd.opHandler = async (runState, common) => {
        const rs = runState as OpRunState;
        const [beneficiary] = rs.stack.peek(1);
        const from = rs.env.address.bytes;
        const to = bigIntToAddressBytes(beneficiary, false);
        const value = rs.env.contract.balance;
        if (value > 0n && !equalsBytes(from, to)) this.top()?.push({ kind: "transfer", from, to, value });
        await inner(runState, common);
      };
    }
  }

  /** Starts a transaction. */
  begin(): void {
    this.frames = [];
    this.finished = [];
  }

  /** The transaction's logs: `real` (its receipt's, in order) with the transfers in between. */
  logs(real: StoredLog[]): StoredLog[] {
    const markers = this.finished.filter((i) => i.kind === "log").length;
    const transfers = this.finished.flatMap((i) => (i.kind === "transfer" && i.to ? [transferLog(i.from, i.to, i.value)] : []));
    // Not expected: a log the markers did not see. Keep every real log rather than misplace one.
    if (markers !== real.length) return [...real, ...transfers];
    let next = 0;
    return this.finished.flatMap((i) => (i.kind === "log" ? [real[next++]] : i.to ? [transferLog(i.from, i.to, i.value)] : []));
  }

  private top(): Item[] | undefined {
    return this.frames[this.frames.length - 1];
  }

  private enter(msg: Message): void {
    const frame: Item[] = [];
    const to = msg.to?.bytes;
    if (!msg.delegatecall && msg.value > 0n && !(to && equalsBytes(msg.caller.bytes, to))) {
      frame.push({ kind: "transfer", from: msg.caller.bytes, to, value: msg.value });
    }
    this.frames.push(frame);
  }

  private exit(res: EVMResult): void {
    const frame = this.frames.pop() ?? [];
    // A creation's address is known only once it ran.
    const first = frame[0];
    if (first?.kind === "transfer" && first.to === undefined) first.to = res.createdAddress?.bytes;
    const kept = res.execResult.exceptionError ? [] : frame;
    const parent = this.top();
    if (parent) parent.push(...kept);
    else this.finished = kept;
  }
}
