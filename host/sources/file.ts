// SPDX-License-Identifier: Apache-2.0
// The capture-file source: streams a .scap (plain or gzip) through the core in large chunks,
// never holding the whole file. Plain files are read straight into the core's input region.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { CoreExports, CORE_ERRORS } from '../core/wasm';
import { QuarryError } from '../core/types';

const CHUNK = 4 << 20;

/**
 * What the reader calls after each core pass (drain the output region). True asks the reader to
 * stop scanning until `afterPump` has run (the drained rows' consumer is waiting for room), so
 * a full sink queue holds back the file, not thousands of decoded rows.
 */
export type Drain = () => void | boolean;

export function isGzip(fd: number): boolean {
  const b = Buffer.alloc(2);
  const n = fs.readSync(fd, b, 0, 2, 0);
  return n === 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Feeds one capture file through the core. Throws QuarryError on unreadable or corrupt input. */
export async function scanFile(file: string, core: CoreExports, drain: Drain, afterPump?: () => Promise<void>): Promise<void> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new QuarryError(`can't open file ${file}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new QuarryError(`can't open file ${file}: is a directory`);
    const feeder = new Feeder(core, drain, file);
    if (isGzip(fd)) {
      await feedGzip(fd, feeder, file, afterPump);
    } else {
      let pos = 0;
      for (;;) {
        const room = feeder.room();
        const view = new Uint8Array(core.memory.buffer, core.inputPtr() + feeder.fill, room);
        const n = fs.readSync(fd, view, 0, room, pos);
        pos += n;
        feeder.fill += n;
        const eof = n === 0;
        if (await feeder.pumpAll(eof, afterPump) || eof) break;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function feedGzip(fd: number, feeder: Feeder, file: string, afterPump?: () => Promise<void>): Promise<void> {
  // The raw stream opens its own descriptor (by path, from where the sniffed one points) and
  // closes it itself: a stream sharing `fd` could still have a read in flight when scanFile closes
  // `fd` after an early stop, which fails as an uncaught EBADF (or reads a reused descriptor).
  void fd;
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = raw.pipe(zlib.createGunzip({ chunkSize: 1 << 20 }));
  try {
    return await feedGunzipped(stream, feeder, file, afterPump);
  } finally {
    if (!raw.closed) {
      const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
      raw.destroy();
      stream.destroy();
      await closed;
    }
  }
}

async function feedGunzipped(stream: zlib.Gunzip, feeder: Feeder, file: string, afterPump?: () => Promise<void>): Promise<void> {
  let gzError: Error | null = null;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let off = 0;
      while (off < chunk.length) {
        const room = feeder.room();
        const n = Math.min(room, chunk.length - off);
        new Uint8Array(feeder.core.memory.buffer, feeder.core.inputPtr() + feeder.fill, n).set(chunk.subarray(off, off + n));
        feeder.fill += n;
        off += n;
        if (await feeder.pumpAll(false, afterPump)) { stream.destroy(); return; }
      }
    }
  } catch (e) {
    gzError = e as Error;
  }
  if (await feeder.pumpAll(true, afterPump)) return;
  if (gzError) {
    throw new QuarryError(`${file}: compressed data is damaged (${gzError.message}) after byte ${feeder.consumed} of the decompressed capture`);
  }
}

/** Moves bytes from the input region through the core and tracks what remains. */
export class Feeder {
  fill = 0;
  consumed = 0;
  /** The last pump stopped early because the drain asked to wait: complete blocks may be left. */
  stalled = false;
  constructor(readonly core: CoreExports, readonly drain: Drain, readonly file: string) {}

  room(): number {
    let cap = this.core.inputCap();
    if (this.fill >= cap) {
      this.core.growInput(cap * 2, this.fill);
      cap = this.core.inputCap();
    }
    return Math.min(cap - this.fill, CHUNK);
  }

  /** The free part of the input region, for a producer that writes in place (then `fill += n`
   * and pump). A fresh view each time: the core's memory may have grown. */
  view(): Uint8Array {
    const room = this.room();
    return new Uint8Array(this.core.memory.buffer, this.core.inputPtr() + this.fill, room);
  }

  /** Runs the blocks a producer writes in place (a live capture's blocksInto) through the core until
   *  the producer ends; stops it once the core is done (-n) or `after`, run after each pump, says so. */
  async feedInPlace(src: { blocksInto(room: () => Uint8Array): AsyncIterable<{ bytes: number }>; stop(): Promise<void> },
    after?: () => boolean | void | Promise<boolean | void>): Promise<void> {
    let finished = false;
    for await (const got of src.blocksInto(() => this.view())) {
      if (finished) continue;
      this.fill += got.bytes;
      if (await this.pumpAll(false, after)) { finished = true; void src.stop(); }
    }
  }

  /** Copies bytes in (any size) and runs the core; returns true when the capture is finished. */
  push(chunk: Uint8Array, eof = false): boolean {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(this.room(), chunk.length - off);
      new Uint8Array(this.core.memory.buffer, this.core.inputPtr() + this.fill, n).set(chunk.subarray(off, off + n));
      this.fill += n;
      off += n;
      if (this.pumpThrough(false)) return true;
    }
    return eof ? this.pumpThrough(true) : false;
  }

  /** pump() without waiting: a caller that cannot wait pumps again when the drain asks it to. */
  private pumpThrough(eof: boolean): boolean {
    for (;;) {
      const finished = this.pump(eof);
      if (finished || !this.stalled) return finished;
    }
  }

  /** pump(), then `after`, again as long as the drain asked to wait; true when the capture is finished
   *  (-n reached, or `after` says so). */
  async pumpAll(eof: boolean, after?: () => boolean | void | Promise<boolean | void>): Promise<boolean> {
    for (;;) {
      const finished = this.pump(eof);
      const stop = after !== undefined && (await after()) === true;
      if (finished || stop || !this.stalled) return finished || stop;
    }
  }

  /**
   * Runs the core over the buffered bytes. Returns true when the capture is finished (-n reached).
   * Stops early (`stalled`) when the drain asks to wait; the caller pumps again after waiting.
   */
  pump(eof: boolean): boolean {
    const core = this.core;
    this.stalled = false;
    let start = 0; // consumed so far this pump; dropped from the input once, at the end
    const consume = () => {
      if (start > 0) { core.consumeInput(start, this.fill - start); this.fill -= start; }
    };
    for (;;) {
      const end = core.scanAt(start, this.fill, eof ? 1 : 0);
      const wait = this.drain() === true;
      const used = end - start;
      start = end;
      this.consumed += used;
      const err = core.errorCode();
      if (err) {
        const off = core.errorOffset();
        throw new QuarryError(`${this.file}: ${CORE_ERRORS[err] ?? 'corrupted capture'} at byte offset ${off}`);
      }
      if (core.isDone()) { consume(); return true; }
      const need = core.neededBytes();
      if (need > 0 || used === 0) {
        consume();
        if (need > core.inputCap()) core.growInput(need + (1 << 20), this.fill);
        return false;
      }
      if (wait) { consume(); this.stalled = true; return false; }
    }
  }
}
