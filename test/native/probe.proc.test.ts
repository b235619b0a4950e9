// SPDX-License-Identifier: Apache-2.0
// Probe > process and fd syscalls: execve (failed and successful), clone3/fork from parent and child,
// procexit, pipe/dup/fcntl.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { QWORK, ev, runCaptured, scenario, skipReason, i64, u32, u64, u8, str, strs, paramNames } from './helpers';
import { cgroupsParam, expectedCgroups, nestInCgroups } from './cgroups';

const skip = skipReason();

/** A fresh directory `depth` levels below a tmpfs mount (/dev/shm), the last level a 200-byte name. */
function deepDir(depth: number): { dir: string; remove: () => void } {
  const top = fs.mkdtempSync('/dev/shm/quarry-cwd-');
  const parts = Array.from({ length: depth - 1 }, (_, i) => `d${i}`).concat('n'.repeat(200));
  const dir = path.join(top, ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return { dir: fs.realpathSync(dir), remove: () => fs.rmSync(top, { recursive: true, force: true }) };
}

/** Runs a scenario in cwd, moved to nested cgroups first; returns the run and the cgroups /proc gave. */
async function runPlaced(args: string[], cwd: string) {
  let cgroups: string[] = [];
  let cleanup = () => {};
  const run = await runCaptured(args, {
    cwd,
    beforeGo: (pid) => {
      cleanup = nestInCgroups(pid, `quarry-test-${pid}`);
      cgroups = expectedCgroups(pid);
    },
  });
  cleanup();
  return { run, cgroups };
}

test('probe > exec > a failed then a successful execve with args, env and process details', { skip }, async () => {
  const where = deepDir(20);
  const { run, cgroups } = await runPlaced(['exec'], where.dir);
  where.remove();
  const evs = scenario(run);
  const [e1, x1, e2, x2] = evs;
  assert.deepEqual([e1.type, x1.type, e2.type, x2.type], ['SYSCALL_EXECVE_19_E', 'SYSCALL_EXECVE_19_X', 'SYSCALL_EXECVE_19_E', 'SYSCALL_EXECVE_19_X'].map(ev));
  for (const e of [e1, x1, e2, x2]) assert.equal(e.params.length, paramNames(e.type).length);
  assert.equal(str(e1.params[0]), '/nonexistent/bin');
  assert.equal(str(e2.params[0]), '/bin/true');
  // failed: res -ENOENT; exe and args come from the argv given
  assert.equal(i64(x1.params[0]), -2);
  assert.equal(str(x1.params[1]), 'true');
  assert.deepEqual(strs(x1.params[2]), ['quarry-arg1', 'arg2']);
  assert.deepEqual(strs(x1.params[15]), ['QUARRY_TEST=1', 'LANG=C']);
  assert.equal(str(x1.params[6]), where.dir); // cwd
  assert.deepEqual(cgroupsParam(x1.params[14]), cgroups);
  // successful: read back from the new image's memory
  const x = x2.params;
  assert.equal(i64(x[0]), 0);
  assert.equal(str(x[1]), 'true');
  assert.deepEqual(strs(x[2]), ['quarry-arg1', 'arg2']);
  assert.deepEqual([i64(x[3]), i64(x[4])], [run.pid, run.pid]); // tid, pid
  assert.equal(i64(x[5]), process.pid); // ptid: the test process spawned it
  assert.equal(str(x[6]), where.dir); // cwd: 20 levels under a mount, the last name 200 bytes
  assert.ok(Number(u64(x[7])) > 0, 'fdlimit');
  assert.ok(u32(x[10]) > 0, 'vm_size');
  assert.ok(u32(x[11]) >= 0, 'vm_rss'); // the kernel's approximate counter can still read 0 right after exec
  assert.equal(str(x[13]), 'true'); // comm
  assert.ok(cgroups.some((c) => c.endsWith(`/quarry-test-${run.pid}/inner/leaf`)), `placed in a nested cgroup: ${cgroups}`);
  assert.deepEqual(cgroupsParam(x[14]), cgroups);
  assert.deepEqual(strs(x[15]), ['QUARRY_TEST=1', 'LANG=C']);
  assert.equal(i64(x[17]) > 0, true); // pgid
  assert.equal(u32(x[19]), 0); // flags
  // the process exits with 0
  const exit = run.events.find((e) => e.type === ev('PROCEXIT_1_E'));
  assert.ok(exit);
  assert.deepEqual([i64(exit!.params[0]), i64(exit!.params[1]), u8(exit!.params[2]), u8(exit!.params[3])], [0, 0, 0, 0]);
});

test('probe > exec > a cwd deeper than the probe walks is left empty, not cut short', { skip }, async () => {
  const where = deepDir(70);
  const run = await runCaptured(['exec'], { cwd: where.dir });
  where.remove();
  const x = scenario(run).filter((e) => e.type === ev('SYSCALL_EXECVE_19_X'));
  assert.equal(x.length, 2);
  for (const e of x) assert.deepEqual(e.params[6], Buffer.alloc(0));
});

test('probe > clone > a thread (clone3) and a fork, seen from parent and child', { skip }, async () => {
  const { run, cgroups } = await runPlaced(['proc'], '/');
  const forkPid = Number(run.stdout.trim());
  const evs = scenario(run);
  const clone3X = evs.filter((e) => e.type === ev('SYSCALL_CLONE3_X'));
  assert.equal(clone3X.length, 2, 'parent and child exits of clone3');
  const parent = clone3X.find((e) => i64(e.params[0]) > 0)!;
  const child = clone3X.find((e) => i64(e.params[0]) === 0)!;
  const threadTid = i64(parent.params[0]);
  assert.equal(child.tid, BigInt(threadTid));
  for (const e of [parent, child]) {
    assert.equal(e.params.length, 20);
    assert.equal(str(e.params[1]), QWORK);
    assert.deepEqual(strs(e.params[2]), ['proc']);
    assert.equal(i64(e.params[4]), run.pid); // pid: same process
    assert.equal(str(e.params[6]), '/'); // cwd
    assert.equal(str(e.params[13]), 'qwork');
    assert.deepEqual(cgroupsParam(e.params[14]), cgroups);
    const flags = u32(e.params[15]);
    const THREAD = 1 << 13, VM = 1 << 15, FILES = 1 << 0;
    assert.equal(flags & (THREAD | VM | FILES), THREAD | VM | FILES);
  }
  assert.equal(i64(parent.params[3]), run.pid); // tid of the caller
  assert.equal(i64(child.params[3]), threadTid);
  // fork: parent sees the child's pid, the child sees 0 in its own process
  const forkX = run.events.filter((e) => e.type === ev('SYSCALL_FORK_20_X'));
  assert.deepEqual(forkX.map((e) => i64(e.params[0])).sort((a, b) => a - b), [0, forkPid]);
  const fchild = forkX.find((e) => i64(e.params[0]) === 0)!;
  assert.deepEqual([i64(fchild.params[3]), i64(fchild.params[4]), i64(fchild.params[5])], [forkPid, forkPid, run.pid]);
  assert.equal(u32(fchild.params[15]), 0);
  assert.equal(str(fchild.params[6]), '/');
  assert.deepEqual(cgroupsParam(fchild.params[14]), cgroups);
  const exits = run.events.filter((e) => e.type === ev('PROCEXIT_1_E') && e.tid === BigInt(forkPid));
  assert.deepEqual(exits.map((e) => [i64(e.params[0]), i64(e.params[1])]), [[3 << 8, 3]]);
});

test('probe > fd > pipe2, dup, dup2, fcntl(F_DUPFD_CLOEXEC), close', { skip }, async () => {
  const run = await runCaptured(['fd']);
  const [r, w, d, f] = run.stdout.trim().split(' ').map(Number);
  const evs = scenario(run);
  const expect = ['SYSCALL_PIPE_E', 'SYSCALL_PIPE_X', 'SYSCALL_DUP_E', 'SYSCALL_DUP_X', 'SYSCALL_DUP_E', 'SYSCALL_DUP_X',
    'SYSCALL_FCNTL_E', 'SYSCALL_FCNTL_X', 'SYSCALL_CLOSE_E', 'SYSCALL_CLOSE_X'].map(ev);
  assert.deepEqual(evs.slice(0, expect.length).map((e) => e.type), expect);
  const p = evs.map((e) => e.params);
  assert.equal(p[0].length, 0);
  assert.deepEqual([i64(p[1][0]), i64(p[1][1]), i64(p[1][2])], [0, r, w]);
  assert.ok(u64(p[1][3]) > 0n, 'pipe inode');
  assert.deepEqual([i64(p[2][0]), i64(p[3][0])], [r, d]);
  assert.deepEqual([i64(p[4][0]), i64(p[5][0])], [w, 100]);
  assert.deepEqual([i64(p[6][0]), u8(p[6][1]), i64(p[7][0])], [r, 26, f]); // PPM_FCNTL_F_DUPFD_CLOEXEC
  assert.deepEqual([i64(p[8][0]), i64(p[9][0])], [d, 0]);
});
