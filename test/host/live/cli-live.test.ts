// SPDX-License-Identifier: Apache-2.0
// host/live/cli-live: `-w` captures of a scripted workload, read back by the real sysdig 0.29.3:
// fd names, process names and data resolve; -z, -n, -e rotation, -S, -M; SIGINT leaves complete files.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { QWORK, ROOT, skipReason } from '../../native/helpers';
import { normalizeSummary } from '../../util/summary';

const SYSDIG = '/usr/bin/sysdig';
const skip = skipReason() ?? (fs.existsSync(SYSDIG) ? undefined : 'round-trip tests skipped: sysdig is not installed');
const CLI = path.join(ROOT, 'dist', 'host', 'live', 'cli-live.js');

function tmp(name: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-live-'));
  return path.join(d, name);
}

/** Starts `liveMain(args)` in its own process; resolves once the first file exists. */
async function startCapture(args: string[], firstFile: string) {
  const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(CLI)}).liveMain(process.argv.slice(1)).then((c) => process.exit(c), (e) => { console.error(e.message); process.exit(1); })`, '--', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '', stdout = '';
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.on('data', (d) => { stdout += d; });
  const done = new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
  // loading the probe can take seconds on a busy machine: wait for the file (up to 60 s)
  for (let i = 0; i < 2400 && !(fs.existsSync(firstFile) && fs.statSync(firstFile).size > 0); i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 150));
  return { child, done, stderr: () => stderr, stdout: () => stdout };
}

function sysdig(file: string, filter: string, fmt = '%proc.name %evt.dir %evt.type %fd.name %evt.arg.data'): string[] {
  const r = spawnSync(SYSDIG, ['-r', file, '-p', fmt, filter], { encoding: 'latin1', maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, `sysdig -r ${file} failed: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

async function captureFileWorkload(extra: string[], name: string) {
  const out = tmp(name);
  const data = tmp('workload.txt');
  const cap = await startCapture(['-w', out, ...extra], out);
  spawnSync(QWORK, ['file', data]);
  await new Promise((r) => setTimeout(r, 200));
  cap.child.kill('SIGINT');
  const code = await cap.done;
  assert.equal(code, 0, cap.stderr());
  return { out, data, stderr: cap.stderr() };
}

test('live cli > -w > sysdig reads the file and resolves fd names, process names and data', { skip }, async () => {
  const { out, data } = await captureFileWorkload(['-v'], 'cap.scap');
  const lines = sysdig(out, `proc.name=qwork and fd.name=${data} and evt.dir=<`);
  assert.deepEqual(lines.filter((l) => / (write|read|writev) /.test(l)), [
    `qwork < write ${data} hello, quarry`,
    `qwork < read ${data} hello, quarry`,
    `qwork < writev ${data} abcdefgh`,
  ]);
  // the process table from the /proc scan names processes that did nothing new during the capture
  const init = sysdig(out, 'proc.pid=1', '%proc.name');
  assert.ok(init.length === 0 || init.every((l) => l.length > 0));
});

test('live cli > -w > every event block is framed as scap frames it: cpu, the event, zero padding to 4 bytes, the length again', { skip }, async () => {
  const { out } = await captureFileWorkload([], 'frame.scap');
  const f = fs.readFileSync(out);
  let events = 0;
  for (let p = 0; p < f.length;) {
    const type = f.readUInt32LE(p), len = f.readUInt32LE(p + 4);
    assert.ok(len >= 12 && len % 4 === 0 && p + len <= f.length, `block at ${p}`);
    assert.equal(f.readUInt32LE(p + len - 4), len, `trailer of the block at ${p}`);
    if (type === 0x216) {
      const evLen = f.readUInt32LE(p + 10 + 16);
      const pad = f.subarray(p + 10 + evLen, p + len - 4);
      assert.equal(12 + 2 + evLen + pad.length, len);
      assert.ok(pad.length < 4 && pad.every((b) => b === 0), `padding of the event block at ${p}: ${pad.toString('hex')}`);
      events++;
    }
    p += len;
  }
  assert.ok(events > 0);
});

test('live cli > -w > floods on every CPU at once: each write is in the file once, events merged in time order', { skip }, async () => {
  const out = tmp('cpus.scap');
  const cap = await startCapture(['-w', out], out);
  const n = 50000;
  const floods = os.cpus().map((_, cpu) => spawn('taskset', ['-c', String(cpu), QWORK, 'flood', String(n)], { stdio: 'ignore' }));
  const pids = new Set(floods.map((c) => c.pid));
  await Promise.all(floods.map((c) => new Promise((r) => c.on('close', r))));
  await new Promise((r) => setTimeout(r, 200));
  cap.child.kill('SIGINT');
  assert.equal(await cap.done, 0, cap.stderr());
  const f = fs.readFileSync(out);
  const writes = new Map<number, number>(); // flood pid -> its writes
  const lastOfCpu = new Map<number, bigint>();
  let last = 0n, events = 0, older = 0;
  for (let p = 0; p < f.length;) {
    const type = f.readUInt32LE(p), len = f.readUInt32LE(p + 4);
    if (type === 0x216) {
      const cpu = f.readUInt16LE(p + 8), ts = f.readBigUInt64LE(p + 10);
      assert.ok(ts >= (lastOfCpu.get(cpu) ?? 0n), `event at ${p} is older than the one before it on CPU ${cpu}`);
      lastOfCpu.set(cpu, ts);
      events++;
      if (ts < last) older++;
      else last = ts;
      // taskset execs qwork in place, so a flood's tid is the taskset child's pid; its writes are
      // exits of res 1 with data "x" (the child also writes before it execs)
      const tid = Number(f.readBigUInt64LE(p + 18)), evType = f.readUInt16LE(p + 30);
      if (pids.has(tid) && evType === 9 /* PPME_SYSCALL_WRITE_X */ && f.readBigInt64LE(p + 40) === 1n && f[p + 48] === 0x78)
        writes.set(tid, (writes.get(tid) ?? 0) + 1);
    }
    p += len;
  }
  fs.rmSync(path.dirname(out), { recursive: true });
  assert.deepEqual([...pids].map((pid) => writes.get(pid!) ?? 0), floods.map(() => n));
  assert.equal(lastOfCpu.size >= os.cpus().length, true, 'events of every CPU');
  // Across CPUs the order is the drain's merge of the rings' heads. An event can still come after a
  // later one of another CPU: its timestamp is taken before it is committed, and the reader may
  // have gone past by then (a clone exit builds for microseconds). Rare, not the rule:
  assert.ok(older * 10000 < events, `${older} of ${events} events older than one before them`);
});

/** The CPUs the capture's writer thread may run on (its Cpus_allowed_list), or undefined before it runs. */
function writerCpus(pid: number): Set<number> | undefined {
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let comm = '', status = '';
    try {
      comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'latin1').trim();
      status = fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'latin1');
    } catch { continue; } // the thread ended meanwhile
    if (comm !== 'quarry-writer') continue;
    const cpus = new Set<number>();
    for (const r of (status.match(/^Cpus_allowed_list:\s*(\S+)/m) ?? ['', ''])[1].split(',')) {
      const [a, b] = r.split('-').map(Number);
      for (let c = a; c <= (b ?? a); c++) cpus.add(c);
    }
    return cpus;
  }
  return undefined;
}

test('live cli > -w > the writer thread keeps off the CPU a syscall flood runs on, and may use it again after', { skip: skip ?? (os.cpus().length < 2 ? 'needs 2 CPUs' : undefined) }, async () => {
  const out = tmp('place.scap');
  const cap = await startCapture(['-w', out], out);
  const pid = cap.child.pid!;
  const last = os.cpus().length - 1;
  assert.ok(writerCpus(pid)?.has(last), 'the writer may use every CPU while the machine is quiet');
  const flood = spawn('taskset', ['-c', String(last), QWORK, 'flood', '1000000'], { stdio: 'ignore' });
  let running = true;
  const ended = new Promise((r) => flood.on('close', () => { running = false; r(undefined); }));
  let keptOff = false;
  while (running) {
    if (writerCpus(pid)?.has(last) === false) keptOff = true;
    await new Promise((r) => setTimeout(r, 10));
  }
  await ended;
  let back = false;
  for (let i = 0; i < 100 && !back; i++) {
    back = !!writerCpus(pid)?.has(last);
    if (!back) await new Promise((r) => setTimeout(r, 10));
  }
  cap.child.kill('SIGINT');
  assert.equal(await cap.done, 0, cap.stderr());
  fs.rmSync(path.dirname(out), { recursive: true }); // the flood's 100 MB
  assert.ok(keptOff, `the writer was never kept off CPU ${last} during the flood`);
  assert.ok(back, `the writer may not use CPU ${last} again after the flood`);
});

test('live cli > -w -z > a gzip file that sysdig reads', { skip }, async () => {
  const { out, data } = await captureFileWorkload(['-z'], 'cap.scap.gz');
  const head = fs.readFileSync(out).subarray(0, 2);
  assert.deepEqual([...head], [0x1f, 0x8b]);
  const lines = sysdig(out, `proc.name=qwork and fd.name=${data} and evt.type=write and evt.dir=<`);
  assert.deepEqual(lines, [`qwork < write ${data} hello, quarry`]);
});

test('live cli > -n > stops after exactly N events', { skip }, async () => {
  const out = tmp('n.scap');
  const cap = await startCapture(['-w', out, '-n', '300'], out);
  spawnSync(QWORK, ['flood', '2000']);
  const code = await Promise.race([cap.done, new Promise<number>((r) => setTimeout(() => { cap.child.kill('SIGINT'); r(-2); }, 10000))]);
  assert.equal(code, 0, cap.stderr());
  assert.equal(sysdig(out, '', '%evt.num').length, 300);
});

test('live cli > -e > rotates every N events into name0, name1, ... each readable', { skip }, async () => {
  const out = tmp('rot.scap');
  const cap = await startCapture(['-w', out, '-e', '5000'], out + '0');
  spawnSync(QWORK, ['flood', '10000']);
  await new Promise((r) => setTimeout(r, 200));
  cap.child.kill('SIGINT');
  assert.equal(await cap.done, 0, cap.stderr());
  const files = fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith('rot.scap')).sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
  assert.ok(files.length >= 4, `files: ${files}`);
  assert.deepEqual(files.slice(0, 3), ['rot.scap0', 'rot.scap1', 'rot.scap2']);
  let total = 0;
  for (const f of files) {
    const n = sysdig(path.join(path.dirname(out), f), '', '%evt.num').length;
    assert.ok(n <= 5000, `${f} has ${n} events`);
    total += n;
  }
  // every file but the first and the last holds exactly 500 events (the first one 499: the event
  // that reaches the limit opens the next file, as sysdig's cycle writer does)
  for (const f of files.slice(1, -1)) assert.equal(sysdig(path.join(path.dirname(out), f), '', '%evt.num').length, 5000);
  assert.ok(total >= 20000);
});

test('live cli > -v > prints the driver summary on stderr', { skip }, async () => {
  const { stderr } = await captureFileWorkload(['-v'], 'v.scap');
  assert.match(stderr, /^Driver Events:\d+\nDriver Drops:\d+\nSuppressed by Comm:0\nElapsed time: \d+\.\d{3}, Captured Events: \d+, \d+\.\d{2} eps\n$/);
});

test('live cli > -S -z > the call counts table is the one sysdig prints for the file written', { skip }, async () => {
  const out = tmp('s.scap.gz');
  const cap = await startCapture(['-w', out, '-z', '-S'], out);
  spawnSync(QWORK, ['flood', '20000']);
  await new Promise((r) => setTimeout(r, 200));
  cap.child.kill('SIGINT');
  assert.equal(await cap.done, 0, cap.stderr());
  const r = spawnSync(SYSDIG, ['-r', out, '-S', '-q'], { encoding: 'latin1', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const ours = cap.stdout();
  assert.match(ours, /^-{22}\nEvent {11}#Calls\n-{22}\n/);
  // the flood's own calls are in it
  assert.match(ours, /^< write {11}(\d+)$/m);
  assert.ok(Number(/^< write +(\d+)$/m.exec(ours)![1]) >= 20000, ours);
  assert.equal(normalizeSummary(ours), normalizeSummary(r.stdout));
});

test('live cli > -M > stops by itself, the file spanning less than the duration', { skip }, async () => {
  const out = tmp('m.scap');
  const t0 = Date.now();
  const cap = await startCapture(['-w', out, '-M', '1'], out);
  const flood = spawn(QWORK, ['flood', '100000000'], { stdio: 'ignore' });
  try {
    const code = await Promise.race([cap.done, new Promise<number>((r) => setTimeout(() => r(-2), 20000))]);
    assert.equal(code, 0, `the capture did not stop by itself: ${cap.stderr()}`);
  } finally {
    flood.kill('SIGKILL');
    cap.child.kill('SIGKILL');
  }
  assert.ok(Date.now() - t0 < 20000);
  const ts = sysdig(out, '', '%evt.rawtime').map(BigInt);
  assert.ok(ts.length > 1000, `only ${ts.length} events`);
  const span = ts.reduce((a, b) => (b > a ? b : a)) - ts.reduce((a, b) => (b < a ? b : a));
  assert.ok(span < 1000000000n, `events span ${span} ns`);
  assert.ok(span > 500000000n, `events span only ${span} ns`);
});
