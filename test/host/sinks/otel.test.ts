// SPDX-License-Identifier: Apache-2.0
// The otel sink against a real OpenTelemetry Collector (test/services/otel): spans read back with
// names, start/end equal to the enter/exit timestamps, attributes and error status, over every
// protocol; grouping, thresholds, unpaired enters; and latency histograms in metrics mode.
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { SinkRecord } from '../../../host/sinks/types';
import { memoryStore } from '../../../host/sinks/memory';
import { Metrics } from '../../../host/pipeline/metrics';
import { PipelineRunner } from '../../../host/pipeline/runner';
import { config, quiet, runToEnd } from '../events';
import { service, startService, until } from '../services';
import * as path from 'path';
import { tracesDir, tracesMissing, TRACES_SKIP } from '../../util/run';
import { NOT_SYSCALL } from '../../../host/sinks/otel/spans';
import { EVENTS } from '../../../host/filter/events';

const run = Date.now().toString(36);
let skip: string | undefined;
before(() => { skip = startService('otel'); });

interface SpanOut { traceId: string; spanId: string; parentSpanId: string; name: string; startTimeUnixNano: string; endTimeUnixNano: string; attributes: Record<string, string | number>; status: { code?: number; message?: string }; service: string }

async function spansOf(serviceName: string, want: number): Promise<SpanOut[]> {
  const read = () => service('otel', 'spans', serviceName).split('\n').filter(Boolean).map((l) => JSON.parse(l) as SpanOut).filter((s) => s.service === serviceName);
  await until(() => read().length >= want, 10_000, 200);
  return read();
}

const FIELDS = ['evt.num', 'evt.rawtime', 'evt.latency', 'evt.type', 'evt.dir', 'evt.res', 'evt.rawres', 'evt.failed', 'proc.name', 'proc.pid', 'thread.tid', 'fd.name', 'container.id'];

/** Runs synthetic events into an otel sink and, alongside, a memory sink that keeps the same events. */
async function pipe(name: string, otel: string, source = 'count: 2000, seed: 21') {
  const store = `otel-${name}-${run}`;
  const metrics = await runToEnd(`
sources: { s: { ${source.startsWith('type:') ? source : `type: synthetic, rate: 0, ${source}`} } }
pipelines:
  p:
    output: { format: json, fields: [${FIELDS.join(', ')}] }
    sinks:
      traces: { type: otel, service_name: ${name}-${run}, buffer: { when_full: block }, ${otel} }
      copy: { type: memory, store: ${store}, buffer: { when_full: block } }
`);
  // Rows, not the JSON lines: 64-bit times stay exact as bigints.
  // a capture-file source sends only the fields its sinks read, so read the events from the JSON lines
  // there (integers too long for a double, the times, as strings)
  const fromFile = source.startsWith('type: file');
  const events = memoryStore(store).map((r: SinkRecord) => (fromFile ? JSON.parse(r.line.replace(/:(-?\d{16,})([,}])/g, ':"$1"$2')) : Object.fromEntries(FIELDS.map((f, i) => [f, r.row[i]]))) as Record<string, any>);
  return { metrics, events, counter: (c: string) => metrics.get(`quarry_sink_${c}_total`, { sink: 'traces' }) };
}

/** Exit events with the enter they close (same thread, latest enter before it). */
function pairs(events: Record<string, any>[]) {
  const open = new Map<number, Record<string, any>>();
  const out: { enter: Record<string, any>; exit: Record<string, any> }[] = [];
  for (const e of events) {
    if (e['evt.dir'] === '>') open.set(Number(e['thread.tid']), e);
    else if (open.has(Number(e['thread.tid']))) { out.push({ enter: open.get(Number(e['thread.tid']))!, exit: e }); open.delete(Number(e['thread.tid'])); }
  }
  return out;
}

for (const protocol of ['http/protobuf', 'http/json', 'grpc']) {
  test(`sinks > otel > ${protocol} > one span per syscall with the real enter and exit times and attributes`, async (t) => {
    if (skip) return t.skip(skip);
    const endpoint = protocol === 'grpc' ? 'http://127.0.0.1:4317' : 'http://127.0.0.1:4318';
    const tag = protocol.replace('/', '-');
    const { events, counter } = await pipe(tag, `endpoint: ${endpoint}, protocol: ${protocol}`);
    const want = pairs(events);
    assert.ok(want.length > 900);
    const spans = await spansOf(`${tag}-${run}`, want.length);
    assert.equal(spans.length, want.length);
    assert.equal(counter('spans'), want.length);
    const byEnd = new Map(spans.map((s) => [`${s.endTimeUnixNano}/${s.attributes['thread.id']}`, s]));
    let failed = 0;
    for (const { enter, exit } of want) {
      const s = byEnd.get(`${exit['evt.rawtime']}/${exit['thread.tid']}`);
      assert.ok(s, `span for exit #${exit['evt.num']}`);
      assert.equal(s.name, exit['evt.type']);
      assert.equal(BigInt(s.startTimeUnixNano), BigInt(enter['evt.rawtime']), 'start = enter time');
      assert.equal(BigInt(s.startTimeUnixNano), BigInt(exit['evt.rawtime']) - BigInt(exit['evt.latency']), 'start = exit - latency');
      const attrs: Record<string, string | number> = {
        'process.executable.name': exit['proc.name'], 'process.pid': String(exit['proc.pid']), 'thread.id': String(exit['thread.tid']),
        'syscall.result': String(exit['evt.rawres']), 'container.id': exit['container.id'],
      };
      if (exit['fd.name'] !== null) attrs['fd.name'] = exit['fd.name'];
      if (exit['evt.failed']) { attrs['syscall.errno'] = exit['evt.res']; failed++; }
      assert.deepEqual(s.attributes, attrs);
      assert.deepEqual(s.status, exit['evt.failed'] ? { code: 2, message: exit['evt.res'] } : {});
      assert.equal(s.parentSpanId, '');
    }
    assert.ok(failed > 10, 'some syscalls failed and carry error status');
  });
}

test('sinks > otel > spans group under a parent per process; threshold and sampling are counted', async (t) => {
  if (skip) return t.skip(skip);
  const { events, counter } = await pipe('group', 'endpoint: "http://127.0.0.1:4318", spans: { group: process, min_latency: 5us, sample_ratio: 0.5 }');
  const all = pairs(events);
  const slow = all.filter((p) => p.exit['evt.latency'] >= 5000n);
  const kept = counter('spans') - counter('parent_spans');
  assert.equal(counter('below_threshold'), all.length - slow.length);
  assert.equal(kept + counter('sampled_out'), slow.length);
  assert.ok(kept > slow.length * 0.3 && kept < slow.length * 0.7, `sampled about half: ${kept}/${slow.length}`);
  const spans = await spansOf(`group-${run}`, counter('spans'));
  const parents = spans.filter((s) => s.name.startsWith('process '));
  assert.equal(parents.length, new Set(slow.map((p) => String(p.exit['proc.pid']))).size);
  const byId = new Map(parents.map((p) => [p.spanId, p]));
  for (const s of spans.filter((x) => !x.name.startsWith('process '))) {
    const parent = byId.get(s.parentSpanId);
    assert.ok(parent, 'each syscall span has its process as parent');
    assert.equal(parent.traceId, s.traceId);
    assert.equal(parent.attributes['process.pid'], s.attributes['process.pid']);
    assert.ok(BigInt(parent.startTimeUnixNano) <= BigInt(s.startTimeUnixNano) && BigInt(s.endTimeUnixNano) <= BigInt(parent.endTimeUnixNano));
  }
});

test('sinks > otel > enters whose exit never comes expire and are counted', async (t) => {
  if (skip) return t.skip(skip);
  const { events, counter } = await pipe('lost', 'endpoint: "http://127.0.0.1:4318"', 'count: 3000, seed: 22, lost_exit_ratio: 0.2');
  const enters = events.filter((e) => e['evt.dir'] === '>').length;
  const paired = pairs(events).length;
  assert.ok(enters - paired > 50);
  assert.equal(counter('unpaired_enters_expired'), enters - paired);
  assert.equal(counter('spans'), paired);
  assert.equal((await spansOf(`lost-${run}`, paired)).length, paired);
});

test('sinks > otel > a real capture: scheduler, process-exit and other non-syscall events open no span and are not counted as unpaired', async (t) => {
  if (skip) return t.skip(skip);
  if (tracesMissing) return t.skip(TRACES_SKIP);
  const { events, counter } = await pipe('real', 'endpoint: "http://127.0.0.1:4318"', `type: file, path: ${path.join(tracesDir, '502Error.scap')}`);
  for (const n of NOT_SYSCALL) assert.ok(EVENTS.some((e) => e.name === n), `${n} is an event of the table`);
  assert.ok(events.some((e) => e['evt.type'] === 'switch') && events.some((e) => e['evt.type'] === 'procexit'), `the capture has non-syscall events: ${events.length} ${[...new Set(events.map((e) => e['evt.type']))].slice(0, 20)}`);
  // the same pairing over the syscall events only: the latest enter of a thread and its next exit
  const syscalls = events.filter((e) => !NOT_SYSCALL.has(e['evt.type']));
  const enters = syscalls.filter((e) => e['evt.dir'] === '>').length;
  const paired = pairs(syscalls).length;
  assert.equal(counter('unpaired_enters_expired'), enters - paired);
  assert.ok(counter('unpaired_enters_expired') < enters / 50, `${counter('unpaired_enters_expired')} of ${enters} enters unpaired`);
});

test('sinks > otel > a real capture: the spans the core makes reach the collector with the exit times and attributes', async (t) => {
  if (skip) return t.skip(skip);
  if (tracesMissing) return t.skip(TRACES_SKIP);
  const { events, counter } = await pipe('core', 'endpoint: "http://127.0.0.1:4317", protocol: grpc', `type: file, path: ${path.join(tracesDir, 'curl_google.scap')}`);
  const syscalls = events.filter((e) => !NOT_SYSCALL.has(e['evt.type']));
  const want = pairs(syscalls);
  assert.ok(want.length > 100);
  assert.equal(counter('export_errors'), 0);
  const spans = await spansOf(`core-${run}`, counter('spans'));
  assert.equal(spans.length, counter('spans'));
  const byEnd = new Map(spans.map((s) => [`${s.endTimeUnixNano}/${s.attributes['thread.id']}`, s]));
  for (const { enter, exit } of want) {
    const s = byEnd.get(`${exit['evt.rawtime']}/${exit['thread.tid']}`);
    assert.ok(s, `span for exit #${exit['evt.num']}`);
    assert.equal(s.name, exit['evt.type']);
    assert.equal(BigInt(s.startTimeUnixNano), BigInt(enter['evt.rawtime']), 'start = enter time');
    const attrs: Record<string, string | number> = {
      'process.executable.name': exit['proc.name'], 'process.pid': String(exit['proc.pid']), 'thread.id': String(exit['thread.tid']),
      'syscall.result': String(exit['evt.rawres'] ?? 0), // a missing result is 0
    };
    if (exit['fd.name'] !== null) attrs['fd.name'] = exit['fd.name'];
    if (exit['container.id'] !== null) attrs['container.id'] = exit['container.id'];
    if (exit['evt.failed']) attrs['syscall.errno'] = exit['evt.res'];
    assert.deepEqual(s.attributes, attrs);
    assert.deepEqual(s.status, exit['evt.failed'] ? { code: 2, message: exit['evt.res'] } : {});
  }
});

test('sinks > otel > metrics mode exports a syscall latency histogram', async (t) => {
  if (skip) return t.skip(skip);
  const { events, counter } = await pipe('hist', 'endpoint: "http://127.0.0.1:4318", mode: metrics, metrics: { export_interval: 500ms }');
  const exits = events.filter((e) => e['evt.dir'] === '<');
  assert.equal(counter('observations'), exits.length);
  const read = () => service('otel', 'metrics').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((m) => m.name === 'syscall.latency');
  await until(() => read().reduce((n, m) => n + Number(m.count), 0) >= exits.length, 10_000, 200);
  // Cumulative temporality: the last export per attribute set holds the totals.
  const last = new Map<string, any>();
  for (const m of read()) last.set(JSON.stringify(m.attributes), m);
  const mine = [...last.values()].filter((m) => exits.some((e) => e['proc.name'] === m.attributes['process.executable.name']));
  assert.ok(mine.length > 0);
  assert.equal(mine[0].unit, 's');
  const reads = exits.filter((e) => e['evt.type'] === 'read' && e['proc.name'] === 'nginx' && !e['evt.failed']).length;
  const pt = [...last.values()].find((m) => m.attributes.syscall === 'read' && m.attributes['process.executable.name'] === 'nginx' && m.attributes.failed === false);
  assert.ok(pt);
  assert.ok(Number(pt.count) >= reads, 'the histogram counts every nginx read');
});

test('sinks > otel > export errors are counted, retried, and dropped with a reason after max_attempts', async () => {
  const metrics = await runToEnd(`
sources: { s: { type: synthetic, rate: 0, count: 300, seed: 23 } }
pipelines:
  p:
    sinks:
      traces: { type: otel, endpoint: "http://127.0.0.1:1", export_timeout: 2s, retry: { initial_backoff: 20ms, max_attempts: 3 }, buffer: { when_full: block } }
`);
  const c = (n: string) => metrics.get(`quarry_sink_${n}_total`, { sink: 'traces' });
  assert.ok(c('export_errors') >= 3);
  assert.equal(c('errors'), c('export_errors'));
  assert.equal(c('events_out'), 0);
  assert.equal(metrics.get('quarry_dropped_events_total', { sink: 'traces', stage: 'sink_write', reason: 'retries_exhausted' }), 300);
});

for (const protocol of ['http/protobuf', 'grpc']) {
  test(`sinks > otel > ${protocol} > stopping mid-stream drains the queued spans through the sink thread`, async (t) => {
    if (skip) return t.skip(skip);
    const name = `stop-${protocol.replace('/', '-')}-${run}`;
    const metrics = new Metrics();
    const runner = new PipelineRunner(await config(`
service: { drain_timeout: 30s }
sources: { s: { type: synthetic, count: 1000000, rate: 20000, seed: 24 } }
pipelines:
  p:
    sinks:
      traces: { type: otel, endpoint: "http://127.0.0.1:${protocol === 'grpc' ? 4317 : 4318}", protocol: ${protocol}, service_name: ${name}, buffer: { when_full: block, max_events: 100000 }, batch: { max_events: 50000, max_age: 1h } }
`), metrics, quiet);
    const done = runner.start();
    await until(() => metrics.get('quarry_sink_queue_events') >= 3000, 20_000);
    const queuedAtStop = metrics.get('quarry_sink_queue_events');
    await runner.stop();
    assert.equal(await done, false);
    const selected = metrics.get('quarry_pipeline_events_total', { pipeline: 'p' });
    const c = (n: string) => metrics.get(`quarry_sink_${n}_total`, { sink: 'traces' });
    assert.ok(queuedAtStop >= 3000, `queued ${queuedAtStop} at the stop`);
    assert.equal(metrics.get('quarry_dropped_events_total'), 0);
    assert.equal(c('events_out'), selected, 'the queue was drained');
    assert.ok(c('spans') > 1000);
    assert.equal((await spansOf(name, c('spans'))).length, c('spans'), 'every span counted reached the collector');
  });
}
