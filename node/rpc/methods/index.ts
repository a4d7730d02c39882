import { method, type MethodSpec } from "../types";
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

/** The version geth reports for each module. */
const RPC_MODULE_VERSION = "1.0";

/** Every RPC method, registered as namespace_method; `dev` adds the development methods (a --dev node, the devnet). */
export function allMethods(opts: { dev?: boolean } = {}): Map<string, MethodSpec> {
  const dev = opts.dev ? { ...devMethods, ...debugMethods, ...otsMethods, ...parityTraceMethods } : {};
  const methods = new Map(Object.entries({ ...blockMethods, ...stateMethods, ...simulateMethods, ...proofMethods, ...rawMethods, ...txpoolMethods, ...txMethods, ...filterMethods, ...luxMethods, ...dev }));
  const modules = rpcModules(methods.keys());
  methods.set("rpc_modules", method([], () => modules));
  return methods;
}

/** geth's rpc_modules: each namespace this node answers (a dev node adds evm, hardhat, anvil, debug, ots, trace, ...). */
function rpcModules(names: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = { rpc: RPC_MODULE_VERSION };
  for (const name of names) out[name.slice(0, name.indexOf("_"))] = RPC_MODULE_VERSION;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
