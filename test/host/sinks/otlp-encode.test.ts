// SPDX-License-Identifier: Apache-2.0
// The otel sink's own OTLP protobuf encoder (host/sinks/otel/otlp-encode.ts) against the official
// serialiser (@opentelemetry/otlp-transformer, what the OTLP exporters send): the same spans, both
// encodings decoded by a small schema-aware protobuf reader, must give the same request. The real
// collector receiving our encoding is tested in otel.test.ts.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Packer } from '../../../host/sinks/chunk';
import { Attributes, Status, TraceRequest, encodeSpan } from '../../../host/sinks/otel/otlp-encode';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');

type Kind = 'msg' | 'str' | 'bytes' | 'varint' | 'fixed64' | 'fixed32' | 'double';
// Field number -> [name, kind, message schema] for the messages an ExportTraceServiceRequest holds.
type Schema = Record<number, [string, Kind, Schema?]>;
const ANY: Schema = { 1: ['string_value', 'str'], 2: ['bool_value', 'varint'], 3: ['int_value', 'varint'], 4: ['double_value', 'double'] };
const KV: Schema = { 1: ['key', 'str'], 2: ['value', 'msg', ANY] };
const SPAN: Schema = {
  1: ['trace_id', 'bytes'], 2: ['span_id', 'bytes'], 3: ['trace_state', 'str'], 4: ['parent_span_id', 'bytes'], 5: ['name', 'str'], 6: ['kind', 'varint'],
  7: ['start', 'fixed64'], 8: ['end', 'fixed64'], 9: ['attributes', 'msg', KV], 10: ['dropped_attributes', 'varint'], 11: ['events', 'msg', {}],
  12: ['dropped_events', 'varint'], 13: ['links', 'msg', {}], 14: ['dropped_links', 'varint'], 15: ['status', 'msg', { 2: ['message', 'str'], 3: ['code', 'varint'] }], 16: ['flags', 'fixed32'],
};
const REQUEST: Schema = {
  1: ['resource_spans', 'msg', {
    1: ['resource', 'msg', { 1: ['attributes', 'msg', KV], 2: ['dropped_attributes', 'varint'] }],
    2: ['scope_spans', 'msg', { 1: ['scope', 'msg', { 1: ['name', 'str'], 2: ['version', 'str'], 3: ['attributes', 'msg', KV], 4: ['dropped', 'varint'] }], 2: ['spans', 'msg', SPAN], 3: ['schema_url', 'str'] }],
    3: ['schema_url', 'str'],
  }],
};

/** Decodes `b` with `schema` into { name: [values] }, leaving out proto3 defaults (0, '', empty bytes) so both encoders compare. */
function decode(b: Uint8Array, schema: Schema): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  let pos = 0;
  const varint = (): bigint => { let v = 0n; let s = 0n; for (;;) { const x = b[pos++]; v |= BigInt(x & 0x7f) << s; s += 7n; if (x < 0x80) return v; } };
  while (pos < b.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    const f = schema[field];
    assert.ok(f, `unknown field ${field} (wire type ${wire})`);
    const [name, kind, sub] = f;
    let v: unknown;
    if (wire === 0) { assert.equal(kind, 'varint', name); v = BigInt.asIntN(64, varint()); if (v === 0n) continue; }
    else if (wire === 1) { const dv = new DataView(b.buffer, b.byteOffset + pos, 8); v = kind === 'double' ? dv.getFloat64(0, true) : dv.getBigUint64(0, true); pos += 8; }
    else if (wire === 5) { assert.equal(kind, 'fixed32', name); v = new DataView(b.buffer, b.byteOffset + pos, 4).getUint32(0, true); pos += 4; }
    else if (wire === 2) {
      const n = Number(varint());
      const body = b.subarray(pos, pos + n);
      pos += n;
      if (kind === 'msg') v = decode(body, sub!);
      else if (kind === 'str') { v = Buffer.from(body).toString('utf8'); if (v === '') continue; }
      else { v = Buffer.from(body).toString('hex'); if (v === '') continue; }
    } else assert.fail(`wire type ${wire}`);
    (out[name] ??= []).push(v);
  }
  assert.equal(pos, b.length, 'no trailing bytes');
  return out;
}

const resource = resourceFromAttributes({ 'service.name': 'encode-test' });
const scope = { name: 'quarry.syscalls' };
const hex = (n: number, seed: number) => Array.from({ length: n }, (_, i) => ((seed * 31 + i * 17 + 1) % 256).toString(16).padStart(2, '0')).join('');

interface Case { name: string; trace: string; span: string; parent?: string; start: bigint; end: bigint; attributes: Attributes; status: Status }

function official(c: Case): ReadableSpan {
  const hr = (ns: bigint): [number, number] => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
  const ctx = (spanId: string) => ({ traceId: c.trace, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: false });
  return {
    name: c.name, kind: SpanKind.INTERNAL, spanContext: () => ctx(c.span), parentSpanContext: c.parent ? ctx(c.parent) : undefined,
    startTime: hr(c.start), endTime: hr(c.end), duration: hr(c.end - c.start), status: c.status, attributes: c.attributes,
    links: [], events: [], ended: true, resource, instrumentationScope: scope, droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0,
  };
}

function cases(): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < 40; i++) {
    const failed = i % 5 === 0;
    const attributes: Attributes = {
      'process.executable.name': i % 3 ? 'nginx' : 'pöstgres-ключ', 'process.pid': 1000 + i, 'thread.id': 1000 + i * 7,
      'syscall.result': failed ? -2 - i : i * 1000 ** (i % 4),
    };
    if (i % 2) attributes['fd.name'] = `/var/lib/${'x'.repeat(i * 9)}`; // up to 350 bytes: lengths over one varint byte
    if (failed) attributes['syscall.errno'] = 'ENOENT';
    if (i === 7) attributes['ratio'] = 0.25;
    out.push({
      name: ['read', 'write', 'openat', `process nginx (${i})`][i % 4], trace: hex(16, i % 6), span: hex(8, i + 100), parent: i % 4 === 1 ? hex(8, 7) : undefined,
      start: 1_700_000_000_123_456_789n + BigInt(i) * 1_000_003n, end: 1_700_000_000_123_456_789n + BigInt(i) * 1_000_003n + BigInt(i * i * 997),
      attributes, status: failed ? { code: SpanStatusCode.ERROR, message: 'ENOENT' } : { code: SpanStatusCode.UNSET },
    });
  }
  return out;
}

test('sinks > otlp encode > a batch of spans encodes as the official serialiser encodes it', () => {
  const all = cases();
  const p = new Packer(16); // small on purpose: exercises growth and length moves
  const ends: number[] = [];
  for (const c of all) {
    encodeSpan(p, c.name, Buffer.from(c.trace, 'hex'), Buffer.from(c.span, 'hex'), c.parent ? Buffer.from(c.parent, 'hex') : undefined, c.start, c.end, c.attributes, c.status);
    ends.push(p.pos);
  }
  const ours = new TraceRequest('encode-test', 'quarry.syscalls').build(p.take(), Uint32Array.from(ends));
  const theirs: Uint8Array = ProtobufTraceSerializer.serializeRequest(all.map(official));
  const a = decode(ours, REQUEST);
  const b = decode(theirs, REQUEST);
  assert.deepEqual(a, b);
  // The comparison saw what matters (not two empty trees).
  const spans = (a.resource_spans[0] as any).scope_spans[0].spans as any[];
  assert.equal(spans.length, 40);
  assert.equal(spans[5].status[0].code[0], 2n);
  assert.equal(spans[5].attributes.find((kv: any) => kv.key[0] === 'syscall.result').value[0].int_value[0], -7n);
  assert.equal(spans[1].parent_span_id[0], hex(8, 7));
  assert.equal(spans[39].attributes.find((kv: any) => kv.key[0] === 'fd.name').value[0].string_value[0].length, 9 + 39 * 9);
  assert.equal(spans[0].start[0], 1_700_000_000_123_456_789n);
});

test('sinks > otlp encode > an empty batch and a lone span make valid requests', () => {
  const r = new TraceRequest('s', 'quarry.syscalls');
  const empty = decode(r.build(new Uint8Array(0), new Uint32Array(0)), REQUEST) as any;
  assert.equal(empty.resource_spans.length, 1);
  assert.equal(empty.resource_spans[0].scope_spans[0].spans, undefined, 'no spans');
  const c = cases()[1];
  const p = new Packer(8);
  encodeSpan(p, c.name, Buffer.from(c.trace, 'hex'), Buffer.from(c.span, 'hex'), undefined, c.start, c.end, {}, { code: 0 });
  const got = decode(r.build(p.take(), Uint32Array.of(p.pos)), REQUEST);
  const lone = official({ ...c, parent: undefined, attributes: {}, status: { code: 0 } });
  const theirs = decode(ProtobufTraceSerializer.serializeRequest([{ ...lone, resource: resourceFromAttributes({ 'service.name': 's' }) }]), REQUEST);
  assert.deepEqual(got, theirs);
});
