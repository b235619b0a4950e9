// SPDX-License-Identifier: Apache-2.0
// host/cli/live: the whole CLI captures live (`quarry -w`, `quarry -z -w`), then the real sysdig
// 0.29.3 and `quarry -r` read the same file: every byte of their output must be the same.
// Also: `quarry` without -w prints live events through the core with a filter.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { QWORK, ROOT, skipReason } from '../../native/helpers';
import { normalizeSummary } from '../../util/summary';
import { nestInCgroups } from '../../native/cgroups';
import { firstDiff } from '../../util/run';

const SYSDIG = '/usr/bin/sysdig';
const BIN = path.join(ROOT, 'bin', 'quarry.js');
const skip = skipReason() ?? (fs.existsSync(SYSDIG) ? undefined : 'live round-trip tests skipped: sysdig is not installed');

async function capture(args: string[], out: string, workload: () => void): Promise<{ stdout: string; stderr: string }> {
  // a large environment (CI runners have several KB of it) must not make the file unreadable
  const env = { ...process.env, QUARRY_TEST_LARGE_ENV: 'x'.repeat(6000) };
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let err = '', stdout = '';
  child.stderr.on('data', (d) => { err += d; });
  child.stdout.on('data', (d) => { stdout += d; });
  const done = new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
  for (let i = 0; i < 2400 && !(fs.existsSync(out) && fs.statSync(out).size > 0); i++) await new Promise((r) => setTimeout(r, 25));
  workload();
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGTERM');
  assert.equal(await done, 0, err);
  return { stdout, stderr: err };
}

for (const gz of [false, true]) {
  test(`cli > live ${gz ? '-z -w' : '-w'} > sysdig -r and quarry -r print the same bytes`, { skip }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-rt-'));
    const out = path.join(dir, gz ? 'cap.scap.gz' : 'cap.scap');
    const data = path.join(dir, 'workload.txt');
    await capture([...(gz ? ['-z'] : []), '-w', out], out, () => { spawnSync(QWORK, ['file', data]); });
    const s = spawnSync(SYSDIG, ['-r', out], { encoding: 'latin1', maxBuffer: 1 << 30 });
    const q = spawnSync(process.execPath, [BIN, '-r', out], { encoding: 'latin1', maxBuffer: 1 << 30 });
    assert.equal(s.status, 0, s.stderr);
    assert.equal(q.status, 0, q.stderr);
    assert.ok(s.stdout.includes(`${data}`), 'the workload file appears in the capture');
    assert.equal(firstDiff(s.stdout, q.stdout), null);
    // and with a format that resolves names and data
    const fmt = ['-p', '%evt.num %proc.name %evt.type %fd.name %evt.arg.data', `fd.name=${data}`];
    const s2 = spawnSync(SYSDIG, ['-r', out, ...fmt], { encoding: 'latin1', maxBuffer: 1 << 30 });
    const q2 = spawnSync(process.execPath, [BIN, '-r', out, ...fmt], { encoding: 'latin1', maxBuffer: 1 << 30 });
    assert.ok(s2.stdout.includes('hello, quarry'));
    assert.equal(firstDiff(s2.stdout, q2.stdout), null);
  });
}

test('cli > live without -w > prints matching events through the core', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-live-print-'));
  const data = path.join(dir, 'printed.txt');
  const child = spawn(process.execPath, [BIN, '-p', '%proc.name %evt.type %fd.name', `proc.name=qwork and fd.name=${data} and evt.type=write and evt.dir=<`],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let outText = '';
  child.stdout.on('data', (d) => { outText += d; });
  const done = new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
  // keep writing until the probe is attached and the line shows up (bounded: 60 s)
  for (let i = 0; i < 120 && !outText.includes(data); i++) {
    spawnSync(QWORK, ['file', data]);
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGINT');
  assert.equal(await done, 0);
  const lines = outText.split('\n').filter(Boolean);
  assert.ok(lines.length >= 1, 'at least one live line');
  for (const l of lines) assert.equal(l, `qwork write ${data}`);
});

test('cli > live -w with a filter > the file holds only the matching events', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-rt-flt-'));
  const out = path.join(dir, 'only-qwork.scap');
  const data = path.join(dir, 'workload.txt');
  await capture(['-w', out, 'proc.name=qwork'], out, () => { spawnSync(QWORK, ['file', data]); });
  const s = spawnSync(SYSDIG, ['-r', out, '-p', '%proc.name'], { encoding: 'latin1', maxBuffer: 1 << 30 });
  assert.equal(s.status, 0, s.stderr);
  const names = new Set(s.stdout.split('\n').filter(Boolean));
  assert.deepEqual([...names], ['qwork']);
  const w = spawnSync(SYSDIG, ['-r', out, '-p', '%fd.name %evt.arg.data', `fd.name=${data} and evt.type=write and evt.dir=<`], { encoding: 'latin1' });
  assert.equal(w.stdout, `${data} hello, quarry\n`);
});

test('cli > live -z -v -S -w with a filter > driver summary on stderr, and the -S table sysdig prints for the file', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-rt-sum-'));
  const out = path.join(dir, 'qwork.scap.gz');
  const data = path.join(dir, 'workload.txt');
  const r = await capture(['-z', '-v', '-S', '-w', out, 'proc.name=qwork'], out, () => { spawnSync(QWORK, ['flood', '5000']); spawnSync(QWORK, ['file', data]); });
  const m = /^Driver Events:(\d+)\nDriver Drops:(\d+)\nSuppressed by Comm:0\nElapsed time: \d+\.\d{3}, Captured Events: (\d+), \d+\.\d{2} eps\n$/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const s = spawnSync(SYSDIG, ['-r', out, '-S', '-q'], { encoding: 'latin1', maxBuffer: 1 << 30 });
  assert.equal(s.status, 0, s.stderr);
  assert.equal(normalizeSummary(r.stdout), normalizeSummary(s.stdout));
  assert.match(r.stdout, /^< write +(\d+)$/m);
  assert.ok(Number(/^< write +(\d+)$/m.exec(r.stdout)![1]) >= 5000);
  // Captured Events counts what passed the filter: the events in the file
  const n = spawnSync(SYSDIG, ['-r', out, '-q', '-v'], { encoding: 'latin1' });
  assert.match(n.stderr, new RegExp(`Captured Events: ${m![3]},`));
});

test('cli > live -c > a chisel runs on the live capture and prints at SIGINT', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-live-chisel-'));
  const data = path.join(dir, 'w.txt');
  const child = spawn(process.execPath, [BIN, '-c', 'topfiles_bytes', 'proc.name=qwork'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let outText = '';
  let errText = '';
  child.stdout.on('data', (d) => { outText += d; });
  child.stderr.on('data', (d) => { errText += d; });
  const done = new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
  await new Promise((r) => setTimeout(r, 8000));   // probe load
  for (let i = 0; i < 5; i++) { spawnSync(QWORK, ['file', data]); await new Promise((r) => setTimeout(r, 200)); }
  child.kill('SIGINT');
  assert.equal(await done, 0, errText);
  const lines = outText.split('\n');
  assert.match(lines[0], /^Bytes\s+Filename/);
  assert.equal(lines[1], '-'.repeat(80));
  assert.ok(lines.slice(2).some((l) => l.endsWith(data)), `the workload file is among the top files:\n${outText}`);
});

test('cli > live -w > cwd and cgroups of new processes read the same in sysdig -r and quarry -r', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-rt-proc-'));
  const out = path.join(dir, 'proc.scap');
  const work = fs.realpathSync(fs.mkdtempSync('/dev/shm/quarry-rt-cwd-'));
  let cleanup = () => {};
  await capture(['-w', out], out, () => {
    // a shell that joins nested cgroups, changes directory, then becomes qwork (failed and successful execve)
    const sh = spawn('/bin/sh', ['-c', `read go; cd ${work} && exec ${QWORK} exec`], { stdio: ['pipe', 'ignore', 'inherit'] });
    cleanup = nestInCgroups(sh.pid!, `quarry-rt-${sh.pid}`);
    sh.stdin!.end('go\n');
    spawnSync('sleep', ['0.5']);
  });
  cleanup();
  fs.rmSync(work, { recursive: true, force: true });
  const fmt = ['-p', '%evt.num %proc.pid %proc.name %evt.type %evt.dir %proc.cwd %thread.cgroups %evt.arg.cwd', 'evt.type in (execve, clone, fork, vfork, clone3, chdir) and evt.dir=<'];
  const s = spawnSync(SYSDIG, ['-r', out, ...fmt], { encoding: 'latin1', maxBuffer: 1 << 30 });
  const q = spawnSync(process.execPath, [BIN, '-r', out, ...fmt], { encoding: 'latin1', maxBuffer: 1 << 30 });
  assert.equal(s.status, 0, s.stderr);
  assert.equal(q.status, 0, q.stderr);
  assert.equal(firstDiff(s.stdout, q.stdout), null);
  // the successful execve of qwork (then true): cwd in the event and in the process, nested cgroups
  const execs = s.stdout.split('\n').filter((l) => / execve < /.test(l) && l.includes(` ${work}/ `));
  assert.ok(execs.length >= 1, `execve of the workload in ${work}:\n${s.stdout}`);
  for (const l of execs) {
    assert.ok(l.endsWith(` ${work}`), `evt.arg.cwd: ${l}`);
    assert.match(l, /cpu=\/[^ ]*quarry-rt-\d+\/inner\/leaf/);
  }
});
