/**
 * The chain: genesis, head, head state and the two ways a block becomes head — produced locally
 * (execute pool transactions, assemble, seal) or imported (verify envelope and schedule, re-execute,
 * compare roots). Both commit block, receipts, indexes, state and head pointer in one atomic batch.
 */
export * from "./types";
export { Chain } from "./chain";
export { LruMap } from "./lru";
export { Producer } from "./producer";
export { Follower } from "./follower";
