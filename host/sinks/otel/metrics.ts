// SPDX-License-Identifier: Apache-2.0
// Metrics mode: a syscall-latency histogram (seconds, per syscall, process and container) pushed
// over OTLP every export_interval. Far cheaper than one span per syscall.
import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { Histogram } from '@opentelemetry/api';
import { MeterProvider, PeriodicExportingMetricReader, PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { Sink, SinkContext, SinkRecord } from '../types';
import { metricExporter } from './exporters';
import type { OtelConfig } from './index';

const BOUNDS = [1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2, 5e-2, 0.1, 0.5, 1, 5];

/** Counts failed exports, which the SDK would otherwise only log. */
class Counting implements PushMetricExporter {
  readonly selectAggregationTemporality;
  constructor(private readonly inner: PushMetricExporter, private readonly onError: () => void) {
    this.selectAggregationTemporality = inner.selectAggregationTemporality?.bind(inner);
  }
  export(m: ResourceMetrics, done: (r: ExportResult) => void): void {
    this.inner.export(m, (r) => { if (r.code !== ExportResultCode.SUCCESS) this.onError(); done(r); });
  }
  forceFlush(): Promise<void> { return this.inner.forceFlush(); }
  shutdown(): Promise<void> { return this.inner.shutdown(); }
}

export class OtelMetricSink implements Sink {
  private readonly provider: MeterProvider;
  private readonly reader: PeriodicExportingMetricReader;
  private readonly latency: Histogram;
  private c = { observations: 0, below_threshold: 0, export_errors: 0 };
  private closed = false;

  constructor(private readonly cfg: OtelConfig, private readonly ctx: SinkContext) {
    this.reader = new PeriodicExportingMetricReader({
      exporter: new Counting(metricExporter(cfg), () => this.c.export_errors++),
      exportIntervalMillis: cfg.metrics.export_interval, exportTimeoutMillis: Math.min(cfg.export_timeout, cfg.metrics.export_interval),
    });
    this.provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': cfg.service_name }), readers: [this.reader] });
    this.latency = this.provider.getMeter('quarry.syscalls').createHistogram('syscall.latency', {
      unit: 's', description: 'Syscall latency, enter to exit', advice: { explicitBucketBoundaries: BOUNDS },
    });
  }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    if (this.closed) throw new Error('otel sink is closed');
    const min = BigInt(Math.round(this.cfg.spans.min_latency * 1e6));
    for (const r of batch) {
      const get = (f: string) => this.ctx.field(r.row, f);
      const lat = get('evt.latency');
      if (get('evt.dir') !== '<' || typeof lat !== 'bigint' || lat <= 0n) continue;
      if (lat < min) { this.c.below_threshold++; continue; }
      this.latency.record(Number(lat) / 1e9, {
        syscall: String(get('evt.type')), 'process.executable.name': String(get('proc.name')),
        'container.id': String(get('container.id') ?? 'host'), failed: get('evt.failed') === true,
      });
      this.c.observations++;
    }
  }

  async flush(): Promise<void> { await this.reader.forceFlush(); }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.provider.shutdown().catch(() => undefined);
  }

  counters(): Record<string, number> { return { ...this.c }; }
}
