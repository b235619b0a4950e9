// SPDX-License-Identifier: Apache-2.0
// Syscall-latency spans: one span per enter/exit pair, emitted on the exit event with the real
// times (start = exit evt.rawtime - evt.latency, end = exit evt.rawtime), optionally under a parent
// span per process lifetime or per container. Enters whose exit never comes expire and are counted.
// Sources that run the core make the spans there (Query.spans, assembly/format/spans.ts) and hand
// over span records for http/protobuf and grpc; rows of every event are paired here otherwise.
import { randomFillSync } from 'crypto';
import { HrTime, SpanContext, SpanKind, SpanStatus, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, InstrumentationScope } from '@opentelemetry/core';
import { Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { FieldValue, SpanBatch, SpanSpec } from '../../core/types';
import { Chunk, Packer, join } from '../chunk';
import { SinkThread } from '../thread';
import { Packed, Sink, SinkContext, SinkRecord } from '../types';
import { signalUrl, traceExporter } from './exporters';
import type { OtelConfig } from './index';
import { encodeSpan, encodeSpanIds } from './otlp-encode';
import type { OtlpThreadConfig } from './otlp-thread';

/** Events of the table that are not system calls (scheduler, process exit, signal delivery,
 *  container and internal events): they never pair an enter with an exit. */
export const NOT_SYSCALL: ReadonlySet<string> = new Set([
  'switch', 'procexit', 'procinfo', 'signaldeliver', 'container', 'drop', 'sysdigevent', 'tracer',
  'notification', 'infra', 'page_fault', 'pluginevent', 'cpu_hotplug', 'k8s', 'mesos',
]);

const hr = (ns: bigint): HrTime => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
const msToNs = (ms: number): bigint => BigInt(Math.round(ms * 1e6));
const big = (v: FieldValue): bigint => (typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(Math.trunc(v)) : 0n);
/** Number(big(v)) without making a bigint of a number. */
const num = (v: FieldValue): number => (typeof v === 'number' ? Math.trunc(v) : typeof v === 'bigint' ? Number(v) : 0);
/** The fields a span reads (the sink's requiredFields list them too). */
export const SPAN_FIELDS = ['thread.tid', 'evt.rawtime', 'evt.type', 'evt.dir', 'evt.latency', 'evt.num', 'evt.rawres', 'evt.failed', 'proc.name', 'proc.pid', 'fd.name', 'container.id', 'evt.res'] as const;
const OK: SpanStatus = { code: SpanStatusCode.UNSET };

/** The spans a source should make itself for this config (Query.spans); undefined: it sends rows. */
export function spanSpec(cfg: OtelConfig): SpanSpec | undefined {
  // http/json goes through the official exporter, which takes ReadableSpans made from rows
  if (cfg.mode !== 'spans' || cfg.protocol === 'http/json') return undefined;
  const s = cfg.spans;
  return { minLatencyNs: Number(msToNs(s.min_latency)), sampleRatio: s.sample_ratio, enterTtlNs: Number(msToNs(s.enter_ttl)), group: s.group, notSyscall: NOT_SYSCALL, processExit: 'procexit' };
}

// Span record kinds (assembly/format/spans.ts).
const REC_SPAN = 1, REC_GROUP_END = 2, REC_STATS = 3;

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

/** Random trace and span ids (crypto-random bytes drawn from a pool; never all zero). */
class Ids {
  private pool = Buffer.alloc(0);
  private at = 0;
  /** `n` fresh id bytes (a view into a pool that is never rewritten). */
  next(n: 8 | 16): Buffer {
    for (;;) {
      if (this.at + n > this.pool.length) { this.pool = randomFillSync(Buffer.allocUnsafeSlow(8192)); this.at = 0; }
      const id = this.pool.subarray(this.at, (this.at += n));
      for (let i = 0; i < n; i++) if (id[i] !== 0) return id;
    }
  }
}

interface Group { trace: Buffer; span: Buffer; name: string; attributes: Record<string, string | number>; start: bigint; lastEnd: bigint }

/**
 * Spans are made in `record()` and handed to `emit`: for http/protobuf and grpc they are encoded
 * as OTLP protobuf when their events are queued (`pack`) and sent by a sink thread; for http/json
 * they become ReadableSpans for the official exporter when a batch is written.
 */
export class OtelSpanSink implements Sink {
  private ended: ReadableSpan[] = [];
  private readonly exporter?: SpanExporter;
  private readonly thread?: SinkThread;
  private readonly ids = new Ids();
  private readonly resource: Resource;
  private readonly scope: InstrumentationScope = { name: 'quarry.syscalls' };
  /** Open enters by thread id (the id's own value: a Map compares bigints by value, no string per event). */
  private readonly enters = new Map<FieldValue, bigint>();
  private readonly groups = new Map<string, Group>();
  private now = 0n;
  private readonly minLatency: bigint;
  private readonly ttl: bigint;
  private readonly groupIdle: bigint;
  private retry?: { batch: readonly SinkRecord[]; spans: ReadableSpan[] };
  private c = { spans: 0, parent_spans: 0, unpaired_enters_expired: 0, unpaired_exits: 0, below_threshold: 0, sampled_out: 0, export_errors: 0 };
  private closed = false;
  /** Packed path: spans encoded so far in this run, their end offsets and the event each came from. */
  private readonly packer = new Packer(1 << 18);
  private ends: number[] = [];
  private eventOf: number[] = [];
  private event = 0;
  private readonly emit: (name: string, trace: Buffer, span: Buffer, parent: Buffer | undefined, start: bigint, end: bigint, attributes: Record<string, string | number>, status: SpanStatus) => void;
  readonly pack?: (records: readonly SinkRecord[]) => Chunk;

  constructor(private readonly cfg: OtelConfig, private readonly ctx: SinkContext) {
    this.at = Object.fromEntries(SPAN_FIELDS.map((f) => [f, ctx.fields.indexOf(f)])) as OtelSpanSink['at'];
    this.resource = resourceFromAttributes({ 'service.name': cfg.service_name });
    this.minLatency = msToNs(cfg.spans.min_latency);
    this.ttl = msToNs(cfg.spans.enter_ttl);
    this.groupIdle = msToNs(cfg.spans.group_idle);
    if (cfg.protocol === 'http/json') {
      this.exporter = traceExporter(cfg);
      this.emit = (name, trace, span, parent, start, end, attributes, status) => {
        const traceId = trace.toString('hex');
        const context = (id: Buffer): SpanContext => ({ traceId, spanId: id.toString('hex'), traceFlags: TraceFlags.SAMPLED, isRemote: false });
        this.ended.push(new SyscallSpan(name, context(span), parent && context(parent), start, end, attributes, status, this.resource, this.scope));
      };
    } else {
      const t: OtlpThreadConfig = { url: signalUrl(cfg, 'traces'), protocol: cfg.protocol, headers: cfg.headers, timeout: cfg.export_timeout, service_name: cfg.service_name, scope: this.scope.name };
      this.thread = new SinkThread('otlp', t);
      this.emit = (name, trace, span, parent, start, end, attributes, status) => {
        encodeSpan(this.packer, name, trace, span, parent, start, end, attributes, status);
        this.ends.push(this.packer.pos);
        this.eventOf.push(this.event);
      };
      this.pack = (records) => this.packRecords(records);
    }
  }

  private expire(): void {
    const ttl = this.ttl;
    for (const [tid, t] of this.enters) if (this.now - t > ttl) { this.enters.delete(tid); this.c.unpaired_enters_expired++; }
    for (const [k, g] of this.groups) if (this.now - g.lastEnd > this.groupIdle) this.endGroup(k, g);
  }

  private endGroup(key: string, g: Group): void {
    this.emit(g.name, g.trace, g.span, undefined, g.start, g.lastEnd, g.attributes, OK);
    this.groups.delete(key);
    this.c.parent_spans++;
  }

  /**
   * The parent of a span starting at `start` and ending at `end`, made on the group's first span:
   * `key` is proc.pid as text (process) or the container id ("host" outside one), `label` the
   * process name. A group idle for longer than group_idle by `end` has ended, whether or not a
   * batch's expire() saw it yet, so the parents do not depend on where batches end.
   */
  private parent(key: string, label: string, start: bigint, end: bigint): Group {
    const mode = this.cfg.spans.group;
    let g = this.groups.get(key);
    if (g && end - g.lastEnd > this.groupIdle) { this.endGroup(key, g); g = undefined; }
    if (!g) {
      const name = mode === 'process' ? `process ${label} (${key})` : `container ${key}`;
      // a missing pid ("null") is 0, as big() makes it
      const attributes: Record<string, string | number> = mode === 'process' ? { 'process.pid': Number(key) || 0, 'process.executable.name': label } : { 'container.id': key };
      g = { trace: Buffer.from(this.ids.next(16)), span: Buffer.from(this.ids.next(8)), name, attributes, start, lastEnd: start };
      this.groups.set(key, g);
    }
    return g;
  }

  /** Row index of each field the spans read (-1: not queried), looked up once rather than by name per event. */
  private readonly at: Record<(typeof SPAN_FIELDS)[number], number>;
  private row: readonly FieldValue[] = [];
  private v(i: number): FieldValue { return i < 0 ? null : this.row[i] ?? null; }

  private record(r: SinkRecord): void {
    this.row = r.row;
    const at = this.at;
    const tid = this.v(at['thread.tid']);
    const t = big(this.v(at['evt.rawtime']));
    if (t > this.now) this.now = t;
    const type = this.v(at['evt.type']);
    if (type === 'procexit' && this.cfg.spans.group === 'process') {
      const pid = String(this.v(at['proc.pid']));
      const g = this.groups.get(pid);
      if (g) this.endGroup(pid, g);
      return;
    }
    // only syscalls pair an enter with an exit
    if (NOT_SYSCALL.has(type as string)) return;
    if (this.v(at['evt.dir']) === '>') {
      if (this.enters.has(tid)) this.c.unpaired_enters_expired++;
      this.enters.set(tid, t);
      return;
    }
    const latency = big(this.v(at['evt.latency']));
    // an enter older than enter_ttl has expired, whether or not a batch's expire() saw it yet:
    // the outcome does not depend on where batches end
    const enter = this.enters.get(tid);
    const paired = enter !== undefined && this.now - enter <= this.ttl;
    if (enter !== undefined) { this.enters.delete(tid); if (!paired) this.c.unpaired_enters_expired++; }
    if (latency <= 0n && !paired) { this.c.unpaired_exits++; return; }
    if (latency < this.minLatency) { this.c.below_threshold++; return; }
    if (this.cfg.spans.sample_ratio < 1 && (Number(big(this.v(at['evt.num'])) * 2654435761n % 4294967296n) / 4294967296) >= this.cfg.spans.sample_ratio) { this.c.sampled_out++; return; }
    const start = t - latency;
    const failed = this.v(at['evt.failed']) === true;
    const attributes: Record<string, string | number> = {
      'process.executable.name': String(this.v(at['proc.name'])), 'process.pid': num(this.v(at['proc.pid'])), 'thread.id': num(tid),
      'syscall.result': num(this.v(at['evt.rawres'])),
    };
    const fd = this.v(at['fd.name']); if (fd !== null) attributes['fd.name'] = String(fd);
    const cid = this.v(at['container.id']); if (cid !== null) attributes['container.id'] = String(cid);
    if (failed) attributes['syscall.errno'] = String(this.v(at['evt.res']));
    const mode = this.cfg.spans.group;
    const g = mode === 'none' ? undefined
      : mode === 'process' ? this.parent(`${this.v(at['proc.pid'])}`, String(this.v(at['proc.name'])), start, t) : this.parent(String(cid ?? 'host'), '', start, t);
    const status: SpanStatus = failed ? { code: SpanStatusCode.ERROR, message: String(this.v(at['evt.res'])) } : OK;
    this.emit(String(type), g ? g.trace : this.ids.next(16), this.ids.next(8), g?.span, start, t, attributes, status);
    if (g && t > g.lastEnd) g.lastEnd = t;
  }

  /** The packed path: spans of a run of records, encoded as they are queued. */
  private packRecords(records: readonly SinkRecord[]): Chunk {
    this.packer.pos = 0;
    this.ends = [];
    this.eventOf = [];
    for (let i = 0; i < records.length; i++) { this.event = i; this.record(records[i]); }
    this.event = records.length - 1;
    this.expire();
    return new Chunk(this.packer.take(), Uint32Array.from(this.ends), Uint32Array.from(this.eventOf), records.length);
  }

  /** Enters the core holds open (its last stats record), counted as expired at close. */
  private openInCore = 0;

  /**
   * The packed path over span records the source made (Query.spans): the core paired the events and
   * encoded each span from its name on; the ids and the grouping are added here.
   */
  packSpans(batch: SpanBatch): Chunk {
    const p = this.packer;
    p.pos = 0;
    this.ends = [];
    this.eventOf = [];
    const { data, start, end } = batch;
    const dv = new DataView(data.buffer, data.byteOffset, data.length);
    const grouped = this.cfg.spans.group !== 'none';
    let events = 0;
    for (let i = 0; i < start.length; i++) {
      let o = start[i];
      this.event = dv.getUint32(o, true);
      const kind = data[o + 4];
      o += 5;
      if (kind === REC_STATS) {
        events = this.event;
        const now = dv.getBigUint64(o, true);
        if (now > this.now) this.now = now;
        this.c.unpaired_enters_expired = Number(dv.getBigUint64(o + 8, true));
        this.c.unpaired_exits = Number(dv.getBigUint64(o + 16, true));
        this.c.below_threshold = Number(dv.getBigUint64(o + 24, true));
        this.c.sampled_out = Number(dv.getBigUint64(o + 32, true));
        this.openInCore = dv.getUint32(o + 40, true);
        continue;
      }
      if (kind === REC_GROUP_END) {
        const key = data.toString('utf8', o + 2, o + 2 + dv.getUint16(o, true));
        const g = this.groups.get(key);
        if (g) this.endGroup(key, g);
        continue;
      }
      if (kind !== REC_SPAN) throw new Error(`bad span record kind ${kind}`);
      o += 16;
      const keyLen = dv.getUint16(o, true);
      const labelAt = o + 2 + keyLen;
      const labelLen = dv.getUint16(labelAt, true);
      let g: Group | undefined;
      if (grouped) g = this.parent(data.toString('utf8', o + 2, labelAt), data.toString('utf8', labelAt + 2, labelAt + 2 + labelLen), dv.getBigUint64(o - 16, true), dv.getBigUint64(start[i] + 13, true));
      o = labelAt + 2 + labelLen;
      encodeSpanIds(p, g ? g.trace : this.ids.next(16), this.ids.next(8), g?.span);
      p.reserve(end[i] - o);
      data.copy(p.buf, p.pos, o, end[i]);
      p.pos += end[i] - o;
      this.ends.push(p.pos);
      this.eventOf.push(this.event);
      if (g) { const e = dv.getBigUint64(start[i] + 13, true); if (e > g.lastEnd) g.lastEnd = e; }
    }
    this.event = Math.max(events - 1, 0);
    this.expire();
    return new Chunk(p.take(), Uint32Array.from(this.ends), Uint32Array.from(this.eventOf), events);
  }

  /** Packed path: one export of the batch's spans through the sink thread. */
  private async sendPacked(chunks: readonly Chunk[]): Promise<void> {
    const j = join(chunks);
    if (j.ends.length === 0) return;
    try {
      const r = await this.thread!.call<{ spans: number }>('send', { data: j.data, ends: j.ends }, [j.data.buffer as ArrayBuffer, j.ends.buffer as ArrayBuffer]);
      this.c.spans += r.spans;
    } catch (e) { this.c.export_errors++; throw e; }
  }

  async writePacked(batch: readonly Packed[]): Promise<void> {
    if (this.closed) throw new Error('otel sink is closed');
    await this.sendPacked(batch as readonly Chunk[]);
  }

  private export(spans: ReadableSpan[]): Promise<void> {
    if (spans.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.exporter!.export(spans, (r) => {
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

  async flush(): Promise<void> { await this.exporter?.forceFlush?.(); }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.c.unpaired_enters_expired += this.enters.size + this.openInCore;
    this.enters.clear();
    // Parent spans still open end now and are exported once, best effort (as the SDK does on shutdown).
    if (this.thread) {
      this.packer.pos = 0; this.ends = []; this.eventOf = [];
      for (const [k, g] of this.groups) this.endGroup(k, g);
      await this.sendPacked([new Chunk(this.packer.take(), Uint32Array.from(this.ends), undefined, this.ends.length)]).catch(() => undefined);
      await this.thread.close();
    } else {
      for (const [k, g] of this.groups) this.endGroup(k, g);
      await this.export(this.ended.splice(0)).catch(() => undefined);
      await this.exporter!.shutdown();
    }
  }

  counters(): Record<string, number> { return { ...this.c }; }
}
