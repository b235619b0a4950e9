// SPDX-License-Identifier: Apache-2.0
// The shared sink worker: bounded queue policies, batching, retries, timeouts, drain deadline.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { Logger } from '../../../host/pipeline/log';
import { Metrics } from '../../../host/pipeline/metrics';
import { SinkWorker, WorkerOptions } from '../../../host/pipeline/worker';
import { GiveUp } from '../../../host/sinks/errors';
import { memorySink, memoryStore } from '../../../host/sinks/memory';
import { Chunk, join } from '../../../host/sinks/chunk';
import { Sink, SinkRecord } from '../../../host/sinks/types';

const quiet = new Logger('error', () => undefined);
let n = 0;

function setup(over: { buffer?: Partial<WorkerOptions['buffer']>; batch?: Partial<WorkerOptions['batch']>; retry?: Partial<WorkerOptions['retry']>; timeout?: number; concurrency?: number }, sink: { delay?: number; fail_first?: number } | Sink = {}) {
  const store = `worker-${++n}`;
  const opts: WorkerOptions = {
    buffer: { max_events: 10_000, max_bytes: 1 << 24, when_full: 'drop_newest', ...over.buffer },
    batch: { max_events: 500, max_bytes: 1 << 20, max_age: 20, ...over.batch },
    retry: { initial_backoff: 5, max_backoff: 20, max_attempts: 0, ...over.retry },
    timeout: over.timeout ?? 5000,
    concurrency: over.concurrency,
  };
  const s = 'write' in sink ? sink : memorySink.create({ store, delay: sink.delay ?? 0, fail_first: sink.fail_first ?? 0 }, undefined as never);
  const metrics = new Metrics();
  const labels = { pipeline: 'p', sink: 's', type: 'memory' };
  const w = new SinkWorker(s, opts, labels, metrics, quiet);
  const m = (name: string, extra: Record<string, string> = {}) => metrics.get(name, { ...labels, ...extra });
  return { w, metrics, m, got: () => memoryStore(store).map((r) => r.line) };
}

const recs = (from: number, to: number): SinkRecord[] => Array.from({ length: to - from }, (_, i) => ({ row: [from + i], line: String(from + i), bytes: 10 }));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => String(from + i));

test('worker > drop_newest keeps what fits and counts every drop exactly', async () => {
  const { w, m, got } = setup({ buffer: { max_events: 10 }, batch: { max_events: 5 } }, { delay: 30 });
  await w.push(recs(0, 100));
  await w.flush();
  assert.deepEqual(got(), range(0, 10));
  assert.equal(m('quarry_dropped_events_total', { stage: 'sink_queue', reason: 'queue_full' }), 90);
  assert.equal(m('quarry_sink_events_in_total'), 100);
  assert.equal(m('quarry_sink_events_out_total'), 10);
  await w.close();
});

test('worker > block makes the producer wait and loses nothing, in order', async () => {
  const { w, m, got } = setup({ buffer: { max_events: 10, when_full: 'block' }, batch: { max_events: 5 } }, { delay: 5 });
  const t0 = Date.now();
  await w.push(recs(0, 100));
  assert.ok(Date.now() - t0 >= 5 * 15, 'push waited for room');
  await w.flush();
  assert.deepEqual(got(), range(0, 100));
  assert.equal(m('quarry_dropped_events_total'), 0);
  await w.close();
});

test('worker > the byte limit bounds the queue as well as the count', async () => {
  const { w, m, got } = setup({ buffer: { max_bytes: 50 }, batch: { max_events: 100 } }, { delay: 30 });
  await w.push(recs(0, 20));
  await w.flush();
  assert.deepEqual(got(), range(0, 5));
  assert.equal(m('quarry_dropped_events_total', { reason: 'queue_full' }), 15);
  await w.close();
});

test('worker > retries a failed batch with backoff and delivers it once', async () => {
  const { w, m, got } = setup({}, { fail_first: 3 });
  await w.push(recs(0, 7));
  await w.flush();
  assert.deepEqual(got(), range(0, 7));
  assert.equal(m('quarry_sink_errors_total'), 3);
  assert.equal(m('quarry_sink_retries_total'), 3);
  assert.equal(m('quarry_sink_events_out_total'), 7);
  await w.close();
});

test('worker > drops and counts a batch after max_attempts', async () => {
  const { w, m, got } = setup({ retry: { max_attempts: 2 } }, { fail_first: 1000 });
  await w.push(recs(0, 4));
  await w.flush();
  assert.deepEqual(got(), []);
  assert.equal(m('quarry_dropped_events_total', { stage: 'sink_write', reason: 'retries_exhausted' }), 4);
  await w.close();
});

test('worker > a write that hangs times out and is retried', async () => {
  let calls = 0;
  const seen: string[] = [];
  const sink: Sink = {
    async write(b) { if (calls++ === 0) await new Promise((r) => setTimeout(r, 1000)); else seen.push(...b.map((r) => r.line)); },
    async flush() {}, async close() {}, counters: () => ({}),
  };
  const { w, m } = setup({ timeout: 50 }, sink);
  await w.push(recs(0, 3));
  await w.flush();
  assert.deepEqual(seen, range(0, 3));
  assert.equal(m('quarry_sink_errors_total'), 1);
  await w.close();
});

test('worker > a sink that gives up has the batch dropped with its reason', async () => {
  const sink: Sink = { async write() { throw new GiveUp('delivery_timeout', 'too late'); }, async flush() {}, async close() {}, counters: () => ({}) };
  const { w, m } = setup({}, sink);
  await w.push(recs(0, 6));
  await w.flush();
  assert.equal(m('quarry_dropped_events_total', { stage: 'sink_write', reason: 'delivery_timeout' }), 6);
  assert.equal(m('quarry_sink_retries_total'), 0);
  await w.close();
});

test('worker > batches by age when the batch does not fill', async () => {
  const { w, got, metrics } = setup({ batch: { max_events: 100, max_age: 30 } });
  await w.push(recs(0, 3));
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(got(), range(0, 3));
  assert.equal(metrics.get('quarry_sink_writes_total'), 1);
  await w.close();
});

test('worker > batches by count: 1000 events in writes of at most 100', async () => {
  const sizes: number[] = [];
  const sink: Sink = { async write(b) { sizes.push(b.length); }, async flush() {}, async close() {}, counters: () => ({}) };
  const { w } = setup({ batch: { max_events: 100, max_age: 1000 } }, sink);
  await w.push(recs(0, 1000));
  await w.flush();
  assert.equal(sizes.reduce((a, b) => a + b, 0), 1000);
  assert.ok(sizes.every((s) => s <= 100), String(sizes));
  await w.close();
});

test('worker > close drains within the deadline, counts what is left, and is idempotent', async () => {
  const { w, m, got } = setup({ batch: { max_events: 2 } }, { delay: 100 });
  await w.push(recs(0, 10));
  const t0 = Date.now();
  await Promise.all([w.close(250), w.close(250)]);
  assert.ok(Date.now() - t0 < 1500);
  const out = got().length;
  assert.ok(out >= 2 && out < 10, `delivered ${out}`);
  assert.equal(m('quarry_dropped_events_total', { stage: 'shutdown', reason: 'drain_deadline' }) + m('quarry_dropped_events_total', { stage: 'sink_write', reason: 'drain_deadline' }), 10 - out);
  await w.close();
  await w.push(recs(10, 12));
  assert.equal(m('quarry_dropped_events_total', { reason: 'closed' }), 2);
});

test('worker > concurrency writes several batches at once and still accounts for every event', async () => {
  let active = 0;
  let peak = 0;
  const seen: string[] = [];
  const sink: Sink = {
    async write(b) { active++; peak = Math.max(peak, active); await new Promise((r) => setTimeout(r, 40)); seen.push(...b.map((r) => r.line)); active--; },
    async flush() {}, async close() {}, counters: () => ({}),
  };
  const { w, m, metrics } = setup({ concurrency: 4, batch: { max_events: 10 }, buffer: { max_events: 60, when_full: 'block' } }, sink);
  await w.push(recs(0, 200));
  await w.flush();
  assert.equal(peak, 4);
  assert.deepEqual([...seen].sort(), range(0, 200).sort());
  assert.equal(m('quarry_sink_events_out_total'), 200);
  assert.equal(metrics.get('quarry_sink_queue_events'), 0);
  assert.equal(m('quarry_dropped_events_total'), 0);
  await w.close();
});

/**
 * A sink that packs (as kafka and otel do): each run of records becomes one Chunk; only records
 * whose number is odd make an item when `sparse` (as enters make no span). writePacked decodes.
 */
function packingSink(opts: { sparse?: boolean; fail_first?: number; delay?: number } = {}) {
  const writes: { events: number; lines: string[] }[] = [];
  let fails = opts.fail_first ?? 0;
  const sink: Sink = {
    async write() { throw new Error('write() is not used by a packing sink'); },
    pack(records) {
      const parts: Buffer[] = [];
      const ends: number[] = [];
      const of: number[] = [];
      let at = 0;
      records.forEach((r, i) => {
        if (opts.sparse && Number(r.line) % 2 === 0) return;
        const b = Buffer.from(r.line);
        parts.push(b); at += b.length; ends.push(at); of.push(i);
      });
      return new Chunk(new Uint8Array(Buffer.concat(parts)), Uint32Array.from(ends), opts.sparse ? Uint32Array.from(of) : undefined, records.length);
    },
    async writePacked(batch) {
      if (opts.delay) await new Promise((r) => setTimeout(r, opts.delay));
      if (fails-- > 0) throw new Error('injected failure');
      const j = join(batch as Chunk[]);
      const lines: string[] = [];
      for (let i = 0, from = 0; i < j.ends.length; from = j.ends[i++]) lines.push(Buffer.from(j.data.subarray(from, j.ends[i])).toString());
      writes.push({ events: batch.reduce((n, c) => n + c.events, 0), lines });
    },
    async flush() {}, async close() {}, counters: () => ({}),
  };
  return { sink, writes, lines: () => writes.flatMap((w) => w.lines) };
}

test('worker > a packing sink: runs are split to the batch size, nothing lost or repeated, in order', async () => {
  for (const sparse of [false, true]) {
    const p = packingSink({ sparse });
    const { w, m, metrics } = setup({ batch: { max_events: 100, max_age: 1000 }, buffer: { when_full: 'block', max_events: 250 } }, p.sink);
    for (let i = 0; i < 1000; i += 64) await w.push(recs(i, Math.min(1000, i + 64)));
    await w.flush();
    assert.deepEqual(p.lines(), range(0, 1000).filter((s) => !sparse || Number(s) % 2 === 1), `sparse ${sparse}`);
    assert.ok(p.writes.every((x) => x.events <= 100), String(p.writes.map((x) => x.events)));
    assert.ok(p.writes.filter((x) => x.events === 100).length >= 9, 'runs were split to fill batches');
    assert.equal(p.writes.reduce((n, x) => n + x.events, 0), 1000);
    assert.equal(m('quarry_sink_events_in_total'), 1000);
    assert.equal(m('quarry_sink_events_out_total'), 1000);
    assert.equal(metrics.get('quarry_sink_queue_events'), 0);
    assert.equal(metrics.get('quarry_sink_queue_bytes'), 0);
    await w.close();
  }
});

test('worker > a packing sink: drop_newest counts exact drops; a failed packed batch is retried whole', async () => {
  const p = packingSink({ delay: 30 });
  const { w, m } = setup({ buffer: { max_events: 10 }, batch: { max_events: 5 } }, p.sink);
  await w.push(recs(0, 100));
  await w.flush();
  assert.deepEqual(p.lines(), range(0, 10));
  assert.equal(m('quarry_dropped_events_total', { stage: 'sink_queue', reason: 'queue_full' }), 90);
  await w.close();

  const q = packingSink({ fail_first: 2 });
  const r = setup({}, q.sink);
  await r.w.push(recs(0, 7));
  await r.w.flush();
  assert.deepEqual(q.lines(), range(0, 7));
  assert.equal(r.m('quarry_sink_retries_total'), 2);
  assert.equal(r.m('quarry_sink_events_out_total'), 7);
  await r.w.close();
});

test('worker > a packing sink: the batch byte limit splits a large run', async () => {
  const p = packingSink();
  const big = Array.from({ length: 40 }, (_, i) => ({ row: [i], line: String(i).padStart(100, '0'), bytes: 110 }));
  const { w } = setup({ batch: { max_events: 1000, max_bytes: 1200, max_age: 1000 } }, p.sink);
  await w.push(big);
  await w.flush();
  assert.equal(p.lines().length, 40);
  assert.ok(p.writes.length >= 3, `${p.writes.length} writes`);
  assert.ok(p.writes.every((x) => x.events < 40));
  await w.close();
});

test('worker > runs the sink packed itself (pushPacked): block loses nothing, in order; drop_newest drops what does not fit, split at an event', async () => {
  for (const sparse of [false, true]) {
    const p = packingSink({ sparse, delay: 2 });
    const { w, m } = setup({ batch: { max_events: 50, max_age: 1000 }, buffer: { when_full: 'block', max_events: 120 } }, p.sink);
    for (let i = 0; i < 1000; i += 300) await w.pushPacked(p.sink.pack!(recs(i, Math.min(1000, i + 300))));
    await w.flush();
    assert.deepEqual(p.lines(), range(0, 1000).filter((s) => !sparse || Number(s) % 2 === 1), `sparse ${sparse}`);
    assert.ok(p.writes.every((x) => x.events <= 50));
    assert.equal(m('quarry_sink_events_in_total'), 1000);
    assert.equal(m('quarry_sink_events_out_total'), 1000);
    assert.equal(m('quarry_dropped_events_total'), 0);
    await w.close();
  }
  const p = packingSink({ sparse: true, delay: 30 });
  const { w, m } = setup({ buffer: { max_events: 10 }, batch: { max_events: 5 } }, p.sink);
  await w.pushPacked(p.sink.pack!(recs(0, 100)));
  await w.flush();
  assert.deepEqual(p.lines(), range(0, 10).filter((s) => Number(s) % 2 === 1));
  assert.equal(m('quarry_dropped_events_total', { stage: 'sink_queue', reason: 'queue_full' }), 90);
  assert.equal(m('quarry_sink_events_in_total'), 100);
  await w.close();
});
