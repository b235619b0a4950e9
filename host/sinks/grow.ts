// SPDX-License-Identifier: Apache-2.0
// The growing byte buffer under the sinks' encoders (chunk.ts Packer, little-endian and protobuf;
// kafka-wire.ts Writer, big-endian Kafka wire format): growth, raw bytes and varints live once here.

export class GrowBuffer {
  buf: Buffer;
  pos = 0;
  constructor(size = 1 << 16) { this.buf = Buffer.allocUnsafe(size); }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  bytes(b: Uint8Array): void { this.reserve(b.length); this.buf.set(b, this.pos); this.pos += b.length; }
  /** An unsigned varint (7 bits a byte, low first) of a non-negative safe integer. */
  varint(n: number): void {
    this.reserve(10);
    const b = this.buf;
    while (n >= 0x80) {
      b[this.pos++] = (n & 0x7f) | 0x80;
      n = n < 2 ** 31 ? n >>> 7 : Math.floor(n / 128);
    }
    b[this.pos++] = n;
  }
}
