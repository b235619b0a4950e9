// SPDX-License-Identifier: Apache-2.0
// Benchmark (not a test): events/s into Kafka (JSON, acks=all) and spans/s into OTLP, with CPU and
// memory, against a file /dev/null baseline over the same source so the bottleneck can be named.
// Each case runs over two sources: the synthetic one (rows made in JavaScript) and a capture file
// read through the Wasm core (../shared/traces/502Error.scap repeated to at least [events] events,
// built once by bench/big-capture.ts into $QUARRY_BENCH_DIR or /tmp).
// Run: npm run build && test/services/kafka start && test/services/otel start && node dist/bench/pipeline.js [events] [case-substring]; --case NAME runs one case in this process
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tracesDir } from '../test/util/run';
import { buildBig } from './big-capture';
import { checkConfigText } from '../host/pipeline/config';
import { Logger } from '../host/pipeline/log';
import { Metrics } from '../host/pipeline/metrics';
import { PipelineRunner } from '../host/pipeline/runner';

const N = Number(process.argv[2] ?? 200_000);
const EXACT = process.argv[3] === '--case' ? process.argv[4] : undefined;
const ONLY = EXACT === undefined ? process.argv[3] ?? '' : '';
const tag = Date.now().toString(36);

const BIG = path.join(process.env.QUARRY_BENCH_DIR || '/tmp', `quarry-bench-pipeline-${N}.scap`);
const SOURCES: [string, string][] = [
  ['synthetic', `sources: { s: { type: synthetic, count: ${N}, rate: 0, seed: 1, batch_size: 1024 } }`],
  ['file', `sources: { s: { type: file, path: ${JSON.stringify(BIG)} } }`],
];
const OUT = 'output: { format: json }';
const SINKS: [string, string, string][] = [
  ['baseline: source + JSON render -> file /dev/null', 'quarry_sink_events_out_total', '{ type: file, path: /dev/null, buffer: { when_full: block } }'],
  ['kafka: JSON, acks=all, 1000/batch', 'quarry_sink_messages_total',
    `{ type: kafka, brokers: [127.0.0.1:9092], topic: bench-${tag}, key: "\${thread.tid}", acks: all, create_topic: true, partitions: 3, buffer: { when_full: block, max_events: 20000 } }`],
  ['kafka: JSON, acks=all, gzip, 5000/batch', 'quarry_sink_messages_total',
    `{ type: kafka, brokers: [127.0.0.1:9092], topic: bench-gz-${tag}, key: "\${thread.tid}", acks: all, compression: gzip, create_topic: true, partitions: 3, batch: { max_events: 5000, max_bytes: 1MiB }, buffer: { when_full: block, max_events: 20000 } }`],
  ['kafka: JSON, acks=all, 1000/batch, 4 in flight', 'quarry_sink_messages_total',
    `{ type: kafka, brokers: [127.0.0.1:9092], topic: bench-c4-${tag}, key: "\${thread.tid}", acks: all, create_topic: true, partitions: 3, concurrency: 4, buffer: { when_full: block, max_events: 20000 } }`],
  ['kafka: JSON, acks=all, 5000/batch, 2 in flight', 'quarry_sink_messages_total',
    `{ type: kafka, brokers: [127.0.0.1:9092], topic: bench-b5-${tag}, key: "\${thread.tid}", acks: all, create_topic: true, partitions: 3, concurrency: 2, batch: { max_events: 5000, max_bytes: 1MiB }, buffer: { when_full: block, max_events: 20000, max_bytes: 64MiB } }`],
  ['kafka: JSON, acks=all, 2000/batch, 8 in flight', 'quarry_sink_messages_total',
    `{ type: kafka, brokers: [127.0.0.1:9092], topic: bench-c8-${tag}, key: "\${thread.tid}", acks: all, create_topic: true, partitions: 3, concurrency: 8, batch: { max_events: 2000, max_bytes: 1MiB }, buffer: { when_full: block, max_events: 40000, max_bytes: 64MiB } }`],
  // the collector's benchmark receiver (4319/4320: decoded, kept as binary OTLP); one case to its
  // test receiver (4317/4318) that writes every span as JSON, to show what that costs the machine
  ['otel: spans, http/protobuf', 'quarry_sink_spans_total',
    `{ type: otel, endpoint: "http://127.0.0.1:4320", service_name: bench-${tag}, buffer: { when_full: block, max_events: 20000 } }`],
  ['otel: spans, http/protobuf, 4 in flight', 'quarry_sink_spans_total',
    `{ type: otel, endpoint: "http://127.0.0.1:4320", service_name: bench-c4-${tag}, concurrency: 4, buffer: { when_full: block, max_events: 20000 } }`],
  ['otel: spans, http/protobuf, 10000/batch, 4 in flight', 'quarry_sink_spans_total',
    `{ type: otel, endpoint: "http://127.0.0.1:4320", service_name: bench-b10-${tag}, concurrency: 4, batch: { max_events: 10000, max_bytes: 8MiB }, buffer: { when_full: block, max_events: 40000, max_bytes: 64MiB } }`],
  ['otel: spans, grpc', 'quarry_sink_spans_total',
    `{ type: otel, endpoint: "http://127.0.0.1:4319", protocol: grpc, service_name: bench-grpc-${tag}, buffer: { when_full: block, max_events: 20000 } }`],
  ['otel: spans, http/protobuf, 4 in flight, collector writing JSON', 'quarry_sink_spans_total',
    `{ type: otel, endpoint: "http://127.0.0.1:4318", service_name: bench-json-${tag}, concurrency: 4, buffer: { when_full: block, max_events: 20000 } }`],
];
const CASES: [string, string, string, string][] = SOURCES.flatMap(([src, source]) => SINKS.map(([name, counter, sink]): [string, string, string, string] => [`${src} | ${name}`, counter, sink, source]));

async function one(name: string, counter: string, sink: string, source: string): Promise<void> {
  const text = `service: { drain_timeout: 120s }\n${source}\npipelines:\n  p:\n    ${OUT}\n    sinks:\n      out: ${sink}\n`;
  const r = await checkConfigText(text, 'bench.yaml');
  if (!r.config) throw new Error(r.errors.join('\n'));
  const metrics = new Metrics();
  global.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new PipelineRunner(r.config, metrics, new Logger('error')).start();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const rss = process.resourceUsage().maxRSS * 1024; // peak of the whole process (this case only: one process per case)
  const out = metrics.get(counter);
  const events = metrics.get('quarry_source_events_total');
  const dropped = metrics.get('quarry_dropped_events_total');
  const cpuPct = ((cpu.user + cpu.system) / 1e6 / secs) * 100;
  console.log(`${name.padEnd(60)} ${String(out).padStart(8)} out ${Math.round(out / secs).toString().padStart(8)}/s  ${Math.round(events / secs).toString().padStart(8)} events/s  cpu ${cpuPct.toFixed(0).padStart(3)}% of a core (${((cpu.user + cpu.system) / events).toFixed(1)} µs/event)  rss ${(rss / 2 ** 20).toFixed(0)} MiB  dropped ${dropped}  (${secs.toFixed(2)} s)`);
}

async function main(): Promise<void> {
  if (EXACT !== undefined) {
    const [name, counter, sink, source] = CASES.find(([n]) => n === EXACT)!;
    try { await one(name, counter, sink, source); } catch (e) { console.log(`${name}: skipped: ${(e as Error).message.split('\n')[0]}`); }
    return;
  }
  const cases = CASES.filter(([n]) => n.includes(ONLY));
  if (cases.some(([n]) => n.startsWith('file')) && !fs.existsSync(BIG)) {
    const { events, bytes } = buildBig(path.join(tracesDir, '502Error.scap'), BIG, N, 0);
    console.log(`built ${BIG}: ${events} events, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  }
  // One process per case, so memory and JIT state do not carry over.
  console.log(`synthetic: ${N} events per case (about half are exits, so spans = events/2); file: ${BIG}; node ${process.version}`);
  // with the V8 flags bin/quarry.js gives `pipeline run`
  for (const [name] of cases) spawnSync(process.execPath, ['--max-semi-space-size=64', __filename, String(N), '--case', name], { stdio: 'inherit' });
}

void main();
