/**
 * Storage: blocks (as consensus envelopes), headers, senders, receipts, the tx index, epoch boundaries,
 * the state trie and the head pointer, in one LevelDB keyspace. The state manager's trie writes are
 * buffered in memory and join the block's batch, so each block lands on disk atomically with its state
 * and the head pointer: a restart after kill -9 sees either the whole block or none of it. The log index
 * (logIndex.ts: block numbers per address, per positioned topic, and of blocks with any log) is written
 * in the same batch; a data dir from before the index is indexed backwards in the background.
 */
export * from "./types";
export { LevelChainStore } from "./levelStore";
export { BufferedTrieDb } from "./bufferedTrieDb";
export { logIndexOps, type LogIndexQuery } from "./logIndex";
