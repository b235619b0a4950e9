// SPDX-License-Identifier: Apache-2.0
// The kafka sink against a real broker (test/services/kafka): exact delivery of what the filter
// selects, per-key ordering, no loss across a broker restart with `block`, exact drop counts with
// `drop_newest`, templated topics and headers.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { Metrics } from '../../../host/pipeline/metrics';
import { PipelineRunner } from '../../../host/pipeline/runner';
import { config, expectedLines, quiet, runToEnd } from '../events';
import { service, sleep, startService, until } from '../services';

const run = Date.now().toString(36);
const FIELDS = ['evt.num', 'evt.type', 'evt.dir', 'proc.name', 'thread.tid', 'fd.name', 'evt.res', 'evt.latency'];
let skip: string | undefined;
const kafka = new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING, clientId: 'quarry-test' });

interface Got { topic: string; partition: number; key: string | null; value: string; headers: Record<string, string> }

/** Reads every message of `topics` from the beginning until `want` arrived (then 500 ms more), or `ms` passed. */
async function consume(topics: string[], want: number, ms = 30_000): Promise<Got[]> {
  const got: Got[] = [];
  const consumer = kafka.consumer({ groupId: `quarry-test-${run}-${Math.random().toString(36).slice(2)}`, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      got.push({
        topic, partition, key: message.key?.toString() ?? null, value: message.value!.toString(),
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
      });
    },
  });
  await until(() => got.length >= want, ms);
  await sleep(500);
  await consumer.disconnect();
  return got;
}

/** The partition kafkajs' DefaultPartitioner (murmur2, as Java's) gives `key` among 3 partitions. */
const defaultPartitioner = Partitioners.DefaultPartitioner();
const javaPartition = (topic: string, key: string) =>
  defaultPartitioner({ topic, partitionMetadata: [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 })), message: { key, value: null } });

const sinkYaml = (topic: string, extra = '') =>
  `{ type: kafka, brokers: [127.0.0.1:9092], topic: "${topic}", key: "\${thread.tid}", create_topic: true, partitions: 3, acks: all${extra} }`;

before(() => { skip = startService('kafka'); });
after(() => undefined);

// Two produce paths: our record encoding on kafkajs' cluster, and kafkajs' own producer (idempotent).
for (const [path, extra] of [['direct', ', compression: gzip'], ['idempotent', ', compression: gzip, idempotent: true']]) {
test(`sinks > kafka > ${path} > a pipeline delivers exactly the events its filter selects, in per-key order, on the Java partitioner's partitions`, async (t) => {
  if (skip) return t.skip(skip);
  const topic = `q-exact-${path}-${run}`;
  const filter = 'evt.type in (read, write, openat) and evt.dir = <';
  const metrics = await runToEnd(`
sources: { s: { type: synthetic, count: 6000, rate: 0, seed: 11 } }
pipelines:
  io:
    filter: ${filter}
    output: { format: json, fields: [${FIELDS.join(', ')}] }
    sinks:
      k: ${sinkYaml(topic, `${extra}, buffer: { when_full: block }`)}
`);
  const want = expectedLines({ count: 6000, seed: 11 }, filter, FIELDS);
  assert.ok(want.length > 500);
  assert.equal(metrics.get('quarry_pipeline_events_total', { pipeline: 'io' }), want.length);
  const got = await consume([topic], want.length);
  assert.equal(got.length, want.length, 'no loss, no duplicate');
  assert.deepEqual(got.map((g) => g.value).sort(), [...want].sort(), 'the same events, byte for byte');
  // Per key: one partition, and the source's order (evt.num increasing) kept.
  const byKey = new Map<string, Got[]>();
  for (const g of got) byKey.set(g.key!, [...(byKey.get(g.key!) ?? []), g]);
  assert.ok(byKey.size > 5);
  for (const [key, list] of byKey) {
    assert.equal(new Set(list.map((g) => g.partition)).size, 1, `key ${key} stays on one partition`);
    assert.equal(list[0].partition, javaPartition(topic, key), `key ${key} on the partition Java's (and kafkajs') default partitioner picks`);
    assert.equal(JSON.parse(list[0].value)['thread.tid'], Number(key));
    const nums = list.map((g) => JSON.parse(g.value)['evt.num'] as number);
    assert.deepEqual(nums, [...nums].sort((a, b) => a - b), `key ${key} in order`);
  }
  assert.equal(new Set(got.map((g) => g.partition)).size, 3, 'keys spread over the partitions');
});
}

test('sinks > kafka > topics and headers are rendered from each event\'s fields', async (t) => {
  if (skip) return t.skip(skip);
  const filter = 'evt.dir = < and proc.name in (nginx, postgres)';
  await runToEnd(`
sources: { s: { type: synthetic, count: 1500, rate: 0, seed: 12 } }
pipelines:
  byproc:
    filter: ${filter}
    output: { format: json, fields: [${FIELDS.join(', ')}] }
    sinks:
      k: ${sinkYaml(`q-tpl-${run}.\${proc.name}`, ', headers: { syscall: "${evt.type}", origin: quarry }, buffer: { when_full: block }')}
`);
  const want = expectedLines({ count: 1500, seed: 12 }, filter, FIELDS);
  const got = await consume([`q-tpl-${run}.nginx`, `q-tpl-${run}.postgres`], want.length);
  assert.equal(got.length, want.length);
  for (const g of got) {
    const ev = JSON.parse(g.value);
    assert.equal(g.topic, `q-tpl-${run}.${ev['proc.name']}`);
    assert.deepEqual(g.headers, { syscall: ev['evt.type'], origin: 'quarry' });
  }
});

test('sinks > kafka > without a key, messages go round robin over every partition, none lost', async (t) => {
  if (skip) return t.skip(skip);
  const topic = `q-nokey-${run}`;
  const filter = 'evt.dir = > and proc.name = redis-server';
  await runToEnd(`
sources: { s: { type: synthetic, count: 3000, rate: 0, seed: 17 } }
pipelines:
  p:
    filter: ${filter}
    output: { format: json, fields: [${FIELDS.join(', ')}] }
    sinks:
      k: { type: kafka, brokers: [127.0.0.1:9092], topic: "${topic}", create_topic: true, partitions: 3, batch: { max_events: 40 }, buffer: { when_full: block } }
`);
  const want = expectedLines({ count: 3000, seed: 17 }, filter, FIELDS);
  assert.ok(want.length > 100);
  const got = await consume([topic], want.length);
  assert.deepEqual(got.map((g) => g.value).sort(), [...want].sort());
  assert.ok(got.every((g) => g.key === null), 'no key');
  const per = [0, 1, 2].map((p) => got.filter((g) => g.partition === p).length);
  assert.ok(per.every((n) => Math.abs(n - want.length / 3) <= 1), `round robin: ${per}`);
});

test('sinks > kafka > with block, a broker stopped and restarted mid-stream loses nothing', { timeout: 180_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const topic = `q-restart-${run}`;
  const filter = 'evt.dir = <';
  const metrics = new Metrics();
  const running = runToEnd(`
service: { drain_timeout: 60s }
sources: { s: { type: synthetic, count: 16000, rate: 2000, seed: 13 } }
pipelines:
  all:
    filter: ${filter}
    output: { format: json, fields: [${FIELDS.join(', ')}] }
    sinks:
      k: ${sinkYaml(topic, ', buffer: { when_full: block, max_events: 2000 }, retry: { initial_backoff: 100ms, max_backoff: 1s }, timeout: 5s')}
`, metrics);
  await until(() => metrics.get('quarry_sink_events_out_total') > 1000, 20_000);
  service('kafka', 'stop');
  const outAtStop = metrics.get('quarry_sink_events_out_total');
  await sleep(3000);
  service('kafka', 'start');
  await running;
  const want = expectedLines({ count: 16000, seed: 13 }, filter, FIELDS);
  assert.ok(metrics.get('quarry_sink_errors_total') > 0, 'the outage was seen');
  assert.ok(outAtStop < want.length, 'the broker stopped mid-stream');
  assert.equal(metrics.get('quarry_dropped_events_total'), 0);
  const got = await consume([topic], want.length, 60_000);
  const values = new Set(got.map((g) => g.value));
  const missing = want.filter((w) => !values.has(w));
  assert.deepEqual(missing, [], 'every selected event reached Kafka');
  t.diagnostic(`delivered ${got.length} messages for ${want.length} events (${got.length - values.size} duplicates from retried batches)`);
});

test('sinks > kafka > with drop_newest, every event is delivered or counted as dropped, exactly', async (t) => {
  if (skip) return t.skip(skip);
  const topic = `q-drop-${run}`;
  const filter = 'evt.dir = <';
  const metrics = await runToEnd(`
sources: { s: { type: synthetic, count: 20000, rate: 0, seed: 14, batch_size: 1000 } }
pipelines:
  all:
    filter: ${filter}
    output: { format: json, fields: [${FIELDS.join(', ')}] }
    sinks:
      k: ${sinkYaml(topic, ', buffer: { when_full: drop_newest, max_events: 300 }, batch: { max_events: 100 }')}
`);
  const want = expectedLines({ count: 20000, seed: 14 }, filter, FIELDS);
  const dropped = metrics.get('quarry_dropped_events_total', { pipeline: 'all', sink: 'k', reason: 'queue_full' });
  const out = metrics.get('quarry_sink_events_out_total', { pipeline: 'all', sink: 'k' });
  assert.ok(dropped > 0, 'the queue overflowed');
  assert.equal(metrics.get('quarry_dropped_events_total'), dropped, 'no drops at another stage');
  assert.equal(out + dropped, want.length);
  const got = await consume([topic], out);
  assert.equal(got.length, out);
  const wanted = new Set(want);
  assert.ok(got.every((g) => wanted.has(g.value)));
  assert.equal(new Set(got.map((g) => g.value)).size, got.length, 'no duplicates');
});

test('sinks > kafka > delivery_timeout drops a batch that cannot be delivered, and counts it', async () => {
  const metrics = await runToEnd(`
service: { drain_timeout: 30s }
sources: { s: { type: synthetic, count: 400, rate: 0, seed: 15 } }
pipelines:
  p:
    filter: evt.dir = <
    sinks:
      k: { type: kafka, brokers: ["127.0.0.1:1"], topic: nowhere, delivery_timeout: 1s, connect_timeout: 200ms, buffer: { when_full: block }, retry: { initial_backoff: 50ms, max_backoff: 200ms } }
`);
  const selected = metrics.get('quarry_pipeline_events_total', { pipeline: 'p' });
  assert.ok(selected > 100);
  assert.equal(metrics.get('quarry_dropped_events_total', { sink: 'k', stage: 'sink_write', reason: 'delivery_timeout' }), selected);
  assert.equal(metrics.get('quarry_sink_events_out_total', { sink: 'k' }), 0);
  assert.ok(metrics.get('quarry_sink_delivery_timeouts_total', { sink: 'k' }) >= 1);
});

test('sinks > kafka > a missing topic is not auto-created unless create_topic is set', async (t) => {
  if (skip) return t.skip(skip);
  const topic = `q-noauto-${run}`;
  const metrics = await runToEnd(`
sources: { s: { type: synthetic, count: 200, rate: 0, seed: 16 } }
pipelines:
  p:
    sinks:
      k: { type: kafka, brokers: [127.0.0.1:9092], topic: ${topic}, delivery_timeout: 2s, buffer: { when_full: block }, retry: { initial_backoff: 100ms, max_backoff: 500ms } }
`);
  assert.equal(metrics.get('quarry_sink_events_out_total', { sink: 'k' }), 0);
  assert.equal(metrics.get('quarry_dropped_events_total', { sink: 'k', reason: 'delivery_timeout' }), 200);
  const admin = kafka.admin();
  await admin.connect();
  try { assert.equal((await admin.listTopics()).includes(topic), false, 'the broker did not create the topic'); } finally { await admin.disconnect(); }
});

test('sinks > kafka > stopping mid-stream drains the queue through the sink thread: every queued event reaches Kafka, once', async (t) => {
  if (skip) return t.skip(skip);
  const topic = `q-stop-${run}`;
  const metrics = new Metrics();
  // Batches that neither fill nor age before the stop: everything is still queued (packed) when it comes.
  const runner = new PipelineRunner(await config(`
service: { drain_timeout: 30s }
sources: { s: { type: synthetic, count: 1000000, rate: 20000, seed: 18 } }
pipelines:
  p:
    output: { format: json, fields: [${FIELDS.join(', ')}] }
    sinks:
      k: ${sinkYaml(topic, ', buffer: { when_full: block, max_events: 100000, max_bytes: 64MiB }, batch: { max_events: 5000, max_bytes: 1MiB, max_age: 1h }')}
`), metrics, quiet);
  const done = runner.start();
  await until(() => metrics.get('quarry_pipeline_events_total', { pipeline: 'p' }) >= 2000, 20_000);
  const queuedAtStop = metrics.get('quarry_sink_queue_events');
  await runner.stop();
  assert.equal(await done, false, 'stopped, not ended');
  const selected = metrics.get('quarry_pipeline_events_total', { pipeline: 'p' });
  const out = metrics.get('quarry_sink_events_out_total', { sink: 'k' });
  assert.ok(queuedAtStop >= 2000 && selected < 1000000, `queued ${queuedAtStop} of ${selected} at the stop`);
  assert.equal(metrics.get('quarry_dropped_events_total'), 0);
  assert.equal(out, selected, 'the queue was drained, not dropped');
  const got = await consume([topic], out);
  assert.equal(got.length, out);
  assert.equal(new Set(got.map((g) => JSON.parse(g.value)['evt.num'])).size, out, 'each once');
});
