/**
 * Command-line entries: `node.ts` (`npm run node`, a node without deployment) and `devnet.ts`
 * (`npm run devnet`: compile, start, print accounts and chain values, deploy with the Hardhat script,
 * print addresses and MetaMask values). Both parse the same grouped flags (options.ts), stop cleanly on
 * SIGINT/SIGTERM, and print "Listening on host:port" once the RPC is up.
 */
export { buildCommand, readFlags, nodeOptions, type CliFlags } from "./options";
export { cliLogger } from "./logger";
export { bannerText, metamaskText, devnetInfo, type DevnetInfo } from "./banner";
export { ensureDeployed, liveDeployment, deploymentFile, type DeploymentFile } from "./deploy";
