/** Turns the global options into a client: RPC URL, key (flag or MTCLI_PRIVATE_KEY), directories. */
import path from "node:path";
import { createClient } from "../client/createClient";
import type { Client } from "../client/types";
import type { GlobalOptions } from "./output";

/** Env var holding the private key when --key is not given (keeps keys out of shell history). */
export const KEY_ENV = "MTCLI_PRIVATE_KEY";
/** The devnet's default endpoint. */
export const DEFAULT_RPC = "http://127.0.0.1:8545";

/** Connects for a command; the key is optional here, actions that send require it. */
export async function connect(opts: GlobalOptions): Promise<Client> {
  const key = opts.key ?? process.env[KEY_ENV];
  return createClient({
    rpcUrl: opts.rpc,
    ...(key ? { privateKey: key } : {}),
    ...(opts.deployments ? { deploymentsDir: path.resolve(opts.deployments) } : {}),
    ...(opts.dataDir ? { dataDir: path.resolve(opts.dataDir) } : {}),
  });
}

/** Runs `fn` with a connected client and always releases it. */
export async function withClient<T>(opts: GlobalOptions, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(opts);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
