/**
 * Simulated network participants for `npm run demo` and the dashboard's browser tests, acting only
 * through the SDK's public actions and `runEpochs`: validators register, report tasks and submit
 * weights every epoch, miners register (fees burned and recycled), delegators bond, the epoch runner
 * distributes every finished epoch and recipients claim.
 */
import { encodeBytes32String } from "ethers";
import { devAccounts } from "../../node/config";
import { createClient, isClientError, type Client } from "../../sdk/client";
import { getValidators } from "../../sdk/client/actions/read/getValidators";
import { claimAll } from "../../sdk/client/actions/rewards/claimAll";
import { delegate } from "../../sdk/client/actions/staking/delegate";
import { registerValidator } from "../../sdk/client/actions/staking/registerValidator";
import { registerMiner } from "../../sdk/client/actions/subnet/registerMiner";
import { submitTaskReport } from "../../sdk/client/actions/subnet/submitTaskReport";
import { submitWeights } from "../../sdk/client/actions/subnet/submitWeights";
import { write } from "../../sdk/client/call";
import { runEpochs } from "../../sdk/epoch/runner";
import { silentLogger } from "../../sdk/epoch/logger";
import { WAD } from "../../sdk/tokenomics/constants";
import { workloadOf, weightsOf } from "./workload";

/** Who does what, by dev account index (account #0 deployed the suite and runs the epoch runner). */
export interface SimulationOptions {
  rpcUrl: string;
  /** Directory of deployments/<chainId>.json (default the SDK's). */
  deploymentsDir?: string;
  /** Epoch runner data dir: where trees are stored (the node serves it to the dashboard). */
  dataDir: string;
  /** Validators; #0 is registered by the devnet's dev mode, the others register here. */
  validators: { account: number; selfStake: bigint }[];
  /** Miners registered at setup. */
  miners: number[];
  /** Miners that register later, one every `lateMinerEvery` epochs (more fees burned and recycled). */
  lateMiners?: number[];
  lateMinerEvery?: number;
  /** Delegations made at setup. */
  delegations?: { account: number; validator: number; amount: bigint }[];
  /** Accounts that claim everything after each distribution. */
  claimers?: number[];
  /** Slash a validator once (the devnet's deployer keeps SLASHER_ROLE): half burned, half recycled. */
  slash?: { afterEpochs: number; validator: number; fraction: bigint };
  /** Progress lines (default none). */
  log?: (line: string) => void;
}

/** What one step did. */
export interface StepResult {
  epoch: bigint;
  /** The epoch was new: reports and weights were sent for it. */
  played: boolean;
  /** Epochs distributed by this step's runner call. */
  distributed: bigint[];
}

/** A running simulation. */
export interface Simulation {
  /** Registers validators, miners and delegations (skipping what is already done). */
  setup(): Promise<void>;
  /** Plays the current epoch if new, distributes finished epochs, lets claimers claim. */
  step(): Promise<StepResult>;
  /** Clients by dev account index. */
  client(account: number): Promise<Client>;
  close(): void;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Runs an action, once more when its transaction was mined but failed: the first transaction of an
 * epoch also runs the StakingManager's checkpoint, so a gas estimate taken one block earlier (in the
 * previous epoch) can fall short. The retry re-reads the chain, so nothing is done twice.
 */
async function retryMinedFailure<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isClientError(err) || err.code !== "TX_FAILED") throw err;
    return fn();
  }
}

/** Creates the simulation (no transaction until `setup`). */
export function createSimulation(opts: SimulationOptions): Simulation {
  const keys = devAccounts();
  const clients = new Map<number, Client>();
  const log = opts.log ?? (() => undefined);
  const played = new Set<bigint>();
  const lateMiners = [...(opts.lateMiners ?? [])];
  let lastLateEpoch = -1n;
  let firstEpoch: bigint | null = null;
  let slashed = false;

  async function client(account: number): Promise<Client> {
    let c = clients.get(account);
    if (!c) {
      c = await createClient({ rpcUrl: opts.rpcUrl, privateKey: keys[account].privateKey, deploymentsDir: opts.deploymentsDir, dataDir: opts.dataDir });
      clients.set(account, c);
    }
    return c;
  }

  async function setup(): Promise<void> {
    const c0 = await client(0);
    const { registry, staking } = c0.contracts;
    for (const v of opts.validators) {
      const address = keys[v.account].address;
      if ((await staking.validatorInfo(address)).registered) continue;
      await retryMinedFailure(async () => registerValidator(await client(v.account), { selfStake: v.selfStake }));
      log(`validator #${v.account} ${address} registered with ${v.selfStake / WAD} MDT`);
    }
    for (const m of opts.miners) {
      const address = keys[m].address;
      if (await registry.isMiner(address)) continue;
      await retryMinedFailure(async () => registerMiner(await client(m)));
      log(`miner #${m} ${address} registered`);
    }
    for (const d of opts.delegations ?? []) {
      const validator = keys[d.validator].address;
      if ((await staking.stakeOf(validator, keys[d.account].address)) > 0n) continue;
      await retryMinedFailure(async () => delegate(await client(d.account), { validator, amount: d.amount }));
      log(`#${d.account} delegated ${d.amount / WAD} MDT to validator #${d.validator}`);
    }
  }

  async function miners(): Promise<string[]> {
    const { registry } = (await client(0)).contracts;
    const all = [...opts.miners, ...(opts.lateMiners ?? [])].map((i) => keys[i].address);
    const registered = await Promise.all(all.map((a) => registry.isMiner(a)));
    return all.filter((_, i) => registered[i]);
  }

  async function play(epoch: bigint): Promise<void> {
    const c0 = await client(0);
    const { activeSet } = await getValidators(c0);
    const work = workloadOf(epoch);
    const registered = await miners();
    for (const [i, entry] of activeSet.entries()) {
      if (i === work.skip) continue;
      const account = keys.findIndex((k) => k.address.toLowerCase() === entry.validator.toLowerCase());
      if (account < 0) continue; // not one of ours
      const c = await client(account);
      const tasks = work.tasks + BigInt(i * 37);
      const { registry } = c.contracts;
      try {
        // A restarted demo may find this epoch half played: send only what is missing.
        if (!(await registry.hasReportedTasks(epoch, entry.validator))) await retryMinedFailure(() => submitTaskReport(c, { taskCount: tasks, difficulty: work.difficulty }));
        if (registered.length > 0 && !(await registry.hasSubmittedWeights(epoch, entry.validator))) await retryMinedFailure(() => submitWeights(c, { weights: weightsOf(epoch, i, registered) }));
      } catch (err) {
        log(`epoch ${epoch}: validator #${account} could not report: ${errorText(err)}`);
      }
    }
    log(`epoch ${epoch}: ${activeSet.length - (work.skip >= 0 && work.skip < activeSet.length ? 1 : 0)} validators reported ~${work.tasks} tasks at difficulty ${Number((work.difficulty * 100n) / WAD) / 100}`);
    if (lateMiners.length > 0 && epoch - lastLateEpoch >= BigInt(opts.lateMinerEvery ?? 4)) {
      const m = lateMiners.shift()!;
      lastLateEpoch = epoch;
      try {
        await registerMiner(await client(m));
        log(`epoch ${epoch}: miner #${m} joined (fee half burned, half recycled)`);
      } catch (err) {
        log(`epoch ${epoch}: miner #${m} could not register: ${errorText(err)}`);
      }
    }
  }

  async function maybeSlash(epoch: bigint): Promise<void> {
    const s = opts.slash;
    if (!s || slashed || firstEpoch === null || epoch - firstEpoch < BigInt(s.afterEpochs)) return;
    slashed = true;
    const c0 = await client(0);
    const validator = keys[s.validator].address;
    try {
      await write(c0, "StakingManager.slash", () => c0.contracts.staking.slash(validator, s.fraction, epoch, encodeBytes32String("demo-downtime")));
      log(`epoch ${epoch}: validator #${s.validator} slashed ${Number((s.fraction * 100n) / WAD)}% for downtime (half burned, half recycled)`);
    } catch (err) {
      log(`epoch ${epoch}: slashing validator #${s.validator} failed: ${errorText(err)}`);
    }
  }

  async function step(): Promise<StepResult> {
    const c0 = await client(0);
    const epoch = await c0.contracts.clock.currentEpoch();
    firstEpoch ??= epoch;
    await maybeSlash(epoch);
    const isNew = !played.has(epoch);
    if (isNew) {
      played.add(epoch);
      await play(epoch);
    }
    // Every validator runs the epoch runner: each attests the tree it computes; the attestation that
    // takes a root above 2/3 of the epoch's active stake funds the epoch.
    const distributed: bigint[] = [];
    for (const v of [{ account: 0 }, ...opts.validators]) {
      try {
        const run = await runEpochs(await client(v.account), { logger: silentLogger });
        for (const e of run.epochs.filter((x) => x.outcome === "distributed")) {
          distributed.push(e.epoch);
          log(`epoch ${e.epoch} funded on validator #${v.account}'s attestation: ${e.emission / WAD} MDT`);
        }
      } catch (err) {
        log(`validator #${v.account}'s epoch runner: ${errorText(err)}`);
      }
    }
    if (distributed.length > 0) {
      for (const account of opts.claimers ?? []) {
        try {
          const r = await claimAll(await client(account));
          log(`#${account} claimed ${r.total / WAD} MDT`);
        } catch (err) {
          if (!/NOTHING_TO_CLAIM|nothing to claim/i.test(errorText(err))) log(`#${account} claim failed: ${errorText(err)}`);
        }
      }
    }
    return { epoch, played: isNew, distributed };
  }

  return {
    setup,
    step,
    client,
    close: () => {
      for (const c of clients.values()) c.close();
    },
  };
}
