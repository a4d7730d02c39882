import type { MethodSpec } from "../types";
import { blockMethods } from "./blocks";
import { debugMethods } from "./debug";
import { devMethods } from "./dev";
import { txMethods } from "./fees";
import { filterMethods } from "./filters";
import { luxMethods } from "./lux";
import { otsMethods } from "./ots";
import { parityTraceMethods } from "./parityTrace";
import { proofMethods } from "./proof";
import { rawMethods } from "./raw";
import { simulateMethods } from "./simulate";
import { stateMethods } from "./state";
import { txpoolMethods } from "./txpool";

/** Every RPC method, registered as namespace_method; `dev` adds the development methods (a --dev node, the devnet). */
export function allMethods(opts: { dev?: boolean } = {}): Map<string, MethodSpec> {
  const dev = opts.dev ? { ...devMethods, ...debugMethods, ...otsMethods, ...parityTraceMethods } : {};
  return new Map(Object.entries({ ...blockMethods, ...stateMethods, ...simulateMethods, ...proofMethods, ...rawMethods, ...txpoolMethods, ...txMethods, ...filterMethods, ...luxMethods, ...dev }));
}
