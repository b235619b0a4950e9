// SPDX-License-Identifier: Apache-2.0
// The capture-file source: pipelines over real .scap traces through the Wasm core, compared with
// sysdig 0.29.3; and the one-line errors when the file or the core is missing.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { FileCapture } from '../../../../host/core/capture';
import { QuarryError } from '../../../../host/core/types';
import { compileOutput } from '../../../../host/pipeline/format';
import { openFile } from '../../../../host/pipeline/sources/capture-file';
import { openLive } from '../../../../host/pipeline/sources/live';
import { memoryStore } from '../../../../host/sinks/memory';
import { runToEnd } from '../../events';
import { repoRoot } from '../../services';

const wasm = path.join(repoRoot(), 'build', 'core.wasm');
const TRACES = process.env.QUARRY_TRACES ?? path.resolve(repoRoot(), '..', 'shared', 'traces');
const SYSDIG = '/usr/bin/sysdig';

test('sources > capture-file > a missing capture file is a one-line error', () => {
  assert.throws(() => openFile('/nonexistent/x.scap'), (e: Error) => e instanceof QuarryError && e.message === 'file source: /nonexistent/x.scap: no such file');
});

test('sources > capture-file and live > say the core is not built when it is not', { skip: fs.existsSync(wasm) && 'the core is built here' }, () => {
  const file = path.join(repoRoot(), 'package.json');
  assert.throws(() => openFile(file), (e: Error) => e instanceof QuarryError && e.message === 'file source: the Wasm core is not built (build/core.wasm is missing); run `npm run build:core` first');
  assert.throws(() => openLive({ snaplen: 80, buffer_size: 1 << 20 }), (e: Error) => e instanceof QuarryError && e.message.startsWith('live source: the Wasm core is not built'));
});

const why = !fs.existsSync(wasm) ? 'the Wasm core is not built (npm run build:core)'
  : !fs.existsSync(TRACES) ? `traces missing at ${TRACES} (set QUARRY_TRACES)`
  : !fs.existsSync(SYSDIG) ? 'sysdig 0.29.3 is not installed' : undefined;

for (const [trace, filter] of [['cat_write.scap', 'evt.type in (open, mmap)'], ['502Error.scap', 'proc.name = haproxy and evt.dir = <'], ['connect_localhost.scap', 'fd.type = ipv4']]) {
  test(`sources > capture-file > ${trace} | ${filter}: the pipeline selects the same events as sysdig`, { skip: why }, async () => {
    const file = path.join(TRACES, trace);
    const store = `scap-${trace}`;
    await runToEnd(`
sources: { cap: { type: file, path: ${JSON.stringify(file)} } }
pipelines:
  p:
    filter: ${filter}
    output: { format: template, template: "%evt.num %proc.name %thread.tid %evt.dir %evt.type" }
    sinks: { m: { type: memory, store: ${JSON.stringify(store)}, buffer: { when_full: block } } }
`);
    const ref = spawnSync(SYSDIG, ['-r', file, '-p', '%evt.num %proc.name %thread.tid %evt.dir %evt.type', filter], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(ref.status, 0, ref.stderr);
    const want = ref.stdout.split('\n').filter(Boolean);
    assert.ok(want.length > 0);
    assert.deepEqual(memoryStore(store).map((r) => r.line), want);
  });
}

test('sources > capture-file > two pipelines on one file: each gets its own core-rendered lines, in order, the same as the host renders its rows', { skip: why }, async () => {
  const file = path.join(TRACES, '502Error.scap');
  const fields = ['evt.num', 'evt.type', 'proc.name', 'fd.name', 'evt.rawres', 'evt.latency', 'evt.buffer'];
  const [fa, fb] = ['proc.name = haproxy', 'evt.type in (read, write, connect)'];
  const metrics = await runToEnd(`
sources: { cap: { type: file, path: ${JSON.stringify(file)} } }
pipelines:
  a:
    filter: ${fa}
    output: { format: json, fields: [${fields.join(', ')}] }
    sinks: { m: { type: memory, store: two-a, buffer: { when_full: block, max_events: 100000 } } }
  b:
    filter: ${fb}
    output: { format: text, fields: [${fields.join(', ')}] }
    sinks: { m: { type: memory, store: two-b, buffer: { when_full: block, max_events: 100000 } } }
`);
  for (const [store, filter, format] of [['two-a', fa, 'json'], ['two-b', fb, 'text']] as const) {
    // the oracle: rows of the same query from the core, rendered by the host (format.ts)
    const shape = compileOutput({ format, fields });
    const cap = new FileCapture(file);
    await cap.open();
    const want: string[] = [];
    await cap.run([{ filter, fields }], (_q, rows) => { for (const r of rows) want.push(shape.render(r, fields.map((_, i) => i))); });
    const got = memoryStore(store);
    assert.ok(got.length > 100, `${store}: ${got.length} events`);
    assert.ok(got.every((r) => r.raw !== undefined), `${store}: the lines came as bytes from the core`);
    assert.deepEqual(got.map((r) => r.line), want);
    assert.equal(metrics.get('quarry_pipeline_events_total', { pipeline: store.slice(4) }), want.length);
  }
});
