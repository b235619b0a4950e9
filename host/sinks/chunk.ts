// SPDX-License-Identifier: Apache-2.0
// The packed form the kafka and otel sinks queue (see Sink.pack): one buffer of encoded items
// (Kafka messages, OTLP spans) with their end offsets, standing for a run of source events. Items
// know which event made them, so a run splits at any event for the batch limits. A batch of chunks
// is concatenated into fresh ArrayBuffers that can be transferred to a sink thread.
import { Packed } from './types';
import { GrowBuffer } from './grow';

export class Chunk implements Packed {
  /**
   * @param data the items' bytes, back to back
   * @param ends end offset of each item in `data`
   * @param eventOf index (within this run) of the event each item came from; undefined = item i is event i
   * @param events source events the run stands for (items may be fewer: enters make no span)
   */
  constructor(readonly data: Uint8Array, readonly ends: Uint32Array, readonly eventOf: Uint32Array | undefined, readonly events: number) {}

  get items(): number { return this.ends.length; }
  get bytes(): number { return this.data.length + this.ends.length * 4 + 64; }

  split(k: number): [Chunk, Chunk] {
    if (!(k > 0 && k < this.events)) throw new RangeError(`cannot split ${this.events} events at ${k}`);
    let i = 0; // items that belong to the first k events
    if (this.eventOf === undefined) i = k;
    else while (i < this.ends.length && this.eventOf[i] < k) i++;
    const cut = i === 0 ? 0 : this.ends[i - 1];
    const tailEnds = new Uint32Array(this.ends.length - i);
    for (let j = i; j < this.ends.length; j++) tailEnds[j - i] = this.ends[j] - cut;
    let tailOf: Uint32Array | undefined;
    if (this.eventOf) {
      tailOf = new Uint32Array(this.ends.length - i);
      for (let j = i; j < this.ends.length; j++) tailOf[j - i] = this.eventOf[j] - k;
    }
    return [
      new Chunk(this.data.subarray(0, cut), this.ends.subarray(0, i), this.eventOf?.subarray(0, i), k),
      new Chunk(this.data.subarray(cut), tailEnds, tailOf, this.events - k),
    ];
  }
}

/** A batch's items in one fresh buffer (`ends` as in Chunk), both transferable. */
export interface Joined { data: Uint8Array; ends: Uint32Array }

export function join(chunks: readonly Chunk[]): Joined {
  let bytes = 0;
  let items = 0;
  for (const c of chunks) { bytes += c.data.length; items += c.ends.length; }
  const data = new Uint8Array(new ArrayBuffer(bytes));
  const ends = new Uint32Array(new ArrayBuffer(items * 4));
  let at = 0;
  let n = 0;
  for (const c of chunks) {
    data.set(c.data, at);
    for (let j = 0; j < c.ends.length; j++) ends[n++] = at + c.ends[j];
    at += c.data.length;
  }
  return { data, ends };
}

/** A growing little-endian byte writer for packing (and protobuf); `take()` copies out what was written. */
export class Packer extends GrowBuffer {
  u8(v: number): void { this.reserve(1); this.buf[this.pos++] = v; }
  u16(v: number): void { this.reserve(2); this.buf.writeUInt16LE(v, this.pos); this.pos += 2; }
  i32(v: number): void { this.reserve(4); this.buf.writeInt32LE(v, this.pos); this.pos += 4; }
  u32(v: number): void { this.reserve(4); this.buf.writeUInt32LE(v >>> 0, this.pos); this.pos += 4; }
  f64(v: number): void { this.reserve(8); this.buf.writeDoubleLE(v, this.pos); this.pos += 8; }
  /** A protobuf varint of a signed 64-bit value given as a bigint (two's complement for negatives). */
  varint64(v: bigint): void {
    if (v >= 0n && v < 0x20000000000000n) { this.varint(Number(v)); return; }
    let u = BigInt.asUintN(64, v);
    this.reserve(10);
    while (u >= 0x80n) { this.buf[this.pos++] = Number(u & 0x7fn) | 0x80; u >>= 7n; }
    this.buf[this.pos++] = Number(u);
  }
  /** A little-endian 64-bit unsigned value from a bigint (protobuf fixed64). */
  fixed64(v: bigint): void {
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }
  /** Writes `s` at `at` when it is short ASCII (a native write costs more than such a copy); -1 otherwise. */
  private ascii(s: string, at: number): number {
    const n = s.length;
    if (n > 48) return -1;
    const b = this.buf;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return -1;
      b[at + i] = c;
    }
    return n;
  }
  /** `s` as UTF-8 with a u32 length before it. */
  str32(s: string): void {
    this.reserve(4 + s.length * 3);
    let n = this.ascii(s, this.pos + 4);
    if (n < 0) n = this.buf.write(s, this.pos + 4);
    this.buf.writeUInt32LE(n, this.pos);
    this.pos += 4 + n;
  }
  /** `src[start, end)` (UTF-8 already) with a u32 length before it. */
  raw32(src: Buffer, start: number, end: number): void {
    const n = end - start;
    this.reserve(4 + n);
    this.buf.writeUInt32LE(n, this.pos);
    src.copy(this.buf, this.pos + 4, start, end);
    this.pos += 4 + n;
  }
  /** `s` as UTF-8 with a u16 length before it (short strings: topics, header names). */
  str16(s: string): void {
    this.reserve(2 + s.length * 3);
    let n = this.ascii(s, this.pos + 2);
    if (n < 0) n = this.buf.write(s, this.pos + 2);
    if (n > 0xffff) throw new RangeError('string longer than 65535 bytes');
    this.buf.writeUInt16LE(n, this.pos);
    this.pos += 2 + n;
  }
  /** Starts a protobuf length-delimited field (one-byte `tag`); returns the mark `endLen` takes. */
  beginLen(tag: number): number {
    this.reserve(2);
    this.buf[this.pos++] = tag;
    return this.pos++;
  }
  /** Ends the field `mark` began: its length goes before it (content moved when the length takes more than a byte). */
  endLen(mark: number): void {
    const n = this.pos - mark - 1;
    if (n < 0x80) { this.buf[mark] = n; return; }
    let extra = 1;
    while (n >= 2 ** (7 * (extra + 1))) extra++;
    this.reserve(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    this.pos += extra;
    let v = n;
    let at = mark;
    while (v >= 0x80) { this.buf[at++] = (v & 0x7f) | 0x80; v >>>= 7; }
    this.buf[at] = v;
  }
  /** A protobuf string field (one-byte `tag`). */
  strField(tag: number, s: string): void {
    const m = this.beginLen(tag);
    this.reserve(s.length * 3);
    const n = this.ascii(s, this.pos);
    this.pos += n >= 0 ? n : this.buf.write(s, this.pos);
    this.endLen(m);
  }
  /** A copy of what was written since `from`, in a buffer of its own (off the JS heap). */
  take(from = 0): Uint8Array {
    const out = new Uint8Array(this.pos - from);
    out.set(this.buf.subarray(from, this.pos));
    return out;
  }
}
