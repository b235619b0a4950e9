// SPDX-License-Identifier: Apache-2.0
// A standard tiny capture (one process "cat", a few fds, a user, an interface) and the
// checks the unit tests share: quarry's exact lines, and sysdig's on the same file.
import * as assert from 'node:assert/strict';
import * as path from 'path';
import * as fs from 'fs';
import { ScapWriter, BT, FD, P, Proc, FdEntry, EventKind } from './scapwriter';
import { quarry, sysdig, sysdigMissing, firstDiff, tmpDir } from './run';

export const TS0 = 1700000000123456789n;
export const CAT: Proc = { tid: 100, pid: 100, ptid: 1, comm: 'cat', exe: '/bin/cat', args: ['/etc/passwd'], cwd: '/home/u/', uid: 1000, gid: 1000 };
export const CAT_FDS: FdEntry[] = [
  { fd: 3, type: FD.FILE, name: '/etc/passwd' },
  { fd: 5, type: FD.DIRECTORY, name: '/var/log' },
];

export interface BaseOpts {
  pl?: number; fdl?: number; il?: number; ul?: number; mi?: number | null;
  procs?: Proc[]; fds?: FdEntry[]; shbOptions?: Buffer;
}

/** Section header + metadata blocks of the standard capture. */
export function base(o: BaseOpts = {}): ScapWriter {
  const w = new ScapWriter().sectionHeader({ options: o.shbOptions });
  if (o.mi !== null) w.machineInfo({ type: o.mi ?? BT.MI });
  w.procList(o.pl ?? BT.PL_V9, o.procs ?? [CAT]);
  w.fdList(o.fdl ?? BT.FDL_V2, 100, o.fds ?? CAT_FDS);
  w.ifList(o.il ?? BT.IL_V2, [
    { name: 'lo', addr: '127.0.0.1', netmask: '255.0.0.0', bcast: '127.255.255.255' },
    { name: 'eth0', addr: '10.0.0.1', netmask: '255.255.255.0', bcast: '10.0.0.255' },
    { name: 'lo', v6: true, addr: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', bcast: '::' },
  ]);
  w.userList(o.ul ?? BT.UL_V2, [{ uid: 1000, gid: 1000, name: 'alice', home: '/home/alice', shell: '/bin/sh' }],
    [{ gid: 1000, name: 'staff' }]);
  return w;
}

/** Appends events with increasing timestamps (1 µs apart from TS0). */
export class Events {
  ts = TS0;
  constructor(readonly w: ScapWriter, readonly kind: EventKind = 'v2', readonly flags?: number) {}
  add(type: number, params: Buffer[], tid = 100, cpu = 0): this {
    this.w.event({ ts: this.ts, tid, type, params, cpu, kind: this.kind, flags: this.flags });
    this.ts += 1000n;
    return this;
  }
}

/** hh:mm:ss.nnnnnnnnn in the local zone, as sysdig prints it (zone offset taken now). */
export function tod(ts: bigint): string {
  const off = BigInt(-new Date().getTimezoneOffset() * 60);
  let s = (ts / 1000000000n + off) % 86400n;
  if (s < 0n) s += 86400n;
  const p = (n: bigint, w: number) => n.toString().padStart(w, '0');
  return `${p(s / 3600n, 2)}:${p((s % 3600n) / 60n, 2)}:${p(s % 60n, 2)}.${p(ts % 1000000000n, 9)}`;
}

/** The default line for event number n at TS0 + (n-1) µs. */
export function line(n: number, rest: string, cpu = 0): string {
  return `${n} ${tod(TS0 + BigInt(n - 1) * 1000n)} ${cpu} ${rest} `;
}

let dir: string | null = null;
let seq = 0;
export function writeCapture(data: Buffer, name = 'cap'): string {
  if (!dir) dir = tmpDir('quarry-unit-');
  const f = path.join(dir, `${name}-${seq++}.scap`);
  fs.writeFileSync(f, data);
  return f;
}

export interface Expect {
  /** exact stdout lines (without the final newline) */
  lines?: string[];
  /** also run sysdig on the file and require identical stdout (default true) */
  oracle?: boolean;
  args?: string[];
  code?: number;
}

/** Runs quarry (and sysdig) on data; returns quarry's result after the assertions. */
export async function check(data: Buffer | string, e: Expect = {}) {
  const file = typeof data === 'string' ? data : writeCapture(data);
  const args = ['-r', file, ...(e.args ?? [])];
  const useOracle = (e.oracle ?? true) && !sysdigMissing;
  const [q, s] = await Promise.all([quarry(args, { timeoutMs: 20000 }), useOracle ? sysdig(args, { timeoutMs: 20000 }) : null]);
  const out = q.stdout.toString('latin1');
  if (e.lines) {
    const d = firstDiff(e.lines.map((l) => l + '\n').join(''), out, ['expected', 'quarry']);
    if (d) assert.fail(d + (q.stderr.length ? `\nquarry stderr: ${q.stderr}` : ''));
  }
  if (s) {
    const d = firstDiff(s.stdout, q.stdout);
    if (d) assert.fail(d);
    assert.equal(q.code, s.code, `exit code: sysdig ${s.code}, quarry ${q.code}; quarry stderr: ${q.stderr}`);
  }
  assert.equal(q.code, e.code ?? 0, `quarry exit code; stderr: ${q.stderr}`);
  return q;
}

export { BT, FD, P };
