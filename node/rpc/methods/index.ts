import type { MethodSpec } from "../types";
import { blockMethods } from "./blocks";
import { txMethods } from "./fees";
import { filterMethods } from "./filters";
import { luxMethods } from "./lux";
import { stateMethods } from "./state";

/** Every RPC method, registered as namespace_method. */
export function allMethods(): Map<string, MethodSpec> {
  return new Map(Object.entries({ ...blockMethods, ...stateMethods, ...txMethods, ...filterMethods, ...luxMethods }));
}
