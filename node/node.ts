/**
 * Composition root: opens the store, the chain (genesis or resume), the txpool, the producer, the
 * filters, the RPC dispatcher and server, and the metrics, and wires their events together.
 */
import path from "node:path";
import { Registry } from "prom-client";
import { Address, bytesToHex, hexToBytes, privateToAddress, utf8ToBytes, bytesToUtf8 } from "@ethereumjs/util";
import { Chain } from "./chain/chain";
import { Follower } from "./chain/follower";
import { InclusionWaiter } from "./chain/inclusion";
import { Producer } from "./chain/producer";
import type { Logger, NewHead, ReorgEvent } from "./chain/types";
import { chainConfigFromJson, chainConfigToJson } from "./config";
import type { ChainConfig } from "./config/types";
import { LuxError, errorMessage } from "./errors";
import { VoteService } from "./chain/votes";
import { validateSlotClock } from "./consensus/time";
import { ChainNetworkAdapter } from "./chain/network";
import type { ConsensusNetwork } from "./chain/types";
import { createMetrics, type NodeMetrics } from "./metrics";
import { FilterManager, RpcDispatcher, RpcServer, allMethods, type RpcContext, type RpcLimits } from "./rpc";
import { dashboardRoute } from "./rpc/static";
import { parseLogCriteria } from "./rpc/logs";
import { peerList, startNetworking, type Networking } from "./p2p";
import { consensusPort } from "./p2p/consensusPort";
import { Semaphore } from "./rpc/semaphore";
import { LevelChainStore } from "./storage";
import { DEFAULT_TXPOOL_OPTIONS, TxPool } from "./txpool";
import type { PoolTx } from "./txpool/types";
import { SenderRecovery } from "./txpool/senderRecovery";
import type { StoredReceipt } from "./storage/types";
import type { NodeOptions } from "./types";
import { DevMode } from "./dev/devMode";
import { minedRevertError } from "./dev/minedRevert";

export type { NodeOptions } from "./types";

/** Client name reported by web3_clientVersion. */
export const CLIENT_VERSION = "Luxtensor/v0.1.0/ethereumjs-vm-10";
/**
 * web3_clientVersion of a dev node: a compatibility prefix, then the real name. Hardhat's network
 * helpers accept a node whose version starts with "HardhatNetwork" (or anvil/zksync); a dev node does
 * implement the Hardhat development methods they call, so it says so; a validator never does.
 */
export const DEV_CLIENT_VERSION = `HardhatNetwork-compatible/${CLIENT_VERSION}`;
/** Default RPC port. */
export const DEFAULT_PORT = 8545;
/**
 * Default min interval between transaction-triggered blocks under load without automine. With automine
 * there is none: every sender waits for its block, so a block starts as soon as the previous one is
 * done and holds whatever arrived meanwhile.
 */
export const DEFAULT_BLOCK_BATCH_MS = 50;
const MIB = 1024 * 1024;
/** Default RPC limits (geth's where geth has one; the table is in node/README.md). */
export const DEFAULT_LIMITS: RpcLimits = {
  maxBodyBytes: 5 * MIB,
  maxBatch: 1000,
  maxResponseBytes: 25 * MIB,
  requestTimeoutMs: 30_000,
  maxLogRange: 0n,
  maxLogs: 10_000,
  maxLogCriteria: 1000,
  maxFeeHistoryBlocks: 1024n,
  maxFeeHistoryPercentiles: 100,
  gasCap: 50_000_000n,
  evmTimeoutMs: 5_000,
  maxConcurrentCalls: 4,
  wsMaxMessageBytes: 5 * MIB,
  wsMaxPending: 100,
  wsMaxSubscriptions: 1000,
  wsMaxBufferedBytes: 64 * MIB,
  allowUnprotectedTxs: false,
};

/** A running node. */
export interface LuxNode {
  /** Effective chain configuration. */
  config: ChainConfig;
  /** The chain. */
  chain: Chain;
  /** The pool. */
  pool: TxPool;
  /** Metrics. */
  metrics: NodeMetrics;
  /** The consensus seam the peer-to-peer transport plugs into (import from peers, gossip out, sync). */
  network: ConsensusNetwork;
  /** The block producer (dev helpers: `mineNow`, `devTime`). */
  producer: Producer;
  /** Dev mode's state (a `--dev` node and the devnet). */
  dev?: DevMode;
  /** Bound port. */
  port: number;
  /** http://host:port */
  rpcUrl: string;
  /** ws://host:port */
  wsUrl: string;
  /** The peer-to-peer layer (when started with `p2p` options). */
  p2p?: Networking;
  /** Stops producing, closes the server and the database. */
  stop(): Promise<void>;
}

const CONFIG_META = "chainConfig";
/** The txpool journal's file name inside the data dir (LevelDB ignores files it does not own). */
export const TXPOOL_JOURNAL_FILE = "txpool.journal";
/** Automine gives up waiting (the transaction stays pooled) after this many slots, at least AUTOMINE_MIN_WAIT_MS. */
const AUTOMINE_WAIT_SLOTS = 3;
const AUTOMINE_MIN_WAIT_MS = 10_000;

// Waits for a transaction that can run now; one behind a nonce gap cannot be mined yet and returns at once.
/** Waits for a pooled transaction to be mined; resolves with its receipt when it saw it land. */
function automine(chain: Chain, pool: TxPool, waiter: InclusionWaiter, slotTimeMs: number): (tx: PoolTx) => Promise<StoredReceipt | undefined> {
  const timeoutMs = Math.max(AUTOMINE_MIN_WAIT_MS, AUTOMINE_WAIT_SLOTS * slotTimeMs);
  return async (tx) => {
    if (pool.get(tx.hash) === undefined) return undefined; // already mined (or dropped)
    // The pool's queue knows the sender's state nonce: a gap before this nonce means it cannot run yet.
    if (pool.pendingNonce(tx.from, 0n) <= tx.nonce) return undefined;
    // A fee cap below the next base fee waits in the pool until the base fee falls: answer now.
    if (tx.maxFee < chain.head.block.header.calcNextBaseFee()) return undefined;
    return waiter.wait(tx.hash, timeoutMs);
  };
}

/** The console logger used by default. */
export const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

async function loadConfig(store: LevelChainStore, requested: ChainConfig, log: Logger): Promise<ChainConfig> {
  const stored = await store.getMeta(CONFIG_META);
  if (!stored) {
    await store.putMeta(CONFIG_META, utf8ToBytes(JSON.stringify(chainConfigToJson(requested))));
    return requested;
  }
  const config = chainConfigFromJson(JSON.parse(bytesToUtf8(stored)) as Record<string, unknown>);
  if (config.chainId !== requested.chainId) {
    throw new LuxError("STORAGE_CORRUPT", `data dir was created for chain id ${config.chainId}, not ${requested.chainId} (use --reset to start over)`);
  }
  // Genesis settings belong to the chain the data dir holds: asking for others changes nothing but is said.
  const genesisJson = (c: ChainConfig): string => `${JSON.stringify(chainConfigToJson(c).alloc)} ${c.gasLimit} ${c.maxCodeSize}`;
  if (genesisJson(config) !== genesisJson(requested)) {
    log.warn(`data dir holds a chain with other genesis accounts, gas limit or code size limit (${config.alloc.length} accounts, gas limit ${config.gasLimit}, code size limit ${config.maxCodeSize ?? "EIP-170's"}): --accounts, --balance, --gas-limit and the code size flags apply to a new chain (--reset starts one)`);
  }
  // On a network the slot time fixes every block's timestamp: it is part of the chain. In dev mode it is
  // only the production cadence (blocks may run ahead of the clock anyway), so a restart may change it.
  return config.devMode ? { ...config, slotTimeMs: requested.slotTimeMs } : config;
}

function blockLine(h: NewHead): string {
  const b = h.record.block.header;
  return `block #${b.number} ${bytesToHex(h.record.hash).slice(0, 18)}… slot ${h.record.slot} txs ${h.record.block.transactions.length} gas ${b.gasUsed} proposer ${h.proposer.address} (${h.elapsedMs.toFixed(1)} ms, ${h.origin})`;
}

/** Starts a node. */
export async function createNode(opts: NodeOptions): Promise<LuxNode> {
  const log = opts.log ?? consoleLogger;
  const store = new LevelChainStore(opts.dataDir);
  await store.open();
  try {
    validateSlotClock(opts.chain);
    const config = await loadConfig(store, opts.chain, log);
    validateSlotClock(config);
    const chain = await Chain.open({ config, store, log });
    const signerKeys = new Map<string, Uint8Array>();
    for (const k of opts.signerKeys ?? []) {
      const bytes = hexToBytes(k as `0x${string}`);
      signerKeys.set(bytesToHex(privateToAddress(bytes)).toLowerCase(), bytes);
    }
    const network = new ChainNetworkAdapter(chain);
    const votes = await VoteService.open(chain, signerKeys, (m) => network.publish(m), log);
    chain.votes = votes;
    chain.on("head", (h: NewHead) => {
      votes.onHead(h).catch((err: unknown) => log.warn(`voting on block ${h.record.block.header.number} failed: ${errorMessage(err)}`));
    });
    // Transactions of blocks a reorg removed go back to the pool (those the new branch holds are dropped
    // again by its "head" events).
    chain.on("reorg", (r: ReorgEvent) => {
      // A dev-mode evm_revert discards them (the snapshot's own pending transactions come back instead).
      if (r.rewind) return;
      for (const { record } of r.removed) for (const tx of record.block.transactions) pool.add(tx.serialize()).catch(() => undefined);
    });
    const metrics = createMetrics(new Registry());
    const pool = new TxPool(
      chain.common,
      {
        chainId: config.chainId,
        gasLimit: () => chain.nextGasLimit(),
        nextBaseFee: () => chain.nextBaseFee(),
        account: async (address: Address) => {
          const a = await chain.headAccount(address);
          return { nonce: a?.nonce ?? 0n, balance: a?.balance ?? 0n };
        },
      },
      { ...DEFAULT_TXPOOL_OPTIONS, ...opts.txpool },
      log,
      path.join(opts.dataDir, TXPOOL_JOURNAL_FILE),
      // Senders of incoming transactions are recovered on a worker thread, beside RPC and block building.
      SenderRecovery.shared(),
    );
    // Pending transactions of the previous run come back, revalidated against the head.
    const replay = await pool.restore();
    if (replay.restored + replay.dropped > 0) log.info(`txpool: restored ${replay.restored} pending transactions from the journal (${replay.dropped} no longer valid)`);
    metrics.headNumber.set(Number(chain.head.block.header.number));
    // A dev node's block lines follow hardhat_setLoggingEnabled (DevMode exists only further down).
    let devLogging = (): boolean => true;
    chain.on("head", (h: NewHead) => {
      const txs = h.record.block.transactions.map((tx, i) => ({ tx, sender: new Address(h.record.senders[i]) }));
      pool.onBlockIncluded(txs);
      metrics.headNumber.set(Number(h.record.block.header.number));
      metrics.txpoolSize.set(pool.size);
      metrics.observeBlock(txs.length, h.elapsedMs / 1000);
      if (opts.logBlocks !== false && devLogging()) log.info(blockLine(h));
    });
    pool.on("tx", (t) => {
      metrics.txpoolSize.set(pool.size);
      if (opts.logTxs) log.info(`tx ${t.hash} from ${t.from} nonce ${t.nonce}`);
    });
    const limits = { ...DEFAULT_LIMITS, ...opts.limits };
    const filters = await FilterManager.open(chain, pool, (raw) => parseLogCriteria(raw, limits), log);
    // Logs of blocks a reorg removed go to filters and subscribers again, with removed: true.
    chain.on("reorg", (r: ReorgEvent) => filters.onRemoved(r.removed.map(({ record, receipts }) => ({ hash: record.hash, number: record.block.header.number, receipts }))));
    const fallbackProposer = opts.dev ? config.genesisValidators.find((v) => signerKeys.has(v.signer.toLowerCase())) : undefined;
    const producer = new Producer(chain, pool, {
      slotTimeMs: config.slotTimeMs, produceOnTx: opts.produceOnTx ?? true, batchMs: opts.blockBatchMs ?? (opts.automine ? 0 : DEFAULT_BLOCK_BATCH_MS), signerKeys, log,
      extras: (duty) => votes.extras(duty.epoch.validators),
      fallbackProposer: fallbackProposer && { ...fallbackProposer },
    });
    const dev = opts.dev ? new DevMode(chain, pool, producer, opts.dev, log) : undefined;
    if (dev) devLogging = () => dev.loggingEnabled;
    // A transaction that leaves the pool unmined (replaced, evicted, dropped) ends every wait for it.
    const inclusion = new InclusionWaiter(chain);
    pool.on("drop", (t: PoolTx) => inclusion.cancel(t.hash));
    const ctx: RpcContext = {
      config, chain, pool, filters, metrics, clientVersion: dev ? DEV_CLIENT_VERSION : CLIENT_VERSION, limits, log,
      simulations: new Semaphore(limits.maxConcurrentCalls),
      totalBurned: () => chain.totalBurned, dev,
      allowImportBlock: opts.allowImportBlock ?? false,
      inclusion,
    };
    if (opts.automine || dev) {
      const waitMined = automine(chain, pool, inclusion, config.slotTimeMs);
      ctx.awaitMined = dev
        ? async (tx) => {
            if (!dev.automine) return;
            const receipt = await waitMined(tx);
            // Seen succeeding: no lookup (the common case, a database read per transaction otherwise).
            if (receipt?.status === 1) return;
            // Like `hardhat node`: a transaction mined but reverted is answered with its revert.
            const reverted = await minedRevertError(chain, tx.hash);
            if (reverted) throw reverted;
          }
        : async (tx) => void (await waitMined(tx));
    }
    const server = new RpcServer(
      new RpcDispatcher(ctx, allMethods({ dev: dev !== undefined })),
      { host: opts.host ?? "127.0.0.1", port: opts.port ?? DEFAULT_PORT, corsOrigin: opts.corsOrigin ?? "*", route: opts.dashboard && dashboardRoute(opts.dashboard, config.chainId) },
      limits,
      metrics.registry,
      log,
    );
    const port = await server.listen();
    const p2p = opts.p2p
      ? await startNetworking({ chain, pool, log, options: opts.p2p, signerKey: signerKeys.size === 1 ? [...signerKeys.values()][0] : undefined, port: consensusPort(chain, network) })
      : undefined;
    // Own votes and fresh evidence go out by gossip (produced blocks are published by the p2p layer).
    if (p2p) network.onGossip((m) => {
      if (m.topic !== "block") void p2p.net.publish(m.topic, m.data);
    });
    ctx.network = () => ({ listening: p2p !== undefined, peerId: p2p?.net.peerId, addresses: p2p?.net.addresses ?? [], peers: peerList(p2p) });
    // A dev node is its chain's only producer (and evm_revert moves its head below what peers saw).
    if (p2p && !dev) producer.setReady(() => p2p.syncer.inSync());
    if (opts.produce !== false && !opts.follow) producer.start();
    const follower = opts.follow ? new Follower(chain, opts.follow, log) : undefined;
    follower?.start();
    const host = opts.host ?? "127.0.0.1";
    let stopped = false;
    return {
      config, chain, pool, metrics, port, p2p, network, producer, dev,
      rpcUrl: `http://${host}:${port}`,
      wsUrl: `ws://${host}:${port}`,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        dev?.stop();
        await producer.stop();
        network.close();
        await follower?.stop();
        await p2p?.stop();
        await filters.close();
        await server.close();
        // Wait for any in-flight import, then close: every committed block is already on disk.
        await chain.importBlockIdle();
        pool.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
