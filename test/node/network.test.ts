/**
 * Issue 7's acceptance against spawned node processes: ONE network of four validator processes
 * (`node/cli/node.ts`, 1 s slots, dev mode off, libp2p on 127.0.0.1) walked through the scenarios in
 * order — agreement and finality, kill -9 of one, kill -9 of two, a late non-validator started from a
 * config file, a peer with other consensus parameters refused, then the suite deployed and a
 * double-signing validator slashed and jailed through evidence that travels by gossip.
 *
 * Liveness jailing: the kill scenarios run before the deploy, while the active set is the genesis set and
 * `StakingManager` has no code, so the liveness system call (which would jail a validator that was down
 * for most of its slots in an epoch) reverts and changes nothing; the slashing scenario runs with all
 * four up.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { createBlockFromBytesArray } from "@ethereumjs/block";
import { hexToBytes } from "@ethereumjs/util";
import { Contract, JsonRpcProvider, Wallet, ethers } from "ethers";
import { createChainCommon, devChainConfig } from "../../node/config";
import { decodeEnvelope, encodeEnvelope } from "../../node/consensus/envelope";
import { signDigest, signingRoot } from "../../node/consensus/signing";
import { peerIdOfSignerKey } from "../../node/p2p";
import { ROOT, devKeys, rawRpc, rpc, runNpx, startNode, tempDataDir, waitFor, type SpawnedNode } from "./helpers";
import { freePort } from "../../node/cli/freePort";

const SLOT_MS = 1000;
const CHAIN_ID = 8898n;
const KEYS = devKeys(12);
const ADDRS = KEYS.map((k) => new Wallet(k).address);
const DEPLOY_TIMEOUT_MS = 240_000;
/** Start-up bound of one node process (ts-node on a loaded 2-core machine). */
const START_MS = 150_000;

interface RpcBlock {
  number: string;
  hash: string;
  stateRoot: string;
  miner: string;
  transactions: string[];
}
interface Finality {
  head: { number: string; hash: string };
  finalized: { number: string; hash: string };
}


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const hexN = (n: number): string => `0x${n.toString(16)}`;
const head = async (url: string): Promise<number> => Number(await rpc<string>(url, "eth_blockNumber"));
const block = (url: string, n: number | string): Promise<RpcBlock> => rpc<RpcBlock>(url, "eth_getBlockByNumber", [typeof n === "number" ? hexN(n) : n, false]);

/** Every finalized (number → hash) any node ever reported: none may change. */
const finalizedSeen = new Map<number, string>();
async function finalized(url: string): Promise<number> {
  const f = await rpc<Finality>(url, "lux_getFinality");
  const n = Number(f.finalized.number);
  const prev = finalizedSeen.get(n);
  if (prev !== undefined && prev !== f.finalized.hash) throw new Error(`finalized block ${n} changed from ${prev} to ${f.finalized.hash} on ${url}`);
  finalizedSeen.set(n, f.finalized.hash);
  return n;
}

/** Waits until every node reports the same block hash and state root at one height ≥ `atLeast`; returns it. */
async function agree(urls: string[], atLeast: number, timeoutMs: number): Promise<RpcBlock> {
  return waitFor(async () => {
    const n = Math.min(...(await Promise.all(urls.map(head))));
    if (n < atLeast) return undefined;
    const bs = await Promise.all(urls.map((u) => block(u, n)));
    return bs.every((b) => b.hash === bs[0].hash && b.stateRoot === bs[0].stateRoot) ? bs[0] : undefined;
  }, timeoutMs, `all ${urls.length} nodes on one block at height >= ${atLeast}`);
}

/** Waits for a block above `from` on `url` proposed by `miner`. */
async function proposedBy(url: string, miner: string, from: number, timeoutMs: number): Promise<RpcBlock> {
  let next = from + 1;
  return waitFor(async () => {
    const h = await head(url);
    for (; next <= h; next++) {
      const b = await block(url, next);
      if (b.miner.toLowerCase() === miner.toLowerCase()) return b;
    }
    return undefined;
  }, timeoutMs, `a block proposed by ${miner} after #${from}`);
}

describe("network: four validator processes, killed and restarted, a late node, a double-signer slashed", function () {
  this.timeout(900_000);
  const p2pPorts: number[] = [];
  const addrs: string[] = [];
  const dirs = [0, 1, 2, 3].map((i) => tempDataDir(`net-v${i}`));
  const nodes: (SpawnedNode | undefined)[] = [];
  let late: SpawnedNode | undefined;
  let odd: SpawnedNode | undefined;
  const urls = (): string[] => nodes.map((n) => n!.url);

  const args = (i: number): string[] => [
    "--slot-time", String(SLOT_MS), "--no-dev-mode", "--no-produce-on-tx", "--automine", "--genesis-validators", "4",
    "--validator-key", KEYS[i], "--p2p-port", String(p2pPorts[i]), ...addrs.filter((_, j) => j !== i).flatMap((a) => ["--peer", a]),
  ];
  /** Output of the earlier runs of a restarted validator (for the NET_TEST_LOGS dump). */
  const earlierRuns: string[] = ["", "", "", ""];
  const start = async (i: number): Promise<SpawnedNode> => {
    const prev = nodes[i];
    if (prev) earlierRuns[i] += `${prev.output()}\n----- restarted -----\n`;
    return (nodes[i] = await startNode({ dataDir: dirs[i], args: args(i), timeoutMs: START_MS }));
  };

  before(async () => {
    for (let i = 0; i < 4; i++) {
      p2pPorts.push(await freePort());
      addrs.push(`/ip4/127.0.0.1/tcp/${p2pPorts[i]}/p2p/${await peerIdOfSignerKey(hexToBytes(KEYS[i] as `0x${string}`))}`);
    }
    await Promise.all([0, 1, 2, 3].map(start));
  });

  after(async () => {
    await Promise.all([...nodes, late, odd].map((n) => n?.kill9()));
  });

  // NET_TEST_LOGS=<dir>: every node's output after each test, in one folder per test (a later test must
  // not overwrite the logs of the one that failed), to read when a scenario fails.
  let testIndex = 0;
  afterEach(function () {
    testIndex++;
    const root = process.env.NET_TEST_LOGS;
    if (!root) return;
    const state = this.currentTest?.state ?? "unknown";
    const dir = path.join(root, `${String(testIndex).padStart(2, "0")}-${state}`);
    fs.mkdirSync(dir, { recursive: true });
    [...nodes, late, odd].forEach((n, i) => n && fs.writeFileSync(path.join(dir, `node-${i}.log`), (earlierRuns[i] ?? "") + n.output()));
  });

  it("produces one chain from all four: same head hash and state root everywhere, finality advancing", async () => {
    const b = await agree(urls(), 4, 60_000);
    const f0 = await finalized(urls()[0]);
    for (const u of urls()) await waitFor(async () => (await finalized(u)) >= f0 + 3, 60_000, `finalized to advance three blocks on ${u}`);
    await agree(urls(), Number(b.number) + 4, 60_000);
    // Proposers are drawn at random per slot (a node that started late missed its early slots): wait
    // until the chain shows at least three of the four, rather than expecting them in a fixed window.
    const proposers = new Set<string>();
    let next = 1;
    await waitFor(async () => {
      for (const h = await head(urls()[0]); next <= h; next++) proposers.add((await block(urls()[0], next)).miner.toLowerCase());
      return proposers.size >= 3;
    }, 60_000, "blocks from at least three distinct proposers");
    for (const u of urls()) expect(await rpc(u, "net_peerCount")).to.equal("0x3");
  });

  let receiptTx = "";
  it("a transaction sent to one validator is mined by the proposers and every node has its receipt", async () => {
    const provider = new JsonRpcProvider(urls()[3], undefined, { staticNetwork: true, pollingInterval: 200 });
    try {
      const tx = await new Wallet(KEYS[9], provider).sendTransaction({ to: ADDRS[10], value: 12345n, gasLimit: 21_000n });
      receiptTx = tx.hash;
      const receipts = await Promise.all(urls().map((u) => waitFor(() => rpc<{ blockHash: string; status: string } | null>(u, "eth_getTransactionReceipt", [tx.hash]), 60_000, `the receipt on ${u}`)));
      for (const r of receipts) expect(r).to.deep.equal(receipts[0]);
      expect(receipts[0].status).to.equal("0x1");
    } finally {
      provider.destroy();
    }
  });

  it("kill -9 of one: the other three produce and finalize; restarted on its data dir it syncs and proposes again", async () => {
    await nodes[2]!.kill9();
    const others = [0, 1, 3].map((i) => nodes[i]!.url);
    const f = await finalized(others[0]);
    const h = await head(others[0]);
    for (const u of others) await waitFor(async () => (await finalized(u)) >= f + 3, 60_000, `finality to go on without node 2 on ${u}`);
    await waitFor(async () => (await head(others[0])) >= h + 3, 30_000, "blocks from the other three");
    await start(2);
    const target = await head(others[0]);
    await agree(urls(), target, 90_000);
    await proposedBy(others[0], ADDRS[2], target, 60_000);
    const f2 = await finalized(others[0]);
    await waitFor(async () => (await finalized(nodes[2]!.url)) > f2, 60_000, "finality on the restarted node");
  });

  it("kill -9 of two: blocks go on, finality stops; restarted, finality resumes and no finalized block changed", async () => {
    await Promise.all([nodes[1]!.kill9(), nodes[2]!.kill9()]);
    const alive = [nodes[0]!.url, nodes[3]!.url];
    const h = await head(alive[0]);
    // Votes and envelopes in flight at the kill may still justify a block or two; then it stops.
    await waitFor(async () => (await head(alive[0])) >= h + 3, 60_000, "three blocks from the remaining two");
    const stuck = await Promise.all(alive.map(finalized));
    const h2 = await head(alive[0]);
    await waitFor(async () => (await head(alive[0])) >= h2 + 4, 60_000, "four more blocks from the remaining two");
    expect(await Promise.all(alive.map(finalized)), "finalized with half the stake offline").to.deep.equal(stuck);
    await Promise.all([start(1), start(2)]);
    const resumed = Math.max(...stuck);
    for (const u of urls()) await waitFor(async () => (await finalized(u)) > resumed + 1, 120_000, `finality to resume on ${u}`);
    await agree(urls(), await head(alive[0]), 60_000);
    for (const [n, hash] of finalizedSeen) for (const u of urls()) expect((await block(u, n)).hash, `finalized #${n} on ${u}`).to.equal(hash);
  });

  it("a late non-validator started from a --config file syncs from genesis and answers RPC like the validators", async () => {
    const cfg = path.join(tempDataDir("net-cfg"), "late.json");
    fs.writeFileSync(cfg, JSON.stringify({
      slotTime: SLOT_MS, devMode: false, genesisValidators: 4, peer: addrs, allowImportBlock: true,
      validatorKey: KEYS[11], // a key outside the validator set: the node proposes nothing
    }));
    late = await startNode({ args: ["--config", cfg], timeoutMs: START_MS });
    const target = await head(urls()[0]);
    await waitFor(async () => (await head(late!.url)) >= target, 120_000, "the late node to sync");
    const [a, b] = await Promise.all([block(late.url, target), block(urls()[0], target)]);
    expect(a).to.deep.equal(b);
    expect(await rpc(late.url, "eth_getBlockByHash", [b.hash, true])).to.deep.equal(await rpc(urls()[0], "eth_getBlockByHash", [b.hash, true]));
    const tag = hexN(target);
    for (const addr of [ADDRS[9], ADDRS[10], ADDRS[0]]) {
      expect(await rpc(late.url, "eth_getBalance", [addr, tag])).to.equal(await rpc(urls()[0], "eth_getBalance", [addr, tag]));
    }
    expect(await rpc(late.url, "eth_getTransactionReceipt", [receiptTx])).to.deep.equal(await rpc(urls()[0], "eth_getTransactionReceipt", [receiptTx]));
    expect(await rpc(late.url, "lux_getValidators")).to.deep.equal(await rpc(urls()[0], "lux_getValidators"));
    // It follows gossip afterwards, and never proposes.
    await agree([...urls(), late.url], target + 3, 60_000);
    for (let n = 1; n <= target; n++) expect((await block(late.url, n)).miner.toLowerCase()).to.not.equal(ADDRS[11].toLowerCase());
  });

  it("a peer with another slot time and dev mode is refused at the handshake with the reason, and disconnected", async () => {
    odd = await startNode({ args: ["--slot-time", "2000", "--genesis-validators", "4", "--validator-key", `0x${"ab".repeat(32)}`, "--peer", addrs[0], "--no-produce"], timeoutMs: START_MS });
    await waitFor(async () => /incompatible peer \(slot time 1000 ms, ours 2000 ms; dev mode off, ours on\); refused for 60 s/.test(odd!.output()) || undefined, 30_000, "the odd node to log the refusal");
    await waitFor(async () => /incompatible peer \(slot time 2000 ms, ours 1000 ms; dev mode on, ours off\)/.test(nodes[0]!.output()) || undefined, 30_000, "validator 0 to log the refusal");
    await sleep(3 * SLOT_MS);
    expect(await rpc(odd.url, "net_peerCount")).to.equal("0x0");
    expect(await rpc(odd.url, "eth_blockNumber")).to.equal("0x0");
    expect(await rpc(nodes[0]!.url, "net_peerCount")).to.equal("0x4"); // the three validators and the late node
    // Logged once, not on every re-dial.
    expect(nodes[0]!.output().match(/incompatible peer/g)).to.have.length(1);
    await odd.kill9();
    odd = undefined;
  });

  it("a validator that signs two blocks for one slot is slashed and jailed on-chain and leaves the active set", async function () {
    // The suite, deployed through validator 0 with the four validators registered and staked.
    const deployments = tempDataDir("net-deployments");
    const env = { DEVNET_RPC_URL: urls()[0], DEVNET_CHAIN_ID: String(CHAIN_ID), DEPLOYMENTS_DIR: deployments, DEPLOY_DEV_MODE: "1", DEPLOY_VALIDATORS: "4" };
    const { code, out } = await runNpx(["hardhat", "run", "--no-compile", "scripts/deploy.ts", "--network", "devnet"], env, DEPLOY_TIMEOUT_MS);
    expect(code, out).to.equal(0);
    const lateUrl = late!.url;
    await waitFor(async () => {
      const v = await rpc<{ source: string; validators: unknown[] }>(lateUrl, "lux_getValidators");
      return v.source === "contract" && v.validators.length === 4;
    }, 90_000, "the contract's four validators to take over");
    const { contracts } = JSON.parse(fs.readFileSync(path.join(deployments, `${CHAIN_ID}.json`), "utf8")) as { contracts: Record<string, string> };
    const abi = (p: string): ethers.InterfaceAbi => (JSON.parse(fs.readFileSync(path.join(ROOT, "artifacts/contracts", p), "utf8")) as { abi: ethers.InterfaceAbi }).abi;
    const provider = new JsonRpcProvider(urls()[0], undefined, { staticNetwork: true, cacheTimeout: -1 });
    try {
      const staking = new Contract(contracts.StakingManager, abi("staking/StakingManager.sol/StakingManager.json"), provider);
      const burn = new Contract(contracts.BurnPool, abi("pools/BurnPool.sol/BurnPool.json"), provider);
      const token = new Contract(contracts.MDTToken, ["function balanceOf(address) view returns (uint256)"], provider);
      const offender = ADDRS[3];
      const infoBefore = (await staking.validatorInfo(offender)) as { totalStake: bigint; jailed: boolean };
      expect(infoBefore.jailed).to.equal(false);
      const burnedBefore = (await burn.totalBurned()) as bigint;
      const recycledBefore = (await token.balanceOf(contracts.RecyclingPool)) as bigint;

      // The attacker holds validator 3's key: it takes a block validator 3 proposed and signs a second,
      // different block (another state root) for the same slot, and hands it to the late node.
      const honest = await proposedBy(lateUrl, offender, await head(lateUrl), 60_000);
      const envHex = await rpc<string>(lateUrl, "lux_getBlockEnvelope", [honest.number]);
      const common = createChainCommon(devChainConfig());
      const env0 = decodeEnvelope(ethers.getBytes(envHex), common);
      const raw = env0.block.raw() as unknown as Uint8Array[][];
      const header = [...raw[0]];
      header[3] = ethers.getBytes(ethers.keccak256(header[3])); // stateRoot
      const forged = createBlockFromBytesArray([header, ...raw.slice(1)] as never, { common });
      expect(ethers.hexlify(forged.hash())).to.not.equal(honest.hash);
      const signature = signDigest(signingRoot(CHAIN_ID, forged.hash(), env0.slot), ethers.getBytes(KEYS[3]));
      const res = await rawRpc(lateUrl, { jsonrpc: "2.0", id: 1, method: "lux_importBlock", params: [ethers.hexlify(encodeEnvelope({ ...env0, block: forged, signature }))] });
      const err = (res.json as { error?: { message: string } }).error;
      expect(err?.message, "the forged block itself is refused").to.match(/stateRoot|final block/);
      await waitFor(async () => /evidence of double-proposal recorded/.test(late!.output()) || undefined, 10_000, "the late node to record the evidence");

      // An honest proposer includes it (gossip carried it from the late node, which proposes nothing).
      const from = Number(honest.number);
      const including = await waitFor(async () => {
        const h = await head(urls()[0]);
        for (let n = from + 1; n <= h; n++) {
          const e = await rpc<string>(urls()[0], "lux_getBlockEnvelope", [hexN(n)]);
          if (decodeEnvelope(ethers.getBytes(e), common).evidence.length > 0) return n;
        }
        return undefined;
      }, 60_000, "a block that includes the evidence");
      const includer = (await block(urls()[0], including)).miner;
      expect(ADDRS.slice(0, 4).map((a) => a.toLowerCase())).to.include(includer.toLowerCase());

      const infoAfter = (await staking.validatorInfo(offender, { blockTag: including })) as { totalStake: bigint; jailed: boolean };
      const slashed = (infoBefore.totalStake * 5n) / 100n;
      expect(infoAfter.totalStake).to.equal(infoBefore.totalStake - slashed);
      expect(infoAfter.jailed).to.equal(true);
      const burned = ((await burn.totalBurned({ blockTag: including })) as bigint) - burnedBefore;
      const recycled = ((await token.balanceOf(contracts.RecyclingPool, { blockTag: including })) as bigint) - recycledBefore;
      expect(burned > 0n && recycled > 0n).to.equal(true);
      expect(burned + recycled).to.equal(slashed);
      // The system call's events, in the including block's system receipt on every node.
      for (const u of [urls()[0], lateUrl]) {
        const p = new JsonRpcProvider(u, undefined, { staticNetwork: true });
        try {
          const events = await staking.connect(p).queryFilter(staking.filters.Slashed(offender), 0, including);
          expect(events, `Slashed on ${u}`).to.have.length(1);
          const args = (events[0] as unknown as { args: { burned: bigint; recycled: bigint } }).args;
          expect([args.burned, args.recycled]).to.deep.equal([burned, recycled]);
          expect(events[0].blockNumber).to.equal(including);
          expect(await staking.connect(p).queryFilter(staking.filters.ValidatorJailed(offender), including, including)).to.have.length(1);
        } finally {
          p.destroy();
        }
      }
      // Every node applied the same system call: same state root at the including block.
      const roots = await Promise.all([...urls(), lateUrl].map(async (u) => (await waitFor(async () => ((await head(u)) >= including ? block(u, including) : undefined), 30_000, `#${including} on ${u}`)).stateRoot));
      expect(new Set(roots).size).to.equal(1);

      // From the next epoch on, the offender is out of the active set, and proposes no more.
      const set = await waitFor(async () => {
        const v = await rpc<{ source: string; validators: { address: string }[] }>(urls()[0], "lux_getValidators");
        return v.validators.some((x) => x.address.toLowerCase() === offender.toLowerCase()) ? undefined : v;
      }, 90_000, "the offender to leave the active set");
      expect(set.source).to.equal("contract");
      expect(set.validators).to.have.length(3);
      const after = await head(urls()[0]);
      await agree([...urls(), lateUrl], after + 6, 60_000);
      for (let n = after + 1; n <= after + 6; n++) expect((await block(urls()[0], n)).miner.toLowerCase()).to.not.equal(offender.toLowerCase());
    } finally {
      provider.destroy();
    }
  });
});
