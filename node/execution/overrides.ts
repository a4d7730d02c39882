import { Account, setLengthLeft, type Address } from "@ethereumjs/util";
import type { StateManagerInterface } from "@ethereumjs/common";

/**
 * geth's state overrides (the third parameter of eth_call / eth_estimateGas / eth_createAccessList):
 * per account a new balance, nonce or code, and either `state` (the whole storage replaced) or
 * `stateDiff` (single slots replaced). They are applied to the simulation's own throw-away copy of the
 * state, never flushed: the chain's state is never touched.
 */
export interface AccountOverride {
  /** The overridden account. */
  address: Address;
  /** New balance in wei. */
  balance?: bigint;
  /** New nonce. */
  nonce?: bigint;
  /** New code (an empty array removes the code). */
  code?: Uint8Array;
  /** Replaces the whole storage: slot (32 bytes) → value (32 bytes); every other slot reads zero. */
  state?: StorageEntry[];
  /** Replaces only these slots. */
  stateDiff?: StorageEntry[];
}

/** One storage slot and its new value, both 32 bytes. */
export interface StorageEntry {
  /** Slot key (32 bytes). */
  key: Uint8Array;
  /** Value (32 bytes; zero deletes the slot). */
  value: Uint8Array;
}

const WORD_BYTES = 32;

/** Applies overrides to a simulation's state copy (an account that does not exist is created). */
export async function applyStateOverrides(sm: StateManagerInterface, overrides: AccountOverride[]): Promise<void> {
  for (const o of overrides) {
    const account = (await sm.getAccount(o.address)) ?? new Account();
    if (o.balance !== undefined) account.balance = o.balance;
    if (o.nonce !== undefined) account.nonce = o.nonce;
    await sm.putAccount(o.address, account);
    if (o.code !== undefined) await sm.putCode(o.address, o.code);
    if (o.state !== undefined) await sm.clearStorage(o.address);
    for (const s of o.state ?? o.stateDiff ?? []) {
      await sm.putStorage(o.address, setLengthLeft(s.key, WORD_BYTES), setLengthLeft(s.value, WORD_BYTES));
    }
  }
}
