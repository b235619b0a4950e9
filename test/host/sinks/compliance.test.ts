// SPDX-License-Identifier: Apache-2.0
// The component spec (host/COMPONENTS.md), enforced over every registered sink: its example is a
// valid config, it emits the standard counters through the worker plus its own, flush() means the
// events are at the destination, and close() is idempotent and final.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { parse } from 'yaml';
import { Metrics } from '../../../host/pipeline/metrics';
import { SinkWorker } from '../../../host/pipeline/worker';
import { SINKS } from '../../../host/sinks';
import { memoryStore } from '../../../host/sinks/memory';
import { SinkConfig } from '../../../host/pipeline/config';
import { SinkRecord } from '../../../host/sinks/types';
import { config, quiet, records } from '../events';
import { service, startService, until } from '../services';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-compliance-'));
const run = Date.now().toString(36);

/** Per sink type: how to point its example at a test destination, what needs a service, and how many events arrived. */
const HARNESS: Record<string, { service?: 'kafka' | 'otel'; adapt(cfg: any): void; delivered(cfg: any, sent: SinkRecord[]): Promise<number> }> = {
  memory: { adapt: (c) => { c.store = `compliance-${run}`; }, delivered: async (c) => memoryStore(c.store).length },
  file: {
    adapt: (c) => { c.path = path.join(tmp, 'out.jsonl'); },
    delivered: async (c) => fs.readFileSync(c.path, 'utf8').split('\n').filter(Boolean).length,
  },
  stdout: { adapt: () => undefined, delivered: async () => captured.split('\n').filter(Boolean).length },
  kafka: {
    service: 'kafka',
    adapt: (c) => { c.topic = `compliance-${run}`; c.key = undefined; c.create_topic = true; c.brokers = ['127.0.0.1:9092']; },
    async delivered(c) {
      const admin = new Kafka({ brokers: c.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try { return (await admin.fetchTopicOffsets(c.topic)).reduce((n, p) => n + Number(p.high), 0); } finally { await admin.disconnect(); }
    },
  },
  otel: {
    service: 'otel',
    adapt: (c) => { c.service_name = `compliance-${run}`; c.spans.min_latency = 0; c.spans.group = 'none'; },
    async delivered(c, sent) {
      // One span per exit event: the test counts spans and reports "all delivered" when each exit has one.
      const exits = sent.filter((r) => r.line.includes('"evt.dir":"<"')).length;
      const count = () => service('otel', 'spans', `compliance-${run}`).split('\n').filter((l) => l.includes(`"service":"compliance-${run}"`)).length;
      await until(() => count() >= exits, 5000);
      return count() === exits ? sent.length : count();
    },
  },
};

let captured = '';

for (const [type, def] of Object.entries(SINKS)) {
  test(`sinks > ${type} > follows the component spec`, async (t) => {
    const h = HARNESS[type];
    assert.ok(h, `no compliance harness for sink type ${type}: add one`);
    if (h.service) {
      const why = startService(h.service);
      if (why) { t.skip(why); return; }
    }
    // Its documented example is a valid sink config.
    const example = parse(def.example);
    const cfg = await config(`sources: { s: { type: synthetic } }\npipelines:\n  p:\n    sinks:\n      out: ${JSON.stringify(example)}\n`);
    const sinkCfg = cfg.pipelines.p.sinks.out as SinkConfig;
    h.adapt(sinkCfg);
    sinkCfg.batch.max_age = 10;

    const n = 200;
    const { records: recs, ctx } = records(n, def.requiredFields?.(sinkCfg) ?? []);
    const sink = def.create(sinkCfg, ctx('out'));
    const own = Object.keys(sink.counters());
    assert.ok(own.length > 0, 'a sink reports at least one counter of its own');
    const metrics = new Metrics();
    const worker = new SinkWorker(sink, sinkCfg, { pipeline: 'p', sink: 'out', type }, metrics, quiet);
    const write = process.stdout.write;
    if (type === 'stdout') (process.stdout as any).write = (s: string, cb?: () => void) => { captured += s; cb?.(); return true; };
    try {
      await worker.push(recs);
      await worker.flush();
    } finally { (process.stdout as any).write = write; }

    // flush() means delivered: the destination has every event.
    assert.equal(await h.delivered(sinkCfg, recs), n);
    const labels = { pipeline: 'p', sink: 'out', type };
    assert.equal(metrics.get('quarry_sink_events_in_total', labels), n);
    assert.equal(metrics.get('quarry_sink_events_out_total', labels), n);
    assert.equal(metrics.get('quarry_dropped_events_total', labels), 0);
    const text = metrics.render();
    for (const name of ['events_in', 'events_out', 'bytes_out', 'errors', 'retries', ...own]) assert.match(text, new RegExp(`^quarry_sink_${name}_total\\{`, 'm'));
    for (const v of Object.values(sink.counters())) assert.equal(typeof v, 'number');
    assert.deepEqual(Object.keys(sink.counters()), own, 'the counter set is stable');

    // close() is idempotent and final.
    await worker.close(5000);
    await worker.close(5000);
    await sink.close();
    await assert.rejects(sink.write(recs.slice(0, 1)));
  });
}
