/**
 * JSON-RPC: HTTP and WebSocket on one port (server.ts, the transport), a dispatcher that validates
 * envelopes and each method's declared params (dispatcher.ts, params.ts), the methods by namespace
 * (methods/), filters and subscriptions (filters.ts), and the single mapping of node errors to
 * JSON-RPC codes (errors.ts). Methods only see the RpcContext; the server only sees an RpcHandler.
 */
export * from "./types";
export { RpcServer } from "./server";
export { RpcDispatcher } from "./dispatcher";
export { FilterManager } from "./filters";
export { RpcCode, toRpcError } from "./errors";
export { allMethods } from "./methods";
