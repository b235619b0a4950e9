// SPDX-License-Identifier: Apache-2.0
// OTLP trace protobuf written directly (opentelemetry-proto, trace/v1 and collector/trace/v1): each
// span is encoded once, when its events are queued, as a `Span` message; a batch of them becomes an
// ExportTraceServiceRequest with one ResourceSpans (service.name) and one ScopeSpans. Only the
// fields the otel sink sets are written; proto3 defaults are left out. The official serialiser
// (used for http/json) built an object tree per span and was the sink's largest cost.
import { Packer } from '../chunk';

export type Attributes = Record<string, string | number>;
export interface Status { code: number; message?: string }

// Span flags (trace.proto): W3C trace flags in the low byte; bit 8 says whether the parent is
// remote is known (it is: none of ours is), as the official exporter writes them.
const FLAGS = 0x01 | 0x100;

/** Attribute keys are few and constant: each one's KeyValue.key field (tag, length, UTF-8) is encoded once. */
const keyFields = new Map<string, Buffer>();
function keyField(key: string): Buffer {
  let b = keyFields.get(key);
  if (!b) {
    const p = new Packer(key.length * 3 + 8);
    p.strField(0x0a, key);
    b = Buffer.from(p.take());
    if (keyFields.size < 4096) keyFields.set(key, b);
  }
  return b;
}

/** Copies `n` bytes of `src` to `p` (short copies without a view or a native call). */
function copy(p: Packer, src: Uint8Array, n: number): void {
  const b = p.buf;
  let at = p.pos;
  for (let i = 0; i < n; i++) b[at++] = src[i];
  p.pos = at;
}

/** Starts a Span message (without its own tag and length) in `p`: its ids, the fields before its name. */
export function encodeSpanIds(p: Packer, traceId: Uint8Array, spanId: Uint8Array, parentSpanId: Uint8Array | undefined): void {
  p.reserve(80);
  const b = p.buf;
  b[p.pos++] = 0x0a; b[p.pos++] = 16; copy(p, traceId, 16); // 1: trace_id
  b[p.pos++] = 0x12; b[p.pos++] = 8; copy(p, spanId, 8); // 2: span_id
  if (parentSpanId) { b[p.pos++] = 0x22; b[p.pos++] = 8; copy(p, parentSpanId, 8); } // 4: parent_span_id
}

/** Appends one Span message (without its own tag and length) to `p`. The core writes the fields
 *  from the name on the same way for spans it makes (assembly/format/spans.ts). */
export function encodeSpan(p: Packer, name: string, traceId: Uint8Array, spanId: Uint8Array, parentSpanId: Uint8Array | undefined,
  startNs: bigint, endNs: bigint, attributes: Attributes, status: Status): void {
  encodeSpanIds(p, traceId, spanId, parentSpanId);
  p.strField(0x2a, name); // 5: name
  p.u8(0x30); p.u8(1); // 6: kind = SPAN_KIND_INTERNAL
  p.u8(0x39); p.fixed64(startNs); // 7: start_time_unix_nano
  p.u8(0x41); p.fixed64(endNs); // 8: end_time_unix_nano
  for (const key in attributes) { // 9: attributes (KeyValue)
    const kv = p.beginLen(0x4a);
    const k = keyField(key);
    p.reserve(k.length);
    copy(p, k, k.length);
    const v = attributes[key];
    const any = p.beginLen(0x12); // AnyValue
    if (typeof v === 'string') p.strField(0x0a, v); // string_value
    else if (Number.isInteger(v)) { p.u8(0x18); if (v >= 0) p.varint(v); else p.varint64(BigInt(v)); } // int_value
    else { p.u8(0x21); p.f64(v); } // double_value
    p.endLen(any);
    p.endLen(kv);
  }
  const st = p.beginLen(0x7a); // 15: status
  if (status.message) p.strField(0x12, status.message);
  if (status.code) { p.u8(0x18); p.varint(status.code); }
  p.endLen(st);
  p.reserve(6);
  p.u8(0x85); p.u8(0x01); p.u32(FLAGS); // 16: flags (fixed32)
}

const varSize = (n: number): number => { let s = 1; while (n >= 0x80) { n = Math.floor(n / 128); s++; } return s; };

/** Builds ExportTraceServiceRequest bodies around encoded spans for one resource and scope. */
export class TraceRequest {
  /** ResourceSpans field 1 (Resource) and ScopeSpans field 1 (InstrumentationScope), tag and length included. */
  private readonly resource: Uint8Array;
  private readonly scope: Uint8Array;

  constructor(serviceName: string, scopeName: string) {
    const p = new Packer(256);
    const r = p.beginLen(0x0a); // Resource
    const kv = p.beginLen(0x0a); // attributes
    p.strField(0x0a, 'service.name');
    const any = p.beginLen(0x12);
    p.strField(0x0a, serviceName);
    p.endLen(any); p.endLen(kv); p.endLen(r);
    this.resource = p.take();
    p.pos = 0;
    const s = p.beginLen(0x0a); // InstrumentationScope
    p.strField(0x0a, scopeName);
    p.endLen(s);
    this.scope = p.take();
  }

  /** The request for spans `data[ends[i-1], ends[i])`. */
  build(data: Uint8Array, ends: Uint32Array): Buffer {
    let spans = 0;
    for (let i = 0, from = 0; i < ends.length; from = ends[i++]) { const n = ends[i] - from; spans += 1 + varSize(n) + n; }
    const scopeSpans = this.scope.length + spans;
    const resourceSpans = this.resource.length + 1 + varSize(scopeSpans) + scopeSpans;
    const p = new Packer(1 + varSize(resourceSpans) + resourceSpans);
    p.u8(0x0a); p.varint(resourceSpans); // ExportTraceServiceRequest.resource_spans
    p.bytes(this.resource);
    p.u8(0x12); p.varint(scopeSpans); // ResourceSpans.scope_spans
    p.bytes(this.scope);
    for (let i = 0, from = 0; i < ends.length; from = ends[i++]) { // ScopeSpans.spans
      p.u8(0x12); p.varint(ends[i] - from);
      p.bytes(data.subarray(from, ends[i]));
    }
    if (p.pos !== p.buf.length) throw new Error(`OTLP request size ${p.pos} != ${p.buf.length}`);
    return p.buf;
  }
}
