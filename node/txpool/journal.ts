import fs from "node:fs";
import path from "node:path";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { errorMessage } from "../errors";
import { keccak } from "../execution/crypto";
import type { Logger } from "../chain/types";

const ADD = 1;
const DEL = 2;
const HASH_BYTES = 32;
const HEADER_BYTES = 5; // kind (1) + length (4) of an addition
/** Rewrite the file once it holds this many bytes more than the live transactions (removed ones). */
const REWRITE_SLACK_BYTES = 8 * 1024 * 1024;

/**
 * The txpool's journal: an append-only file of additions (raw transaction) and removals (hash), like
 * geth's `transactions.rlp`. An addition is written synchronously before the pool accepts the
 * transaction, so everything the RPC acknowledged is in the file even after `kill -9` (the OS holds the
 * write); removals are batched per event-loop turn. On start the file is replayed (a torn last record is
 * ignored), the survivors are revalidated by the pool, and the file is rewritten with what remains;
 * it is rewritten again whenever removed entries dominate it.
 */
export class TxJournalFile {
  private fd?: number;
  private pendingDels: Uint8Array[] = [];
  private flushScheduled = false;
  private bytes = 0;
  private liveBytes = 0;

  constructor(readonly file: string, private readonly log: Logger) {}

  /** The raw transactions the file holds (additions not removed later), oldest first. */
  load(): Uint8Array[] {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.file);
    } catch {
      return [];
    }
    const live = new Map<string, Uint8Array>();
    let at = 0;
    while (at < data.length) {
      const kind = data[at];
      if (kind === ADD && at + HEADER_BYTES <= data.length) {
        const len = data.readUInt32BE(at + 1);
        if (at + HEADER_BYTES + len > data.length) break; // torn by a crash mid-write
        const raw = new Uint8Array(data.subarray(at + HEADER_BYTES, at + HEADER_BYTES + len));
        live.set(bytesToHex(keccak(raw)), raw);
        at += HEADER_BYTES + len;
      } else if (kind === DEL && at + 1 + HASH_BYTES <= data.length) {
        live.delete(bytesToHex(data.subarray(at + 1, at + 1 + HASH_BYTES)));
        at += 1 + HASH_BYTES;
      } else {
        if (at + 1 + HASH_BYTES <= data.length) this.log.warn(`txpool journal: unreadable record at byte ${at} of ${this.file}; ignoring the rest`);
        break;
      }
    }
    return [...live.values()];
  }

  /** Replaces the file with exactly `raws` (atomically: a new file renamed over the old one). */
  rewrite(raws: Uint8Array[]): void {
    this.flushDels();
    this.closeFd();
    const tmp = `${this.file}.new`;
    const parts = raws.map(encodeAdd);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(tmp, Buffer.concat(parts));
    fs.renameSync(tmp, this.file);
    this.bytes = this.liveBytes = parts.reduce((n, p) => n + p.length, 0);
    this.fd = fs.openSync(this.file, "a");
  }

  /** Appends an addition; returns once the OS has it. */
  add(raw: Uint8Array): void {
    this.flushDels(); // keep the file in event order (a removed hash may come back)
    const rec = encodeAdd(raw);
    this.write(rec);
    this.liveBytes += rec.length;
  }

  /** Records a removal (written at the end of this event-loop turn). */
  remove(hash: string, rawLength: number): void {
    this.pendingDels.push(hexToBytes(hash as `0x${string}`));
    this.liveBytes -= HEADER_BYTES + rawLength;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushDels());
    }
  }

  /** True when removed entries dominate the file and a rewrite would shrink it. */
  wantsRewrite(): boolean {
    return this.bytes - this.liveBytes > REWRITE_SLACK_BYTES && this.bytes > 4 * this.liveBytes;
  }

  /** Writes pending removals and closes the file. */
  close(): void {
    this.flushDels();
    this.closeFd();
  }

  private flushDels(): void {
    this.flushScheduled = false;
    if (this.pendingDels.length === 0) return;
    const out = Buffer.alloc(this.pendingDels.length * (1 + HASH_BYTES));
    this.pendingDels.forEach((h, i) => {
      out[i * (1 + HASH_BYTES)] = DEL;
      out.set(h, i * (1 + HASH_BYTES) + 1);
    });
    this.pendingDels = [];
    this.write(out);
  }

  private write(buf: Uint8Array): void {
    try {
      if (this.fd === undefined) this.fd = fs.openSync(this.file, "a");
      fs.writeSync(this.fd, buf);
      this.bytes += buf.length;
    } catch (err) {
      this.log.error(`txpool journal: cannot write ${this.file}: ${errorMessage(err)}`);
    }
  }

  private closeFd(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function encodeAdd(raw: Uint8Array): Buffer {
  const rec = Buffer.alloc(HEADER_BYTES + raw.length);
  rec[0] = ADD;
  rec.writeUInt32BE(raw.length, 1);
  rec.set(raw, HEADER_BYTES);
  return rec;
}
