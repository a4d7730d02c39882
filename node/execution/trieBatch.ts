import {
  ExtensionMPTNode, LeafMPTNode,
  type MerklePatriciaTrie, type MPTNode, type Nibbles, type NodeReferenceOrRawMPTNode,
} from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import type { BatchDBOp } from "@ethereumjs/util";
import { LuxError } from "../errors";
import { LruMap } from "../chain/lru";

/**
 * Writes many keys into a Merkle-Patricia trie in one pass. The stock `put` walks the path and re-hashes
 * every node from the leaf to the root for each key (~0.3 ms per key: a block of 16 transfers touches
 * ~33 accounts, ~10 ms), so the nodes near the root are hashed once per key. Here the changed keys are
 * sorted, the affected part of the trie is rebuilt in memory, and every new node is encoded and hashed
 * once — the same nodes and root the stock code produces (a property test compares both), with the
 * same node encoding (the library's own node classes serialize) and the same database keys.
 *
 * Only insertions and updates: deletions restructure branches and stay with the stock `del`. All keys
 * of a trie with key hashing have the same length, so no key is a prefix of another and branch nodes
 * never hold values.
 */

/** One insertion or update (the key as the caller gives it: hashed by the trie). */
export interface TriePut {
  /** Key before the trie's key hashing. */
  key: Uint8Array;
  /** Non-empty value (empty values are deletions). */
  value: Uint8Array;
}

/** The protected members of the trie this module needs (the same ones its own `put` uses). */
interface TrieInternals {
  appliedKey(key: Uint8Array): Uint8Array;
  hash(bytes: Uint8Array): Uint8Array;
  _getDbKey(hash: Uint8Array): Uint8Array;
  EMPTY_TRIE_ROOT: Uint8Array;
}

type Ref = NodeReferenceOrRawMPTNode;
type Child = Mem | { t: "ref"; ref: Ref };
type Mem =
  | { t: "leaf"; path: Nibbles; value: Uint8Array }
  | { t: "ext"; path: Nibbles; child: Child }
  | { t: "branch"; children: (Child | null)[] };
interface Item {
  nib: Nibbles;
  value: Uint8Array;
}

const BRANCH_WIDTH = 16;
const HASH_BYTES = 32;
/**
 * Decoded nodes by hash, shared by every trie: a node is content-addressed, so an entry is never stale.
 * Each block's flush walks down through the nodes the previous flush wrote (the root and the branches
 * under it change every block); without this they were read back from the database and RLP-decoded.
 */
const NODE_CACHE = 20_000;
const decoded = new LruMap<string, Mem>(NODE_CACHE);
const hashKey = (hash: Uint8Array): string => Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString("hex");

function bytesToNibbles(b: Uint8Array): Nibbles {
  const out: Nibbles = new Array(b.length * 2);
  for (let i = 0; i < b.length; i++) {
    out[2 * i] = b[i] >> 4;
    out[2 * i + 1] = b[i] & 0x0f;
  }
  return out;
}

function matchingNibbleLength(a: Nibbles, b: Nibbles): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

const strip = (items: Item[], n: number): Item[] => items.map((i) => ({ nib: i.nib.slice(n), value: i.value }));

function compareNibbles(a: Nibbles, b: Nibbles): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** A subtree holding exactly `items` (sorted, distinct, equal length). */
function build(items: Item[]): Mem {
  if (items.length === 1) return { t: "leaf", path: items[0].nib, value: items[0].value };
  const cp = matchingNibbleLength(items[0].nib, items[items.length - 1].nib);
  if (cp > 0) return { t: "ext", path: items[0].nib.slice(0, cp), child: build(strip(items, cp)) };
  const children: (Child | null)[] = new Array(BRANCH_WIDTH).fill(null);
  for (const [n, group] of groups(items)) children[n] = build(strip(group, 1));
  return { t: "branch", children };
}

/** Items grouped by their first nibble (items are sorted, so groups are runs). */
function groups(items: Item[]): [number, Item[]][] {
  const out: [number, Item[]][] = [];
  for (const it of items) {
    const last = out[out.length - 1];
    if (last && last[0] === it.nib[0]) last[1].push(it);
    else out.push([it.nib[0], [it]]);
  }
  return out;
}

function fromNode(node: MPTNode): Mem {
  if (node instanceof LeafMPTNode) return { t: "leaf", path: node.key(), value: node.value() };
  if (node instanceof ExtensionMPTNode) return { t: "ext", path: node.key(), child: { t: "ref", ref: node.value() as Ref } };
  if (node.value() !== null && node.value()!.length > 0) {
    throw new LuxError("STORAGE_CORRUPT", "a branch node with a value in a trie of fixed-length keys");
  }
  const children: (Child | null)[] = [];
  for (let i = 0; i < BRANCH_WIDTH; i++) {
    const b = node.getBranch(i);
    children.push(b === null ? null : { t: "ref", ref: b });
  }
  return { t: "branch", children };
}

/** `ext` split at `at` (< its path length): an extension of the common part, or a bare branch. */
function splitExt(ext: { path: Nibbles; child: Child }, at: number): Mem {
  const children: (Child | null)[] = new Array(BRANCH_WIDTH).fill(null);
  const rest = ext.path.slice(at + 1);
  children[ext.path[at]] = rest.length > 0 ? { t: "ext", path: rest, child: ext.child } : ext.child;
  const branch: Mem = { t: "branch", children };
  return at > 0 ? { t: "ext", path: ext.path.slice(0, at), child: branch } : branch;
}

async function load(trie: MerklePatriciaTrie, ref: Ref): Promise<Mem> {
  if (!(ref instanceof Uint8Array) || ref.length !== HASH_BYTES) return fromNode(await trie.lookupNode(ref as Uint8Array));
  const k = hashKey(ref);
  let node = decoded.get(k);
  if (!node) {
    node = fromNode(await trie.lookupNode(ref));
    decoded.set(k, node);
  }
  return node;
}

async function apply(trie: MerklePatriciaTrie, child: Child | null, items: Item[]): Promise<Mem> {
  if (child === null) return build(items);
  const node = child.t === "ref" ? await load(trie, child.ref) : child;
  if (node.t === "leaf") {
    // A leaf is a one-key subtree: rebuild it with the new keys (an equal key replaces its value).
    const merged = items.some((i) => compareNibbles(i.nib, node.path) === 0) ? items : [...items, { nib: node.path, value: node.value }].sort((a, b) => compareNibbles(a.nib, b.nib));
    return build(merged);
  }
  if (node.t === "ext") {
    let cp = node.path.length;
    for (const it of items) cp = Math.min(cp, matchingNibbleLength(node.path, it.nib));
    if (cp < node.path.length) return apply(trie, splitExt(node, cp), items);
    return { t: "ext", path: node.path, child: await apply(trie, node.child, strip(items, node.path.length)) };
  }
  const children = node.children.slice();
  for (const [n, group] of groups(items)) children[n] = await apply(trie, children[n], strip(group, 1));
  return { t: "branch", children };
}

/** Encodes a rebuilt subtree bottom-up: nodes of 32 bytes or more (and the root) are hashed and stored. */
function encode(t: TrieInternals, child: Child, top: boolean, ops: BatchDBOp[]): Ref {
  if (child.t === "ref") return child.ref;
  // The node's bytes, its raw list (how a node under 32 bytes sits inside its parent), and the node as
  // stored: children by reference (what `load` would decode from its bytes).
  let bytes: Uint8Array;
  let raw: () => Ref;
  let stored: Mem;
  if (child.t === "branch") {
    const refs = child.children.map((c) => (c === null ? null : encode(t, c, false, ops)));
    bytes = encodeBranch(refs);
    // `BranchMPTNode.raw()`: the 16 children, then the (empty) value.
    raw = () => [...refs, null] as unknown as Ref;
    stored = { t: "branch", children: refs.map((ref) => (ref === null ? null : { t: "ref", ref })) };
  } else {
    let node: MPTNode;
    if (child.t === "leaf") {
      node = new LeafMPTNode(child.path, child.value);
      stored = child;
    } else {
      const ref = encode(t, child.child, false, ops);
      node = new ExtensionMPTNode(child.path, ref as Uint8Array);
      stored = { t: "ext", path: child.path, child: { t: "ref", ref } };
    }
    bytes = node.serialize();
    raw = () => node.raw() as Ref;
  }
  return bytes.length >= HASH_BYTES || top ? store(t, bytes, stored, ops) : raw();
}

/** Hashes an encoded node, queues its database write and caches it decoded; returns its hash. */
function store(t: TrieInternals, bytes: Uint8Array, stored: Mem, ops: BatchDBOp[]): Uint8Array {
  const hash = t.hash(bytes);
  ops.push({ type: "put", key: t._getDbKey(hash), value: bytes });
  decoded.set(hashKey(hash), stored);
  return hash;
}

const RLP_EMPTY_STRING = 0x80;
const RLP_SHORT_LIST = 0xc0;
const RLP_LONG_LIST = 0xf7;
const RLP_SHORT_MAX = 55;

/**
 * RLP of a branch node without a value — what `BranchMPTNode.serialize()` gives, written into one
 * buffer. Branches are most of the nodes a flush writes, and the generic encoder allocates and
 * concatenates every item (a fifth of a small block's RLP time).
 */
export function encodeBranch(refs: ReadonlyArray<Ref | null>): Uint8Array {
  // Per child: its encoding, or for a 32-byte hash the hash itself (a string with a one-byte header).
  const parts: Uint8Array[] = new Array(BRANCH_WIDTH);
  const isHash: boolean[] = new Array(BRANCH_WIDTH);
  let payload = 1; // the empty value
  for (let i = 0; i < BRANCH_WIDTH; i++) {
    const ref = refs[i];
    isHash[i] = ref instanceof Uint8Array && ref.length === HASH_BYTES;
    const part = ref === null ? EMPTY_ITEM : isHash[i] ? (ref as Uint8Array) : RLP.encode(ref);
    parts[i] = part;
    payload += isHash[i] ? HASH_BYTES + 1 : part.length;
  }
  const lenBytes = payload > RLP_SHORT_MAX ? bigEndian(payload) : EMPTY;
  const out = new Uint8Array(1 + lenBytes.length + payload);
  out[0] = payload > RLP_SHORT_MAX ? RLP_LONG_LIST + lenBytes.length : RLP_SHORT_LIST + payload;
  out.set(lenBytes, 1);
  let at = 1 + lenBytes.length;
  for (let i = 0; i < BRANCH_WIDTH; i++) {
    const part = parts[i];
    if (isHash[i]) out[at++] = RLP_EMPTY_STRING + HASH_BYTES;
    out.set(part, at);
    at += part.length;
  }
  out[at] = RLP_EMPTY_STRING;
  return out;
}

const EMPTY = new Uint8Array(0);
const EMPTY_ITEM = Uint8Array.of(RLP_EMPTY_STRING);

function bigEndian(n: number): Uint8Array {
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return Uint8Array.from(out);
}

/** Inserts or updates `puts` in `trie` (last write of a key wins) and sets its new root. */
export async function trieBatchPut(trie: MerklePatriciaTrie, puts: TriePut[]): Promise<void> {
  if (puts.length === 0) return;
  const t = trie as unknown as TrieInternals;
  const byKey = new Map<string, Item>();
  for (const p of puts) {
    if (p.value.length === 0) throw new LuxError("INVALID_PARAMS", "trieBatchPut takes no deletions (empty value): use the trie's del");
    const nib = bytesToNibbles(t.appliedKey(p.key));
    byKey.set(nib.join(","), { nib, value: p.value });
  }
  const items = [...byKey.values()].sort((a, b) => compareNibbles(a.nib, b.nib));
  const len = items[0].nib.length;
  if (items.some((i) => i.nib.length !== len)) throw new LuxError("INVALID_PARAMS", "trieBatchPut needs keys of one length (a trie with key hashing)");
  const root = trie.root();
  const start: Child | null = root.length === t.EMPTY_TRIE_ROOT.length && root.every((b, i) => b === t.EMPTY_TRIE_ROOT[i]) ? null : { t: "ref", ref: root };
  const rebuilt = await apply(trie, start, items);
  const ops: BatchDBOp[] = [];
  const newRoot = encode(t, rebuilt, true, ops) as Uint8Array;
  await trie.database().batch(ops as never);
  trie.root(newRoot);
}
