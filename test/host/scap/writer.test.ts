// SPDX-License-Identifier: Apache-2.0
// host/scap/writer and rotate: files built from a synthetic snapshot and synthetic events, read back
// by the real sysdig 0.29.3; rotation names as sysdig's cycle writer makes them.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ScapWriter } from '../../../host/scap/writer';
import { RotatingWriter } from '../../../host/scap/rotate';
import { FdType, L4, Snapshot } from '../../../host/scap/types';

const SYSDIG = '/usr/bin/sysdig';
const noSysdig = fs.existsSync(SYSDIG) ? undefined : 'sysdig is not installed';

const snapshot: Snapshot = {
  machine: { numCpus: 2, memoryBytes: 1 << 30, maxPid: 32768, hostname: 'quarry-test' },
  interfaces: [{ v6: false, name: 'lo', addr: 0x0100007f, netmask: 0x000000ff, bcast: 0 }],
  users: [{ uid: 0, gid: 0, name: 'root', home: '/root', shell: '/bin/bash' }],
  groups: [{ gid: 0, name: 'root' }],
  threads: [{
    tid: 4242, pid: 4242, ptid: 1, sid: 4242, vpgid: 4242, comm: 'synthetic', exe: '/usr/bin/synthetic',
    exepath: '/usr/bin/synthetic', args: Buffer.from('--flag\0value'), cwd: '/tmp/', fdlimit: 1024, flags: 0,
    uid: 0, gid: 0, vmsizeKb: 100, vmrssKb: 50, vmswapKb: 0, pfMajor: 0, pfMinor: 0, env: Buffer.from('A=1'),
    vtid: 4242, vpid: 4242, cgroups: Buffer.alloc(0), root: '/', loginuid: -1, exeWritable: false,
    fds: [
      { fd: 3, ino: 77, type: FdType.FILE_V2, name: '/tmp/synthetic.log', openFlags: 2, dev: 0xfe00 },
      { fd: 4, ino: 78, type: FdType.IPV4_SOCK, sip: 0x0100007f, dip: 0x0100007f, sport: 40000, dport: 80, l4: L4.TCP },
    ],
  }],
};

/** A write exit event (PPME_SYSCALL_WRITE_X = 9: res, data) of tid 4242 at ts, and its enter (8: fd, size). */
function writePair(ts: bigint, fd: number, data: string): Buffer {
  const ev = (type: number, t: bigint, params: Buffer[]) => {
    const len = 26 + 2 * params.length + params.reduce((a, p) => a + p.length, 0);
    const b = Buffer.alloc(len);
    b.writeBigUInt64LE(t, 0); b.writeBigUInt64LE(4242n, 8); b.writeUInt32LE(len, 16); b.writeUInt16LE(type, 20); b.writeUInt32LE(params.length, 22);
    let off = 26 + 2 * params.length;
    params.forEach((p, i) => { b.writeUInt16LE(p.length, 26 + 2 * i); p.copy(b, off); off += p.length; });
    return b;
  };
  const i64 = (v: number) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v)); return b; };
  const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
  return Buffer.concat([ev(8, ts, [i64(fd), u32(data.length)]), ev(9, ts + 1000n, [i64(data.length), Buffer.from(data)])]);
}

function read(file: string, fmt: string): string[] {
  const r = spawnSync(SYSDIG, ['-r', file, '-p', fmt], { encoding: 'latin1' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

const T0 = 1700000000000000000n;

for (const compress of [false, true]) {
  test(`scap writer > ${compress ? 'gzip' : 'plain'} > sysdig resolves the snapshot's process, fds and users`, { skip: noSysdig }, async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-w-')), 'x.scap');
    const w = new ScapWriter({ file, compress, snapshot });
    w.writeEvents(Buffer.concat([writePair(T0, 3, 'hello'), writePair(T0 + 5000n, 4, 'GET /')]), new Uint16Array([1, 1, 0, 0]));
    await w.close();
    assert.equal(w.events, 4);
    assert.deepEqual(read(file, '*%evt.cpu %proc.name %proc.args %user.name %evt.dir %evt.type %fd.name %evt.arg.data'), [
      '1 synthetic --flag value root > write /tmp/synthetic.log <NA>',
      '1 synthetic --flag value root < write /tmp/synthetic.log hello',
      '0 synthetic --flag value root > write 127.0.0.1:40000->127.0.0.1:80 <NA>',
      '0 synthetic --flag value root < write 127.0.0.1:40000->127.0.0.1:80 GET /',
    ].map((l) => l.replace(/ <NA>$/, ' <NA>')));
  });
}

test('scap writer > oversized /proc values (a CI runner\'s 7 KB environment) are cut to what libscap accepts', { skip: noSysdig }, async () => {
  const long = (n: number, c = 'x') => c.repeat(n);
  const t0 = snapshot.threads[0];
  const big: Snapshot = {
    ...snapshot,
    interfaces: [{ ...snapshot.interfaces[0], name: long(1500, 'i') }],
    users: [{ uid: 0, gid: 0, name: 'root', home: '/' + long(400, 'h'), shell: '/' + long(400, 's') }],
    groups: [{ gid: 0, name: long(300, 'g') }],
    threads: [{
      ...t0, comm: long(1500, 'c'), exe: '/' + long(1500, 'e'), exepath: '/' + long(1500, 'p'),
      args: Buffer.from(long(9000, 'a')), env: Buffer.from(`BIG=${long(7314)}\0A=1`), cwd: '/' + long(1500, 'd') + '/',
      cgroups: Buffer.from(`cpu=/${long(5000, 'q')}`), root: '/' + long(1500, 'r'),
      fds: [{ ...t0.fds[0], name: '/' + long(1500, 'f') }, t0.fds[1]],
    }],
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-w-')), 'big.scap');
  const w = new ScapWriter({ file, compress: false, snapshot: big });
  w.writeEvents(writePair(T0, 3, 'hello'));
  await w.close();
  const lines = read(file, '*%evt.dir %proc.exe %fd.name %evt.arg.data');
  assert.equal(lines.length, 2);
  const [dir, exe, fd, data] = lines[1].split(' ');
  assert.deepEqual([dir, data], ['<', 'hello']);
  assert.ok(exe.length <= 1024 && exe.startsWith('/eee'), `exe cut to at most 1024 bytes: ${exe.length}`);
  assert.ok(fd.length <= 1023 && fd.startsWith('/fff'), `fd name cut to at most 1023 bytes: ${fd.length}`);
  const env = spawnSync(SYSDIG, ['-r', file, '-p', '%proc.env', 'evt.dir=<'], { encoding: 'latin1' });
  assert.equal(env.status, 0, env.stderr);
  assert.ok(env.stdout.startsWith('BIG=xxx') && env.stdout.length <= 4096 + 1, `env cut to 4096 bytes: ${env.stdout.length}`);
});

test('scap rotate > -e 3 > name0, name1, ... with the triggering event in the new file', { skip: noSysdig }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-rot-'));
  const w = new RotatingWriter({ file: path.join(dir, 'r.scap'), eventLimit: 3, snapshot: () => snapshot });
  for (let i = 0; i < 5; i++) w.writeEvents(writePair(T0 + BigInt(i) * 10000n, 3, `m${i}`));
  await w.close();
  assert.deepEqual(fs.readdirSync(dir).sort(), ['r.scap0', 'r.scap1', 'r.scap2', 'r.scap3']);
  assert.deepEqual(['r.scap0', 'r.scap1', 'r.scap2', 'r.scap3'].map((f) => read(path.join(dir, f), '%evt.num').length), [2, 3, 3, 2]);
});

test('scap rotate > -C 1 -W 3 > a ring of three zero-padded names', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-rot-'));
  const w = new RotatingWriter({ file: path.join(dir, 'c.scap'), sizeMB: 1, fileLimit: 3, snapshot: () => snapshot });
  const big = 'x'.repeat(60000);
  for (let i = 0; i < 80; i++) w.writeEvents(writePair(T0 + BigInt(i) * 10000n, 3, big));
  await w.close();
  assert.deepEqual(w.names.slice(0, 5).map((n) => path.basename(n)), ['c.scap0', 'c.scap1', 'c.scap2', 'c.scap0', 'c.scap1']);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['c.scap0', 'c.scap1', 'c.scap2']);
});

test('scap rotate > -G 1 without % > the index is appended; with -W the capture ends after W files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-rot-'));
  const base = BigInt(Math.floor(Date.now() / 1000)) * 1000000000n;
  const w = new RotatingWriter({ file: path.join(dir, 'g.scap'), seconds: 1, fileLimit: 2, snapshot: () => snapshot });
  for (let i = 0; i < 5; i++) w.writeEvents(writePair(base + BigInt(i) * 1000000000n, 3, `s${i}`));
  await w.close();
  assert.equal(w.done, true);
  assert.deepEqual(w.names.map((n) => path.basename(n)), ['g.scap0', 'g.scap1']);
});
