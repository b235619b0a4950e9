// SPDX-License-Identifier: Apache-2.0
// Syscall-latency spans: one span per enter/exit pair, emitted on the exit event with the real
// times (start = exit evt.rawtime - evt.latency, end = exit evt.rawtime), optionally under a parent
// span per process lifetime or per container. Enters whose exit never comes expire and are counted.
import { HrTime, SpanContext, SpanKind, SpanStatus, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, InstrumentationScope } from '@opentelemetry/core';
import { Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { RandomIdGenerator, ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { FieldValue } from '../../core/types';
import { Sink, SinkContext, SinkRecord } from '../types';
import { traceExporter } from './exporters';
import type { OtelConfig } from './index';

const hr = (ns: bigint): HrTime => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
const msToNs = (ms: number): bigint => BigInt(Math.round(ms * 1e6));
const big = (v: FieldValue): bigint => (typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(Math.trunc(v)) : 0n);
const OK: SpanStatus = { code: SpanStatusCode.UNSET };

/**
 * A finished span as the OTLP exporters read it. Every span here is complete when it is made (its
 * times come from the capture), so the SDK's live Span (its tracer, context, processors, attribute
 * sanitising, timers) buys nothing and cost most of the sink's time; ids still come from the SDK's
 * RandomIdGenerator and the exporters serialise these exactly as SDK spans.
 */
class SyscallSpan implements ReadableSpan {
  readonly kind = SpanKind.INTERNAL;
  readonly ended = true;
  readonly links = [];
  readonly events = [];
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  constructor(
    readonly name: string, private readonly ctx: SpanContext, readonly parentSpanContext: SpanContext | undefined,
    private readonly startNs: bigint, private readonly endNs: bigint, readonly attributes: Record<string, string | number>,
    readonly status: SpanStatus, readonly resource: Resource, readonly instrumentationScope: InstrumentationScope,
  ) {}
  spanContext(): SpanContext { return this.ctx; }
  get startTime(): HrTime { return hr(this.startNs); }
  get endTime(): HrTime { return hr(this.endNs); }
  get duration(): HrTime { return hr(this.endNs - this.startNs); }
}

interface Group { ctx: SpanContext; name: string; attributes: Record<string, string | number>; start: bigint; lastEnd: bigint }

export class OtelSpanSink implements Sink {
  private ended: ReadableSpan[] = [];
  private readonly exporter: SpanExporter;
  private readonly ids = new RandomIdGenerator();
  private readonly resource: Resource;
  private readonly scope: InstrumentationScope = { name: 'quarry.syscalls' };
  private readonly enters = new Map<string, bigint>();
  private readonly groups = new Map<string, Group>();
  private now = 0n;
  private readonly minLatency: bigint;
  private retry?: { batch: readonly SinkRecord[]; spans: ReadableSpan[] };
  private c = { spans: 0, parent_spans: 0, unpaired_enters_expired: 0, unpaired_exits: 0, below_threshold: 0, sampled_out: 0, export_errors: 0 };
  private closed = false;

  constructor(private readonly cfg: OtelConfig, private readonly ctx: SinkContext) {
    this.exporter = traceExporter(cfg);
    this.resource = resourceFromAttributes({ 'service.name': cfg.service_name });
    this.minLatency = msToNs(cfg.spans.min_latency);
  }

  private context(traceId = this.ids.generateTraceId()): SpanContext {
    return { traceId, spanId: this.ids.generateSpanId(), traceFlags: TraceFlags.SAMPLED, isRemote: false };
  }

  private expire(): void {
    const ttl = msToNs(this.cfg.spans.enter_ttl);
    for (const [tid, t] of this.enters) if (this.now - t > ttl) { this.enters.delete(tid); this.c.unpaired_enters_expired++; }
    const idle = msToNs(this.cfg.spans.group_idle);
    for (const [k, g] of this.groups) if (this.now - g.lastEnd > idle) this.endGroup(k, g);
  }

  private endGroup(key: string, g: Group): void {
    this.ended.push(new SyscallSpan(g.name, g.ctx, undefined, g.start, g.lastEnd, g.attributes, OK, this.resource, this.scope));
    this.groups.delete(key);
    this.c.parent_spans++;
  }

  private parent(get: (f: string) => FieldValue, start: bigint): Group | undefined {
    const mode = this.cfg.spans.group;
    if (mode === 'none') return undefined;
    const key = mode === 'process' ? `${get('proc.pid')}` : String(get('container.id') ?? 'host');
    let g = this.groups.get(key);
    if (!g) {
      const name = mode === 'process' ? `process ${get('proc.name')} (${get('proc.pid')})` : `container ${key}`;
      const attributes: Record<string, string | number> = mode === 'process' ? { 'process.pid': Number(big(get('proc.pid'))), 'process.executable.name': String(get('proc.name')) } : { 'container.id': key };
      g = { ctx: this.context(), name, attributes, start, lastEnd: start };
      this.groups.set(key, g);
    }
    return g;
  }

  private record(r: SinkRecord): void {
    const get = (f: string) => this.ctx.field(r.row, f);
    const tid = String(get('thread.tid'));
    const t = big(get('evt.rawtime'));
    if (t > this.now) this.now = t;
    if (get('evt.type') === 'procexit' && this.cfg.spans.group === 'process') {
      const g = this.groups.get(String(get('proc.pid')));
      if (g) this.endGroup(String(get('proc.pid')), g);
      return;
    }
    if (get('evt.dir') === '>') {
      if (this.enters.has(tid)) this.c.unpaired_enters_expired++;
      this.enters.set(tid, t);
      return;
    }
    const latency = big(get('evt.latency'));
    const paired = this.enters.delete(tid);
    if (latency <= 0n && !paired) { this.c.unpaired_exits++; return; }
    if (latency < this.minLatency) { this.c.below_threshold++; return; }
    if (this.cfg.spans.sample_ratio < 1 && (Number(big(get('evt.num')) * 2654435761n % 4294967296n) / 4294967296) >= this.cfg.spans.sample_ratio) { this.c.sampled_out++; return; }
    const start = t - latency;
    const res = get('evt.rawres');
    const failed = get('evt.failed') === true;
    const attributes: Record<string, string | number> = {
      'process.executable.name': String(get('proc.name')), 'process.pid': Number(big(get('proc.pid'))), 'thread.id': Number(big(get('thread.tid'))),
      'syscall.result': Number(big(res)),
    };
    const fd = get('fd.name'); if (fd !== null) attributes['fd.name'] = String(fd);
    const cid = get('container.id'); if (cid !== null) attributes['container.id'] = String(cid);
    if (failed) attributes['syscall.errno'] = String(get('evt.res'));
    const g = this.parent(get, start);
    const status: SpanStatus = failed ? { code: SpanStatusCode.ERROR, message: String(get('evt.res')) } : OK;
    this.ended.push(new SyscallSpan(String(get('evt.type')), g ? this.context(g.ctx.traceId) : this.context(), g?.ctx, start, t, attributes, status, this.resource, this.scope));
    if (g && t > g.lastEnd) g.lastEnd = t;
  }

  private export(spans: ReadableSpan[]): Promise<void> {
    if (spans.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.exporter.export(spans, (r) => {
      if (r.code === ExportResultCode.SUCCESS) { this.c.spans += spans.length; resolve(); }
      else { this.c.export_errors++; reject(r.error ?? new Error('OTLP export failed')); }
    }));
  }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    if (this.closed) throw new Error('otel sink is closed');
    if (this.retry?.batch !== batch) {
      for (const r of batch) this.record(r);
      this.expire();
      this.retry = { batch, spans: this.ended.splice(0) };
    }
    await this.export(this.retry.spans);
    this.retry = undefined;
  }

  async flush(): Promise<void> { await this.exporter.forceFlush?.(); }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.c.unpaired_enters_expired += this.enters.size;
    this.enters.clear();
    for (const [k, g] of this.groups) this.endGroup(k, g);
    await this.export(this.ended.splice(0)).catch(() => undefined);
    await this.exporter.shutdown();
  }

  counters(): Record<string, number> { return { ...this.c }; }
}
