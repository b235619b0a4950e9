// SPDX-License-Identifier: Apache-2.0
// Sink threads (host/sinks/thread.ts): a thread that dies fails its pending calls (the worker then
// retries them like any failed write) and the next call starts a new one that delivers; a closed
// thread refuses calls. Checked with the OTLP deliverer against the real collector.
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Packer } from '../../../host/sinks/chunk';
import { encodeSpan } from '../../../host/sinks/otel/otlp-encode';
import { SinkThread } from '../../../host/sinks/thread';
import { service, startService, until } from '../services';

const run = Date.now().toString(36);
let skip: string | undefined;
before(() => { skip = startService('otel'); });

function oneSpan(name: string): { data: Uint8Array; ends: Uint32Array } {
  const p = new Packer(64);
  encodeSpan(p, name, Buffer.alloc(16, 0x42), Buffer.alloc(8, 0x17), undefined, 1_700_000_000_000_000_000n, 1_700_000_000_000_500_000n, { 'thread.id': 7 }, { code: 0 });
  return { data: p.take(), ends: Uint32Array.of(p.pos) };
}

test('sinks > thread > a thread that dies fails its pending call; the next call runs in a new thread and delivers', async (t) => {
  if (skip) return t.skip(skip);
  const serviceName = `thread-${run}`;
  const th = new SinkThread('otlp', { url: 'http://127.0.0.1:4318/v1/traces', protocol: 'http/protobuf', headers: {}, timeout: 5000, service_name: serviceName, scope: 'quarry.syscalls' });
  // An unknown operation throws inside the thread's message handler: the thread exits with an error.
  await assert.rejects(th.call('no-such-op'), /otlp sink thread (failed|exited)/);
  const s = oneSpan('after-crash');
  const r = await th.call<{ spans: number }>('send', s, [s.data.buffer as ArrayBuffer, s.ends.buffer as ArrayBuffer]);
  assert.deepEqual(r, { spans: 1 });
  assert.equal(s.data.byteLength, 0, 'the batch was transferred, not copied');
  const got = () => service('otel', 'spans', serviceName).split('\n').filter((l) => l.includes(`"service":"${serviceName}"`)).map((l) => JSON.parse(l));
  assert.ok(await until(() => got().length === 1, 10_000), 'the collector received the span');
  assert.equal(got()[0].name, 'after-crash');
  assert.equal(got()[0].attributes['thread.id'], '7');
  await th.close();
  await th.close();
  await assert.rejects(th.call('send', oneSpan('late')), /otlp sink is closed/);
});

test('sinks > thread > a deliverer error comes back as the call\'s error, and the thread lives on', async () => {
  const th = new SinkThread('otlp', { url: 'http://127.0.0.1:1/v1/traces', protocol: 'http/protobuf', headers: {}, timeout: 2000, service_name: 'x', scope: 'quarry.syscalls' });
  await assert.rejects(th.call('send', oneSpan('a')), /ECONNREFUSED/);
  await assert.rejects(th.call('send', oneSpan('b')), /ECONNREFUSED/);
  await th.close();
});
