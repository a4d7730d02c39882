import { createMerkleProof } from "@ethereumjs/mpt";
import { KECCAK256_NULL_S, KECCAK256_RLP_S, bytesToBigInt, bytesToHex, hexToBytes, setLengthLeft, type Address } from "@ethereumjs/util";
import type { MerklePatriciaTrie } from "@ethereumjs/mpt";
import type { Account } from "@ethereumjs/util";
import type { BlockRecord } from "../../chain/types";
import { LuxError, errorMessage } from "../../errors";
import type { LuxStateManager } from "../../execution/stateManager";
import { hexQ, type Json } from "../format";
import { address, blockRef, optional, type Param } from "../params";
import { requireBlock, stateAt } from "../resolve";
import { method, type MethodSpec, type RpcContext } from "../types";

/** Most storage slots one eth_getProof may prove (each costs a trie walk and a few hundred bytes). */
export const MAX_PROOF_KEYS = 1_000;
const WORD_BYTES = 32;
const SLOT_HEX = /^0x[0-9a-fA-F]{1,64}$/;

/** A storage key as sent (geth accepts up to 32 bytes of hex and left-pads) and its 32-byte form. */
interface ProofKey {
  /** The key as the client sent it (echoed back, as geth does). */
  raw: string;
  /** Left-padded 32-byte slot. */
  slot: Uint8Array;
}

const storageKeys = (name: string): Param<ProofKey[]> => ({
  name,
  parse: (v) => {
    if (!Array.isArray(v)) throw new LuxError("INVALID_PARAMS", `invalid argument ${name}: expected an array of storage slots`);
    if (v.length > MAX_PROOF_KEYS) throw new LuxError("LIMIT_EXCEEDED", `too many storage keys: ${v.length}, limit ${MAX_PROOF_KEYS}`);
    return v.map((k: unknown, i) => {
      if (typeof k !== "string" || !SLOT_HEX.test(k)) {
        throw new LuxError("INVALID_PARAMS", `invalid argument ${name}[${i}]: expected a hex storage slot of at most 32 bytes`);
      }
      // Odd lengths and short keys are accepted and left-padded, as geth's decodeHash does.
      return { raw: k, slot: setLengthLeft(hexToBytes(`0x${k.length % 2 === 1 ? "0" : ""}${k.slice(2)}`), WORD_BYTES) };
    });
  },
});

// The trie internals eth_getProof walks; MerkleStateManager keeps them protected.
interface TrieAccess {
  _trie: MerklePatriciaTrie;
  _getStorageTrie(address: Address, account: Account): MerklePatriciaTrie;
}

/** The state at a block, or a clear error when its trie is no longer stored. */
async function provableState(ctx: RpcContext, rec: BlockRecord): Promise<LuxStateManager> {
  try {
    return await stateAt(ctx, rec);
  } catch (err) {
    throw new LuxError("RESOURCE_NOT_FOUND", `state of block ${rec.block.header.number} is not available (missing trie node): ${errorMessage(err)}`, { cause: err });
  }
}

const hexNodes = (nodes: Uint8Array[]): Json[] => nodes.map((n) => bytesToHex(n));

/**
 * EIP-1186 eth_getProof: the account's Merkle proof against the block's state root, and one proof per
 * storage slot against the account's storage root. An absent account gets a proof of absence (the
 * path to where it would be) and empty storage proofs, as in geth. Old blocks are answered from the
 * unpruned trie; if a block's state is missing, the answer is an error that says so.
 */
export const proofMethods: Record<string, MethodSpec> = {
  eth_getProof: method([address("address"), storageKeys("storageKeys"), optional(blockRef("block"))], async (ctx, [addr, keys, ref]) => {
    const rec = await requireBlock(ctx, ref);
    const sm = await provableState(ctx, rec);
    const tries = sm as unknown as TrieAccess;
    try {
      const accountProof = hexNodes(await createMerkleProof(tries._trie, addr.bytes));
      const account = await sm.getAccount(addr);
      const storageProof: Json[] = [];
      const storageTrie = account ? tries._getStorageTrie(addr, account) : undefined;
      for (const k of keys) {
        const proof = storageTrie ? hexNodes(await createMerkleProof(storageTrie, k.slot)) : [];
        const value = account ? bytesToBigInt(await sm.getStorage(addr, k.slot)) : 0n;
        storageProof.push({ key: k.raw, value: hexQ(value), proof });
      }
      return {
        address: addr.toString(),
        balance: hexQ(account?.balance ?? 0n),
        codeHash: account ? bytesToHex(account.codeHash) : KECCAK256_NULL_S,
        nonce: hexQ(account?.nonce ?? 0n),
        storageHash: account ? bytesToHex(account.storageRoot) : KECCAK256_RLP_S,
        accountProof,
        storageProof,
      };
    } catch (err) {
      if (err instanceof LuxError) throw err;
      throw new LuxError("RESOURCE_NOT_FOUND", `state of block ${rec.block.header.number} is not available (missing trie node): ${errorMessage(err)}`, { cause: err });
    }
  }),
};
