// SPDX-License-Identifier: Apache-2.0
// Walking buffers of scap EV_V2 event blocks as the live capture's addon frames them:
//   block type u32 | block length u32 | cpu u16 | event record | padding | block length u32
// where the event record is ts u64 | tid u64 | len u32 | type u16 | nparams u32 | u16 lengths...
// Only the few header fields a writer needs are read: no per-event objects or BigInts.

const TS = 10, TYPE = 30, NPARAMS = 32, LENS = 36;
const NS_PER_S = 1000000000n;

/** A timestamp split into 32-bit halves, compared without allocating. */
export class TsBound {
  hi: number; lo: number;
  constructor(readonly ns: bigint) { this.hi = Number(ns >> 32n); this.lo = Number(ns & 0xffffffffn); }
  /** Whether the event of the block at `off` has ts >= this bound. */
  reachedBy(v: DataView, off: number): boolean {
    const hi = v.getUint32(off + TS + 4, true);
    return hi > this.hi || (hi === this.hi && v.getUint32(off + TS, true) >= this.lo);
  }
}

export function blockView(blocks: Uint8Array): DataView { return new DataView(blocks.buffer, blocks.byteOffset, blocks.byteLength); }
export function blockLength(v: DataView, off: number): number { return v.getUint32(off + 4, true); }
export function blockTs(v: DataView, off: number): bigint { return v.getBigUint64(off + TS, true); }

/** -M: the events (count and bytes) whose ts is less than `secs` after the capture's first event;
 *  `first` is the first event's ts, set from this batch when not yet known. */
export function cutBlocksAtDuration(blocks: Uint8Array, n: number, first: bigint | undefined, secs: number):
    { count: number; end: number; first: bigint | undefined } {
  if (n === 0) return { count: 0, end: 0, first };
  const v = blockView(blocks);
  first ??= blockTs(v, 0);
  const bound = new TsBound(first + BigInt(secs) * NS_PER_S);
  let off = 0;
  for (let i = 0; i < n; i++) {
    if (bound.reachedBy(v, off)) return { count: i, end: off, first };
    off += blockLength(v, off);
  }
  return { count: n, end: off, first };
}

/** -S: how many events of each type these blocks hold, in the core's count slots (generic events
 *  under their syscall code, see host/cli/summary). */
export class TypeTally {
  readonly counts: Float64Array;
  constructor(readonly eventTypes: number, slots: number) { this.counts = new Float64Array(slots); }

  add(blocks: Uint8Array, n: number): void {
    const v = blockView(blocks);
    const c = this.counts;
    let off = 0;
    for (let i = 0; i < n; i++) {
      const type = v.getUint16(off + TYPE, true);
      const np = v.getUint32(off + NPARAMS, true);
      if (type <= 1 && np > 0) {
        // generic events (types 0 and 1): the syscall code is their first parameter
        const sc = v.getUint16(off + LENS, true) >= 2 ? v.getUint16(off + LENS + 2 * np, true) : 0;
        const slot = this.eventTypes + sc * 2 + type;
        if (slot < c.length) c[slot]++;
      } else if (type < this.eventTypes) c[type]++;
      off += blockLength(v, off);
    }
  }
}
