import type { Message } from "@ethereumjs/evm";
import { Address, bigIntToBytes, setLengthLeft } from "@ethereumjs/util";

/** What opened a call frame, in opcode names (geth's callTracer types). */
export type FrameKind = "CALL" | "CALLCODE" | "DELEGATECALL" | "STATICCALL" | "CREATE" | "CREATE2";

const CALL_OPCODES: ReadonlySet<string> = new Set(["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"]);
const ADDRESS_BYTES = 20;
const ADDRESS_MASK = (1n << 160n) - 1n;

/** The address in the low 20 bytes of a stack word (a CALL target, a SELFDESTRUCT beneficiary). */
export function stackWordAddress(word: bigint): Address {
  return new Address(setLengthLeft(bigIntToBytes(word & ADDRESS_MASK), ADDRESS_BYTES));
}

/**
 * Tells each message which opcode opened it, for the tracers: ethereumjs' Message does not say CALL
 * from STATICCALL, so the last call opcode stepped is remembered (a call's message follows its opcode).
 */
export class FrameKinds {
  private lastCall: FrameKind = "CALL";

  /** Feed every interpreter step's opcode name. */
  step(op: string): void {
    if (CALL_OPCODES.has(op)) this.lastCall = op as FrameKind;
  }

  /** The kind of a message at beforeMessage: the transaction's own frame is a CALL or a CREATE. */
  of(m: Message): FrameKind {
    if (m.to === undefined) return m.salt ? "CREATE2" : "CREATE";
    return m.depth === 0 ? "CALL" : this.lastCall;
  }
}

/**
 * A frame's from and to as geth and Parity show them: DELEGATECALL and CALLCODE go from the contract
 * running them to the code they borrow (ethereumjs' message keeps DELEGATECALL's original caller and the
 * storage address instead); a creation's `to` is known only once the EVM derived it.
 */
export function frameParties(m: Message, kind: FrameKind): { from: Address; to: Address | undefined } {
  const from = kind === "DELEGATECALL" && m.to ? m.to : m.caller;
  if (kind === "CREATE" || kind === "CREATE2") return { from, to: undefined };
  return { from, to: kind === "DELEGATECALL" || kind === "CALLCODE" ? m.codeAddress : m.to };
}
