// SPDX-License-Identifier: Apache-2.0
// Kafka wire encoding for the kafka sink's produce path: a whole Produce request (v3: record batch
// v2, magic 2) written into one growing buffer, with Java's murmur2 for key partitioning. kafkajs
// builds an object, an Encoder and several Buffers per record, and its garbage, not the network, was
// the sink's ceiling; here a batch of records costs one buffer. Connections, metadata, SASL/TLS and
// response decoding stay kafkajs' (kafka-produce.ts).
// Formats: https://kafka.apache.org/documentation/#recordbatch and #record.

import { Packer } from './chunk';
import { GrowBuffer } from './grow';

/** Hardware CRC-32C from @node-rs/crc32 where its prebuilt binary exists for this platform, else ours (crc32cTable). */
const hwCrc32c: ((b: Buffer) => number) | undefined = (() => {
  try { return (require('@node-rs/crc32') as { crc32c(b: Buffer): number }).crc32c; } catch { return undefined; }
})();

/**
 * Appends one message in the kafka sink's packed form (what its queue holds, little-endian):
 * f64 timestamp ms (NaN = none) | u16 topic length, topic | i32 key length (-1 = null), key |
 * u32 value length, value | u16 header count, then per header u16 name length, name, u32 value length, value.
 * A topic of length 0 (`topic` null) is the sink's fixed topic (`PackedMessages`' `fixedTopic`): Kafka
 * has no empty topic names, and a sink whose topic has no template packs and compares no topic bytes.
 */
export function packMessage(p: Packer, topic: string | null, key: string | null, value: string | { raw: Buffer; start: number; end: number }, ts: number, headers?: readonly string[]): void {
  p.f64(ts);
  if (topic === null) p.u16(0); else p.str16(topic);
  if (key === null) p.i32(-1); else p.str32(key);
  if (typeof value === 'string') p.str32(value); else p.raw32(value.raw, value.start, value.end);
  const nh = headers ? headers.length / 2 : 0;
  p.u16(nh);
  for (let h = 0; h < nh; h++) { p.str16(headers![2 * h]); p.str32(headers![2 * h + 1]); }
}

/** Packed messages (one batch, `ends` as in chunk.ts) indexed for producing, without a string per message. */
export class PackedMessages {
  readonly length: number;
  readonly data: Buffer;
  readonly timestamps: Float64Array;
  /** Index into `topicNames` of each message's topic. */
  readonly topicOf: Uint32Array;
  readonly topicNames: string[] = [];
  readonly keyAt: Uint32Array;
  /** -1 = null key. */
  readonly keyLen: Int32Array;
  readonly valueAt: Uint32Array;
  readonly valueLen: Uint32Array;
  readonly headersAt: Uint32Array;
  readonly headerCount: Uint16Array;

  constructor(data: Uint8Array, ends: Uint32Array, fixedTopic = '') {
    const n = (this.length = ends.length);
    const b = (this.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    this.timestamps = new Float64Array(n);
    this.topicOf = new Uint32Array(n);
    this.keyAt = new Uint32Array(n);
    this.keyLen = new Int32Array(n);
    this.valueAt = new Uint32Array(n);
    this.valueLen = new Uint32Array(n);
    this.headersAt = new Uint32Array(n);
    this.headerCount = new Uint16Array(n);
    let lastAt = -1;
    let lastLen = -1;
    let pos = 0;
    for (let i = 0; i < n; i++) {
      if (pos + 14 > ends[i] || ends[i] > b.length) throw new RangeError(`packed message ${i} is truncated`);
      this.timestamps[i] = b.readDoubleLE(pos);
      const tl = b.readUInt16LE(pos + 8);
      const t = pos + 10;
      // Consecutive messages mostly share a topic: one string per run of equal topic bytes.
      if (lastAt < 0 || tl !== lastLen || (tl > 0 && b.compare(b, lastAt, lastAt + lastLen, t, t + tl) !== 0)) {
        const name = tl === 0 ? fixedTopic : b.toString('utf8', t, t + tl);
        let k = this.topicNames.indexOf(name);
        if (k < 0) k = this.topicNames.push(name) - 1;
        this.topicOf[i] = k;
        lastAt = t; lastLen = tl;
      } else this.topicOf[i] = this.topicOf[i - 1];
      pos = t + tl;
      const kl = b.readInt32LE(pos);
      this.keyLen[i] = kl;
      this.keyAt[i] = pos + 4;
      pos += 4 + Math.max(kl, 0);
      const vl = b.readUInt32LE(pos);
      this.valueAt[i] = pos + 4;
      this.valueLen[i] = vl;
      pos += 4 + vl;
      const nh = b.readUInt16LE(pos);
      this.headerCount[i] = nh;
      this.headersAt[i] = pos + 2;
      pos += 2;
      for (let h = 0; h < nh; h++) { pos += 2 + b.readUInt16LE(pos); pos += 4 + b.readUInt32LE(pos); }
      if (pos !== ends[i]) throw new RangeError(`packed message ${i} does not end where its offset says`);
    }
  }

  topic(i: number): string { return this.topicNames[this.topicOf[i]]; }
  key(i: number): string | null { return this.keyLen[i] < 0 ? null : this.data.toString('utf8', this.keyAt[i], this.keyAt[i] + this.keyLen[i]); }
  value(i: number): string { return this.data.toString('utf8', this.valueAt[i], this.valueAt[i] + this.valueLen[i]); }
}

const crcTable = (() => {
  // CRC-32C (Castagnoli), reflected polynomial 0x82F63B78; slicing by 4.
  const t = new Int32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) for (let s = 1; s < 4; s++) t[s * 256 + n] = (t[(s - 1) * 256 + n] >>> 8) ^ t[t[(s - 1) * 256 + n] & 0xff];
  return t;
})();

/** CRC-32C of `b[from, to)` (the checksum of a record batch). */
export function crc32c(b: Buffer, from = 0, to = b.length): number {
  return hwCrc32c ? hwCrc32c(from === 0 && to === b.length ? b : b.subarray(from, to)) >>> 0 : crc32cTable(b, from, to);
}

/** CRC-32C by table lookups (slicing by 4), where the hardware one is not available. */
export function crc32cTable(b: Uint8Array, from = 0, to = b.length): number {
  const t = crcTable;
  let crc = -1;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    crc ^= b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    crc = t[768 + (crc & 0xff)] ^ t[512 + ((crc >>> 8) & 0xff)] ^ t[256 + ((crc >>> 16) & 0xff)] ^ t[crc >>> 24];
  }
  for (; i < to; i++) crc = t[(crc ^ b[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** Java's (and kafkajs' default partitioner's) murmur2 of `b[at, at + len)`, as a signed 32-bit int. */
export function murmur2(b: Uint8Array, len: number, at = 0): number {
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ len;
  const end = at + (len & ~3);
  for (let i = at; i < end; i += 4) {
    let k = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  switch (len & 3) {
    case 3: h ^= b[end + 2] << 16; // falls through
    case 2: h ^= b[end + 1] << 8; // falls through
    case 1: h ^= b[end]; h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  return h ^ (h >>> 15);
}

const varSize = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : n < 2 ** 35 ? 5 : Math.ceil(Math.log2(n + 1) / 7));
/** Size of a zigzag varint for a 32-bit signed value. */
const zigSize = (n: number): number => varSize(n >= 0 ? n * 2 : -n * 2 - 1);

/** A growing big-endian byte writer. */
export class Writer extends GrowBuffer {
  i8(v: number): void { this.reserve(1); this.buf[this.pos++] = v & 0xff; }
  i16(v: number): void { this.reserve(2); this.buf.writeInt16BE(v, this.pos); this.pos += 2; }
  i32(v: number): void { this.reserve(4); this.buf.writeInt32BE(v | 0, this.pos); this.pos += 4; }
  /** A 64-bit integer given as a safe JS number (timestamps, -1). */
  i64(v: number): void {
    this.reserve(8);
    this.buf.writeInt32BE(Math.floor(v / 2 ** 32) | 0, this.pos);
    this.buf.writeUInt32BE(v >>> 0, this.pos + 4);
    this.pos += 8;
  }
  /** Zigzag varint of a 32-bit signed value. */
  zig(n: number): void { this.varint(n >= 0 ? n * 2 : -n * 2 - 1); }
  /** A Kafka STRING: int16 length, UTF-8. */
  str16(s: string): void {
    const n = Buffer.byteLength(s);
    this.i16(n);
    this.utf8(s, n);
  }
  /** `s` as UTF-8, whose length `n` the caller knows. */
  utf8(s: string, n: number): void {
    this.reserve(n);
    this.pos += this.buf.write(s, this.pos);
  }
  /** The bytes written so far (a view, valid until the next write). */
  view(): Buffer { return this.buf.subarray(0, this.pos); }
}

/** Copies `b[from, from + n)` to the writer. */
function copy(w: Writer, b: Buffer, from: number, n: number): void {
  if (n < 24) { const o = w.buf; let p = w.pos; for (let i = from; i < from + n; i++) o[p++] = b[i]; w.pos = p; }
  else w.pos += b.copy(w.buf, w.pos, from, from + n);
}

/**
 * Appends the records `idx` of `m` to `w` (record format v2), timestamps relative to `baseTs`.
 * `now` stands in for messages without a timestamp.
 */
export function writeRecords(w: Writer, m: PackedMessages, idx: readonly number[], baseTs: number, now: number): void {
  const b = m.data;
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i];
    const ts = m.timestamps[j];
    const tsDelta = (Number.isNaN(ts) ? now : ts) - baseTs;
    const keyLen = m.keyLen[j];
    const valueLen = m.valueLen[j];
    const nh = m.headerCount[j];
    let headerBytes = 0;
    let hp = m.headersAt[j];
    for (let h = 0; h < nh; h++) {
      const kn = b.readUInt16LE(hp); hp += 2 + kn;
      const vn = b.readUInt32LE(hp); hp += 4 + vn;
      headerBytes += zigSize(kn) + kn + zigSize(vn) + vn;
    }
    const body = 1 + zigSize(tsDelta) + zigSize(i) + zigSize(keyLen) + Math.max(keyLen, 0) + zigSize(valueLen) + valueLen + zigSize(nh) + headerBytes;
    w.reserve(body + 5);
    w.zig(body);
    w.buf[w.pos++] = 0; // attributes: none
    w.varint(tsDelta * 2); // zigzag varlong of a non-negative delta
    w.zig(i); // offset delta
    w.zig(keyLen);
    if (keyLen > 0) copy(w, b, m.keyAt[j], keyLen);
    w.zig(valueLen);
    copy(w, b, m.valueAt[j], valueLen);
    w.zig(nh);
    hp = m.headersAt[j];
    for (let h = 0; h < nh; h++) {
      const kn = b.readUInt16LE(hp);
      w.zig(kn); copy(w, b, hp + 2, kn); hp += 2 + kn;
      const vn = b.readUInt32LE(hp);
      w.zig(vn); copy(w, b, hp + 4, vn); hp += 4 + vn;
    }
  }
}

/** One partition's records, ready for a request. */
export interface PartitionRecords {
  readonly partition: number;
  readonly count: number;
  readonly baseTs: number;
  readonly maxTs: number;
  /** Compression codec id in the batch attributes (0 none, 1 gzip). */
  readonly codec: number;
  /** The encoded (compressed) records, or, uncompressed, the messages `idx` of `m`, encoded straight into the request. */
  readonly records: Uint8Array | { readonly m: PackedMessages; readonly idx: readonly number[]; readonly now: number };
}

/** Timestamps of the messages `idx`: the first (smallest) and the largest. */
export function timeRange(m: PackedMessages, idx: readonly number[], now: number): { baseTs: number; maxTs: number } {
  let baseTs = Infinity;
  let maxTs = -Infinity;
  for (const j of idx) {
    const t = Number.isNaN(m.timestamps[j]) ? now : m.timestamps[j];
    if (t < baseTs) baseTs = t;
    if (t > maxTs) maxTs = t;
  }
  return { baseTs, maxTs };
}

/** Writes one record batch (v2) holding `p` to `w`, with its length and CRC-32C. */
export function writeRecordBatch(w: Writer, p: PartitionRecords): void {
  w.i64(0); // base offset: the broker assigns offsets
  const lengthAt = w.pos;
  w.i32(0);
  w.i32(-1); // partition leader epoch: set by the broker
  w.i8(2); // magic
  const crcAt = w.pos;
  w.i32(0);
  const crcFrom = w.pos;
  w.i16(p.codec);
  w.i32(p.count - 1); // last offset delta
  w.i64(p.baseTs);
  w.i64(p.maxTs);
  w.i64(-1); // producer id: none (not idempotent)
  w.i16(-1); // producer epoch
  w.i32(-1); // base sequence
  w.i32(p.count);
  if (p.records instanceof Uint8Array) w.bytes(p.records);
  else writeRecords(w, p.records.m, p.records.idx, p.baseTs, p.records.now);
  w.buf.writeInt32BE(w.pos - lengthAt - 4, lengthAt);
  w.buf.writeUInt32BE(crc32c(w.buf, crcFrom, w.pos), crcAt);
}

/** The body of a Produce v3 request (after the request header): `data` is topic -> partitions. */
export function writeProduceRequest(w: Writer, acks: number, timeoutMs: number, data: ReadonlyMap<string, readonly PartitionRecords[]>): void {
  w.i16(-1); // transactional id: null
  w.i16(acks);
  w.i32(timeoutMs);
  w.i32(data.size);
  for (const [topic, parts] of data) {
    w.str16(topic);
    w.i32(parts.length);
    for (const p of parts) {
      w.i32(p.partition);
      const sizeAt = w.pos;
      w.i32(0);
      writeRecordBatch(w, p);
      w.buf.writeInt32BE(w.pos - sizeAt - 4, sizeAt);
    }
  }
}
