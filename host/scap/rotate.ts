// SPDX-License-Identifier: Apache-2.0
// sysdig's -w rotation (-C size, -G seconds, -W file limit, -e events per file), with the same file
// names as libsinsp's cycle_writer:
//  - -G with a '%' in the name: strftime of the rotation time; with -W the file that falls out of
//    the ring is deleted. -G without '%': the name plus the file index.
//  - -C: the index is appended, zero-padded to the number of digits of -W.
//  - -e: the name is the base plus the index (this replaces the forms above).
//  - -W wraps the index to 0 (a ring); with -G the capture ends after -W files.
// The event that triggers a rotation goes into the new file.
import * as fs from 'fs';
import { ScapWriter } from './writer';
import { eventBlocks, fileHeader } from './blocks';
import { TsBound, blockLength, blockTs, blockView } from './evblocks';
import { Snapshot } from './types';

export interface RotateOptions {
  file: string;
  compress?: boolean;
  sizeMB?: number;
  seconds?: number;
  fileLimit?: number;
  eventLimit?: number;
  /** Called for each new file: the state to write before its events. */
  snapshot: () => Snapshot;
}

function strftime(fmt: string, d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const map: Record<string, () => string> = {
    Y: () => String(d.getFullYear()), m: () => p(d.getMonth() + 1), d: () => p(d.getDate()),
    H: () => p(d.getHours()), M: () => p(d.getMinutes()), S: () => p(d.getSeconds()),
    y: () => p(d.getFullYear() % 100), j: () => p(Math.floor((+d - +new Date(d.getFullYear(), 0, 1)) / 864e5) + 1, 3),
    a: () => days[d.getDay()], b: () => months[d.getMonth()], s: () => String(Math.floor(+d / 1000)), '%': () => '%',
  };
  return fmt.replace(/%(.)/g, (m, c: string) => (map[c] ? map[c]() : m));
}

export class RotatingWriter {
  private cur?: ScapWriter;
  private index = 0;
  private filesTotal = 0;
  private countInFile = 0;
  private lastTime = 0; // seconds
  private pastNames: string[] = [];
  private closing: Promise<void>[] = [];
  private lastSnap?: Snapshot;
  private header?: Buffer[];
  /** Set when -G with -W has produced its last file: the capture should stop. */
  done = false;
  events = 0;
  readonly names: string[] = [];

  constructor(private readonly o: RotateOptions) {
    this.lastTime = Math.floor(Date.now() / 1000);
    this.open();
  }

  private nextName(): string {
    const o = this.o;
    if (o.fileLimit && this.index >= o.fileLimit) this.index = 0;
    let name = o.file;
    if (o.seconds) {
      if (o.file.includes('%')) {
        name = strftime(o.file, new Date(this.lastTime * 1000));
        if (o.fileLimit) {
          const old = this.pastNames[this.index];
          if (old) fs.rmSync(old, { force: true });
          this.pastNames[this.index] = name;
        }
      } else {
        name = o.file + String(this.index);
      }
    }
    if (o.sizeMB) {
      const digits = o.fileLimit ? String(o.fileLimit).length : 0;
      name += String(this.index).padStart(digits, '0');
    }
    if (o.eventLimit) name = o.file + String(this.index);
    this.filesTotal++;
    this.index++;
    return name;
  }

  private open(): void {
    const file = this.nextName();
    this.names.push(file);
    const snap = this.o.snapshot();
    if (snap !== this.lastSnap) {
      this.lastSnap = snap;
      this.header = fileHeader(snap);
    }
    this.cur = new ScapWriter({ file, compress: this.o.compress, header: this.header });
  }

  private rotate(): void {
    if (this.cur) this.closing.push(this.cur.close());
    if (this.o.seconds && this.o.fileLimit && this.filesTotal >= this.o.fileLimit) {
      this.cur = undefined;
      this.done = true;
      return;
    }
    this.open();
  }

  /** Decides, before an event is written, whether it starts a new file. `tsSecs` is the event's
   * time in whole seconds, or -1 when it has not reached the next -G boundary; `pending` is how
   * many bytes of this batch are not yet handed to the file. */
  private due(tsSecs: number, pending: number): boolean {
    const o = this.o;
    this.countInFile++;
    if (o.seconds && tsSecs >= 0 && tsSecs - this.lastTime >= o.seconds) {
      this.lastTime = tsSecs;
      return true;
    }
    if (o.sizeMB && this.cur && this.cur.offset + pending > o.sizeMB * 1e6) return true;
    if (o.eventLimit && this.countInFile >= o.eventLimit) {
      this.countInFile = 0;
      return true;
    }
    return false;
  }

  /** Writes records (back to back); each can trigger a rotation. */
  writeEvents(records: Uint8Array, cpus?: Uint16Array): void {
    const { data, count } = eventBlocks(records, cpus);
    this.writeBlocks(data, count);
  }

  /** Writes `count` events framed as EV_V2 blocks; each can trigger a rotation, and the events
   * between two rotations go to their file in one write. */
  writeBlocks(blocks: Uint8Array, count: number): void {
    const o = this.o;
    if (!(o.seconds || o.sizeMB || o.eventLimit)) {
      if (this.cur) { this.cur.writeBlocks(blocks, count); this.events += count; }
      return;
    }
    const v = blockView(blocks);
    let start = 0, run = 0, off = 0;
    let bound = o.seconds ? new TsBound(BigInt(this.lastTime + o.seconds) * 1000000000n) : undefined;
    for (let i = 0; i < count && !this.done; i++) {
      const reached = bound !== undefined && bound.reachedBy(v, off);
      const secs = reached ? Number(blockTs(v, off) / 1000000000n) : -1;
      if (this.due(secs, off - start)) {
        // the events before this one belong to the file being closed
        if (run && this.cur) { this.cur.writeBlocks(blocks.subarray(start, off), run); this.events += run; }
        start = off; run = 0;
        this.rotate();
        if (o.seconds) bound = new TsBound(BigInt(this.lastTime + o.seconds) * 1000000000n);
      }
      if (this.done || !this.cur) break;
      run++;
      off += blockLength(v, off);
    }
    if (run && this.cur) { this.cur.writeBlocks(blocks.subarray(start, off), run); this.events += run; }
  }

  /** Waits for the current file's buffers and for the files closed since the last call. */
  async drain(): Promise<void> {
    const closing = this.closing.splice(0);
    await Promise.all([...closing, this.cur ? this.cur.drain() : Promise.resolve()]);
  }

  async close(): Promise<void> {
    if (this.cur) this.closing.push(this.cur.close());
    this.cur = undefined;
    await Promise.all(this.closing.splice(0));
  }
}
