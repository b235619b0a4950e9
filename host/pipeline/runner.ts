// SPDX-License-Identifier: Apache-2.0
// Runs a checked config: one Capture per source with one Query per pipeline, each pipeline's rows
// rendered once and handed to its sinks' workers. Awaiting the workers is the backpressure path:
// only a `block` sink with a full queue makes the source wait. A sink that takes spans from a source
// that makes them (the otel sink, sources running the core) gets a query of its own.
import { Capture, CaptureStats, FieldValue, LineSpec, Query, SpanSpec } from '../core/types';
import { SINKS } from '../sinks';
import { RawLineRecord, Sink, SinkRecord } from '../sinks/types';
import { SOURCES } from './sources';
import { PipelineConfig } from './config';
import { compileOutput } from './format';
import { Logger } from './log';
import { Metrics } from './metrics';
import { SinkWorker } from './worker';

interface Running {
  name: string; fields: string[]; at: number[]; render: (row: readonly FieldValue[], at: readonly number[]) => string; workers: SinkWorker[]; lines: boolean;
  /** The source renders the lines (as bytes); `fields` are then only what the sinks read. */
  line?: LineSpec;
  /** A span query (Query.spans) of one sink, `spanSink`, whose worker is `workers[0]`. */
  spans?: SpanSpec;
  spanSink?: Sink;
  /** This query's events are the pipeline's (quarry_pipeline_events_total). */
  counts: boolean;
}

function both(a: string, b: string): string {
  return a && b ? `(${a}) and (${b})` : a || b;
}

export class PipelineRunner {
  private readonly abort = new AbortController();
  private readonly workers: SinkWorker[] = [];
  private readonly sinks: Sink[] = [];
  private running: Promise<boolean> | undefined;
  private sourcesDone: Promise<unknown> = Promise.resolve();
  private stopping?: Promise<void>;
  state: 'idle' | 'running' | 'draining' | 'stopped' = 'idle';

  constructor(readonly cfg: PipelineConfig, private readonly metrics: Metrics, private readonly log: Logger) {}

  /**
   * Starts every source. Resolves once the runner has stopped: true when the sources ran out by
   * themselves (finite sources; sinks drained), false when stop() ended them.
   */
  start(): Promise<boolean> {
    const groups = new Map<string, Running[]>();
    for (const [pname, p] of Object.entries(this.cfg.pipelines)) {
      const shape = compileOutput(p.output);
      const source = SOURCES[this.cfg.sources[p.source].type];
      const sinkDefs = Object.entries(p.sinks);
      const spansOf = (s: (typeof sinkDefs)[number][1]) => (source?.makesSpans ? SINKS[s.type].spans?.(s) : undefined);
      const rowSinks = sinkDefs.filter(([, s]) => !spansOf(s));
      // Rendering is skipped when no sink of the pipeline reads the line (otel reads fields only);
      // a source that renders lines in the core does it there, and rows carry only what sinks read.
      const lines = rowSinks.some(([, s]) => SINKS[s.type].usesLine?.(s) ?? true);
      const line = lines && source?.rendersLines ? shape.line : undefined;
      const fields = line ? [] : [...shape.fields];
      const workers: SinkWorker[] = [];
      for (const [, s] of rowSinks) for (const f of SINKS[s.type].requiredFields?.(s) ?? []) if (!fields.includes(f)) fields.push(f);
      const index = new Map(fields.map((f, i) => [f, i]));
      const list = groups.get(p.source) ?? [];
      for (const [sname, s] of sinkDefs) {
        const spans = spansOf(s);
        const sink = SINKS[s.type].create(s, {
          pipeline: pname, name: sname, fields: spans ? [] : fields, log: this.log,
          field: (row, f) => { const i = index.get(f); return i === undefined ? null : row[i] ?? null; },
        });
        this.sinks.push(sink);
        const w = new SinkWorker(sink, s, { pipeline: pname, sink: sname, type: s.type }, this.metrics, this.log);
        this.workers.push(w);
        if (!spans) { workers.push(w); continue; }
        const counts = rowSinks.length === 0 && !list.some((r) => r.name === pname);
        list.push({ name: pname, fields: [], at: [], render: shape.render, workers: [w], lines: false, spans, spanSink: sink, counts });
      }
      if (rowSinks.length) list.push({ name: pname, fields, at: shape.fields.map((f) => index.get(f)!), render: shape.render, workers, lines, line, counts: true });
      groups.set(p.source, list);
      this.metrics.inc('quarry_pipeline_events_total', 'Events that passed a pipeline filter', { pipeline: pname }, 0);
    }
    this.state = 'running';
    this.sourcesDone = Promise.all([...groups].map(([src, list]) => this.runSource(src, list)));
    this.running = this.sourcesDone.then(async () => {
      if (this.state !== 'running') { await this.stopping; return false; }
      this.log.info('all sources ended; draining');
      await this.stop();
      return true;
    });
    return this.running;
  }

  private async runSource(name: string, pipelines: Running[]): Promise<void> {
    const scfg = this.cfg.sources[name];
    let capture: Capture & { progress?: () => CaptureStats };
    const labels = { source: name, type: scfg.type };
    try { capture = SOURCES[scfg.type].open(scfg); } catch (e) {
      this.log.error('source failed to open', { ...labels, error: e });
      this.metrics.inc('quarry_source_errors_total', 'Sources that failed', labels);
      return;
    }
    let final: CaptureStats | undefined;
    const stats = () => final ?? capture.progress?.() ?? { eventsRead: 0, driverDrops: 0 };
    this.metrics.counterFrom('quarry_source_events_total', 'Events read by a source, before filters', labels, () => stats().eventsRead);
    this.metrics.counterFrom('quarry_probe_drops_total', 'Events the kernel probe dropped', labels, () => stats().driverDrops);
    const queries: Query[] = pipelines.map((p) => ({ filter: both(scfg.filter, this.cfg.pipelines[p.name].filter), fields: p.fields, line: p.line, spans: p.spans }));
    this.log.info('source started', { ...labels, pipelines: [...new Set(pipelines.map((p) => p.name))] });
    const selected = (p: Running, n: number) => { if (p.counts) this.metrics.inc('quarry_pipeline_events_total', 'Events that passed a pipeline filter', { pipeline: p.name }, n); };
    try {
      final = await capture.run(queries, (qi, rows, lines, spans) => {
        const p = pipelines[qi];
        if (p.spans) {
          if (!spans) throw new Error(`source ${name} did not make the spans it was asked for`);
          const packed = p.spanSink!.packSpans!(spans);
          selected(p, packed.events);
          return packed.events > 0 ? p.workers[0].pushPacked(packed) : undefined;
        }
        selected(p, rows.length);
        const records: SinkRecord[] = new Array(rows.length);
        if (p.line) {
          if (!lines) throw new Error(`source ${name} did not render the lines it was asked for`);
          const { data, start, end } = lines;
          for (let i = 0; i < rows.length; i++) records[i] = new RawLineRecord(rows[i], data, start[i], end[i]);
        } else if (p.lines) {
          for (let i = 0; i < rows.length; i++) {
            const line = p.render(rows[i], p.at);
            records[i] = { row: rows[i], line, bytes: line.length + 32 };
          }
        } else for (let i = 0; i < rows.length; i++) records[i] = { row: rows[i], line: '', bytes: 32 + 8 * rows[i].length };
        // not awaited unless a queue is full (SinkWorker.push)
        if (p.workers.length === 1) return p.workers[0].push(records);
        const waits = p.workers.map((w) => w.push(records)).filter((w) => w !== undefined);
        return waits.length > 0 ? Promise.all(waits).then(() => undefined) : undefined;
      }, this.abort.signal);
      this.log.info('source ended', { ...labels, events: final.eventsRead, probe_drops: final.driverDrops });
    } catch (e) {
      this.log.error('source failed', { ...labels, error: e });
      this.metrics.inc('quarry_source_errors_total', 'Sources that failed', labels);
    }
  }

  /** Stops the sources, then drains and closes every sink within `deadlineMs`. Idempotent. */
  stop(deadlineMs = this.cfg.service.drain_timeout): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'draining';
      this.abort.abort();
      const t0 = Date.now();
      // Let each source hand over its last batch before the queues close; a source held by a full
      // `block` queue is released when the deadline passes and the queues close.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.sourcesDone, new Promise((r) => { timer = setTimeout(r, deadlineMs); })]);
      clearTimeout(timer);
      await Promise.all(this.workers.map((w) => w.close(Math.max(1000, deadlineMs - (Date.now() - t0)))));
      this.state = 'stopped';
      this.log.info('pipelines drained', { ms: Date.now() - t0 });
    })();
    return this.stopping;
  }

  /** Reopens file outputs (after an external log rotation). */
  reopen(): void {
    for (const s of this.sinks) (s as { reopen?: () => void }).reopen?.();
  }

  /** Flushes every sink's queue and the sinks themselves. */
  async flush(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.flush()));
  }
}
