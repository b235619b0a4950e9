// SPDX-License-Identifier: Apache-2.0
// The synthetic source: deterministic, paired enter/exit events with consistent latencies, filters applied.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldValue } from '../../../../host/core/types';
import { SyntheticCapture } from '../../../../host/pipeline/sources/synthetic';

const opts = { count: 3000, rate: 0, seed: 9, processes: 5, batchSize: 100, lostExitRatio: 0, startNs: 1_000_000_000n };
const FIELDS = ['evt.num', 'evt.rawtime', 'evt.latency', 'evt.dir', 'evt.type', 'thread.tid', 'proc.pid', 'evt.res', 'evt.failed', 'evt.rawres'];

async function collect(filter = '', o = opts): Promise<FieldValue[][]> {
  const rows: FieldValue[][] = [];
  const stats = await new SyntheticCapture(o).run([{ filter, fields: FIELDS }], (_q, r) => { rows.push(...r); });
  assert.equal(stats.eventsRead, o.count);
  return rows;
}

test('sources > synthetic > the same seed gives the same events', async () => {
  assert.deepEqual(await collect(), await collect());
  assert.notDeepEqual(await collect(), await collect('', { ...opts, seed: 10 }));
});

test('sources > synthetic > every exit closes its thread\'s enter, with latency = exit time - enter time', async () => {
  const rows = await collect();
  assert.deepEqual(rows.map((r) => r[0]), Array.from({ length: 3000 }, (_, i) => BigInt(i + 1)));
  const open = new Map<bigint, FieldValue[]>();
  for (const r of rows) {
    const [, t, lat, dir, type, tid, pid, res, failed, rawres] = r;
    assert.equal(typeof t, 'bigint');
    assert.equal((tid as bigint) - ((tid as bigint) % 100n), pid, 'threads belong to their process');
    if (dir === '>') { assert.equal(open.has(tid as bigint), false); assert.equal(lat, 0n); open.set(tid as bigint, r); continue; }
    const enter = open.get(tid as bigint)!;
    assert.ok(enter, 'an exit follows an enter');
    assert.equal(type, enter[4]);
    assert.equal(lat, (t as bigint) - (enter[1] as bigint));
    assert.equal(failed, (rawres as bigint) < 0n);
    assert.equal(res === 'SUCCESS', !failed);
    open.delete(tid as bigint);
  }
});

test('sources > synthetic > applies each query\'s filter', async () => {
  const rows = await collect('evt.dir = < and evt.type in (read, write)');
  assert.ok(rows.length > 100);
  assert.ok(rows.every((r) => r[3] === '<' && (r[4] === 'read' || r[4] === 'write')));
});

test('sources > synthetic > stops when aborted', async () => {
  const ac = new AbortController();
  let seen = 0;
  const stats = await new SyntheticCapture({ ...opts, count: 0 }).run([{ fields: ['evt.num'] }], (_q, r) => { seen += r.length; if (seen >= 1000) ac.abort(); }, ac.signal);
  assert.equal(stats.eventsRead, seen);
});
