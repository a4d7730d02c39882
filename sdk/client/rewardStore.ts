/**
 * The data directory shared by the epoch runner (writer) and claims (reader):
 *
 *   <dataDir>/<chainId>-<distributor>/trees/epoch-<N>-<root>.json   reward tree JSON, written before submitting
 *   <dataDir>/<chainId>-<distributor>/done/epoch-<N>.json           marker: distributed and verified
 *
 * Trees are named by root: a tree persisted for a submission that never landed stays next to the one
 * that did, and the on-chain root picks the right file. All writes are atomic (temp file + rename).
 */
import fs from "node:fs";
import path from "node:path";
import { loadRewardTree, serializeRewardTree, type RewardTree, type RewardTreeJson } from "../rewards";
import { clientError } from "./errors";
import type { Client } from "./types";

const TREE_FILE = /^epoch-(\d+)-(0x[0-9a-f]{64})\.json$/;

/** Where the files of one deployment live. */
export function deploymentDataDir(dataDir: string, chainId: bigint, distributor: string): string {
  return path.join(dataDir, `${chainId}-${distributor.toLowerCase()}`);
}

/** The data directory of the client's deployment. */
export function clientDataDir(client: Client): string {
  return deploymentDataDir(client.dataDir, client.chainId, client.deployment.contracts.RewardDistributor);
}

/** Writes `content` to `file` atomically: a crash leaves the old file or the new one, never half. */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd); // the rename must not land before the data
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Path of the tree file of `epoch` with `root`. */
export function treePath(dir: string, epoch: bigint, root: string): string {
  return path.join(dir, "trees", `epoch-${epoch}-${root.toLowerCase()}.json`);
}

/** Persists a reward tree; returns its path. */
export function saveTree(dir: string, tree: RewardTree): string {
  const file = treePath(dir, tree.epoch, tree.root);
  writeFileAtomic(file, `${JSON.stringify(serializeRewardTree(tree), null, 2)}\n`);
  return file;
}

/** Loads the tree of `epoch` with `root`, or null if none was stored. */
export function findTree(dir: string, epoch: bigint, root: string): RewardTree | null {
  const file = treePath(dir, epoch, root);
  if (!fs.existsSync(file)) return null;
  return loadRewardTree(JSON.parse(fs.readFileSync(file, "utf8")) as RewardTreeJson);
}

/** Loads the tree of `epoch` with `root`, or TREE_NOT_FOUND naming the file that should exist. */
export function requireTree(dir: string, epoch: bigint, root: string): RewardTree {
  const tree = findTree(dir, epoch, root);
  if (tree === null) {
    throw clientError("TREE_NOT_FOUND", `no reward tree for epoch ${epoch} with root ${root} in ${dir}; run "mtcli epoch run" with the same --data-dir, or copy the runner's data directory`, { epoch, root, dir });
  }
  return tree;
}

/** Every epoch with at least one stored tree, ascending. */
export function storedEpochs(dir: string): bigint[] {
  const treesDir = path.join(dir, "trees");
  if (!fs.existsSync(treesDir)) return [];
  const epochs = new Set<bigint>();
  for (const name of fs.readdirSync(treesDir)) {
    const match = TREE_FILE.exec(name);
    if (match !== null) epochs.add(BigInt(match[1]));
  }
  return [...epochs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What the runner records once an epoch is distributed and verified. */
export interface DoneMarker {
  epoch: string;
  root: string;
  /** Transaction hash of the distribution, or null if another runner submitted it. */
  txHash: string | null;
  funded: string;
  markedAt: string;
}

/** Path of the done marker of `epoch`. */
export function donePath(dir: string, epoch: bigint): string {
  return path.join(dir, "done", `epoch-${epoch}.json`);
}

/** The done marker of `epoch`, or null. */
export function readDone(dir: string, epoch: bigint): DoneMarker | null {
  const file = donePath(dir, epoch);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as DoneMarker) : null;
}

/** Records that `epoch` is distributed and verified. */
export function writeDone(dir: string, marker: DoneMarker): void {
  writeFileAtomic(donePath(dir, BigInt(marker.epoch)), `${JSON.stringify(marker, null, 2)}\n`);
}
