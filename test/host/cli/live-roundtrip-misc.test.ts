// SPDX-License-Identifier: Apache-2.0
// host/cli/live: a live capture (`quarry -w`) of the qwork scenarios whose syscalls have the events
// of progs/misc.bpf.c (credentials, limits, special fds, namespaces and mounts, execveat, futex,
// signals, directories, semaphores ...); the real sysdig 0.29.3 and `quarry -r` must print the same
// bytes for the file, by default and with fields that depend on the state those events keep.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { QWORK, ROOT, skipReason } from '../../native/helpers';
import { firstDiff } from '../../util/run';

const SYSDIG = '/usr/bin/sysdig';
const BIN = path.join(ROOT, 'bin', 'quarry.js');
const skip = skipReason() ?? (fs.existsSync(SYSDIG) ? undefined : 'live round-trip tests skipped: sysdig is not installed');

test('cli > live -w > the misc.bpf.c scenarios: sysdig -r and quarry -r print the same bytes', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-rt-misc-'));
  const out = path.join(dir, 'misc.scap');
  const child = spawn(process.execPath, [BIN, '-w', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const done = new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
  for (let i = 0; i < 2400 && !(fs.existsSync(out) && fs.statSync(out).size > 0); i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 500));
  const runs: [string, string[]][] = [['ids', []], ['fdkinds', [path.join(dir, 'fk')]], ['ns', [path.join(dir, 'mnt')]],
    ['execat', []], ['misc', []], ['sockopt', []], ['ptrace', []], ['quota', []], ['dirs', [path.join(dir, 'd')]], ['sem', []]];
  for (const [name, args] of runs) {
    const r = spawnSync(QWORK, [name, ...args], { encoding: 'latin1' });
    assert.ok(r.status === 0 || name === 'execat', `qwork ${name}: ${r.stderr}`);
  }
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGTERM');
  assert.equal(await done, 0, err);
  const read = (cmd: string[], extra: string[]) => spawnSync(cmd[0], [...cmd.slice(1), '-r', out, ...extra], { encoding: 'latin1', maxBuffer: 1 << 30 });
  // the whole machine is in the file, so that the workload's threads come from their clone events;
  // the outputs compared are those of the workload's processes
  const only = ['proc.name in (qwork, true)'];
  const s = read([SYSDIG], only);
  const q = read([process.execPath, BIN], only);
  assert.equal(s.status, 0, s.stderr);
  assert.equal(q.status, 0, q.stderr);
  // the new events are there with their arguments
  for (const needle of ['> futex addr=', 'op=129(FUTEX_PRIVATE_FLAG|FUTEX_WAKE)', '> setresuid ruid=', '< prlimit res=0 newcur=256',
    '< getcwd res=', '> signalfd fd=-1', '< mount res=0 dev=quarry', '> execveat dirfd=', '< semop res=0 nsops=2',
    '< renameat2 res=0', '> kill pid=', '< fchmodat res=0']) {
    assert.ok(s.stdout.includes(needle), `sysdig shows ${needle}`);
  }
  assert.equal(firstDiff(s.stdout, q.stdout), null);
  // fields that come from the state the events keep: fd names and types, users, limits
  const fmt = ['-p', '*%evt.num %proc.pid %thread.tid %evt.type %evt.dir %fd.num %fd.type %fd.name %user.uid %group.gid %proc.fdlimit %proc.sid %proc.vpgid %evt.rawres',
    'proc.name in (qwork, true)'];
  const s2 = read([SYSDIG], fmt);
  const q2 = read([process.execPath, BIN], fmt);
  assert.equal(s2.status, 0, s2.stderr);
  // what those events changed: the signalfd/timerfd/inotify fds, the euid after setresuid, the
  // fd limit after setrlimit/prlimit64, the session after setsid
  const lines = s2.stdout.split('\n');
  const has = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `sysdig -p shows ${re}`);
  has(/ signalfd < \d+ signalfd /);
  has(/ timerfd_create < \d+ timerfd /);
  has(/ inotify_init < \d+ inotify /);
  has(/ setresuid < <NA> <NA> <NA> 65534 0 /);
  has(/ setrlimit < <NA> <NA> <NA> 0 0 512 /);
  has(/ prlimit < <NA> <NA> <NA> 0 0 256 /);
  has(/ setsid < <NA> <NA> <NA> 0 0 \d+ (\d+) \d+ \1$/);
  assert.equal(firstDiff(s2.stdout, q2.stdout), null);
});
