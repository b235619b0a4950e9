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
import { fileHeader } from './blocks';
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

  /** Decides, before an event is written, whether it starts a new file. */
  private consider(tsNs: bigint): void {
    const o = this.o;
    this.countInFile++;
    if (o.seconds) {
      const s = Number(tsNs / 1000000000n);
      if (s - this.lastTime >= o.seconds) {
        this.lastTime = s;
        return this.rotate();
      }
    }
    if (o.sizeMB && this.cur && this.cur.offset > o.sizeMB * 1e6) return this.rotate();
    if (o.eventLimit && this.countInFile >= o.eventLimit) {
      this.countInFile = 0;
      return this.rotate();
    }
  }

  /** Writes records one by one so each can trigger a rotation. */
  writeEvents(records: Uint8Array, cpus?: Uint16Array): void {
    const needsSplit = !!(this.o.seconds || this.o.sizeMB || this.o.eventLimit);
    if (!needsSplit) {
      if (this.cur) this.events += this.writeAll(records, cpus);
      return;
    }
    const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
    for (let off = 0, i = 0; off + 26 <= records.length && !this.done; i++) {
      const len = view.getUint32(off + 16, true);
      if (len < 26 || off + len > records.length) break;
      this.consider(view.getBigUint64(off, true));
      if (this.done || !this.cur) break;
      this.cur.writeEvents(records.subarray(off, off + len), cpus ? cpus.subarray(i, i + 1) : undefined);
      this.events++;
      off += len;
    }
  }

  private writeAll(records: Uint8Array, cpus?: Uint16Array): number {
    const before = this.cur!.events;
    this.cur!.writeEvents(records, cpus);
    return this.cur!.events - before;
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
