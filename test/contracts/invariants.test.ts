/**
 * Property tests: random sequences of staking, slashing, reporting, attestations (honest and bogus),
 * distribution, claims, sweeps and block production, with the suite's accounting invariants checked
 * after every step — including the attestation state: no digest ever holds more than the epoch's
 * active stake, an epoch is funded exactly when one digest holds more than 2/3 of it, and the claimed
 * bits add up to the claimed amount.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { encodeBytes32String, type ContractTransactionResponse } from "ethers";
import {
  claimArgs,
  deployTestSuite,
  distributeEpoch,
  epochOfNextTx,
  expectedDistribution,
  mdt,
  registerMiner,
  registerValidator,
  sortAddresses,
  WAD,
  type RewardTree,
  type SuiteFixture,
} from "./fixtures";

const CAP = mdt(21_000_000);
const MINER_SLOTS = 4n;
const SLASHING = 1;

type Command =
  | { kind: "stake"; v: number; amount: bigint }
  | { kind: "delegate"; d: number; v: number; amount: bigint }
  | { kind: "unstake"; v: number; amount: bigint }
  | { kind: "undelegate"; d: number; v: number; part: number }
  | { kind: "withdraw"; who: number }
  | { kind: "slash"; v: number; fraction: bigint; back: number }
  | { kind: "commission"; v: number; rate: bigint }
  | { kind: "deregister"; v: number }
  | { kind: "prune"; v: number }
  | { kind: "register"; v: number }
  | { kind: "rotate"; v: number; seed: number }
  | { kind: "sync"; v: number; who: number }
  | { kind: "jail"; v: number }
  | { kind: "unjail"; v: number }
  | { kind: "report"; v: number; tasks: bigint; difficulty: bigint }
  | { kind: "distribute" }
  | { kind: "attest"; v: number; salt: number }
  | { kind: "miner"; who: number }
  | { kind: "redistribute" }
  | { kind: "claim"; pick: number }
  | { kind: "sweep"; pick: number }
  | { kind: "mine"; blocks: number };

const v = fc.integer({ min: 0, max: 3 });
const d = fc.integer({ min: 0, max: 3 });
const amount = fc.bigInt({ min: 1n, max: 300n }).map((n) => n * 10n ** 18n);
// The staking-lifecycle commands (commission, exits, prunes, re-registration, key rotation, vote sync)
// come at a third of the rate of the others, so sequences still reach distributions and claims.
// The staking-lifecycle commands (commission, exits, prunes, re-registration, key rotation, vote sync)
// come at a sixth of the rate of the others, so sequences still reach distributions and claims.
const lifecycle: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant("commission" as const), v, rate: fc.bigInt({ min: 0n, max: (WAD * 6n) / 10n }) }),
  fc.record({ kind: fc.constant("deregister" as const), v }),
  fc.record({ kind: fc.constant("prune" as const), v }),
  fc.record({ kind: fc.constant("register" as const), v }),
  fc.record({ kind: fc.constant("rotate" as const), v, seed: fc.nat() }),
  fc.record({ kind: fc.constant("sync" as const), v, who: fc.integer({ min: 0, max: 7 }) }),
);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 1, arbitrary: lifecycle },
  fc.record({ kind: fc.constant("stake" as const), v, amount }),
  fc.record({ kind: fc.constant("delegate" as const), d, v, amount }),
  fc.record({ kind: fc.constant("unstake" as const), v, amount }),
  fc.record({ kind: fc.constant("undelegate" as const), d, v, part: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant("withdraw" as const), who: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("slash" as const), v, fraction: fc.bigInt({ min: 1n, max: WAD }), back: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant("jail" as const), v }),
  fc.record({ kind: fc.constant("unjail" as const), v }),
  fc.record({
    kind: fc.constant("report" as const),
    v,
    tasks: fc.bigInt({ min: 0n, max: 20_000n }),
    difficulty: fc.bigInt({ min: 0n, max: WAD }),
  }),
  fc.constant({ kind: "distribute" as const }),
  fc.record({ kind: fc.constant("attest" as const), v, salt: fc.nat() }),
  fc.record({ kind: fc.constant("miner" as const), who: fc.integer({ min: 0, max: 5 }) }),
  fc.constant({ kind: "redistribute" as const }),
  fc.record({ kind: fc.constant("claim" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("sweep" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("mine" as const), blocks: fc.integer({ min: 1, max: 24 }) }),
);

/** Short epochs, unbonding, jail and claim windows so a sequence crosses them all. */
async function invariantFixture(): Promise<SuiteFixture> {
  const f = await deployTestSuite((c) => {
    c.epochLength = 8n;
    c.staking.unbondingEpochs = 2n;
    c.staking.jailEpochs = 1n;
    c.staking.inactivityEpochs = 1n;
    c.claimWindow = 2n;
  });
  for (const val of f.accounts.slice(0, 4)) await registerValidator(f, val, mdt(100));
  for (const m of f.accounts.slice(14, 16)) await registerMiner(f, m);
  for (const acc of f.accounts.slice(0, 8)) await f.token.connect(acc).approve(f.staking, ethers.MaxUint256);
  // Four miner slots and a one-epoch immunity, so sequences fill the slots and replace idle miners.
  await f.registry.setMaxMiners(MINER_SLOTS);
  await f.registry.setImmunityEpochs(1n);
  for (const acc of f.accounts.slice(8, 14)) await f.token.connect(acc).approve(f.registry, ethers.MaxUint256);
  return f;
}

interface Distribution {
  epoch: bigint;
  tree: RewardTree | null;
  entries: [string, bigint][];
}

interface Model {
  distributed: Distribution[];
  /** Epochs someone attested (accepted or not): their tallies are checked. */
  attested: Set<bigint>;
  /** Σ amount of every successful claim, per epoch. */
  claimedByEpoch: Map<bigint, bigint>;
  /** Next epoch the runner will distribute. */
  nextEpoch: bigint;
  /** Σ amount of every Slashed event. */
  slashed: bigint;
}

/** Successful calls per function over the whole run, to show the sequences reach every path. */
const succeeded = new Map<string, number>();

async function attempt(call: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionResponse | null> {
  try {
    const tx = await call();
    await tx.wait();
    const selector = tx.data.slice(0, 10);
    succeeded.set(selector, (succeeded.get(selector) ?? 0) + 1);
    return tx;
  } catch (e) {
    // Contract reverts are legitimate outcomes of random input; anything else is a test bug.
    const message = e instanceof Error ? e.message : String(e);
    if (!/revert/i.test(message)) throw e;
    return null;
  }
}

async function step(f: SuiteFixture, model: Model, c: Command): Promise<void> {
  const validators = f.accounts.slice(0, 4);
  const delegators = f.accounts.slice(4, 8);
  switch (c.kind) {
    case "stake":
      await attempt(() => f.staking.connect(validators[c.v]).stake(c.amount));
      break;
    case "delegate":
      await attempt(() => f.staking.connect(delegators[c.d]).delegate(validators[c.v].address, c.amount));
      break;
    case "unstake":
      await attempt(() => f.staking.connect(validators[c.v]).unstake(c.amount));
      break;
    case "undelegate": {
      const staked = await f.staking.stakeOf(validators[c.v].address, delegators[c.d].address);
      const part = (staked * BigInt(c.part)) / 100n;
      await attempt(() => f.staking.connect(delegators[c.d]).undelegate(validators[c.v].address, part));
      break;
    }
    case "withdraw": {
      // Prefer an account that has something unbonding.
      const pending = [];
      for (const acc of f.accounts.slice(0, 8)) if ((await f.staking.unbondingOf(acc.address)).length > 0) pending.push(acc);
      const who = pending.length > 0 ? pending[c.who % pending.length] : f.accounts[c.who];
      await attempt(() => f.staking.connect(who).withdraw());
      break;
    }
    case "slash": {
      const now = await epochOfNextTx(f.clock);
      const infraction = now > BigInt(c.back) ? now - BigInt(c.back) : 0n;
      const tx = await attempt(() => f.staking.connect(f.deployer).slash(validators[c.v].address, c.fraction, infraction, encodeBytes32String("prop")));
      if (tx !== null) {
        const receipt = await tx.wait();
        for (const log of receipt!.logs) {
          const parsed = f.staking.interface.parseLog(log);
          if (parsed?.name === "Slashed") model.slashed += (parsed.args.bonded as bigint) + (parsed.args.unbonding as bigint);
        }
      }
      break;
    }
    case "jail":
      await attempt(() => f.staking.connect(f.deployer).jail(validators[c.v].address));
      break;
    case "commission":
      await attempt(() => f.staking.connect(validators[c.v]).setCommission(c.rate));
      break;
    case "deregister": {
      // A full exit: unbond all own stake (when any), then leave the list.
      const own = await f.staking.stakeOf(validators[c.v].address, validators[c.v].address);
      if (own > 0n) await attempt(() => f.staking.connect(validators[c.v]).unstake(own));
      await attempt(() => f.staking.connect(validators[c.v]).deregister());
      break;
    }
    case "prune": {
      // The operator walks away (unbonds its own stake, does nothing more); anyone prunes after the window.
      const own = await f.staking.stakeOf(validators[c.v].address, validators[c.v].address);
      if (own > 0n) await attempt(() => f.staking.connect(validators[c.v]).unstake(own));
      await mine(2n * (await f.clock.epochLength()));
      await attempt(() => f.staking.connect(f.deployer).prune(validators[c.v].address));
      break;
    }
    case "register":
      await attempt(() => f.staking.connect(validators[c.v]).registerValidator(validators[c.v].address, mdt(40)));
      break;
    case "rotate":
      await attempt(() => f.staking.connect(validators[c.v]).rotateSigner(ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(c.seed + 1), 20))));
      break;
    case "sync":
      await attempt(() => f.staking.syncVotes(validators[c.v].address, f.accounts[c.who].address));
      break;
    case "unjail":
      await attempt(() => f.staking.connect(validators[c.v]).unjail());
      break;
    case "report": {
      await attempt(() => f.registry.connect(validators[c.v]).submitTaskReport(c.tasks, c.difficulty));
      const miners = sortAddresses([...(await f.registry.miners())].slice(0, 2));
      await attempt(() => f.registry.connect(validators[c.v]).submitWeights(miners, miners.map((_, i) => BigInt(i + 1))));
      break;
    }
    case "miner": {
      // Register a new miner; with every slot taken, replace one the registry allows to be replaced.
      const who = f.accounts[8 + c.who];
      if ((await f.registry.minerCount()) < (await f.registry.maxMiners())) {
        await attempt(() => f.registry.connect(who).registerMiner());
        break;
      }
      let victim: string | undefined;
      for (const m of await f.registry.miners()) {
        // isReplaceable is read at the latest block; the tx runs in the next one, which may be a new epoch.
        if (await f.registry.isReplaceable(m)) victim = m;
      }
      if (victim === undefined) break;
      const tx = await attempt(() => f.registry.connect(who).registerMinerReplacing(victim!));
      if (tx !== null) succeeded.set("replace", (succeeded.get("replace") ?? 0) + 1);
      break;
    }
    case "distribute": {
      const current = await epochOfNextTx(f.clock);
      if (model.nextEpoch >= current) break;
      const e = model.nextEpoch;
      model.nextEpoch += 1n;
      // A bogus supermajority may have accepted it already: then it is funded with that root.
      if ((await f.distributor.epochReward(e)).distributed) break;
      const recipients = [...validators, ...f.accounts.slice(14, 16)].map((s) => s.address);
      const result = await distributeEpoch(f, e, recipients);
      if (!result.accepted) break; // no active validator in that epoch: nothing can ever be funded
      model.attested.add(e);
      if (result.tree !== null) succeeded.set("paying distribute", (succeeded.get("paying distribute") ?? 0) + 1);
      model.distributed.push({ epoch: e, tree: result.tree, entries: result.entries });
      break;
    }
    case "attest": {
      // A validator attests a root of its own (the policy's totals) for the next epoch to distribute.
      const e = model.nextEpoch;
      if (e >= (await epochOfNextTx(f.clock))) break;
      const expected = await expectedDistribution(f, e);
      const root = ethers.id(`bogus ${c.salt}`);
      const tx = await attempt(() => f.distributor.connect(validators[c.v]).attest(e, expected.miners, expected.validators, expected.dao, root));
      if (tx === null) break;
      model.attested.add(e);
      if ((await f.distributor.epochReward(e)).distributed && !model.distributed.some((x) => x.epoch === e)) {
        // This validator alone held > 2/3 of the stake: its root is the epoch's (claims unknown to the model).
        model.distributed.push({ epoch: e, tree: null, entries: [] });
      }
      break;
    }
    case "redistribute": {
      if (model.distributed.length === 0) break;
      const e = model.distributed[model.distributed.length - 1].epoch;
      const record = await f.distributor.epochReward(e);
      // Attesting an accepted epoch again funds nothing: at most evidence.
      const [active] = await f.staking.activeValidatorsAt(e);
      if (active.length === 0) break;
      const signer = await ethers.getSigner(active[0]);
      const balance = await f.token.balanceOf(f.addr.distributor);
      await attempt(() => f.distributor.connect(signer).attest(e, 0n, 0n, 0n, ethers.id("late")));
      expect(await f.token.balanceOf(f.addr.distributor)).to.equal(balance);
      expect((await f.distributor.epochReward(e)).root).to.equal(record.root);
      break;
    }
    case "claim": {
      const paying = model.distributed.filter((x) => x.tree !== null);
      if (paying.length === 0) break;
      const dist = paying[c.pick % paying.length];
      const [account, value] = dist.entries[Math.floor(c.pick / paying.length) % dist.entries.length];
      const tx = await attempt(() => f.distributor.claim(...claimArgs(dist.tree!, dist.epoch, account)));
      if (tx !== null) model.claimedByEpoch.set(dist.epoch, (model.claimedByEpoch.get(dist.epoch) ?? 0n) + value);
      break;
    }
    case "sweep": {
      if (model.distributed.length === 0) break;
      await attempt(() => f.distributor.sweep(model.distributed[c.pick % model.distributed.length].epoch));
      break;
    }
    case "mine":
      await mine(c.blocks);
      break;
  }
}

async function checkInvariants(f: SuiteFixture, model: Model): Promise<void> {
  const validators = f.accounts.slice(0, 4);
  // Supply never above the cap.
  expect(await f.token.totalSupply()).to.be.lte(CAP);

  // Staking: the contract holds exactly what is bonded plus what is unbonding.
  const bonded = await f.staking.totalBonded();
  const unbonding = await f.staking.totalUnbonding();
  expect(await f.token.balanceOf(f.addr.staking)).to.equal(bonded + unbonding);
  // Every validator's pool counts, registered or not (a deregistered pool may still hold delegations).
  let stakes = 0n;
  let pools = 0n;
  for (const val of validators) {
    stakes += (await f.staking.validatorInfo(val.address)).totalStake;
    for (const p of await f.staking.unbondingPoolsOf(val.address)) pools += p.amount;
  }
  expect(stakes).to.equal(bonded);
  // Unbonding MDT sits in the validators' unbonding pools, and the accounts' entries value it all.
  expect(pools).to.equal(unbonding);
  let entries = 0n;
  for (const acc of f.accounts.slice(0, 8)) for (const e of await f.staking.unbondingOf(acc.address)) entries += e.amount;
  expect(entries).to.be.lte(unbonding);
  expect(unbonding - entries).to.be.lte(256n); // rounding dust of pro-rata entries, taken by the last one out

  // Burned + recycled from slashing equals what was slashed.
  const fromSlashing = (await f.burnPool.burnedBy(SLASHING)) + (await f.recyclingPool.recycledBy(SLASHING));
  expect(fromSlashing).to.equal(model.slashed);

  // Per epoch: funded once, claims within funding; the distributor holds exactly what is still claimable.
  let owed = 0n;
  for (const dist of model.distributed) {
    const r = await f.distributor.epochReward(dist.epoch);
    expect(r.distributed).to.equal(true);
    expect(await f.controller.isFunded(dist.epoch)).to.equal(true);
    expect(r.claimed).to.be.lte(r.funded);
    if (dist.tree !== null) expect(r.claimed).to.equal(model.claimedByEpoch.get(dist.epoch) ?? 0n);
    if (!r.swept) owed += r.funded - r.claimed;
  }
  expect(await f.token.balanceOf(f.addr.distributor)).to.equal(owed);

  // Miner slots: never more than maxMiners, and every listed miner's slot points at its position.
  const miners = await f.registry.miners();
  expect(BigInt(miners.length)).to.be.lte(await f.registry.maxMiners());
  for (const [i, m] of miners.entries()) {
    const info = await f.registry.minerInfo(m);
    expect(info.registered).to.equal(true);
    expect(info.index).to.equal(BigInt(i));
  }

  // Attestations: no digest holds more than the epoch's active stake; funded exactly when the accepted
  // digest holds more than 2/3 of it; nothing is funded for an epoch that was not accepted.
  // (The latest few epochs: older ones can no longer change, and each check costs RPC calls.)
  for (const e of [...model.attested].filter((x) => x + 3n >= model.nextEpoch)) {
    const [, total] = await f.staking.activeStakeAt(ethers.ZeroAddress, e);
    const r = await f.distributor.epochReward(e);
    const accepted = await f.distributor.acceptedDigest(e);
    expect(await f.controller.isFunded(e)).to.equal(r.distributed);
    if (r.distributed) {
      expect((await f.distributor.attestedStake(e, accepted)) * 3n).to.be.gt(total * 2n);
    } else {
      expect(accepted).to.equal(ethers.ZeroHash);
    }
    for (const val of validators) {
      const digest = await f.distributor.attestationOf(e, val.address);
      if (digest === ethers.ZeroHash) continue;
      expect(await f.distributor.attestedStake(e, digest)).to.be.lte(total);
    }
  }
}

/** Checks of the slower-to-read staking state, once per sequence (slots, commission, votes). */
async function checkStakingState(f: SuiteFixture): Promise<void> {
  const validators = f.accounts.slice(0, 4).map((a) => a.address);
  // Slots: the registered list is unique, registered and bounded; the active set is drawn from it.
  const registered = await f.staking.registeredValidators();
  expect(new Set(registered).size).to.equal(registered.length);
  expect(registered.length).to.be.lte(256);
  for (const val of registered) expect((await f.staking.validatorInfo(val)).registered).to.equal(true);
  const next = await epochOfNextTx(f.clock);
  for (const val of validators) {
    // Commission: bounded, now and as scheduled.
    expect(await f.staking.commissionAt(val, next + 2n)).to.be.lte(WAD / 2n);
  }
  // Votes of bonded MDT: never below what the account's positions are worth (a slash only lowers the
  // worth; others' bonds can lift a position by a rounding wei, hence one wei per position); once
  // synced, exactly the worth of the account's positions.
  for (const acc of f.accounts.slice(0, 8)) {
    let worth = 0n;
    for (const val of validators) worth += await f.staking.stakeOf(val, acc.address);
    expect((await f.staking.getVotes(acc.address)) + BigInt(validators.length)).to.be.gte(worth);
    for (const val of validators) await (await f.staking.syncVotes(val, acc.address)).wait();
    expect(await f.staking.getVotes(acc.address)).to.equal(worth);
  }
}

describe("Invariants over random operation sequences", function () {
  it("hold after every step (fast-check, fixed seed)", async function () {
    // 30 sequences of up to 60 transactions, with reads after each: minutes on a loaded 2-core machine
    // (more over RPC against a devnet, whose run may raise the limit through MOCHA_TIMEOUT).
    this.timeout(Math.max(900_000, Number(process.env.MOCHA_TIMEOUT ?? 0)));
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 20, maxLength: 60 }), async (commands) => {
        const f = await loadFixture(invariantFixture);
        const model: Model = { distributed: [], attested: new Set(), claimedByEpoch: new Map(), nextEpoch: await f.clock.currentEpoch(), slashed: 0n };
        for (const c of commands) {
          await step(f, model, c);
          await checkInvariants(f, model);
        }
        await checkStakingState(f);
      }),
      { seed: 20240601, numRuns: 30, endOnFailure: true },
    );
    const f = await loadFixture(invariantFixture);
    const s = f.staking.interface;
    const reached: [string, string][] = [
      ["stake", s.getFunction("stake").selector],
      ["delegate", s.getFunction("delegate").selector],
      ["unstake", s.getFunction("unstake").selector],
      ["undelegate", s.getFunction("undelegate").selector],
      ["withdraw", s.getFunction("withdraw").selector],
      ["slash", s.getFunction("slash").selector],
      ["jail", s.getFunction("jail").selector],
      ["unjail", s.getFunction("unjail").selector],
      ["setCommission", s.getFunction("setCommission").selector],
      ["deregister", s.getFunction("deregister").selector],
      ["prune", s.getFunction("prune").selector],
      ["registerValidator", s.getFunction("registerValidator").selector],
      ["rotateSigner", s.getFunction("rotateSigner").selector],
      ["claim", f.distributor.interface.getFunction("claim").selector],
      ["sweep", f.distributor.interface.getFunction("sweep").selector],
      ["submitTaskReport", f.registry.interface.getFunction("submitTaskReport").selector],
      ["attest", f.distributor.interface.getFunction("attest").selector],
    ];
    // The random sequences must reach every mutator, not just bounce off reverts.
    for (const [name, selector] of reached) expect(succeeded.get(selector) ?? 0, name).to.be.greaterThan(0);
    expect(succeeded.get("paying distribute") ?? 0, "paying distribute").to.be.greaterThan(0);
    expect(succeeded.get("replace") ?? 0, "miner replaced").to.be.greaterThan(0);
  });
});
