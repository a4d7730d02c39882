/**
 * Salts of weight commitments, kept in the data directory so that the reveal (by hand or by the epoch
 * runner) finds them after a restart:
 *
 *   <dataDir>/<chainId>-<distributor>/commits/<validator>/epoch-<N>.json
 *
 * A commitment is written before its transaction is sent: a crash after sending never loses the salt.
 */
import fs from "node:fs";
import path from "node:path";
import { AbiCoder, keccak256 } from "ethers";
import { clientError } from "./errors";
import { writeFileAtomic } from "./rewardStore";

/** A weight vector committed for an epoch, with the salt that opens it. */
export interface StoredCommit {
  epoch: bigint;
  validator: string;
  miners: string[];
  weights: bigint[];
  /** 32-byte hex salt. */
  salt: string;
  /** keccak256(abi.encode(validator, epoch, miners, weights, salt)). */
  commitment: string;
}

interface StoredCommitJson {
  epoch: string;
  validator: string;
  miners: string[];
  weights: string[];
  salt: string;
  commitment: string;
}

/** The commitment SubnetRegistry.weightsCommitment computes. */
export function weightsCommitment(validator: string, epoch: bigint, miners: readonly string[], weights: readonly bigint[], salt: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(["address", "uint256", "address[]", "uint256[]", "bytes32"], [validator, epoch, miners, weights, salt]),
  );
}

/** Path of the stored commitment of `validator` for `epoch`. */
export function commitPath(dir: string, validator: string, epoch: bigint): string {
  return path.join(dir, "commits", validator.toLowerCase(), `epoch-${epoch}.json`);
}

/** Stores a commitment (atomically); returns its path. */
export function saveCommit(dir: string, commit: StoredCommit): string {
  const file = commitPath(dir, commit.validator, commit.epoch);
  const json: StoredCommitJson = {
    epoch: commit.epoch.toString(),
    validator: commit.validator,
    miners: commit.miners,
    weights: commit.weights.map(String),
    salt: commit.salt,
    commitment: commit.commitment,
  };
  writeFileAtomic(file, `${JSON.stringify(json, null, 2)}\n`);
  return file;
}

/** The stored commitment of `validator` for `epoch`, or null; a file that does not hash to its commitment is an error. */
export function readCommit(dir: string, validator: string, epoch: bigint): StoredCommit | null {
  const file = commitPath(dir, validator, epoch);
  if (!fs.existsSync(file)) return null;
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as StoredCommitJson;
  const commit: StoredCommit = {
    epoch: BigInt(json.epoch),
    validator: json.validator,
    miners: json.miners,
    weights: json.weights.map((w) => BigInt(w)),
    salt: json.salt,
    commitment: json.commitment,
  };
  const recomputed = weightsCommitment(commit.validator, commit.epoch, commit.miners, commit.weights, commit.salt);
  if (recomputed !== commit.commitment) {
    throw clientError("CHAIN_MISMATCH", `${file} does not hash to its commitment (${recomputed} ≠ ${commit.commitment}); it was edited or corrupted`, { file });
  }
  return commit;
}

/** Loads the commitment or COMMIT_NOT_FOUND naming the file that should exist. */
export function requireCommit(dir: string, validator: string, epoch: bigint): StoredCommit {
  const commit = readCommit(dir, validator, epoch);
  if (commit === null) {
    throw clientError("COMMIT_NOT_FOUND", `no stored weight commitment of ${validator} for epoch ${epoch} in ${commitPath(dir, validator, epoch)}; reveal from the machine (and --data-dir) that committed`, { validator, epoch, dir });
  }
  return commit;
}
