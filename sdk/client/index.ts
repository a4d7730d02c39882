/**
 * Typed access to a deployed ModernTensor suite (ethers v6 + TypeChain), viem-style: create a client
 * once, then call actions that take it first. Amounts are bigint wei; `parseMdt`/`formatMdt` convert.
 *
 *   const client = await createClient({ rpcUrl: "http://127.0.0.1:8545", privateKey });
 *   await delegate(client, { validator, amount: parseMdt("10") });
 *   const { mdt, staked } = await getBalances(client);
 *
 * Every RPC call has a timeout and retries transient failures; reverts are thrown as ClientError
 * CONTRACT_REVERT naming the contract's custom error (`details.error`, `details.args`).
 */
export { createClient, defaultDataDir, type CreateClientParameters } from "./createClient";
export type { Client, TxResult } from "./types";
export type { SuiteContracts } from "./contracts";
export { loadDeployment, defaultDeploymentsDir, CONTRACT_NAMES, type Deployment, type ContractName } from "./deployments";
export { ClientError, isClientError, type ClientErrorCode } from "./errors";
export { DEFAULT_RPC_POLICY, withRetry, withTimeout, isTransientError, backoffDelay, type RpcPolicy } from "./rpc";
export { decodeRevertData, findRevertData, formatRevert, toContractError, type DecodedRevert } from "./revert";
export { parseMdt, formatMdt, parsePositiveMdt, MDT_DECIMALS } from "./units";
export { read, write, waitForReceipt } from "./call";
export * as rewardStore from "./rewardStore";
export * as commitStore from "./commitStore";

export * from "./actions/staking/stake";
export * from "./actions/staking/unstake";
export * from "./actions/staking/withdraw";
export * from "./actions/staking/delegate";
export * from "./actions/staking/undelegate";
export * from "./actions/staking/registerValidator";
export * from "./actions/staking/unjail";
export * from "./actions/staking/setCommission";
export * from "./actions/staking/getCommission";
export * from "./actions/staking/rotateSigner";
export * from "./actions/staking/deregister";
export * from "./actions/subnet/registerMiner";
export * from "./actions/subnet/submitWeights";
export * from "./actions/subnet/submitTaskReport";
export * from "./actions/subnet/commitWeights";
export * from "./actions/subnet/revealWeights";
export * from "./actions/rewards/claim";
export * from "./actions/rewards/claimAll";
export * from "./actions/rewards/getClaimable";
export * from "./actions/rewards/sweep";
export * from "./actions/read/getBalances";
export * from "./actions/read/getValidators";
export * from "./actions/read/getEpochInfo";
export * from "./actions/read/getEpochReward";
export * from "./actions/read/getPoolTotals";
export * from "./actions/read/getSupply";
export * from "./actions/events/getEvents";
export * from "./actions/events/watchEvents";
