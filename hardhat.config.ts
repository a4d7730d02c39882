import path from "node:path";
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

/** The solc version pinned in package.json; compiled offline from the npm package's soljson.js. */
const SOLC_VERSION = "0.8.30";
/** The hardfork the compiler targets — the same one the Luxtensor node runs (see node/config). */
const EVM_VERSION = "prague";
/** The devnet's RPC endpoint (`npm run devnet`). */
const DEVNET_RPC_URL = process.env.DEVNET_RPC_URL ?? "http://127.0.0.1:8545";
/** The well-known test mnemonic that Hardhat and Anvil use; the devnet funds the same accounts. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";

// Hardhat downloads solc by default, which fails without internet (HH502). Serve the pinned solcjs instead.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(
  async (args: { solcVersion: string }, _hre, runSuper) => {
    if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const solc = require("solc") as { version(): string };
    return {
      compilerPath: path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js"),
      isSolcJs: true,
      version: SOLC_VERSION,
      longVersion: solc.version(),
    };
  },
);

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 200 },
    },
  },
  networks: {
    hardhat: { hardfork: EVM_VERSION, chainId: 31337 },
    devnet: {
      url: DEVNET_RPC_URL,
      chainId: Number(process.env.DEVNET_CHAIN_ID ?? 8898),
      accounts: { mnemonic: DEV_MNEMONIC, count: 20 },
      // hardhat_mine of a governance voting period (50,400 real blocks) takes longer than the 20 s default.
      timeout: Number(process.env.DEVNET_TIMEOUT_MS ?? 600_000),
    },
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  // MOCHA_TIMEOUT: the contract suite run against a spawned devnet on a loaded machine needs more.
  // MOCHA_DRY_RUN=1 lists the tests without running them (the devnet suite test counts the in-process suite so).
  mocha: { timeout: Number(process.env.MOCHA_TIMEOUT ?? 120_000), dryRun: process.env.MOCHA_DRY_RUN === "1" },
};

export default config;
