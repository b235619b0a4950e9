// SPDX-License-Identifier: Apache-2.0
// Syscall-latency spans: one span per enter/exit pair, emitted on the exit event with the real
// times (start = exit evt.rawtime - evt.latency, end = exit evt.rawtime), optionally under a parent
// span per process lifetime or per container. Enters whose exit never comes expire and are counted.
import { Context, HrTime, Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { FieldValue } from '../../core/types';
import { Sink, SinkContext, SinkRecord } from '../types';
import { traceExporter } from './exporters';
import type { OtelConfig } from './index';

const hr = (ns: bigint): HrTime => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
const msToNs = (ms: number): bigint => BigInt(Math.round(ms * 1e6));
const big = (v: FieldValue): bigint => (typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(Math.trunc(v)) : 0n);

/** Collects ended spans so each write exports exactly its own spans. */
class Collect implements SpanProcessor {
  ended: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(s: ReadableSpan): void { this.ended.push(s); }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

interface Group { span: Span; ctx: Context; lastEnd: bigint }

export class OtelSpanSink implements Sink {
  private readonly collect = new Collect();
  private readonly exporter: SpanExporter;
  private readonly tracer;
  private readonly enters = new Map<string, bigint>();
  private readonly groups = new Map<string, Group>();
  private now = 0n;
  private retry?: { batch: readonly SinkRecord[]; spans: ReadableSpan[] };
  private c = { spans: 0, parent_spans: 0, unpaired_enters_expired: 0, unpaired_exits: 0, below_threshold: 0, sampled_out: 0, export_errors: 0 };
  private closed = false;

  constructor(private readonly cfg: OtelConfig, private readonly ctx: SinkContext) {
    this.exporter = traceExporter(cfg);
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': cfg.service_name }), spanProcessors: [this.collect] });
    this.tracer = provider.getTracer('quarry.syscalls');
  }

  private expire(): void {
    const ttl = msToNs(this.cfg.spans.enter_ttl);
    for (const [tid, t] of this.enters) if (this.now - t > ttl) { this.enters.delete(tid); this.c.unpaired_enters_expired++; }
    const idle = msToNs(this.cfg.spans.group_idle);
    for (const [k, g] of this.groups) if (this.now - g.lastEnd > idle) this.endGroup(k, g);
  }

  private endGroup(key: string, g: Group): void {
    g.span.end(hr(g.lastEnd));
    this.groups.delete(key);
    this.c.parent_spans++;
  }

  private parent(get: (f: string) => FieldValue, start: bigint): Context | undefined {
    const mode = this.cfg.spans.group;
    if (mode === 'none') return undefined;
    const key = mode === 'process' ? `${get('proc.pid')}` : String(get('container.id') ?? 'host');
    let g = this.groups.get(key);
    if (!g) {
      const name = mode === 'process' ? `process ${get('proc.name')} (${get('proc.pid')})` : `container ${key}`;
      const attributes = mode === 'process' ? { 'process.pid': Number(big(get('proc.pid'))), 'process.executable.name': String(get('proc.name')) } : { 'container.id': key };
      const span = this.tracer.startSpan(name, { startTime: hr(start), attributes, kind: SpanKind.INTERNAL }, context.active());
      g = { span, ctx: trace.setSpan(context.active(), span), lastEnd: start };
      this.groups.set(key, g);
    }
    return g.ctx;
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
    if (latency < msToNs(this.cfg.spans.min_latency)) { this.c.below_threshold++; return; }
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
    const parentCtx = this.parent(get, start);
    const span = this.tracer.startSpan(String(get('evt.type')), { startTime: hr(start), attributes, kind: SpanKind.INTERNAL }, parentCtx);
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: String(get('evt.res')) });
    span.end(hr(t));
    const g = parentCtx && this.groups.get(this.cfg.spans.group === 'process' ? String(get('proc.pid')) : String(cid ?? 'host'));
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
      this.retry = { batch, spans: this.collect.ended.splice(0) };
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
    await this.export(this.collect.ended.splice(0)).catch(() => undefined);
    await this.exporter.shutdown();
  }

  counters(): Record<string, number> { return { ...this.c }; }
}
