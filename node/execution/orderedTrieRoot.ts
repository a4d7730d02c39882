import { RLP, type NestedUint8Array } from "@ethereumjs/rlp";
import { intToBytes } from "@ethereumjs/util";
import { keccak } from "./crypto";

/** Hash of the empty trie: keccak256(rlp("")). */
export const EMPTY_TRIE_ROOT = keccak(RLP.encode(new Uint8Array(0)));

type Node = Uint8Array | NestedUint8Array;
interface Item {
  nibbles: Uint8Array;
  value: Uint8Array;
}
const HASH_EMBED_LIMIT = 32;
const BRANCH_WIDTH = 16;

function toNibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i] >> 4;
    out[2 * i + 1] = key[i] & 0x0f;
  }
  return out;
}

/** Hex-prefix encoding of a nibble path (Yellow Paper appendix C). */
function hexPrefix(nibbles: Uint8Array, leaf: boolean): Uint8Array {
  const odd = nibbles.length % 2 === 1;
  const flag = (leaf ? 2 : 0) + (odd ? 1 : 0);
  const out = new Uint8Array(Math.floor(nibbles.length / 2) + 1);
  let i = 0;
  if (odd) {
    out[0] = (flag << 4) | nibbles[0];
    i = 1;
  } else {
    out[0] = flag << 4;
  }
  for (let o = 1; i < nibbles.length; i += 2, o++) out[o] = (nibbles[i] << 4) | nibbles[i + 1];
  return out;
}

/** A child reference: nodes under 32 encoded bytes are embedded, larger ones referenced by hash. */
function ref(node: Node): Node {
  const enc = RLP.encode(node);
  return enc.length < HASH_EMBED_LIMIT ? node : keccak(enc);
}

function commonPrefix(items: Item[], depth: number): number {
  let len = 0;
  const first = items[0].nibbles;
  for (;;) {
    const d = depth + len;
    if (d >= first.length) return len;
    const n = first[d];
    for (const it of items) if (d >= it.nibbles.length || it.nibbles[d] !== n) return len;
    len++;
  }
}

function build(items: Item[], depth: number): Node {
  if (items.length === 1) return [hexPrefix(items[0].nibbles.subarray(depth), true), items[0].value];
  const prefix = commonPrefix(items, depth);
  if (prefix > 0) {
    return [hexPrefix(items[0].nibbles.subarray(depth, depth + prefix), false), ref(build(items, depth + prefix))];
  }
  const slots: Item[][] = Array.from({ length: BRANCH_WIDTH }, () => []);
  let value: Uint8Array = new Uint8Array(0);
  for (const it of items) {
    if (it.nibbles.length === depth) value = it.value;
    else slots[it.nibbles[depth]].push(it);
  }
  const branch: Node[] = slots.map((s) => (s.length === 0 ? new Uint8Array(0) : ref(build(s, depth + 1))));
  branch.push(value);
  return branch as NestedUint8Array;
}

/**
 * Root of the trie keyed by rlp(index) over `values` (transactions or receipts), computed in one pass
 * over the keys instead of inserting each into a trie (10-15x faster for large blocks).
 */
export function orderedTrieRoot(values: Uint8Array[]): Uint8Array {
  if (values.length === 0) return EMPTY_TRIE_ROOT;
  const items = values.map((value, i) => ({ nibbles: toNibbles(RLP.encode(i === 0 ? new Uint8Array(0) : intToBytes(i))), value }));
  return keccak(RLP.encode(build(items, 0)));
}
