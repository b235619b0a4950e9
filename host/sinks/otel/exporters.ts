// SPDX-License-Identifier: Apache-2.0
// Picks the official OTLP exporter for a protocol. The exporters own the wire formats (protobuf,
// JSON, gRPC); Quarry's worker owns batching, retries and backpressure around them.
import { OTLPMetricExporter as GrpcMetrics } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetrics } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetrics } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraces } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraces } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraces } from '@opentelemetry/exporter-trace-otlp-proto';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export type Protocol = 'http/protobuf' | 'http/json' | 'grpc';

export interface ExporterConfig { endpoint: string; protocol: Protocol; headers: Record<string, string>; export_timeout: number }

/** The signal URL: gRPC takes the endpoint as is; HTTP appends /v1/<signal> unless it is already there. */
export function signalUrl(cfg: ExporterConfig, signal: 'traces' | 'metrics'): string {
  if (cfg.protocol === 'grpc') return cfg.endpoint;
  const base = cfg.endpoint.replace(/\/+$/, '');
  return base.endsWith(`/v1/${signal}`) ? base : `${base}/v1/${signal}`;
}

export function traceExporter(cfg: ExporterConfig): SpanExporter {
  const opts = { url: signalUrl(cfg, 'traces'), headers: cfg.headers, timeoutMillis: cfg.export_timeout };
  if (cfg.protocol === 'grpc') return new GrpcTraces({ url: opts.url, timeoutMillis: opts.timeoutMillis });
  return cfg.protocol === 'http/json' ? new JsonTraces(opts) : new ProtoTraces(opts);
}

export function metricExporter(cfg: ExporterConfig): PushMetricExporter {
  const opts = { url: signalUrl(cfg, 'metrics'), headers: cfg.headers, timeoutMillis: cfg.export_timeout };
  if (cfg.protocol === 'grpc') return new GrpcMetrics({ url: opts.url, timeoutMillis: opts.timeoutMillis });
  return cfg.protocol === 'http/json' ? new JsonMetrics(opts) : new ProtoMetrics(opts);
}
