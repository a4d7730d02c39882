import fs from "node:fs";
import path from "node:path";
import type { DeploymentRecord } from "./deploySuite";

/** Where deployment records live, one file per chain id; env `DEPLOYMENTS_DIR` overrides (tests use a temp dir). */
export const DEPLOYMENTS_DIR = process.env.DEPLOYMENTS_DIR
  ? path.resolve(process.env.DEPLOYMENTS_DIR)
  : path.resolve(__dirname, "..", "..", "deployments");

/** Path of the deployment record of `chainId` under `dir`. */
export function deploymentPath(chainId: number | bigint, dir: string = DEPLOYMENTS_DIR): string {
  return path.join(dir, `${chainId}.json`);
}

/** Writes the record atomically (temp file + rename) so a reader never sees half a file. */
export function writeDeployment(record: DeploymentRecord, dir: string = DEPLOYMENTS_DIR): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = deploymentPath(record.chainId, dir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(tmp, file);
  return file;
}
