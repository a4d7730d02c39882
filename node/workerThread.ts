import { join } from "node:path";
import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread on a module of the node. Under ts-node (how the node runs) the worker needs
 * ts-node too: when the parent's `-r ts-node/register` did not reach it (Hardhat registers ts-node in
 * code), it is registered there. The worker never keeps the process alive.
 */
export function startModuleWorker(entry: string): Worker {
  const source = [
    `const entry = ${JSON.stringify(entry)};`,
    `if (entry.endsWith(".ts") && !require.extensions[".ts"]) require("ts-node").register({ transpileOnly: true });`,
    `require(entry);`,
  ].join("\n");
  const worker = new Worker(source, { eval: true });
  worker.unref();
  return worker;
}

/** The path of a sibling module, with the extension the running code has (.ts under ts-node, .js built). */
export function siblingModule(dir: string, name: string, callerFile: string): string {
  return join(dir, `${name}${callerFile.endsWith(".ts") ? ".ts" : ".js"}`);
}
