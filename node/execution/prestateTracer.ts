import type { InterpreterStep } from "@ethereumjs/evm";
import { isEOACode7702Tx, type TypedTransaction } from "@ethereumjs/tx";
import {
  Address, KECCAK256_NULL, bigIntToBytes, bigIntToHex, bytesToHex, createContractAddress, createContractAddress2, eoaCode7702RecoverAuthority,
  equalsBytes, setLengthLeft,
} from "@ethereumjs/util";
import type { AfterTxEvent, RunTxResult, VM } from "@ethereumjs/vm";
import { LuxError } from "../errors";
import { stackWordAddress } from "./evmFrame";

/** prestateTracer's tracerConfig (geth's names). */
export interface PrestateConfig {
  /** `{ pre, post }` of what the transaction changed instead of the whole pre-state. */
  diffMode: boolean;
  /** Leave out `code` (the code hash stays). */
  disableCode: boolean;
  /** Leave out `storage`. */
  disableStorage: boolean;
  /** Keep accounts that were empty before the transaction (not with diffMode). */
  includeEmpty: boolean;
}

const WORD = 32;
type JsonObject = Record<string, unknown>;

/** An account as the prestateTracer first saw it. */
interface TouchedAccount {
  address: Address;
  balance: bigint;
  nonce: bigint;
  code: Uint8Array;
  codeHash: Uint8Array;
  /** Slot → value (both 0x + 64 hex digits) at the slot's first SLOAD/SSTORE. */
  storage: Map<string, string>;
  /** No balance, nonce or code (geth leaves such accounts out of `pre`). */
  empty: boolean;
}

/** One account of geth's prestateTracer output. */
interface PrestateAccount {
  balance?: string;
  nonce?: number;
  code?: string;
  codeHash?: string;
  storage?: Record<string, string>;
}

const ZERO_WORD = bytesToHex(new Uint8Array(WORD));
/** How far past the end of memory geth zero-pads CREATE2's init code before giving up on the address. */
const MAX_MEMORY_PAD = 1024n * 1024n;
const word = (v: bigint): Uint8Array => setLengthLeft(bigIntToBytes(v), WORD);
const sorted = <T>(m: Map<string, T>): Record<string, T> => Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The target of an EIP-7702 delegation designator (0xef0100 ‖ address), when `code` is one. */
function delegationTarget(code: Uint8Array): Address | undefined {
  return code.length === 23 && code[0] === 0xef && code[1] === 0x01 && code[2] === 0x00 ? new Address(code.slice(3)) : undefined;
}

/** memory[offset, offset + size), zero-padded past its end; undefined when that is absurdly far (geth's GetMemoryCopyPadded). */
function memorySlice(mem: Uint8Array, offset: bigint, size: bigint): Uint8Array | undefined {
  const len = BigInt(mem.length);
  if (size === 0n) return new Uint8Array(0);
  if (offset + size > len + MAX_MEMORY_PAD) return undefined;
  const out = new Uint8Array(Number(size));
  if (offset < len) out.set(mem.subarray(Number(offset), Number(offset + size < len ? offset + size : len)));
  return out;
}

/**
 * geth's prestateTracer (eth/tracers/native/prestate.go). Every account the transaction touches — its
 * sender, recipient (or created address), the block's coinbase, EIP-7702 authorities and delegation
 * targets, the accounts of BALANCE, EXTCODE*, SELFDESTRUCT, CALL*, CREATE* — is read at first touch,
 * before the opcode runs (sender and recipient before the gas purchase and nonce bump), with the
 * storage slots its SLOAD/SSTOREs touch. The default answer is that pre-state, accounts that were empty
 * left out unless `includeEmpty`. `diffMode` answers `{ pre, post }` of the accounts the transaction
 * changed: post with only the changed fields and the changed slots' new non-zero values, pre with the
 * accounts' earlier state and the changed slots' earlier non-zero values; an account created appears in
 * post only, one self-destructed (EIP-6780: created in the same transaction) in pre only.
 *
 * Deviations: an opcode whose gas charge fails still counts as a touch (ethereumjs reports the step
 * before charging; geth skips it); an account absent after the transaction reads as codeless (geth's
 * zero code hash for it can list it in post as `codeHash: 0x0…0`); debug_traceCall from an address
 * with code shows the sender without code, as the simulation masks it to pass the EOA check.
 */
export class PrestateTracer {
  private readonly pre = new Map<string, TouchedAccount>();
  private readonly created = new Set<string>();
  private readonly deleted = new Set<string>();
  private post: Map<string, PrestateAccount> | undefined;
  private failure: unknown;

  constructor(
    private readonly vm: VM,
    private readonly cfg: PrestateConfig,
    /** The block's coinbase (geth lists it: it receives the fee tip). */
    private readonly coinbase?: Address,
  ) {}

  async trace(run: () => Promise<RunTxResult>): Promise<JsonObject> {
    const evmEvents = this.vm.evm.events;
    if (!evmEvents) throw new LuxError("EXECUTION_FAILED", "this EVM exposes no events to trace");
    const onTxStart = this.hook((tx: TypedTransaction) => this.txStart(tx));
    const onStep = this.hook((s: InterpreterStep) => this.step(s));
    const onTxEnd = this.hook(async (_r: AfterTxEvent) => {
      if (this.cfg.diffMode) await this.diff();
    });
    this.vm.events.on("beforeTx", onTxStart);
    evmEvents.on("step", onStep);
    this.vm.events.on("afterTx", onTxEnd);
    try {
      await run();
    } finally {
      this.vm.events.off("beforeTx", onTxStart);
      evmEvents.off("step", onStep);
      this.vm.events.off("afterTx", onTxEnd);
    }
    if (this.failure !== undefined) throw this.failure;
    const pre = new Map<string, PrestateAccount>();
    for (const [key, a] of this.pre) if (this.cfg.includeEmpty || !a.empty) pre.set(key, this.render(a));
    if (!this.cfg.diffMode) return sorted(pre);
    return { post: sorted(this.post ?? new Map<string, PrestateAccount>()), pre: sorted(pre) };
  }

  /** An event listener that may read state: the emitter waits for `resolve` (a 2-argument listener) before going on. */
  private hook<T>(work: (data: T) => Promise<void>): (data: T, resolve?: () => void) => void {
    return (data, resolve) => {
      work(data).then(
        () => resolve?.(),
        (err: unknown) => {
          this.failure ??= err;
          resolve?.();
        },
      );
    };
  }

  private async txStart(tx: TypedTransaction): Promise<void> {
    const from = tx.getSenderAddress();
    let to = tx.to;
    if (to === undefined) {
      to = createContractAddress(from, (await this.vm.stateManager.getAccount(from))?.nonce ?? 0n);
      this.created.add(to.toString());
    } else {
      await this.lookupDelegation(to);
    }
    await this.lookupAccount(from);
    await this.lookupAccount(to);
    if (this.coinbase) await this.lookupAccount(this.coinbase);
    if (isEOACode7702Tx(tx)) {
      for (const item of tx.authorizationList) {
        let authority: Address;
        try {
          authority = eoaCode7702RecoverAuthority(item);
        } catch {
          continue; // geth skips an authorization whose signer cannot be recovered
        }
        await this.lookupAccount(authority);
      }
    }
  }

  private async step(s: InterpreterStep): Promise<void> {
    const st = s.stack;
    const n = st.length;
    const op = s.opcode.name;
    const self = s.address;
    switch (op) {
      case "SLOAD":
      case "SSTORE":
        if (n >= 1) await this.lookupStorage(self, word(st[n - 1]));
        return;
      case "EXTCODECOPY":
      case "EXTCODEHASH":
      case "EXTCODESIZE":
      case "BALANCE":
      case "SELFDESTRUCT":
        if (n < 1) return;
        await this.lookupAccount(stackWordAddress(st[n - 1]));
        // EIP-6780: SELFDESTRUCT deletes the account only when it was created in this transaction.
        if (op === "SELFDESTRUCT" && (!this.vm.common.isActivatedEIP(6780) || this.created.has(self.toString()))) this.deleted.add(self.toString());
        return;
      case "CALL":
      case "CALLCODE":
      case "DELEGATECALL":
      case "STATICCALL":
        if (n < 5) return;
        await this.lookupAccount(stackWordAddress(st[n - 2]));
        await this.lookupDelegation(stackWordAddress(st[n - 2]));
        return;
      case "CREATE": {
        const address = createContractAddress(self, (await this.vm.stateManager.getAccount(self))?.nonce ?? 0n);
        await this.lookupAccount(address);
        this.created.add(address.toString());
        return;
      }
      case "CREATE2": {
        if (n < 4) return;
        const init = memorySlice(s.memory, st[n - 2], st[n - 3]);
        if (!init) return;
        const address = createContractAddress2(self, word(st[n - 4]), init);
        await this.lookupAccount(address);
        this.created.add(address.toString());
        return;
      }
    }
  }

  /** Reads an account into the pre-state unless it is there already. */
  private async lookupAccount(address: Address): Promise<void> {
    const key = address.toString();
    if (this.pre.has(key)) return;
    const { balance, nonce, code, codeHash } = await this.readAccount(address);
    this.pre.set(key, { address, balance, nonce, code, codeHash, storage: new Map(), empty: balance === 0n && nonce === 0n && code.length === 0 });
  }

  /** Prague: a called account that delegates its code (EIP-7702) brings the delegate in as well. */
  private async lookupDelegation(address: Address): Promise<void> {
    if (!this.vm.common.isActivatedEIP(7702)) return;
    const target = delegationTarget((await this.readAccount(address)).code);
    if (target) await this.lookupAccount(target);
  }

  private async lookupStorage(address: Address, key: Uint8Array): Promise<void> {
    if (this.cfg.disableStorage) return;
    await this.lookupAccount(address);
    const storage = this.pre.get(address.toString())?.storage;
    const slot = bytesToHex(key);
    if (!storage || storage.has(slot)) return;
    storage.set(slot, await this.readSlot(address, key));
  }

  private async readAccount(address: Address): Promise<{ exists: boolean; balance: bigint; nonce: bigint; code: Uint8Array; codeHash: Uint8Array }> {
    const sm = this.vm.stateManager;
    const acc = await sm.getAccount(address);
    if (!acc) return { exists: false, balance: 0n, nonce: 0n, code: new Uint8Array(0), codeHash: KECCAK256_NULL };
    const codeless = equalsBytes(acc.codeHash, KECCAK256_NULL);
    return { exists: true, balance: acc.balance, nonce: acc.nonce, code: codeless ? new Uint8Array(0) : await sm.getCode(address), codeHash: acc.codeHash };
  }

  private async readSlot(address: Address, key: Uint8Array): Promise<string> {
    return bytesToHex(setLengthLeft(await this.vm.stateManager.getStorage(address, key), WORD));
  }

  /** geth's processDiffState, on the state right after the transaction (before a simulation reverts it). */
  private async diff(): Promise<void> {
    const post = new Map<string, PrestateAccount>();
    for (const [key, before] of this.pre) {
      // A deleted account keeps its whole pre-state and has no post.
      if (this.deleted.has(key)) continue;
      const after = await this.readAccount(before.address);
      const out: PrestateAccount = {};
      let modified = false;
      if (after.balance !== before.balance) {
        modified = true;
        out.balance = bigIntToHex(after.balance);
      }
      if (after.nonce !== before.nonce) {
        modified = true;
        if (after.nonce !== 0n) out.nonce = Number(after.nonce);
      }
      if (!equalsBytes(after.codeHash, before.codeHash)) {
        modified = true;
        out.codeHash = bytesToHex(after.codeHash);
      }
      if (!this.cfg.disableCode && !equalsBytes(after.code, before.code)) {
        modified = true;
        out.code = bytesToHex(after.code);
      }
      if (!this.cfg.disableStorage) {
        const changed = new Map<string, string>();
        for (const [slot, was] of before.storage) {
          const now = after.exists ? await this.readSlot(before.address, word(BigInt(slot))) : ZERO_WORD;
          if (was === ZERO_WORD || now === was) before.storage.delete(slot);
          if (now === was) continue;
          modified = true;
          if (now !== ZERO_WORD) changed.set(slot, now);
        }
        if (changed.size > 0) out.storage = sorted(changed);
      }
      if (modified) post.set(key, out);
      else this.pre.delete(key);
    }
    this.post = post;
  }

  private render(a: TouchedAccount): PrestateAccount {
    const out: PrestateAccount = { balance: bigIntToHex(a.balance) };
    if (a.nonce !== 0n) out.nonce = Number(a.nonce);
    if (!this.cfg.disableCode && a.code.length > 0) out.code = bytesToHex(a.code);
    if (!equalsBytes(a.codeHash, KECCAK256_NULL)) out.codeHash = bytesToHex(a.codeHash);
    if (!this.cfg.disableStorage && a.storage.size > 0) out.storage = sorted(a.storage);
    return out;
  }
}
