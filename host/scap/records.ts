// SPDX-License-Identifier: Apache-2.0
// Walking raw scap event records (header: ts u64, tid u64, len u32, type u16, nparams u32; then
// nparams u16 lengths; then the parameter bytes). Used by tests;
// the Wasm core has its own decoder for everything else.

export interface RawEvent {
  ts: bigint;
  tid: bigint;
  type: number;
  /** Each parameter's bytes, in order. */
  params: Buffer[];
  cpu: number;
}

export function* walkRecords(records: Uint8Array, cpus?: Uint16Array): Generator<RawEvent> {
  const b = Buffer.from(records.buffer, records.byteOffset, records.byteLength);
  let i = 0;
  for (let off = 0; off + 26 <= b.length; i++) {
    const len = b.readUInt32LE(off + 16);
    if (len < 26 || off + len > b.length) throw new Error(`corrupt event record at offset ${off} (len ${len})`);
    const n = b.readUInt32LE(off + 22);
    const params: Buffer[] = [];
    let p = off + 26 + 2 * n;
    for (let k = 0; k < n; k++) {
      const l = b.readUInt16LE(off + 26 + 2 * k);
      params.push(b.subarray(p, p + l));
      p += l;
    }
    yield { ts: b.readBigUInt64LE(off), tid: b.readBigUInt64LE(off + 8), type: b.readUInt16LE(off + 20), params, cpu: cpus ? cpus[i] : 0 };
    off += len;
  }
}
