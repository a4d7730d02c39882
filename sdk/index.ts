/**
 * ModernTensor SDK: pure tokenomics math, reward trees, the typed client and the epoch runner.
 * Named re-exports only; see sdk/README.md for an example.
 */
export * from "./errors";
export * from "./tokenomics";
export * from "./rewards";
export * from "./client";
export * from "./epoch";
