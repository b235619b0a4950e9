// SPDX-License-Identifier: Apache-2.0
// For bench/live.sh: counts, in an uncompressed .scap, the read/write enter and exit events of one
// thread (the dd of the benchmark) and all events. Prints "events N read_e N read_x N write_e N write_x N".
// Usage: node dist/bench/ddcount.js FILE TID
import * as fs from 'fs';

const [file, tidArg] = process.argv.slice(2);
const tid = BigInt(tidArg);
const EV_V2 = 0x216, EVF_V2 = 0x217;
const fd = fs.openSync(file, 'r');
const chunk = Buffer.alloc(64 << 20);
let carry = Buffer.alloc(0);
let pos = 0;
let events = 0;
const c = new Map<number, number>([[6, 0], [7, 0], [8, 0], [9, 0]]);
for (;;) {
  const n = fs.readSync(fd, chunk, 0, chunk.length, pos);
  if (n === 0) break;
  pos += n;
  const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
  let p = 0;
  while (p + 8 <= buf.length) {
    const type = buf.readUInt32LE(p);
    const len = buf.readUInt32LE(p + 4);
    if (len < 12) throw new Error(`bad block at ${pos - buf.length + p}`);
    if (p + len > buf.length) break;
    if (type === EV_V2 || type === EVF_V2) {
      const ev = p + 10 + (type === EVF_V2 ? 4 : 0);
      events++;
      if (buf.readBigUInt64LE(ev + 8) === tid) {
        const t = buf.readUInt16LE(ev + 20);
        const k = c.get(t);
        if (k !== undefined) c.set(t, k + 1);
      }
    }
    p += len;
  }
  carry = Buffer.from(buf.subarray(p));
}
fs.closeSync(fd);
console.log(`events ${events} read_e ${c.get(6)} read_x ${c.get(7)} write_e ${c.get(8)} write_x ${c.get(9)}`);
