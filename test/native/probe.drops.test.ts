// SPDX-License-Identifier: Apache-2.0
// Probe > drops: under a flood into a deliberately tiny ring, the drops the probe reports are
// exactly the events that never arrived.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as os from 'os';
import { ev, runCaptured, skipReason, i64 } from './helpers';

const skip = skipReason();
const N = 30000;

function writes(run: Awaited<ReturnType<typeof runCaptured>>): number {
  const we = ev('SYSCALL_WRITE_E'), wx = ev('SYSCALL_WRITE_X');
  return run.events.filter((e) => (e.type === we && e.params[1].readUInt32LE(0) === 1) || (e.type === wx && i64(e.params[0]) === 1)).length;
}

test('probe > drops > a big ring loses nothing: every write of the flood arrives', { skip }, async () => {
  const run = await runCaptured(['flood', String(N)], { ringBytes: 32 << 20 });
  assert.equal(run.stats.drops, 0);
  assert.equal(writes(run), 2 * N);
  assert.equal(run.stats.delivered, run.stats.events);
  assert.equal(run.events.length, run.stats.events);
});

test('probe > drops > a tiny ring under a flood reports exactly the events missing', { skip }, async () => {
  const full = await runCaptured(['flood', String(N)], { ringBytes: 32 << 20 });
  const expected = full.events.length; // the scenario's events when nothing is lost
  const run = await runCaptured(['flood', String(N)], { ringBytes: 16384, slowReader: true });
  assert.ok(run.stats.drops > 0, 'the tiny ring dropped');
  assert.equal(run.events.length, run.stats.delivered);
  assert.equal(run.stats.events, run.stats.delivered, 'every event written to the ring was read');
  assert.equal(run.events.length + run.stats.drops, expected, 'seen + dropped = what the workload did');
  assert.ok(writes(run) < 2 * N);
});

test('probe > drops > the counters of each CPU count the events of that CPU ring', { skip }, async () => {
  // the workload pinned to the last CPU: its events are all there, none on CPU 0's ring
  const last = os.cpus().length - 1;
  const run = await runCaptured(['flood', String(N)], {
    ringBytes: 32 << 20,
    beforeGo: (pid) => { execFileSync('taskset', ['-pc', String(last), String(pid)], { stdio: 'ignore' }); },
  });
  const st = run.stats as typeof run.stats & { perCpuEvents: number[]; perCpuDrops: number[] };
  assert.equal(st.perCpuEvents.length, os.cpus().length);
  const seen = st.perCpuEvents.map((_, cpu) => run.events.filter((e) => e.cpu === cpu).length);
  assert.ok(seen[last] >= 2 * N, 'the flood ran on the last CPU');
  assert.deepEqual(st.perCpuEvents, seen);
  assert.deepEqual(st.perCpuDrops, st.perCpuEvents.map(() => 0));
});
