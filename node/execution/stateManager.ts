import { RLP } from "@ethereumjs/rlp";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { CODEHASH_PREFIX, CacheType, Caches, MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, concatBytes, createAccountFromRLP, createAddressFromString, equalsBytes, unpadBytes, unprefixedHexToBytes, type Address, type DB } from "@ethereumjs/util";
import type { Common } from "@ethereumjs/common";
import { LuxError } from "../errors";
import { keccak } from "./crypto";
import { trieBatchPut, type TriePut } from "./trieBatch";

const STORAGE_WORD_BYTES = 32;
/** Cache sizes of the long-lived head state (entries). */
const ACCOUNT_CACHE = 100_000;
const STORAGE_CACHE = 100_000;
const CODE_CACHE = 5_000;

/** The internals of an ethereumjs state cache that tell whether it holds unflushed changes. */
interface DiffTracked {
  _checkpoints: number;
  _diffCache: Map<string, unknown>[];
}

/**
 * MerkleStateManager whose SSTOREs stay in the storage cache until the end-of-block flush. The stock
 * `putStorage` ends in `cache.put(...) ?? writeThrough()`, and `put` returns void, so every SSTORE also
 * rewrites the storage trie; skipping that doubles contract-call throughput with identical roots.
 */
export class LuxStateManager extends MerkleStateManager {
  override async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    const cache = this._caches?.storage;
    if (!cache) return super.putStorage(address, key, value);
    if (key.length !== STORAGE_WORD_BYTES) throw new LuxError("EXECUTION_FAILED", "Storage key must be 32 bytes long");
    if (value.length > STORAGE_WORD_BYTES) throw new LuxError("EXECUTION_FAILED", "Storage value cannot be longer than 32 bytes");
    const account = await this.getAccount(address);
    if (!account) throw new LuxError("EXECUTION_FAILED", "putStorage() called on non-existing account");
    cache.put(address, key, RLP.encode(unpadBytes(value)));
  }

  /**
   * Writes the cached changes into the tries, as the stock flush does (code, then storage, then
   * accounts), but each trie's insertions and updates in one batched pass (`trieBatchPut`) instead of
   * one full path re-hash per key. Deletions (emptied slots, removed empty accounts) use the stock `del`.
   */
  override async flush(): Promise<void> {
    const caches = this._caches;
    if (!caches?.account || !caches.storage) return super.flush();
    for (const [addressHex, elem] of caches.code?.flush() ?? []) {
      const code = elem.code;
      if (code === undefined) continue;
      const address = createAddressFromString(`0x${addressHex}`);
      const codeHash = keccak(code);
      await this._getCodeDB().put(this._prefixCodeHashes ? concatBytes(CODEHASH_PREFIX, codeHash) : codeHash, code);
      if ((await this.getAccount(address)) === undefined) await this.putAccount(address, new Account());
      await this.modifyAccountFields(address, { codeHash });
    }
    const slots = new Map<string, { puts: TriePut[]; dels: Uint8Array[] }>();
    for (const [addressHex, keyHex, value] of caches.storage.flush()) {
      const decoded = RLP.decode(value ?? new Uint8Array(0));
      let entry = slots.get(addressHex);
      if (!entry) slots.set(addressHex, (entry = { puts: [], dels: [] }));
      const key = unprefixedHexToBytes(keyHex);
      if (decoded instanceof Uint8Array && decoded.length > 0) entry.puts.push({ key, value: RLP.encode(decoded) });
      else entry.dels.push(key);
    }
    for (const [addressHex, { puts, dels }] of slots) {
      const address = createAddressFromString(`0x${addressHex}`);
      const account = await this.getAccount(address);
      if (!account) continue;
      const trie = this._getStorageTrie(address, account);
      await trieBatchPut(trie, puts);
      for (const key of dels) await trie.del(key);
      account.storageRoot = trie.root();
      await this.putAccount(address, account);
    }
    const puts: TriePut[] = [];
    const dels: Uint8Array[] = [];
    for (const [addressHex, elem] of caches.account.flush()) {
      const key = unprefixedHexToBytes(addressHex);
      if (elem.accountRLP === undefined) dels.push(key);
      else puts.push({ key, value: elem.accountRLP });
    }
    await trieBatchPut(this._trie, puts);
    for (const key of dels) await this._trie.del(key);
  }

  /**
   * The storage trie of an account, at the account's storage root. The stock lookup hands out the trie
   * object it cached for the address whatever the account says, so an account deleted (its storage with
   * it) and created again saw its old slots again, in reads and in the next flush.
   */
  protected override _getStorageTrie(addressOrHash: Address | Uint8Array, rootAccount?: Account): MerklePatriciaTrie {
    const trie = super._getStorageTrie(addressOrHash, rootAccount);
    if (rootAccount !== undefined && !equalsBytes(trie.root(), rootAccount.storageRoot)) trie.root(rootAccount.storageRoot);
    return trie;
  }

  /** The state root as it stands (the trie's root; uncommitted cache changes are not in it). */
  currentRoot(): Uint8Array {
    return this._trie.root();
  }

  /**
   * The account as this state manager's cache holds it, without touching the trie: an Account, null when
   * cached as absent, undefined when not cached — or when the cache holds anything the trie (its
   * `currentRoot`) does not: an open checkpoint, or changes not yet flushed.
   */
  cachedAccount(address: Address): Account | null | undefined {
    if (this._checkpointCount !== 0 || !this.flushed()) return undefined;
    const elem = this._caches?.account?.get(address);
    if (elem === undefined) return undefined;
    return elem.accountRLP !== undefined ? createAccountFromRLP(elem.accountRLP) : null;
  }

  // ethereumjs' caches keep their unflushed changes in a per-checkpoint diff map (not public API).
  private flushed(): boolean {
    const caches = this._caches as unknown as Record<"account" | "storage" | "code", DiffTracked | undefined> | undefined;
    if (!caches) return false;
    return [caches.account, caches.storage, caches.code].every((c) => c === undefined || (c._diffCache[c._checkpoints]?.size ?? 0) === 0);
  }

  /** A copy reading the same database, with its own caches (RPC reads never disturb block building). */
  override shallowCopy(): LuxStateManager {
    const common = this.common.copy();
    common.setHardfork(this.common.hardfork());
    return new LuxStateManager({
      common,
      trie: this._trie.shallowCopy(false),
      caches: new Caches({ account: { type: CacheType.ORDERED_MAP }, storage: { type: CacheType.ORDERED_MAP }, code: { type: CacheType.ORDERED_MAP } }),
    });
  }
}

/** Creates the state manager over a trie database (bytes values, hashed keys as on Ethereum). */
export function createStateManager(common: Common, db: DB<string, Uint8Array | string>, root?: Uint8Array): LuxStateManager {
  const trie = new MerklePatriciaTrie({
    db,
    useKeyHashing: true,
    valueEncoding: "view",
    common,
    root,
  });
  return new LuxStateManager({
    common,
    trie,
    caches: new Caches({
      account: { type: CacheType.LRU, size: ACCOUNT_CACHE },
      storage: { type: CacheType.LRU, size: STORAGE_CACHE },
      code: { type: CacheType.LRU, size: CODE_CACHE },
    }),
  });
}
