// SPDX-License-Identifier: Apache-2.0
// The runner: sinks are isolated from each other unless configured to block.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryStore } from '../../../host/sinks/memory';
import { runToEnd } from '../events';

const pipeline = (policy: string, tag: string, delay: string) => `
sources: { s: { type: synthetic, count: 4000, rate: 0, seed: 31 } }
pipelines:
  p:
    sinks:
      fast: { type: memory, store: fast-${tag} }
      slow: { type: memory, store: slow-${tag}, delay: ${delay}, buffer: { max_events: 200, when_full: ${policy} }, batch: { max_events: 100 } }
`;

test('runner > a slow drop_newest sink does not stall the others; its drops are counted exactly', async () => {
  const t0 = Date.now();
  const m = await runToEnd(pipeline('drop_newest', 'iso', '300ms'));
  const elapsed = Date.now() - t0;
  assert.equal(memoryStore('fast-iso').length, 4000);
  const slowOut = memoryStore('slow-iso').length;
  const dropped = m.get('quarry_dropped_events_total', { sink: 'slow', stage: 'sink_queue', reason: 'queue_full' });
  assert.equal(slowOut + dropped, 4000);
  assert.ok(dropped > 3000, `dropped ${dropped}`);
  assert.ok(elapsed < 6000, `took ${elapsed} ms; waiting for the slow sink would take 12 s`);
});

test('runner > a slow block sink holds the source back and loses nothing', async () => {
  const t0 = Date.now();
  const m = await runToEnd(pipeline('block', 'blk', '100ms'));
  assert.equal(memoryStore('fast-blk').length, 4000);
  assert.equal(memoryStore('slow-blk').length, 4000);
  assert.equal(m.get('quarry_dropped_events_total'), 0);
  assert.ok(Date.now() - t0 >= 3000, 'the source waited for the slow sink');
  assert.deepEqual(memoryStore('slow-blk').map((r) => r.line), memoryStore('fast-blk').map((r) => r.line));
});
