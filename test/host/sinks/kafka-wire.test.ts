// SPDX-License-Identifier: Apache-2.0
// The kafka sink's own encoding (host/sinks/kafka-wire.ts), checked against kafkajs' independent
// implementations: its murmur2 and CRC-32C, and its record batch decoder reading back what we encode.
// Also pins the kafkajs internals the produce path (kafka-produce.ts) relies on.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as zlib from 'zlib';
import { Kafka } from 'kafkajs';
import { MessageBatch, Writer, crc32c, murmur2, timeRange, writeProduceRequest, writeRecords } from '../../../host/sinks/kafka-wire';

/* eslint-disable @typescript-eslint/no-var-requires */
const kafkajsMurmur2: (key: Buffer) => number = require('kafkajs/src/producer/partitioners/default/murmur2');
const kafkajsCrc32C: (b: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C');
const Decoder = require('kafkajs/src/protocol/decoder');
const decodeRecordBatch: (d: unknown) => Promise<any> = require('kafkajs/src/protocol/recordBatch/v0/decoder');

function rnd(seed: number): () => number {
  let a = seed;
  return () => { a = (Math.imul(a, 1103515245) + 12345) >>> 0; return a / 2 ** 32; };
}

test('sinks > kafka wire > murmur2 is kafkajs\' (Java-compatible) murmur2, for every length and for UTF-8 keys', () => {
  const r = rnd(1);
  const keys = ['', 'a', 'ab', 'abc', 'abcd', '1203', 'container-0c0ffee00001', 'naïve ключ 🔑'];
  for (let i = 0; i < 2000; i++) keys.push(Array.from({ length: Math.floor(r() * 40) }, () => String.fromCharCode(32 + Math.floor(r() * 0x2000))).join(''));
  for (const k of keys) {
    const b = Buffer.from(k);
    assert.equal(murmur2(b, b.length), kafkajsMurmur2(b), `key ${JSON.stringify(k)}`);
  }
});

test('sinks > kafka wire > CRC-32C agrees with kafkajs\' and with the standard check value', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  const r = rnd(2);
  for (const n of [0, 1, 3, 4, 5, 7, 8, 63, 64, 1000, 4099]) {
    const b = Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
    assert.equal(crc32c(b), kafkajsCrc32C(b), `length ${n}`);
    if (n > 8) assert.equal(crc32c(b, 3, n - 2), kafkajsCrc32C(b.subarray(3, n - 2)), `range of ${n}`);
  }
});

/** Reads a Produce v3 request body back: topic -> partition -> decoded record batch. */
async function readRequest(body: Buffer) {
  const d = new Decoder(body);
  assert.equal(d.readInt16(), -1, 'no transactional id');
  const acks = d.readInt16();
  const timeout = d.readInt32();
  const topics: Record<string, Record<number, any>> = {};
  for (let t = d.readInt32(); t > 0; t--) {
    const topic = d.readString();
    topics[topic] = {};
    for (let p = d.readInt32(); p > 0; p--) {
      const partition = d.readInt32();
      const size = d.readInt32();
      const batch = d.slice(size);
      d.forward(size);
      const raw = batch.buffer as Buffer;
      // Our CRC covers attributes .. end (offset 21 on), as brokers check it.
      assert.equal(raw.readUInt32BE(17), crc32c(raw, 21), 'batch CRC');
      topics[topic][partition] = await decodeRecordBatch(batch);
    }
  }
  return { acks, timeout, topics };
}

function batchOf(n: number, opts: { headers?: boolean; nullKeys?: boolean } = {}): MessageBatch {
  const m: MessageBatch = { topics: [], keys: [], values: [], timestamps: new Float64Array(n), headers: opts.headers ? [] : undefined };
  for (let i = 0; i < n; i++) {
    m.topics.push(i % 3 ? 'syscalls.nginx' : 'syscalls.redis');
    m.keys.push(opts.nullKeys && i % 2 ? null : `tid-${i % 7}`);
    m.values.push(JSON.stringify({ 'evt.num': i, 'fd.name': `/var/lib/é/${'x'.repeat(i * 7)}` }));
    m.timestamps[i] = i === 4 ? NaN : 1_700_000_000_000 + ((i * 37) % 11) * 1000;
    m.headers?.push(['syscall', i % 2 ? 'read' : 'write', 'origin', 'quarry']);
  }
  return m;
}

for (const codec of ['none', 'gzip'] as const) {
  test(`sinks > kafka wire > a produce request (${codec}) decodes with kafkajs into the same records`, async () => {
    const m = batchOf(60, { headers: true, nullKeys: true });
    const now = 1_800_000_000_000;
    const data = new Map<string, { partition: number; count: number; baseTs: number; maxTs: number; codec: number; records: Uint8Array }[]>();
    const want = new Map<string, number[]>();
    for (let i = 0; i < 60; i++) {
      const k = `${m.topics[i]}/${i % 2}`;
      want.set(k, [...(want.get(k) ?? []), i]);
    }
    for (const [k, idx] of want) {
      const [topic, partition] = k.split('/');
      const { baseTs, maxTs } = timeRange(m, idx, now);
      const w = new Writer(16); // small on purpose: exercises growth
      writeRecords(w, m, idx, baseTs, now);
      const raw = Buffer.from(w.view());
      const records = codec === 'gzip' ? zlib.gzipSync(raw) : raw;
      const list = data.get(topic) ?? [];
      list.push({ partition: Number(partition), count: idx.length, baseTs, maxTs, codec: codec === 'gzip' ? 1 : 0, records });
      data.set(topic, list);
    }
    const w = new Writer(64);
    writeProduceRequest(w, -1, 30_000, data);
    const got = await readRequest(Buffer.from(w.view()));
    assert.equal(got.acks, -1);
    assert.equal(got.timeout, 30_000);
    for (const [k, idx] of want) {
      const [topic, partition] = k.split('/');
      const batch = got.topics[topic][Number(partition)];
      assert.ok(batch, k);
      assert.equal(batch.records.length, idx.length);
      batch.records.forEach((rec: any, n: number) => {
        const i = idx[n];
        assert.equal(rec.offset, String(n));
        assert.equal(rec.key === null ? null : rec.key.toString(), m.keys[i]);
        assert.equal(rec.value.toString(), m.values[i]);
        assert.equal(rec.timestamp, String(Number.isNaN(m.timestamps[i]) ? now : m.timestamps[i]));
        assert.deepEqual(Object.fromEntries(Object.entries(rec.headers).map(([h, v]) => [h, String(v)])), { syscall: i % 2 ? 'read' : 'write', origin: 'quarry' });
      });
      assert.equal(batch.maxTimestamp, String(Math.max(...idx.map((i) => (Number.isNaN(m.timestamps[i]) ? now : m.timestamps[i])))));
    }
  });
}

test('sinks > kafka wire > the kafkajs internals the produce path uses are where it expects them', () => {
  const kafka = new Kafka({ brokers: ['127.0.0.1:1'], clientId: 'wire-test' });
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  assert.ok(sym, 'kafkajs keeps its cluster factory');
  const cluster = (kafka as any)[sym!]({ allowAutoTopicCreation: false });
  for (const f of ['connect', 'disconnect', 'isConnected', 'refreshMetadata', 'refreshMetadataIfNecessary', 'addMultipleTargetTopics', 'findTopicPartitionMetadata', 'findBroker', 'removeBroker']) {
    assert.equal(typeof cluster[f], 'function', `Cluster.${f}`);
  }
  assert.equal(typeof require('kafkajs/src/protocol/requests/produce/v3/response').parse, 'function');
  assert.equal(typeof require('kafkajs/src/protocol/error').staleMetadata, 'function');
  assert.equal(typeof require('kafkajs/src/retry'), 'function');
  assert.equal(require('kafkajs/package.json').version, '2.2.4');
});
