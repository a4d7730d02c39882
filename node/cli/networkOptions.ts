/**
 * Peer-to-peer and validator flags of `npm run node` / `npm run devnet`, and the `--config <file>`
 * JSON file that can hold any flag (flags given on the command line win over the file).
 */
import fs from "node:fs";
import path from "node:path";
import { Option, type Command } from "commander";
import { privateToAddress } from "@ethereumjs/util";
import { LuxError, errorMessage } from "../errors";

/** Flags of the network group. */
export interface NetworkFlags {
  p2p: boolean;
  p2pPort: number;
  p2pHost: string;
  peer: string[];
  validatorKey?: string;
  validators: number;
  genesisValidators: number;
}

const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
  return n;
};
const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];

/** Declares the network flags (and `--validators` for the devnet). */
export function addNetworkOptions(cmd: Command, withDevnet: boolean): void {
  cmd.optionsGroup?.("Peer to peer:");
  cmd
    .addOption(new Option("--config <file>", "JSON file with any of these flags in camelCase (e.g. {\"peer\": [...], \"validatorKey\": \"0x…\", \"dataDir\": \"…\", \"p2pPort\": 9000}); command-line flags win"))
    .addOption(new Option("--p2p-port <n>", "libp2p TCP port (0 = any free port)").default(0).argParser(int))
    .addOption(new Option("--p2p-host <addr>", "interface libp2p listens on").default("127.0.0.1"))
    .addOption(new Option("--peer <multiaddr>", "static bootstrap peer /ip4/…/tcp/…/p2p/<peer id> (repeatable or comma-separated)").argParser(collect))
    .addOption(new Option("--validator-key <hex>", "the one signer key (0x private key) this node proposes with; default: every dev key"))
    .addOption(new Option("--genesis-validators <n>", "a new chain starts with dev accounts 0..n-1 as its validators (1,000 MDT weight each) until StakingManager has an active set").default(1).argParser(int))
    .addOption(new Option("--no-p2p", "no peer-to-peer networking"));
  if (withDevnet) {
    cmd.addOption(new Option("--validators <n>", "validator processes to start (each with its own key, data dir, RPC and p2p port)").default(1).argParser(int));
  }
}

/** Applies a `--config` file: each key the command line did not set takes the file's value. */
export function applyConfigFile(cmd: Command): void {
  const file = cmd.getOptionValue("config") as string | undefined;
  if (!file) return;
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(path.resolve(file), "utf8"));
  } catch (err) {
    throw new LuxError("P2P_CONFIG", `cannot read config file ${file}: ${errorMessage(err)}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new LuxError("P2P_CONFIG", `config file ${file} must hold a JSON object`);
  const byName = new Map(cmd.options.map((o) => [o.attributeName(), o]));
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const opt = byName.get(key);
    if (!opt || key === "config") {
      throw new LuxError("P2P_CONFIG", `config file ${file}: unknown setting "${key}" (settings are the flags in camelCase: ${[...byName.keys()].filter((k) => k !== "config").join(", ")})`);
    }
    if (cmd.getOptionValueSource(key) === "cli") continue;
    cmd.setOptionValueWithSource(key, configValue(file, key, opt, value), "config");
  }
}

// A file value goes through the same parser as the flag's text, so "slotTime": "fast" fails as --slot-time fast would.
function configValue(file: string, key: string, opt: Option, value: unknown): unknown {
  const bad = (why: string): LuxError => new LuxError("P2P_CONFIG", `config file ${file}: setting "${key}" (${opt.flags}) ${why}`);
  if (!opt.required && !opt.optional) {
    if (typeof value !== "boolean") throw bad(`must be true or false, got ${JSON.stringify(value)}`);
    return value;
  }
  const items = Array.isArray(value) && key === "peer" ? value : [value];
  let out: unknown = undefined;
  for (const item of items) {
    if (typeof item !== "string" && typeof item !== "number") throw bad(`must be ${key === "peer" ? "a string or a list of strings" : "a string or a number"}, got ${JSON.stringify(item)}`);
    try {
      out = opt.parseArg ? opt.parseArg(String(item), out) : String(item);
    } catch (err) {
      throw bad(errorMessage(err));
    }
  }
  return out;
}

/** Reads the network flags after parsing (and after `applyConfigFile`). */
export function readNetworkFlags(cmd: Command): NetworkFlags {
  const o = cmd.opts() as Partial<NetworkFlags>;
  const key = o.validatorKey;
  if (key !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new LuxError("P2P_CONFIG", "--validator-key must be a 0x-prefixed 32-byte hex private key");
  }
  if (key !== undefined) privateToAddress(Buffer.from(key.slice(2), "hex")); // throws on an invalid scalar
  return {
    p2p: o.p2p ?? true,
    p2pPort: o.p2pPort ?? 0,
    p2pHost: o.p2pHost ?? "127.0.0.1",
    peer: Array.isArray(o.peer) ? o.peer.map(String) : [],
    validatorKey: key,
    validators: o.validators ?? 1,
    genesisValidators: o.genesisValidators ?? 1,
  };
}
