// SPDX-License-Identifier: Apache-2.0
// The otel sink's delivery half for http/protobuf and grpc, run in a sink thread (../thread.ts):
// wraps a batch of encoded spans in an ExportTraceServiceRequest and sends it, resolving once the
// collector answered with success. HTTP: POST /v1/traces, application/x-protobuf, a 2xx is
// success (OTLP/HTTP). gRPC: TraceService/Export as a unary call over @grpc/grpc-js, the bytes
// passed through as they are.
import * as http from 'http';
import * as https from 'https';
import type * as Grpc from '@grpc/grpc-js';
import { TraceRequest } from './otlp-encode';

export interface OtlpThreadConfig { url: string; protocol: 'http/protobuf' | 'grpc'; headers: Record<string, string>; timeout: number; service_name: string; scope: string }

const EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

function httpPost(cfg: OtlpThreadConfig) {
  const u = new URL(cfg.url);
  const lib = u.protocol === 'https:' ? https : http;
  const agent = new lib.Agent({ keepAlive: true });
  const post = (body: Buffer) => new Promise<void>((resolve, reject) => {
    const req = lib.request(u, {
      method: 'POST', agent, timeout: cfg.timeout,
      headers: { ...cfg.headers, 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
    }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => { if (parts.length < 4) parts.push(c); });
      res.on('error', reject);
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) resolve();
        else reject(new Error(`OTLP export failed: HTTP ${code} ${Buffer.concat(parts).toString('utf8', 0, 200).replace(/[^\x20-\x7e]+/g, ' ').trim()}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`OTLP export timed out after ${cfg.timeout}ms`)));
    req.on('error', reject);
    req.end(body);
  });
  return { post, close: () => agent.destroy() };
}

function grpcPost(cfg: OtlpThreadConfig) {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const grpc: typeof Grpc = require('@grpc/grpc-js'); // loaded only by gRPC sinks
  const u = new URL(cfg.url);
  const target = `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
  const client = new grpc.Client(target, u.protocol === 'https:' ? grpc.credentials.createSsl() : grpc.credentials.createInsecure());
  const same = (b: Buffer) => b;
  const post = (body: Buffer) => new Promise<void>((resolve, reject) => {
    client.makeUnaryRequest(EXPORT, same, same, body, new grpc.Metadata(), { deadline: Date.now() + cfg.timeout }, (err) => {
      if (err) reject(new Error(`OTLP export failed: gRPC ${grpc.status[err.code] ?? err.code}: ${err.details}`));
      else resolve();
    });
  });
  return { post, close: () => client.close() };
}

export function otlpDeliverer(cfg: OtlpThreadConfig) {
  const request = new TraceRequest(cfg.service_name, cfg.scope);
  const t = cfg.protocol === 'grpc' ? grpcPost(cfg) : httpPost(cfg);
  return {
    async send(a: { data: Uint8Array; ends: Uint32Array }): Promise<{ spans: number }> {
      await t.post(request.build(a.data, a.ends));
      return { spans: a.ends.length };
    },
    async close(): Promise<void> { t.close(); },
  };
}
