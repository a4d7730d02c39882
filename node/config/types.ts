/** One funded account of the genesis state. */
export interface GenesisAccount {
  /** 0x-prefixed address. */
  address: string;
  /** Balance in wei of the native coin (LUX). */
  balance: bigint;
  /** Optional runtime bytecode (0x-hex). */
  code?: string;
  /** Optional storage slots (0x-hex 32-byte key → 0x-hex value). */
  storage?: Record<string, string>;
  /** Optional starting nonce. */
  nonce?: bigint;
}

/** A validator known at genesis, used until the staking contract returns an active set. */
export interface GenesisValidator {
  /** Validator (operator) address; receives the priority fees of its blocks as coinbase. */
  address: string;
  /** Address of the key that signs its blocks. */
  signer: string;
  /** Stake weight in MDT wei. */
  stake: bigint;
}

/** Everything that defines a chain: two nodes with equal configs build and accept the same blocks. */
export interface ChainConfig {
  /** EIP-155 chain id. */
  chainId: bigint;
  /** Ethereum hardfork the EVM runs (same as the Solidity evmVersion). */
  hardfork: string;
  /** Genesis block timestamp in seconds. */
  genesisTimestamp: bigint;
  /** Gas limit of every block. */
  gasLimit: bigint;
  /** Base fee of the first block after genesis, in wei. */
  initialBaseFee: bigint;
  /** Target slot duration in milliseconds (the devnet may produce early when transactions wait). */
  slotTimeMs: number;
  /**
   * Dev mode (single trusted dev validator): blocks may be mined on demand, taking the next slot even
   * ahead of the clock, with strictly increasing timestamps that may run ahead of it (like Hardhat).
   * Off, the chain follows the clock: one block per slot at most, timestamp = slot start.
   */
  devMode: boolean;
  /** Sender of the end-of-block system calls (evidence → StakingManager.slash); holds SLASHER_ROLE. */
  systemAddress: string;
  /** Slots per epoch; the active validator set is read at each epoch boundary. */
  slotsPerEpoch: number;
  /** Address of the StakingManager contract, fixed by configuration. */
  stakingContract: string;
  /** Validators used while the staking contract has no code or an empty active set. */
  genesisValidators: GenesisValidator[];
  /** Funded accounts of the genesis state. */
  alloc: GenesisAccount[];
  /**
   * Largest contract code in bytes (EIP-170's 24,576 when absent; init code may be twice as large, as
   * EIP-3860 puts it). A rule of the chain: the genesis block commits to it (see `genesisExtraData`).
   */
  maxCodeSize?: number;
}
