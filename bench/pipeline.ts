// SPDX-License-Identifier: Apache-2.0
// Benchmark (not a test): events/s into Kafka (JSON, acks=all) and spans/s into OTLP, with CPU and
// memory, against a memory-sink baseline over the same source so the bottleneck can be named.
// Run: npm run build:host && test/services/kafka start && test/services/otel start && node dist/bench/pipeline.js [events] [case-substring]; --case NAME runs one case in this process
import { spawnSync } from 'child_process';
import { checkConfigText } from '../host/pipeline/config';
import { Logger } from '../host/pipeline/log';
import { Metrics } from '../host/pipeline/metrics';
import { PipelineRunner } from '../host/pipeline/runner';

const N = Number(process.argv[2] ?? 200_000);
const EXACT = process.argv[3] === '--case' ? process.argv[4] : undefined;
const ONLY = EXACT === undefined ? process.argv[3] ?? '' : '';
const tag = Date.now().toString(36);

const SOURCE = `sources: { s: { type: synthetic, count: ${N}, rate: 0, seed: 1, batch_size: 1024 } }`;
const OUT = 'output: { format: json }';
const CASES: [string, string, string][] = [
  ['baseline: source + JSON render -> file /dev/null', 'quarry_sink_events_out_total', '{ type: file, path: /dev/null, buffer: { when_full: block } }'],
  ['kafka: JSON, acks=all, 1000/batch', 'quarry_sink_messages_total',
    `{ type: kafka, brokers: [127.0.0.1:9092], topic: bench-${tag}, key: "\${thread.tid}", acks: all, create_topic: true, partitions: 3, buffer: { when_full: block, max_events: 20000 } }`],
  ['kafka: JSON, acks=all, gzip, 5000/batch', 'quarry_sink_messages_total',
    `{ type: kafka, brokers: [127.0.0.1:9092], topic: bench-gz-${tag}, key: "\${thread.tid}", acks: all, compression: gzip, create_topic: true, partitions: 3, batch: { max_events: 5000, max_bytes: 4MiB }, buffer: { when_full: block, max_events: 20000 } }`],
  ['kafka: JSON, acks=all, 1000/batch, 4 in flight', 'quarry_sink_messages_total',
    `{ type: kafka, brokers: [127.0.0.1:9092], topic: bench-c4-${tag}, key: "\${thread.tid}", acks: all, create_topic: true, partitions: 3, concurrency: 4, buffer: { when_full: block, max_events: 20000 } }`],
  ['kafka: JSON, acks=all, 5000/batch, 2 in flight', 'quarry_sink_messages_total',
    `{ type: kafka, brokers: [127.0.0.1:9092], topic: bench-b5-${tag}, key: "\${thread.tid}", acks: all, create_topic: true, partitions: 3, concurrency: 2, batch: { max_events: 5000, max_bytes: 4MiB }, buffer: { when_full: block, max_events: 20000, max_bytes: 64MiB } }`],
  ['otel: spans, http/protobuf', 'quarry_sink_spans_total',
    `{ type: otel, endpoint: "http://127.0.0.1:4318", service_name: bench-${tag}, buffer: { when_full: block, max_events: 20000 } }`],
  ['otel: spans, http/protobuf, 4 in flight', 'quarry_sink_spans_total',
    `{ type: otel, endpoint: "http://127.0.0.1:4318", service_name: bench-c4-${tag}, concurrency: 4, buffer: { when_full: block, max_events: 20000 } }`],
  ['otel: spans, grpc', 'quarry_sink_spans_total',
    `{ type: otel, endpoint: "http://127.0.0.1:4317", protocol: grpc, service_name: bench-grpc-${tag}, buffer: { when_full: block, max_events: 20000 } }`],
];

async function one(name: string, counter: string, sink: string): Promise<void> {
  const text = `service: { drain_timeout: 120s }\n${SOURCE}\npipelines:\n  p:\n    ${OUT}\n    sinks:\n      out: ${sink}\n`;
  const r = await checkConfigText(text, 'bench.yaml');
  if (!r.config) throw new Error(r.errors.join('\n'));
  const metrics = new Metrics();
  let rss = 0;
  const sampler = setInterval(() => { rss = Math.max(rss, process.memoryUsage().rss); }, 50);
  global.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new PipelineRunner(r.config, metrics, new Logger('error')).start();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const out = metrics.get(counter);
  const dropped = metrics.get('quarry_dropped_events_total');
  const cpuPct = ((cpu.user + cpu.system) / 1e6 / secs) * 100;
  console.log(`${name.padEnd(50)} ${String(out).padStart(8)} out ${Math.round(out / secs).toString().padStart(8)}/s  ${Math.round(N / secs).toString().padStart(8)} events/s  cpu ${cpuPct.toFixed(0).padStart(3)}% of a core (${((cpu.user + cpu.system) / N).toFixed(1)} µs/event)  rss ${(rss / 2 ** 20).toFixed(0)} MiB  dropped ${dropped}  (${secs.toFixed(2)} s)`);
}

async function main(): Promise<void> {
  if (EXACT !== undefined) {
    const [name, counter, sink] = CASES.find(([n]) => n === EXACT)!;
    try { await one(name, counter, sink); } catch (e) { console.log(`${name}: skipped: ${(e as Error).message.split('\n')[0]}`); }
    return;
  }
  // One process per case, so memory and JIT state do not carry over.
  console.log(`${N} synthetic events per case (about half are exits, so spans = events/2); node ${process.version}`);
  for (const [name] of CASES.filter(([n]) => n.includes(ONLY))) spawnSync(process.execPath, [__filename, String(N), '--case', name], { stdio: 'inherit' });
}

void main();
