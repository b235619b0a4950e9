// SPDX-License-Identifier: Apache-2.0
// host/live/syscalls: the probe's syscall mask for a filter (in-kernel pre-filtering), from the
// filter compiled into a real core; and, as root, a filtered live capture that prints the same
// lines as one that captures every syscall while the probe emits a fraction of the events.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as path from 'path';
import { loadCore } from '../../../host/core/wasm';
import { parseOptions } from '../../../host/cli/options';
import { configureCore, programCore } from '../../../host/cli/read';
import { syscallsForFilter, switchesForFilter } from '../../../host/live/syscalls';
import { QWORK, ROOT, skipReason } from '../../native/helpers';

// x86_64 syscall numbers
const NR = { read: 0, write: 1, close: 3, mmap: 9, getpid: 39, socket: 41, connect: 42, accept: 43, clone: 56, execve: 59, getppid: 110, futex: 202, openat: 257 };

function compiled(filter: string) {
  const core = loadCore();
  const o = parseOptions(['-r', 'x.scap', filter]);
  configureCore(core, o, false);
  const slot = programCore(core, o, false);
  return { syscalls: syscallsForFilter(core, slot), switches: switchesForFilter(core, slot) };
}

test('syscall mask > evt.type=connect: connect and the state-keeping syscalls, not read/write/futex/generic ones', () => {
  const { syscalls: m, switches } = compiled('evt.type=connect and proc.name=curl');
  assert.ok(m);
  for (const k of ['connect', 'socket', 'close', 'openat', 'clone', 'execve', 'accept'] as const) assert.equal(m![NR[k]], 1, k);
  for (const k of ['read', 'write', 'futex', 'mmap', 'getpid', 'getppid'] as const) assert.equal(m![NR[k]], 0, k);
  assert.equal(switches, false);
});

test('syscall mask > a generic syscall is selected by its own name only', () => {
  const { syscalls: m } = compiled('evt.type=getpid');
  assert.equal(m![NR.getpid], 1);
  assert.equal(m![NR.getppid], 0);
  assert.equal(m![NR.read], 0);
  assert.equal(m![NR.close], 1); // state
});

test('syscall mask > negation and lists', () => {
  const a = compiled('not evt.type in (read, write, switch)');
  assert.equal(a.syscalls![NR.read], 0);
  assert.equal(a.syscalls![NR.write], 0);
  assert.equal(a.syscalls![NR.futex], 1);
  assert.equal(a.syscalls![NR.getpid], 1);
  assert.equal(a.switches, false);
  assert.equal(compiled('evt.type=switch').switches, true);
});

test('syscall mask > filters that can match any event type capture everything', () => {
  for (const f of ['proc.name=curl', 'evt.type=read or fd.num=3', 'not (evt.type=read and proc.name=x)']) {
    const r = compiled(f);
    assert.equal(r.syscalls, undefined, f);
    assert.equal(r.switches, true, f);
  }
});

const BIN = path.join(ROOT, 'bin', 'quarry.js');
const skip = skipReason();

async function liveRun(env: NodeJS.ProcessEnv): Promise<{ lines: string[]; driverEvents: number }> {
  const filter = 'evt.type in (connect, accept, sendto, recvfrom) and proc.name=qwork';
  const child = spawn(process.execPath, [BIN, '-v', '-p', '%proc.name %evt.dir %evt.type %fd.type %fd.num', filter],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const done = new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
  // the probe is attached once a connect shows up (bounded: 60 s)
  for (let i = 0; i < 120 && !out.includes('connect'); i++) {
    spawnSync(QWORK, ['net']);
    await new Promise((r) => setTimeout(r, 500));
  }
  // the rest of the warm-up's lines, then only what follows counts
  await new Promise((r) => setTimeout(r, 1000));
  out = '';
  spawnSync(QWORK, ['flood', '100000']);
  spawnSync(QWORK, ['net']);
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGINT');
  assert.equal(await done, 0, err);
  const m = /^Driver Events:(\d+)$/m.exec(err);
  assert.ok(m, err);
  return { lines: out.split('\n').filter(Boolean), driverEvents: Number(m![1]) };
}

test('live > a filter on event types: the same lines as capturing every syscall, and the flood never leaves the kernel', { skip }, async () => {
  const all = await liveRun({ QUARRY_ALL_SYSCALLS: '1' });
  const some = await liveRun({});
  const expected = ['qwork > connect ipv4 4', 'qwork < connect ipv4 4', 'qwork < accept ipv4 5', 'qwork > sendto ipv4 4', 'qwork < sendto ipv4 4', 'qwork > recvfrom ipv4 5', 'qwork < recvfrom ipv4 5'];
  assert.deepEqual(all.lines, expected);
  assert.deepEqual(some.lines, expected);
  // 100 000 writes are 200 000 events when every syscall is captured; none when only the filter's and state syscalls are
  assert.ok(all.driverEvents > 200000, `all syscalls: ${all.driverEvents} driver events`);
  assert.ok(some.driverEvents < 100000, `pre-filtered: ${some.driverEvents} driver events`);
});

// the Capture API (chisels, pipelines): the union of the queries' filters selects the syscalls
async function captureRun(filters: string[]): Promise<{ rows: string[]; eventsRead: number; drops: number }> {
  const { openLiveCapture } = await import('../../../host/core/capture');
  const cap = openLiveCapture({ snaplen: 80 });
  const ac = new AbortController();
  const rows: string[] = [];
  const run = cap.run(filters.map((f) => ({ filter: f, fields: ['proc.name', 'evt.dir', 'evt.type', 'fd.type'] })),
    async (q, batch) => { for (const r of batch) rows.push(`${q} ${r.join(' ')}`); }, ac.signal);
  // attached once the warm-up's connect shows up (bounded: 60 s), then only what follows counts
  for (let i = 0; i < 120 && !rows.some((r) => r.includes('connect')); i++) {
    spawnSync(QWORK, ['net']);
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const before = rows.length;
  // spawned without blocking: the capture runs in this process and must keep draining the rings
  const run1 = (args: string[]) => new Promise<void>((r) => spawn(QWORK, args, { stdio: 'ignore' }).on('close', () => r()));
  await run1(['flood', '100000']);
  await run1(['net']);
  // until the last net scenario's rows are in (bounded: 20 s)
  for (let i = 0; i < 100 && rows.length - before < 6; i++) await new Promise((r) => setTimeout(r, 200));
  ac.abort();
  const stats = await run;
  return { rows: rows.slice(before), eventsRead: stats.eventsRead, drops: stats.driverDrops };
}

test('live capture API > queries on event types: the probe emits only what their union needs, rows unchanged', { skip }, async () => {
  const filters = ['evt.type=connect and proc.name=qwork', 'evt.type in (accept, sendto) and proc.name=qwork'];
  const expected = ['0 qwork > connect ipv4', '0 qwork < connect ipv4', '1 qwork > accept ', '1 qwork < accept ipv4', '1 qwork > sendto ipv4', '1 qwork < sendto ipv4'];
  process.env.QUARRY_ALL_SYSCALLS = '1';
  const all = await captureRun(filters).finally(() => { delete process.env.QUARRY_ALL_SYSCALLS; });
  const some = await captureRun(filters);
  assert.deepEqual(all.rows, expected);
  assert.deepEqual(some.rows, expected);
  assert.ok(all.eventsRead > 200000, `all syscalls: ${all.eventsRead} events read`);
  assert.ok(some.eventsRead < 100000, `pre-filtered: ${some.eventsRead} events read`);
  assert.equal(some.drops, 0);
});

test('live capture API > probe drops are reported in the run stats and in progress()', { skip }, async () => {
  const { openLiveCapture } = await import('../../../host/core/capture');
  // one page per CPU: a flood cannot fit
  const cap = openLiveCapture({ snaplen: 80, bufferSize: 4096 }) as ReturnType<typeof openLiveCapture> & { progress(): { driverDrops: number } };
  const ac = new AbortController();
  const run = cap.run([{ filter: 'evt.type=write and proc.name=qwork', fields: ['evt.num'] }], async () => {}, ac.signal);
  await new Promise((r) => setTimeout(r, 1500));
  await new Promise<void>((r) => spawn(QWORK, ['flood', '200000'], { stdio: 'ignore' }).on('close', () => r()));
  await new Promise((r) => setTimeout(r, 300));
  const during = cap.progress().driverDrops;
  ac.abort();
  const stats = await run;
  assert.ok(during > 0, `progress() drops: ${during}`);
  assert.ok(stats.driverDrops >= during, `run drops ${stats.driverDrops} < ${during}`);
});
