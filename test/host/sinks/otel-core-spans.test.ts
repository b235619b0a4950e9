// SPDX-License-Identifier: Apache-2.0
// Spans made in the core (Query.spans, assembly/format/spans.ts) against the otel sink's row path
// over every real capture: the same spans, byte for byte after their random ids (parents compared
// by what they encode), and the same counters, for each grouping, a threshold and sampling.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'path';
import { openFileCapture } from '../../../host/core/capture';
import { Chunk, join } from '../../../host/sinks/chunk';
import { OtelConfig } from '../../../host/sinks/otel';
import { OtelSpanSink, SPAN_FIELDS, spanSpec } from '../../../host/sinks/otel/spans';
import { SinkRecord } from '../../../host/sinks/types';
import { traceFiles, tracesMissing, TRACES_SKIP } from '../../util/run';
import { config, quiet } from '../events';

async function otelConfig(spans: string): Promise<OtelConfig> {
  // nothing listens on port 1: the parent spans close() sends fail, as they may
  const c = await config(`
sources: { s: { type: synthetic } }
pipelines: { p: { sinks: { t: { type: otel, endpoint: "http://127.0.0.1:1", export_timeout: 1s, spans: ${spans} } } } }
`);
  return c.pipelines.p.sinks.t as unknown as OtelConfig;
}

const sinkOf = (cfg: OtelConfig, fields: readonly string[]) => {
  const index = new Map(fields.map((f, i) => [f, i]));
  return new OtelSpanSink(cfg, { pipeline: 'p', name: 't', fields, log: quiet, field: (row, f) => (index.has(f) ? row[index.get(f)!] ?? null : null) });
};

/** The spans of the chunks: each without its ids (trace, span, parent), its parent's in their place. */
function spansOf(chunks: Chunk[]): string[] {
  const { data, ends } = join(chunks);
  const all: { span: string; parent?: string; body: string }[] = [];
  for (let i = 0, from = 0; i < ends.length; from = ends[i++]) {
    const s = Buffer.from(data.subarray(from, ends[i]));
    assert.equal(s[0], 0x0a); assert.equal(s[18], 0x12);
    const span = s.toString('hex', 20, 28);
    const parent = s[28] === 0x22 ? s.toString('hex', 30, 38) : undefined;
    all.push({ span, parent, body: s.toString('hex', parent ? 38 : 28) });
  }
  const bodies = new Map(all.map((s) => [s.span, s.body]));
  return all.map((s) => (s.parent ? `${s.body} under ${bodies.get(s.parent)}` : s.body)).sort();
}

async function viaRows(file: string, cfg: OtelConfig) {
  const sink = sinkOf(cfg, SPAN_FIELDS);
  const chunks: Chunk[] = [];
  await (await openFileCapture(file)).run([{ fields: [...SPAN_FIELDS] }], (_q, rows) => {
    const records: SinkRecord[] = rows.map((row) => ({ row, line: '', bytes: 32 }));
    chunks.push(sink.pack!(records) as Chunk);
  });
  return { sink, chunks };
}

async function viaCore(file: string, cfg: OtelConfig) {
  const sink = sinkOf(cfg, []);
  const chunks: Chunk[] = [];
  let events = 0;
  await (await openFileCapture(file)).run([{ fields: [], spans: spanSpec(cfg) }], (_q, rows, _lines, spans) => {
    assert.equal(rows.length, 0);
    assert.ok(spans, 'a span batch for every batch');
    const c = sink.packSpans(spans);
    events += c.events;
    chunks.push(c);
  });
  return { sink, chunks, events };
}

const CONFIGS = ['{}', '{ group: process }', '{ group: container, min_latency: 20us, sample_ratio: 0.5 }', '{ group: process, enter_ttl: 1ms, group_idle: 2ms }'];

for (const spans of CONFIGS) {
  test(`sinks > otel > spans made in the core equal the row path's over every real capture, spans: ${spans}`, async (t) => {
    if (tracesMissing) return t.skip(TRACES_SKIP);
    const cfg = await otelConfig(spans);
    assert.ok(spanSpec(cfg));
    let total = 0;
    for (const file of traceFiles()) {
      const rows = await viaRows(file, cfg);
      const core = await viaCore(file, cfg);
      assert.equal(core.events, rows.chunks.reduce((n, c) => n + c.events, 0), `${path.basename(file)}: events`);
      const want = spansOf(rows.chunks);
      const got = spansOf(core.chunks);
      assert.equal(got.length, want.length, `${path.basename(file)}: spans`);
      assert.deepEqual(got, want, path.basename(file));
      // parents still open at close are sent (and fail here) on close; the counters include them
      await rows.sink.close();
      await core.sink.close();
      assert.deepEqual(core.sink.counters(), rows.sink.counters(), `${path.basename(file)}: counters`);
      total += want.length;
    }
    assert.ok(total > 500, `${total} spans`);
  });
}

test('sinks > otel > http/json takes rows (the official exporter), protobuf and grpc take spans from the core', async () => {
  const base = await otelConfig('{}');
  assert.equal(spanSpec({ ...base, protocol: 'http/json' }), undefined);
  assert.equal(spanSpec({ ...base, mode: 'metrics' }), undefined);
  assert.equal(spanSpec({ ...base, protocol: 'grpc' })?.group, 'none');
});
