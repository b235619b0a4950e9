// SPDX-License-Identifier: Apache-2.0
// Packs a batch of rows into one binary string that the Lua side (__q_events in prelude.ts) walks
// with string.unpack: one JS→Lua crossing per batch instead of one per field per event.
//
// Row layout:  kind u8
//   kind 1|3:  evt.num i64, evt.rawtime i64, evt.cpu i64, evt.type (u32 len + bytes), then per field a value
//   kind 2|3:  the formatter line as a value (only when the chisel has a formatter)
// Value:       tag u8: 0 nil | 1 false | 2 true | 3 i64 | 4 f64 | 5 u32 len + bytes

import { FieldValue } from '../../core/types';
import { RowKind } from '../instance';

/** Integers below this print the same with %.14g as in full, so they can be Lua integers. */
const EXACT_LIMIT = 1e14;

export class RowPacker {
  private buf = Buffer.alloc(1 << 16);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private i64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt.asIntN(64, v), this.pos);
    this.pos += 8;
  }

  private bytes(b: Uint8Array | string): void {
    const len = typeof b === 'string' ? Buffer.byteLength(b) : b.length;
    this.ensure(4 + len);
    this.buf.writeUInt32LE(len, this.pos);
    this.pos += 4;
    if (typeof b === 'string') this.buf.write(b, this.pos, 'utf8');
    else this.buf.set(b, this.pos);
    this.pos += len;
  }

  private tag(t: number): void {
    this.ensure(1);
    this.buf[this.pos++] = t;
  }

  private value(v: FieldValue | undefined): void {
    if (v === null || v === undefined) this.tag(0);
    else if (typeof v === 'boolean') this.tag(v ? 2 : 1);
    else if (typeof v === 'bigint') {
      if (v > -BigInt(EXACT_LIMIT) && v < BigInt(EXACT_LIMIT)) {
        this.tag(3);
        this.i64(v);
      } else this.f64(Number(v));
    } else if (typeof v === 'number') {
      if (Number.isInteger(v) && Math.abs(v) < EXACT_LIMIT) {
        this.tag(3);
        this.i64(BigInt(v));
      } else this.f64(v);
    } else {
      this.tag(5);
      this.bytes(v);
    }
  }

  private f64(v: number): void {
    this.tag(4);
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** Rows start with evt.num, evt.rawtime, evt.cpu, evt.type, then `nFields` values, then the formatter line. */
  pack(kinds: RowKind[], rows: FieldValue[][], nFields: number, hasFormat: boolean): Uint8Array {
    this.pos = 0;
    for (let i = 0; i < rows.length; i++) {
      const kind = kinds[i];
      const row = rows[i];
      this.tag(kind);
      let k = 0;
      if (kind !== RowKind.RUN) {
        this.i64(toBig(row[0]));
        this.i64(toBig(row[1]));
        this.i64(toBig(row[2]));
        this.bytes(row[3] === null || row[3] === undefined ? '' : String(row[3]));
        for (let f = 0; f < nFields; f++) this.value(row[4 + f]);
        k = 4 + nFields;
      }
      if (kind !== RowKind.VALUES && hasFormat) this.value(row[k]);
    }
    return this.buf.subarray(0, this.pos);
  }
}

function toBig(v: FieldValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  return 0n;
}
