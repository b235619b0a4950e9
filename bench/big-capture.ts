// SPDX-License-Identifier: Apache-2.0
// A big capture for benchmarks, made from a small real one (bench/read.ts, bench/pipeline.ts).
import * as fs from 'fs';
import { readCapture, blockOffsets } from '../test/util/run';

const EVENT_TYPES = new Set([0x204, 0x8010abcd, 0x216, 0x221, 0x208, 0x217, 0x222]);
const FLAG_TYPES = new Set([0x208, 0x217, 0x222]);

/**
 * Writes `out`: the section header and metadata of `src` once, then its event blocks repeated with
 * timestamps shifted forward until there are at least `minEvents` events and `minBytes` bytes.
 */
export function buildBig(src: string, out: string, minEvents: number, minBytes: number): { events: number; bytes: number } {
  const raw = readCapture(src);
  const blocks = blockOffsets(raw);
  const first = blocks.findIndex((b) => EVENT_TYPES.has(b.type));
  const meta = raw.subarray(0, blocks[first].off);
  const evBlocks = blocks.slice(first).filter((b) => EVENT_TYPES.has(b.type));
  const evStart = blocks[first].off;
  const evBytes = Buffer.from(raw.subarray(evStart));
  const tsAt = (b: { off: number; type: number }) => b.off - evStart + 8 + 2 + (FLAG_TYPES.has(b.type) ? 4 : 0);
  let minTs = BigInt.asUintN(64, -1n), maxTs = 0n;
  // only plausible wall-clock stamps move (some internal events carry placeholder values)
  const sane = (ts: bigint) => ts >= 1_000_000_000_000_000_000n && ts < 4_000_000_000_000_000_000n;
  for (const b of evBlocks) {
    const ts = evBytes.readBigUInt64LE(tsAt(b));
    if (!sane(ts)) continue;
    if (ts < minTs) minTs = ts;
    if (ts > maxTs) maxTs = ts;
  }
  const shift = maxTs - minTs + 1000n;
  const reps = Math.max(Math.ceil(minEvents / evBlocks.length), Math.ceil((minBytes - meta.length) / evBytes.length));
  const fd = fs.openSync(out, 'w');
  fs.writeSync(fd, meta);
  const copy = Buffer.from(evBytes);
  for (let r = 0; r < reps; r++) {
    if (r > 0) {
      const d = shift * BigInt(r);
      for (const b of evBlocks) {
        const ts = evBytes.readBigUInt64LE(tsAt(b));
        if (sane(ts)) copy.writeBigUInt64LE(ts + d, tsAt(b));
      }
    }
    fs.writeSync(fd, copy);
  }
  fs.closeSync(fd);
  return { events: reps * evBlocks.length, bytes: meta.length + reps * evBytes.length };
}
