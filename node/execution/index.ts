/**
 * Execution: transactions run one by one against a header-only block inside one state checkpoint
 * (linear block building), roots computed in one ordered pass, receipts carrying everything the RPC
 * serves; simulations (eth_call, eth_estimateGas) in always-reverted checkpoints. Native secp256k1 and
 * keccak are plugged into the Common's customCrypto, with ethereumjs' pure-JS code as fallback. The
 * interpreter's jump-destination analysis is done once per distinct code (jumpCache.ts).
 */
export * from "./types";
export { loadNativeCrypto, keccak } from "./crypto";
export { executeBlock, assembleBlock, envBlock, effectiveGasPrice, strictSource } from "./executor";
export { createStateManager, LuxStateManager } from "./stateManager";
export { orderedTrieRoot, EMPTY_TRIE_ROOT } from "./orderedTrieRoot";
export { call, cappedGas, estimateGas, simulate, revertReason, type CallRequest } from "./call";
export { ExecutionGuard, type GuardOptions } from "./guard";
export { installJumpAnalysisCache } from "./jumpCache";
export { installFastEipLookup } from "./eipLookup";
