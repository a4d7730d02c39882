import { AbiCoder, Interface, Wallet, getCreateAddress, keccak256, parseEther, toUtf8Bytes } from "ethers";
import { DEV_ACCOUNT_COUNT, devAccounts } from "../../node/config/devAccounts";
import { fastSign } from "./sign";

export const GAS_TRANSFER = 21_000n;
export const GAS_ERC20 = 60_000n;
/** High enough that base-fee growth over many full blocks never strands the load. */
export const MAX_FEE = 100_000_000_000n;
export const TIP = 1_000_000_000n;
const FUNDING = parseEther("100");
const RECIPIENTS = 64;

export const TOKEN_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract BenchToken {
  mapping(address account => uint256) public balanceOf;
  event Transfer(address indexed from, address indexed to, uint256 value);
  error Insufficient(address account, uint256 balance, uint256 needed);
  constructor(address[] memory holders, uint256 amount) {
    for (uint256 i = 0; i < holders.length; ++i) { balanceOf[holders[i]] = amount; emit Transfer(address(0), holders[i], amount); }
  }
  function transfer(address to, uint256 value) external returns (bool) {
    uint256 b = balanceOf[msg.sender];
    if (b < value) revert Insufficient(msg.sender, b, value);
    unchecked { balanceOf[msg.sender] = b - value; }
    balanceOf[to] += value;
    emit Transfer(msg.sender, to, value);
    return true;
  }
}`;

/** Pre-signed transactions, one list per sender in nonce order. */
export interface Load {
  bySender: string[][];
  /** Sum of the lists' lengths. */
  count: number;
}

/** Every transaction of one benchmark run, signed once and replayed on each (fresh) server. */
export interface Workload {
  /** Funding of the bench senders and the token deployment (not timed). */
  setup: Load;
  /** Expected nonce of each setup signer after setup. */
  setupNonces: Map<string, bigint>;
  client: { transfers: Load; erc20: Load };
  batched: { transfers: Load; erc20: Load };
}

function compileToken(): { abi: unknown[]; bytecode: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { compile(input: string): string };
  const out = JSON.parse(solc.compile(JSON.stringify({
    language: "Solidity",
    sources: { "BenchToken.sol": { content: TOKEN_SOURCE } },
    settings: { evmVersion: "prague", optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  }))) as { contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>> };
  const c = out.contracts["BenchToken.sol"].BenchToken;
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}

function senders(tag: string, n: number): Wallet[] {
  return Array.from({ length: n }, (_, i) => new Wallet(keccak256(toUtf8Bytes(`luxtensor-bench-${tag}-${i}`))));
}

/** Spreads `count` transactions round-robin over `from`, continuing each sender's nonce in `nonces`. */
function signLoad(chainId: bigint, from: Wallet[], nonces: bigint[], count: number, make: (i: number) => { to: string; data?: string; value?: bigint; gasLimit: bigint }): Load {
  const bySender: string[][] = from.map(() => []);
  for (let i = 0; i < count; i++) {
    const s = i % from.length;
    bySender[s].push(fastSign(from[s].privateKey, { type: 2, chainId, nonce: Number(nonces[s]++), maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: TIP, ...make(i) }));
  }
  return { bySender, count };
}

/** Sizes of a run. */
export interface WorkloadSizes {
  clientSenders: number;
  clientTransfers: number;
  clientErc20: number;
  batchSenders: number;
  batchTransfers: number;
  batchErc20: number;
}

/**
 * Builds the whole run's transactions for a fresh chain with the test mnemonic's accounts: dev account
 * 0 deploys the token at nonce 0, accounts 1… fund the bench senders, and the loads follow.
 */
export function buildWorkload(chainId: bigint, sizes: WorkloadSizes): Workload {
  const token = compileToken();
  const dev = devAccounts(DEV_ACCOUNT_COUNT).map((a) => new Wallet(a.privateKey));
  const [deployer, ...funders] = dev;
  const clientSenders = senders("client", sizes.clientSenders);
  const batchSenders = senders("sender", sizes.batchSenders);
  const all = [...clientSenders, ...batchSenders];
  const funderNonces = funders.map(() => 0n);
  const funding = signLoad(chainId, funders, funderNonces, all.length, (i) => ({ to: all[i].address, value: FUNDING, gasLimit: GAS_TRANSFER }));
  const args = AbiCoder.defaultAbiCoder().encode(["address[]", "uint256"], [all.map((s) => s.address), parseEther("1000000")]);
  const deploy = fastSign(deployer.privateKey, { type: 2, chainId, nonce: 0, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: TIP, gasLimit: 12_000_000n, data: token.bytecode + args.slice(2) });
  const tokenAddress = getCreateAddress({ from: deployer.address, nonce: 0 });
  const setupNonces = new Map<string, bigint>([[deployer.address, 1n]]);
  funders.forEach((f, i) => funderNonces[i] > 0n && setupNonces.set(f.address, funderNonces[i]));
  const recipients = Array.from({ length: RECIPIENTS }, (_, i) => getCreateAddress({ from: deployer.address, nonce: 1000 + i }));
  const iface = new Interface(token.abi as never);
  const transfer = (i: number) => ({ to: recipients[i % RECIPIENTS], value: 1n, gasLimit: GAS_TRANSFER });
  const erc20 = (i: number) => ({ to: tokenAddress, data: iface.encodeFunctionData("transfer", [recipients[i % RECIPIENTS], 1n]), gasLimit: GAS_ERC20 });
  const cn = clientSenders.map(() => 0n);
  const bn = batchSenders.map(() => 0n);
  return {
    setup: { bySender: [...funding.bySender, [deploy]], count: funding.count + 1 },
    setupNonces,
    client: { transfers: signLoad(chainId, clientSenders, cn, sizes.clientTransfers, transfer), erc20: signLoad(chainId, clientSenders, cn, sizes.clientErc20, erc20) },
    batched: { transfers: signLoad(chainId, batchSenders, bn, sizes.batchTransfers, transfer), erc20: signLoad(chainId, batchSenders, bn, sizes.batchErc20, erc20) },
  };
}
