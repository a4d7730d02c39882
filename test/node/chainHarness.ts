import fs from "node:fs";
import { createTxFromRLP } from "@ethereumjs/tx";
import { createAddressFromString } from "@ethereumjs/util";
import { Wallet, ethers } from "ethers";
import { Chain } from "../../node/chain/chain";
import type { Logger, NewHead } from "../../node/chain/types";
import { devAccounts, devChainConfig, type ChainConfig } from "../../node/config";
import { clockSlot } from "../../node/consensus/time";
import type { Duty } from "../../node/consensus/types";
import { strictSource } from "../../node/execution/executor";
import type { SenderTx } from "../../node/execution/types";
import { LevelChainStore } from "../../node/storage";
import { tempDir } from "../tempDir";

/** A logger that keeps quiet. */
export const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Dev accounts used as validators in the in-process consensus tests. */
export const VALIDATORS = devAccounts(4);

/** Signer keys of the validators, by lowercase address. */
export function keyOf(address: string): Uint8Array {
  const a = VALIDATORS.find((v) => v.address.toLowerCase() === address.toLowerCase());
  if (!a) throw new Error(`no key for ${address}`);
  return ethers.getBytes(a.privateKey);
}

/** A network-mode chain config: `n` equal genesis validators, 1 s slots, genesis 60 s ago. */
export function networkConfig(n: number, overrides: Partial<ChainConfig> = {}): ChainConfig {
  return devChainConfig({
    devMode: false,
    slotTimeMs: 1000,
    slotsPerEpoch: 8,
    genesisTimestamp: BigInt(Math.floor(Date.now() / 1000) - 60),
    genesisValidators: VALIDATORS.slice(0, n).map((v) => ({ address: v.address, signer: v.address, stake: 1000n * 10n ** 18n })),
    ...overrides,
  });
}

/** A chain on its own LevelDB in a temp dir. */
export interface TestChain {
  chain: Chain;
  store: LevelChainStore;
  /** Its data dir. */
  dir: string;
  /** Closes the store and deletes the data dir. */
  close(): Promise<void>;
  /** Closes the store and keeps the data dir (for a restart on it). */
  shutdown(): Promise<void>;
}

/** Opens a chain on a fresh temp data dir, or on `dir` (a restart). */
export async function openChain(config: ChainConfig, dir = tempDir("lux-cons-")): Promise<TestChain> {
  const store = new LevelChainStore(dir);
  await store.open();
  const chain = await Chain.open({ config, store, log: silent });
  const shutdown = async (): Promise<void> => {
    await chain.importBlockIdle();
    await store.close();
  };
  return {
    chain,
    store,
    dir,
    shutdown,
    close: async () => {
      await shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The current clock slot of a chain. */
export function nowSlot(chain: Chain): bigint {
  return clockSlot(chain.config, Date.now());
}

/** Produces the block for `slot` with its scheduled proposer's key (or `asProposer` to play a thief). */
export async function produceAt(chain: Chain, slot: bigint, txs: SenderTx[] = [], duty?: Duty): Promise<NewHead> {
  const d = duty ?? (await chain.engine.duty(chain.parentInfo(), slot));
  return chain.produce(d, keyOf(d.proposer.signer), strictSource(txs));
}

/** A signed EIP-1559 transfer from dev account `from` (index), decoded with its sender pinned. */
export async function transfer(chain: Chain, from: number, nonce: number, value = 1n): Promise<SenderTx> {
  const acct = devAccounts(from + 1)[from];
  const raw = await new Wallet(acct.privateKey).signTransaction({
    type: 2, chainId: chain.config.chainId, nonce, to: ethers.ZeroAddress, value, gasLimit: 21_000n,
    maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n,
  });
  const tx = createTxFromRLP(ethers.getBytes(raw), { common: chain.common });
  return { tx, sender: createAddressFromString(acct.address) };
}

/** One in-process validator node: a chain, its vote service holding one key, and what it gossiped. */
export interface TestValidator {
  tc: TestChain;
  votes: import("../../node/chain/votes").VoteService;
  adapter: import("../../node/chain/network").ChainNetworkAdapter;
  address: string;
  outbox: import("../../node/chain/types").GossipMessage[];
}

/** Opens validator `i` (holding dev key i) on a chain: a fresh data dir, or `dir` for a restart. */
async function openValidator(i: number, config: ChainConfig, dir?: string): Promise<TestValidator> {
  const { VoteService } = await import("../../node/chain/votes");
  const { ChainNetworkAdapter } = await import("../../node/chain/network");
  const tc = await openChain(config, dir);
  const outbox: TestValidator["outbox"] = [];
  const adapter = new ChainNetworkAdapter(tc.chain);
  adapter.onGossip((m) => outbox.push(m));
  const keys = new Map([[VALIDATORS[i].address.toLowerCase(), keyOf(VALIDATORS[i].address)]]);
  const votes = await VoteService.open(tc.chain, keys, (m) => adapter.publish(m), silent);
  tc.chain.votes = votes;
  return { tc, votes, adapter, address: VALIDATORS[i].address, outbox };
}

/** Opens `n` validator nodes on one network-mode chain (validator i holds dev key i). */
export async function openValidators(n: number, config: ChainConfig): Promise<TestValidator[]> {
  const out: TestValidator[] = [];
  for (let i = 0; i < n; i++) out.push(await openValidator(i, config));
  return out;
}

/**
 * A crash and restart of validator node `v` on its data dir: everything it had not written is gone
 * (its unsent gossip included), and it comes back from what is on disk.
 */
export async function restartValidator(v: TestValidator, config: ChainConfig): Promise<TestValidator> {
  await v.tc.shutdown();
  return openValidator(VALIDATORS.findIndex((a) => a.address === v.address), config, v.tc.dir);
}

/** Delivers every gossiped vote and evidence to every other node until nothing new is sent. */
export async function flush(nodes: TestValidator[]): Promise<void> {
  for (let round = 0; round < 10; round++) {
    const msgs = nodes.flatMap((n, i) => n.outbox.splice(0).map((m) => ({ from: i, m })));
    if (msgs.length === 0) return;
    for (const { from, m } of msgs) {
      for (const [i, n] of nodes.entries()) {
        if (i === from) continue;
        if (m.topic === "vote") await n.adapter.importVote(m.data);
        else if (m.topic === "evidence") await n.adapter.importEvidence(m.data);
        else if (m.topic === "block") await n.adapter.importEnvelope(m.data);
      }
    }
  }
}

/**
 * One slot of an honest network: the scheduled proposer builds (with votes and evidence from its pool),
 * everyone else imports, each node votes for its new head, and all messages are delivered.
 */
export async function runSlot(nodes: TestValidator[], slot: bigint, only?: TestValidator[]): Promise<NewHead | undefined> {
  const live = only ?? nodes;
  const p0 = live[0].tc.chain;
  const duty = await p0.engine.duty(p0.parentInfo(), slot);
  const proposer = live.find((n) => n.address.toLowerCase() === duty.proposer.address.toLowerCase());
  if (!proposer) return undefined; // its node is down: the slot is missed
  const c = proposer.tc.chain;
  const d = await c.engine.duty(c.parentInfo(), slot);
  const extras = await proposer.votes.extras(d.epoch.validators);
  const h = await c.produce(d, keyOf(d.proposer.signer), strictSource([]), extras);
  await proposer.votes.onHead(h);
  const { encodeEnvelope } = await import("../../node/consensus/envelope");
  for (const n of live) {
    if (n === proposer) continue;
    const before = n.tc.chain.head.hash;
    const o = await n.adapter.importEnvelope(encodeEnvelope(h.record));
    if (o.status !== "imported") throw new Error(`node ${n.address} did not import block ${h.record.block.header.number}: ${o.status} ${o.reason}`);
    if (n.tc.chain.head.hash !== before) await n.votes.onHead({ ...h, origin: "imported" });
  }
  await flush(live);
  return h;
}
