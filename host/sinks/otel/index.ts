// SPDX-License-Identifier: Apache-2.0
// The otel sink: syscall-latency spans (mode: spans) or latency histograms (mode: metrics) over OTLP.
import { duration, enumOf, num, obj, str } from '../../pipeline/config/schema';
import { reach } from '../reach';
import { SinkDefinition } from '../types';
import { ExporterConfig } from './exporters';
import { OtelMetricSink } from './metrics';
import { OtelSpanSink, SPAN_FIELDS, spanSpec } from './spans';

export interface OtelConfig extends ExporterConfig {
  mode: 'spans' | 'metrics';
  service_name: string;
  spans: { min_latency: number; sample_ratio: number; group: 'none' | 'process' | 'container'; enter_ttl: number; group_idle: number };
  metrics: { export_interval: number };
}

const FIELDS: string[] = [...SPAN_FIELDS];

function url(v: string): string | undefined {
  try { const u = new URL(v); return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : `"${v}" must be an http:// or https:// URL`; }
  catch { return `"${v}" is not a URL (e.g. http://127.0.0.1:4318)`; }
}

export const otelSink: SinkDefinition<OtelConfig> = {
  type: 'otel',
  doc: 'Exports syscall-latency spans (enter/exit pairs) or latency histograms over OTLP (http/protobuf, http/json, grpc).',
  fields: {
    endpoint: str('OTLP endpoint: http://host:4318 for HTTP, http://host:4317 for gRPC', { check: url }, { required: true }),
    protocol: enumOf('OTLP transport', ['http/protobuf', 'http/json', 'grpc'], 'http/protobuf'),
    headers: { schema: { kind: 'map', of: { kind: 'string', secret: true }, what: 'header' }, default: {}, doc: 'extra headers (HTTP); use ${ENV_VAR} for tokens' },
    export_timeout: duration('timeout of one OTLP export', '10s', 1),
    mode: enumOf('spans: one span per syscall; metrics: latency histograms', ['spans', 'metrics'], 'spans'),
    service_name: str('service.name resource attribute', {}, { default: 'quarry' }),
    spans: obj('span options', {
      min_latency: duration('only syscalls at least this slow (also applies to metrics)', '0'),
      sample_ratio: num('share of spans kept (deterministic by evt.num)', 0, 1, { default: 1 }),
      group: enumOf('parent span per process lifetime, per container, or none', ['none', 'process', 'container'], 'none'),
      enter_ttl: duration('an enter with no exit after this much event time is dropped and counted', '10s', 1),
      group_idle: duration('a parent span ends after this much event time without children', '30s', 1),
    }),
    metrics: obj('metrics-mode options', { export_interval: duration('how often histograms are pushed', '10s', 100) }),
  },
  sharedDefaults: { batch: { max_events: 2000 } },
  example: 'type: otel\nendpoint: http://127.0.0.1:4318\nprotocol: http/protobuf\nspans:\n  min_latency: 1ms\n  group: process\n',
  requiredFields: () => FIELDS,
  usesLine: () => false,
  spans: spanSpec,
  check(cfg, report) {
    if (cfg.protocol === 'grpc' && Object.keys(cfg.headers).length) report('headers', 'headers are only sent over HTTP; use protocol: http/protobuf');
  },
  async checkConnect(cfg) {
    const u = new URL(cfg.endpoint);
    return reach(u.hostname, Number(u.port || (u.protocol === 'https:' ? 443 : 80)), 2000, `OTLP endpoint ${cfg.endpoint}`);
  },
  create: (cfg, ctx) => (cfg.mode === 'metrics' ? new OtelMetricSink(cfg, ctx) : new OtelSpanSink(cfg, ctx)),
};
