// SPDX-License-Identifier: Apache-2.0
// Probe > fast paths: the hot syscalls written straight from the dispatchers (native/probe/fast.bpf.h)
// must give the same event bytes as the tail-called programs. The same workload runs twice, with
// the fast paths on and off, and every event of those syscalls is compared parameter by parameter.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ev, runCaptured, scenario, skipReason, i64, Run } from './helpers';

const skip = skipReason();

/** Event types the fast paths write (the others of these syscalls stay on the tail-called programs). */
const FAST = new Set([
  'SYSCALL_READ_E', 'SYSCALL_READ_X', 'SYSCALL_WRITE_E', 'SYSCALL_WRITE_X', 'SYSCALL_PREAD_E', 'SYSCALL_PREAD_X',
  'SYSCALL_PWRITE_E', 'SYSCALL_PWRITE_X',
].map(ev));

/** The scenario's events, pids made relative, the fast-path ones with their parameters as hex. */
function shape(run: Run): { types: number[]; fast: string[][] } {
  const evs = scenario(run).filter((e) => e.tid === BigInt(run.pid));
  return { types: evs.map((e) => e.type), fast: evs.filter((e) => FAST.has(e.type)).map((e) => [String(e.type), ...e.params.map((p) => p.toString('hex'))]) };
}

for (const snaplen of [80, 16]) {
  test(`probe > fast paths > same events as the tail-called programs (snaplen ${snaplen})`, { skip }, async () => {
    const on = await runCaptured(['fast'], { snaplen });
    const off = await runCaptured(['fast'], { snaplen, fastPaths: false });
    const a = shape(on), b = shape(off);
    assert.equal(on.stats.drops + off.stats.drops, 0);
    // every fast-path event of the run came from the fast paths, none when they are off
    assert.equal(on.stats.fastEvents, on.events.filter((e) => FAST.has(e.type)).length);
    assert.equal(off.stats.fastEvents, 0);
    assert.deepEqual(a.types, b.types);
    assert.equal(a.fast.length, 30); // 4 read, 4 write (+ printf), 3 pread64, 3 pwrite64: enter and exit
    assert.deepEqual(a.fast, b.fast);
    // spot checks of the values themselves (fds differ per process only through the printed pair)
    const [z] = on.stdout.trim().split(' ').map(Number);
    const pread = scenario(on).find((e) => e.type === ev('SYSCALL_PREAD_E'))!;
    assert.deepEqual([i64(pread.params[0]), pread.params[1].readUInt32LE(0), i64(pread.params[2])], [z, 30, 12345]);
    const w = scenario(on).filter((e) => e.type === ev('SYSCALL_WRITE_X')).slice(0, 4); // then printf's
    assert.deepEqual(w.map((e) => [i64(e.params[0]), e.params[1].length]), [[5, 5], [200, Math.min(200, snaplen)], [-9, Math.min(10, snaplen)], [10, 0]]);
  });
}
