// SPDX-License-Identifier: Apache-2.0
// The file sink: rotation by size and age under load keeps every event exactly once and in order,
// retention, gzip, and reopen after an external rotation.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { test } from 'node:test';
import { Metrics } from '../../../host/pipeline/metrics';
import { SinkWorker, WorkerOptions } from '../../../host/pipeline/worker';
import { FileConfig, fileSink, rotatedFiles } from '../../../host/sinks/file';
import { RawLineRecord, SinkRecord } from '../../../host/sinks/types';
import { quiet, records, runToEnd } from '../events';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-file-'));

/** Every line of the rotated files (oldest first, gunzipped) and then of the live file. */
function readAll(base: string): string[] {
  const parts = rotatedFiles(base).map((f) => (f.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(f)) : fs.readFileSync(f)).toString('utf8'));
  if (fs.existsSync(base)) parts.push(fs.readFileSync(base, 'utf8'));
  return parts.join('').split('\n').filter(Boolean);
}

const WORKER: WorkerOptions = {
  buffer: { max_events: 100_000, max_bytes: 1 << 26, when_full: 'block' },
  batch: { max_events: 257, max_bytes: 1 << 20, max_age: 5 },
  retry: { initial_backoff: 5, max_backoff: 50, max_attempts: 0 },
  timeout: 5000,
};

test('sinks > file > rotation by size under load keeps every event exactly once, in order (gzip on)', async () => {
  const base = path.join(dir, 'load', 'events.jsonl');
  const cfg: FileConfig = { path: base, rotate: { max_size: 64 * 1024, max_age: 0, max_files: 1000, gzip: true } };
  const { records: recs, ctx } = records(20_000);
  const sink = fileSink.create(cfg, ctx('f'));
  const w = new SinkWorker(sink, WORKER, { pipeline: 'p', sink: 'f', type: 'file' }, new Metrics(), quiet);
  for (let i = 0; i < recs.length; i += 500) await w.push(recs.slice(i, i + 500));
  await w.close();
  const rotated = rotatedFiles(base);
  assert.ok(rotated.length >= 20, `rotated ${rotated.length} times`);
  assert.ok(rotated.every((f) => f.endsWith('.gz')), 'every rotated file is gzipped');
  for (const f of rotated) assert.ok(zlib.gunzipSync(fs.readFileSync(f)).length <= 64 * 1024, `${f} within max_size`);
  assert.deepEqual(readAll(base), recs.map((r) => r.line));
  assert.equal(sink.counters().rotations, rotated.length);
});

test('sinks > file > a batch retried after a failed write resumes without duplicating lines', async () => {
  const base = path.join(dir, 'resume', 'events.log');
  const { records: recs, ctx } = records(10);
  const sink = fileSink.create({ path: base, rotate: { max_size: 0, max_age: 0, max_files: 5, gzip: false } }, ctx('f'));
  const lines = recs.map((r) => r.line);
  let failAt = 4;
  const flaky: SinkRecord[] = new Proxy(recs, {
    get(target, prop, recv) {
      if (prop === String(failAt)) { failAt = -1; throw new Error('disk hiccup'); }
      return Reflect.get(target, prop, recv);
    },
  });
  await assert.rejects(sink.write(flaky));
  await sink.write(flaky);
  await sink.close();
  assert.deepEqual(readAll(base), lines);
});

test('sinks > file > rotation by age, and max_files keeps only the newest files', async () => {
  const base = path.join(dir, 'age', 'events.log');
  const { records: recs, ctx } = records(12);
  const sink = fileSink.create({ path: base, rotate: { max_size: 0, max_age: 20, max_files: 3, gzip: false } }, ctx('f'));
  for (let i = 0; i < recs.length; i += 2) {
    await sink.write(recs.slice(i, i + 2));
    await new Promise((r) => setTimeout(r, 30));
  }
  await sink.close();
  const rotated = rotatedFiles(base);
  assert.equal(rotated.length, 3);
  assert.deepEqual(rotated.map((f) => path.basename(f)), ['events.log.000003', 'events.log.000004', 'events.log.000005']);
  assert.deepEqual(readAll(base), recs.slice(4).map((r) => r.line), "writes 3-5 in the kept files, write 6 in the live one");
});

test('sinks > file > reopen() after an external rename starts a new file by the same name', async () => {
  const base = path.join(dir, 'reopen', 'events.log');
  const { records: recs, ctx } = records(4);
  const sink = fileSink.create({ path: base, rotate: { max_size: 0, max_age: 0, max_files: 5, gzip: false } }, ctx('f'));
  await sink.write(recs.slice(0, 2));
  fs.renameSync(base, base + '.logrotate');
  (sink as unknown as { reopen(): void }).reopen();
  await sink.write(recs.slice(2));
  await sink.close();
  assert.deepEqual(fs.readFileSync(base + '.logrotate', 'utf8').split('\n').filter(Boolean), recs.slice(0, 2).map((r) => r.line));
  assert.deepEqual(fs.readFileSync(base, 'utf8').split('\n').filter(Boolean), recs.slice(2).map((r) => r.line));
  assert.equal(sink.counters().reopens, 1);
});

test('sinks > file > a pipeline writes exactly the events its filter selects', async () => {
  const base = path.join(dir, 'pipeline', 'reads.txt');
  const metrics = await runToEnd(`
sources: { s: { type: synthetic, count: 5000, rate: 0, seed: 3 } }
pipelines:
  reads:
    filter: evt.type = read and evt.dir = <
    output: { format: template, template: "%evt.num %proc.name %evt.type %evt.res" }
    sinks:
      f: { type: file, path: ${base}, buffer: { when_full: block }, rotate: { max_size: 8KiB, max_files: 1000 } }
`);
  const lines = readAll(base);
  assert.equal(lines.length, metrics.get('quarry_pipeline_events_total', { pipeline: 'reads' }));
  assert.ok(lines.length > 100);
  for (const l of lines) assert.match(l, /^\d+ \S+ read (SUCCESS|E[A-Z]+)$/);
  const nums = lines.map((l) => Number(l.split(' ')[0]));
  assert.deepEqual(nums, [...nums].sort((a, b) => a - b));
});

test('sinks > file > lines a source rendered as bytes (multi-byte UTF-8 included) are written as they are, rotation by size kept exact', async () => {
  const base = path.join(dir, 'raw', 'events.jsonl');
  const cfg: FileConfig = { path: base, rotate: { max_size: 4096, max_age: 0, max_files: 1000, gzip: false } };
  const { records: recs, ctx } = records(2000);
  // the lines as one buffer, the way the core hands a batch over: each record points into it
  const lines = recs.map((r, i) => `${r.line} é✓😀 ${i}`);
  const data = Buffer.from(lines.join(''), 'utf8');
  let at = 0;
  const raw = lines.map((l, i) => { const n = Buffer.byteLength(l); const r = new RawLineRecord(recs[i].row, data, at, at + n); at += n; return r; });
  const sink = fileSink.create(cfg, ctx('f'));
  // batches well under max_size (a batch written to an empty file is never split)
  const w = new SinkWorker(sink, { ...WORKER, batch: { ...WORKER.batch, max_events: 10 } }, { pipeline: 'p', sink: 'f', type: 'file' }, new Metrics(), quiet);
  for (let i = 0; i < raw.length; i += 300) await w.push(raw.slice(i, i + 300));
  await w.close();
  const rotated = rotatedFiles(base);
  assert.ok(rotated.length >= data.length / 4096, `rotated ${rotated.length} times`);
  for (const f of rotated) assert.ok(fs.statSync(f).size <= 4096, `${f} within max_size`);
  assert.deepEqual(readAll(base), lines);
  assert.equal(raw[7].line, lines[7]);
  assert.equal(sink.counters().bytes, data.length + lines.length);
});
