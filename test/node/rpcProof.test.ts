/**
 * eth_getProof (EIP-1186) against a spawned node, with ethers v6 as the client. Every proof is checked
 * independently of the node: @ethereumjs/mpt rebuilds the trie from the returned nodes, requires its
 * root to be the block's stateRoot (or the account's storageHash), and reads the value back.
 */
import { RLP } from "@ethereumjs/rlp";
import { verifyMerkleProof } from "@ethereumjs/mpt";
import { KECCAK256_NULL_S, KECCAK256_RLP_S, bytesToBigInt, bytesToHex, hexToBytes } from "@ethereumjs/util";
import { ClassicLevel } from "classic-level";
import { expect } from "chai";
import { AbiCoder, JsonRpcProvider, Wallet, keccak256, parseEther, toBeHex, zeroPadValue } from "ethers";
import { MDTToken__factory, type MDTToken } from "../../typechain-types";
import { devKeys, rawRpc, rpc, startNode, type SpawnedNode } from "./helpers";

interface StorageProof {
  key: string;
  value: string;
  proof: string[];
}
interface AccountProof {
  address: string;
  balance: string;
  codeHash: string;
  nonce: string;
  storageHash: string;
  accountProof: string[];
  storageProof: StorageProof[];
}

const ABSENT = "0x00000000000000000000000000000000deadbeef";
const HOLDER_MINT = parseEther("1234");

/** Verifies a proof for `key` against `root`; returns the proven value (null: proven absent). Throws on a bad proof. */
async function proven(root: string, key: Uint8Array, proof: string[]): Promise<Uint8Array | null> {
  return verifyMerkleProof(key, proof.map((p) => hexToBytes(p as `0x${string}`)), { useKeyHashing: true, root: hexToBytes(root as `0x${string}`) });
}

/** Checks an account proof against a state root and returns nonce, balance, storage root, code hash as proven. */
async function verifyAccount(stateRoot: string, p: AccountProof): Promise<{ nonce: bigint; balance: bigint; storageHash: string; codeHash: string } | null> {
  const value = await proven(stateRoot, hexToBytes(p.address as `0x${string}`), p.accountProof);
  if (value === null) return null;
  const [nonce, balance, storageRoot, codeHash] = RLP.decode(value) as Uint8Array[];
  return { nonce: bytesToBigInt(nonce), balance: bytesToBigInt(balance), storageHash: bytesToHex(storageRoot), codeHash: bytesToHex(codeHash) };
}

const errorOf = async (url: string, method: string, params: unknown[]): Promise<{ code: number; message: string }> => {
  const r = (await rawRpc(url, { jsonrpc: "2.0", id: 1, method, params })).json as { error?: { code: number; message: string } };
  if (!r.error) throw new Error(`expected an error from ${method}`);
  return r.error;
};

describe("node: eth_getProof (EIP-1186), proofs verified independently", function () {
  this.timeout(180_000);
  let node: SpawnedNode;
  let provider: JsonRpcProvider;
  let admin: Wallet;
  let holder: Wallet;
  let token: MDTToken;
  let balanceSlot: string;
  let mintBlock: number;

  const proofAt = (address: string, keys: string[], block: string | number): Promise<AccountProof> =>
    provider.send("eth_getProof", [address, keys, typeof block === "number" ? toBeHex(block) : block]) as Promise<AccountProof>;
  const stateRootOf = async (block: number): Promise<string> => (await provider.send("eth_getBlockByNumber", [toBeHex(block), false]) as { stateRoot: string }).stateRoot;

  before(async () => {
    node = await startNode({ args: ["--quiet"] });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    [admin, holder] = devKeys(3).slice(1).map((k) => new Wallet(k, provider));
    token = await new MDTToken__factory(admin).deploy(admin.address);
    await token.waitForDeployment();
    await (await token.grantRole(await token.MINTER_ROLE(), admin.address)).wait(1, 30_000);
    const receipt = await (await token.mint(holder.address, HOLDER_MINT)).wait(1, 30_000);
    mintBlock = receipt!.blockNumber;
    // The balances mapping's slot, found through the node rather than assumed from the layout.
    for (let i = 0; i < 32 && !balanceSlot; i++) {
      const slot = keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [holder.address, i]));
      if (BigInt(await provider.getStorage(await token.getAddress(), slot)) === HOLDER_MINT) balanceSlot = slot;
    }
    expect(balanceSlot, "balances slot of MDT").to.be.a("string");
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  it("proves a contract account with storage: the MDT balance slot and an empty slot", async () => {
    const tokenAddress = await token.getAddress();
    const emptySlot = zeroPadValue("0xabcdef", 32);
    const p = await proofAt(tokenAddress, [balanceSlot, emptySlot], mintBlock);
    const account = await verifyAccount(await stateRootOf(mintBlock), p);
    expect(account).to.not.equal(null);
    expect(account!.storageHash).to.equal(p.storageHash);
    expect(account!.codeHash).to.equal(p.codeHash).and.to.equal(keccak256(await provider.getCode(tokenAddress, mintBlock)));
    expect(account!.nonce).to.equal(BigInt(p.nonce)).and.to.equal(1n); // EIP-161: a contract starts at nonce 1
    expect(p.address).to.equal(tokenAddress.toLowerCase());

    const [bal, empty] = p.storageProof;
    expect(bal.key).to.equal(balanceSlot);
    expect(BigInt(bal.value)).to.equal(HOLDER_MINT);
    const stored = await proven(p.storageHash, hexToBytes(balanceSlot as `0x${string}`), bal.proof);
    expect(bytesToBigInt(RLP.decode(stored!) as Uint8Array)).to.equal(HOLDER_MINT);
    expect(empty).to.include({ key: emptySlot, value: "0x0" });
    expect(await proven(p.storageHash, hexToBytes(emptySlot as `0x${string}`), empty.proof), "proof of an absent slot").to.equal(null);
  });

  it("proves an externally owned account's balance and nonce", async () => {
    const p = await proofAt(admin.address, [], "latest");
    const head = await provider.getBlockNumber();
    const account = await verifyAccount(await stateRootOf(head), p);
    expect(account!.balance).to.equal(await provider.getBalance(admin.address, head)).and.to.equal(BigInt(p.balance));
    expect(account!.nonce).to.equal(BigInt(await provider.getTransactionCount(admin.address, head)));
    expect(p.codeHash).to.equal(KECCAK256_NULL_S);
    expect(p.storageHash).to.equal(KECCAK256_RLP_S);
  });

  it("proves that an account does not exist, with empty storage proofs", async () => {
    const key = zeroPadValue("0x01", 32);
    const p = await proofAt(ABSENT, [key], "latest");
    expect(await verifyAccount(await stateRootOf(await provider.getBlockNumber()), p), "proof of absence").to.equal(null);
    expect(p).to.deep.include({ balance: "0x0", nonce: "0x0", codeHash: KECCAK256_NULL_S, storageHash: KECCAK256_RLP_S });
    expect(p.storageProof).to.deep.equal([{ key, value: "0x0", proof: [] }]);
  });

  it("answers for an old block from its own state, and the old proof fails against the new root", async () => {
    await (await token.mint(holder.address, 1n)).wait(1, 30_000);
    const tokenAddress = await token.getAddress();
    const old = await proofAt(tokenAddress, [balanceSlot], mintBlock);
    const now = await proofAt(tokenAddress, [balanceSlot], "latest");
    expect(BigInt(old.storageProof[0].value)).to.equal(HOLDER_MINT);
    expect(BigInt(now.storageProof[0].value)).to.equal(HOLDER_MINT + 1n);
    expect(now.storageHash).to.not.equal(old.storageHash);
    expect(await verifyAccount(await stateRootOf(mintBlock), old)).to.not.equal(null);
    // An attacker replaying the old proof as current state: it does not verify against the head's root.
    const headRoot = await stateRootOf(await provider.getBlockNumber());
    let refused = false;
    try {
      await verifyAccount(headRoot, old);
    } catch {
      refused = true;
    }
    expect(refused, "old proof against the new state root").to.equal(true);
  });

  it("a tampered proof does not verify", async () => {
    const p = await proofAt(await token.getAddress(), [balanceSlot], mintBlock);
    const leaf = p.storageProof[0].proof.length - 1;
    const forged = [...p.storageProof[0].proof];
    forged[leaf] = forged[leaf].replace(/.$/, (c) => (c === "0" ? "1" : "0"));
    let refused = false;
    try {
      await proven(p.storageHash, hexToBytes(balanceSlot as `0x${string}`), forged);
    } catch {
      refused = true;
    }
    expect(refused).to.equal(true);
  });

  it("refuses malformed and out-of-range input with clear errors", async () => {
    const a = admin.address;
    expect(await errorOf(node.url, "eth_getProof", ["0x1234", [], "latest"])).to.deep.equal({ code: -32602, message: "invalid argument address: expected a 20-byte hex address" });
    expect(await errorOf(node.url, "eth_getProof", [a, "0x01", "latest"])).to.deep.equal({ code: -32602, message: "invalid argument storageKeys: expected an array of storage slots" });
    expect(await errorOf(node.url, "eth_getProof", [a, [`0x${"11".repeat(33)}`], "latest"])).to.deep.equal({ code: -32602, message: "invalid argument storageKeys[0]: expected a hex storage slot of at most 32 bytes" });
    expect(await errorOf(node.url, "eth_getProof", [a, ["0xzz"], "latest"])).to.deep.equal({ code: -32602, message: "invalid argument storageKeys[0]: expected a hex storage slot of at most 32 bytes" });
    expect(await errorOf(node.url, "eth_getProof", [a, [], "0x7fffffffffff"])).to.deep.equal({ code: -32001, message: "header not found" });
    expect(await errorOf(node.url, "eth_getProof", [a, [], "0x10000000000000001"])).to.deep.equal({ code: -32602, message: "invalid argument block: block number larger than int64" });
    expect(await errorOf(node.url, "eth_getProof", [a, Array.from({ length: 1001 }, () => "0x01"), "latest"])).to.deep.equal({ code: -32005, message: "too many storage keys: 1001, limit 1000" });
    // A short key is left-padded, as geth does, and echoed back as sent.
    const padded = await rpc<AccountProof>(node.url, "eth_getProof", [await token.getAddress(), ["0x1", zeroPadValue("0x01", 32)], "latest"]);
    expect(padded.storageProof.map((s) => s.key)).to.deep.equal(["0x1", zeroPadValue("0x01", 32)]);
    expect(padded.storageProof[0].proof).to.deep.equal(padded.storageProof[1].proof);
  });

  it("a block whose state is no longer stored gets a clear error, not a wrong proof (last: restarts the node)", async () => {
    const tokenAddress = await token.getAddress();
    const root = await stateRootOf(mintBlock);
    expect(root).to.not.equal(await stateRootOf(await provider.getBlockNumber()));
    provider.destroy();
    await node.stop();
    // Remove the root node of that block's state trie, as pruning would ('T' + node hash).
    const db = new ClassicLevel<Uint8Array, Uint8Array>(node.dataDir, { keyEncoding: "view", valueEncoding: "view" });
    const k = new Uint8Array([0x54, ...hexToBytes(root as `0x${string}`)]);
    expect(await db.get(k), "the root node is stored under 'T' + hash").to.not.equal(undefined);
    await db.del(k);
    await db.close();
    node = await startNode({ dataDir: node.dataDir, args: ["--quiet"] });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    const err = await errorOf(node.url, "eth_getProof", [tokenAddress, [balanceSlot], toBeHex(mintBlock)]);
    expect(err.code).to.equal(-32001);
    expect(err.message).to.match(new RegExp(`^state of block ${mintBlock} is not available \\(missing trie node\\)`));
    // Later states are intact.
    const p = await proofAt(tokenAddress, [balanceSlot], "latest");
    expect(BigInt(p.storageProof[0].value)).to.equal(HOLDER_MINT + 1n);
  });
});
