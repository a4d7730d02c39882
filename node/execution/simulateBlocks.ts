import type { Block, BlockHeader } from "@ethereumjs/block";
import type { EVM, EVMMockBlockchainInterface } from "@ethereumjs/evm";
import type { Address } from "@ethereumjs/util";
import { Bloom, encodeReceipt, type VM } from "@ethereumjs/vm";
import { LuxError } from "../errors";
import { BuildSlices, assembleBlock, envBlock } from "./executor";
import type { ExecutionGuard } from "./guard";
import { orderedTrieRoot } from "./orderedTrieRoot";
import { applyStateOverrides, type AccountOverride } from "./overrides";
import { runSimulatedCall, type CallContext, type SimCall, type SimCallResult } from "./simulateCall";
import { TransferTracer } from "./transferLogs";
import type { BlockEnv } from "./types";

/** Most blocks one request may simulate, gap blocks included (geth: 256, the BLOCKHASH window). */
export const MAX_SIMULATE_BLOCKS = 256;

/** geth's block overrides that eth_simulateV1 takes here. */
export interface SimBlockOverrides {
  number?: bigint;
  /** Timestamp in seconds. */
  time?: bigint;
  gasLimit?: bigint;
  feeRecipient?: Address;
  /** 32 bytes. */
  prevRandao?: Uint8Array;
  baseFeePerGas?: bigint;
}

/** One entry of `blockStateCalls`. */
export interface SimBlockSpec {
  overrides: SimBlockOverrides;
  /** Applied to the state before the block's calls run. */
  stateOverrides?: AccountOverride[];
  calls: SimCall[];
}

/** The request's switches and the node's limits. */
export interface SimOptions {
  /** Real transaction rules (nonces, base fee) instead of eth_call's. */
  validation: boolean;
  /** ERC-7528 logs for native transfers. */
  traceTransfers: boolean;
  /** Gas all calls of all blocks may use together (the node's --rpc-gas-cap). */
  gasCap: bigint;
  /** Seconds between blocks whose time is not overridden (the chain's slot time). */
  blockTime: bigint;
}

/** The block the simulation builds on. */
export interface SimBase {
  header: BlockHeader;
  hash: Uint8Array;
}

/** One simulated block, sealed. */
export interface SimBlockResult {
  block: Block;
  hash: Uint8Array;
  calls: SimCallResult[];
}

interface Planned {
  number: bigint;
  time: bigint;
  spec: SimBlockSpec;
}

/**
 * geth's sanitizeChain: numbers and timestamps default to the previous block's plus one and plus the
 * block time, must strictly increase, and a jump in numbers is filled with empty blocks. The span from
 * the base block is limited like the block count, so one request cannot ask for 2^63 gap blocks.
 */
export function planBlocks(base: BlockHeader, specs: SimBlockSpec[], blockTime: bigint): Planned[] {
  const out: Planned[] = [];
  let number = base.number;
  let time = base.timestamp;
  for (const spec of specs) {
    const n = spec.overrides.number ?? number + 1n;
    if (n <= number) throw new LuxError("SIM_BLOCK_NUMBER_ORDER", `block numbers must be in order: ${n} <= ${number}`);
    if (n - base.number > BigInt(MAX_SIMULATE_BLOCKS)) {
      throw new LuxError("SIM_CLIENT_LIMIT", `too many blocks: block ${n} is more than ${MAX_SIMULATE_BLOCKS} after the base block ${base.number}`);
    }
    for (number++; number < n; number++) {
      time += blockTime;
      out.push({ number, time, spec: { overrides: {}, calls: [] } });
    }
    const t = spec.overrides.time ?? time + blockTime;
    if (t <= time) throw new LuxError("SIM_BLOCK_TIMESTAMP_ORDER", `block timestamps must be in order: ${t} <= ${time}`);
    time = t;
    out.push({ number: n, time, spec });
  }
  return out;
}

/** The environment of a simulated block: the spec's defaults (geth's) under the block's overrides. */
function envOf(parent: BlockHeader, parentHash: Uint8Array, p: Planned, validation: boolean): BlockEnv {
  const o = p.spec.overrides;
  return {
    parentHash,
    number: p.number,
    timestamp: p.time,
    coinbase: o.feeRecipient ?? parent.coinbase,
    // Without validation the base fee is zero (free calls) unless overridden; with it, the real rule.
    baseFeePerGas: o.baseFeePerGas ?? (validation ? parent.calcNextBaseFee() : 0n),
    gasLimit: o.gasLimit ?? parent.gasLimit,
    prevRandao: o.prevRandao ?? new Uint8Array(32),
    extraData: new Uint8Array(0),
  };
}

interface OpEntry {
  opcodeInfo: { isAsync: boolean };
  opHandler: (runState: unknown, common: unknown) => unknown;
}

/**
 * BASEFEE reads `view.baseFee`: calls that pay no fee run in a copy of the block at base fee zero (so
 * runTx does not refuse a zero fee cap, geth's NoBaseFee), yet must see the block's real base fee.
 */
function installBaseFee(vm: VM): { baseFee: bigint } {
  const view = { baseFee: 0n };
  const entry = (vm.evm as unknown as { _opcodeMap: OpEntry[] })._opcodeMap[0x48];
  if (entry) entry.opHandler = (runState) => (runState as { stack: { push(v: bigint): void } }).stack.push(view.baseFee);
  return view;
}

/**
 * BLOCKHASH of a simulated block (geth links them) and of the base (which may be the pending block, not
 * in the chain); earlier numbers read the chain as before.
 */
function installBlockHashes(vm: VM, base: SimBase): Map<bigint, Uint8Array> {
  const baseNumber = base.header.number;
  const hashes = new Map<bigint, Uint8Array>([[baseNumber, base.hash]]);
  const evm = vm.evm as EVM;
  const chain = evm.blockchain;
  const linked: EVMMockBlockchainInterface = {
    getBlock: async (n: number) => {
      const number = BigInt(n);
      if (number < baseNumber) return chain.getBlock(n);
      const hash = hashes.get(number) ?? new Uint8Array(32);
      return { hash: () => hash };
    },
    putBlock: async () => {},
    shallowCopy: () => linked,
  };
  evm.blockchain = linked;
  return hashes;
}

/**
 * eth_simulateV1's execution: the blocks run one after another on `vm`'s state, each on the previous
 * one's post-state, and are sealed (roots, gas used, hash) as the chain's own blocks are. `vm` must be
 * private to this request and its state isolated from the chain's database (see overlayTrieDb.ts): its
 * opcode table gets hooks, and every block's state is flushed to compute its root.
 */
export async function simulateBlocks(vm: VM, base: SimBase, specs: SimBlockSpec[], opts: SimOptions, guard?: ExecutionGuard): Promise<SimBlockResult[]> {
  const plan = planBlocks(base.header, specs, opts.blockTime);
  guard?.attach(vm);
  const baseFee = installBaseFee(vm);
  const hashes = installBlockHashes(vm, base);
  const tracer = opts.traceTransfers ? new TransferTracer(vm) : undefined;
  const budget = { left: opts.gasCap };
  const slices = new BuildSlices();
  const out: SimBlockResult[] = [];
  let parent = base.header;
  let parentHash = base.hash;
  for (const p of plan) {
    guard?.check();
    const env = envOf(parent, parentHash, p, opts.validation);
    baseFee.baseFee = env.baseFeePerGas;
    if (p.spec.stateOverrides) await applyStateOverrides(vm.stateManager, p.spec.stateOverrides);
    const block = envBlock(vm.common, env);
    const c: CallContext = { env, block, freeBlock: envBlock(vm.common, { ...env, baseFeePerGas: 0n }), gasUsed: 0n, budget, validation: opts.validation, tracer };
    const calls: SimCallResult[] = [];
    const bloom = new Bloom(undefined, vm.common);
    // One checkpoint per block, as the block builder: state changes reach the trie once, at its end.
    await vm.stateManager.checkpoint();
    try {
      for (const call of p.spec.calls) {
        guard?.check();
        if (slices.due()) await slices.yield();
        const r = await runSimulatedCall(vm, c, call);
        c.gasUsed += r.gasUsed;
        bloom.or(r.run.bloom);
        calls.push(r);
      }
      await vm.stateManager.commit();
    } catch (err) {
      await vm.stateManager.revert();
      throw err;
    }
    const sealed = assembleBlock(vm.common, env, {
      txs: calls.map((r) => ({ tx: r.tx, sender: r.from })),
      stateRoot: await vm.stateManager.getStateRoot(),
      transactionsTrie: orderedTrieRoot(calls.map((r) => r.tx.serialize())),
      receiptTrie: orderedTrieRoot(calls.map((r) => encodeReceipt(r.run.receipt, r.tx.type))),
      logsBloom: bloom.bitvector,
      gasUsed: c.gasUsed,
    });
    const hash = sealed.hash();
    hashes.set(env.number, hash);
    out.push({ block: sealed, hash, calls });
    parent = sealed.header;
    parentHash = hash;
  }
  return out;
}

