import { Block, createBlockHeader } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { Account, createAddressFromString, hexToBytes, setLengthLeft, utf8ToBytes } from "@ethereumjs/util";
import type { ChainConfig } from "../config/types";
import type { LuxStateManager } from "../execution/stateManager";

/** Extra data of every block (≤ 32 bytes on a proof-of-stake header). */
export const EXTRA_DATA = utf8ToBytes("luxtensor");

/**
 * The genesis block's extra data: the chain's name, and the rules a chain may set that no header field
 * holds (a code size limit), so two nodes with different rules have different genesis blocks and
 * refuse each other at the handshake.
 */
export function genesisExtraData(config: ChainConfig): Uint8Array {
  return config.maxCodeSize === undefined ? EXTRA_DATA : utf8ToBytes(`luxtensor;maxCode=${config.maxCodeSize}`);
}

/** Writes the genesis alloc into an empty state and returns the genesis block. */
export async function buildGenesis(config: ChainConfig, common: Common, sm: LuxStateManager): Promise<Block> {
  await sm.checkpoint();
  for (const a of config.alloc) {
    const address = createAddressFromString(a.address);
    await sm.putAccount(address, new Account(a.nonce ?? 0n, a.balance));
    if (a.code) await sm.putCode(address, hexToBytes(a.code as `0x${string}`));
    for (const [k, v] of Object.entries(a.storage ?? {})) {
      await sm.putStorage(address, setLengthLeft(hexToBytes(k as `0x${string}`), 32), hexToBytes(v as `0x${string}`));
    }
  }
  await sm.commit();
  const stateRoot = await sm.getStateRoot();
  const header = createBlockHeader(
    {
      number: 0n,
      timestamp: config.genesisTimestamp,
      gasLimit: config.gasLimit,
      baseFeePerGas: config.initialBaseFee,
      extraData: genesisExtraData(config),
      stateRoot,
    },
    { common },
  );
  return new Block(header, [], [], [], { common });
}
