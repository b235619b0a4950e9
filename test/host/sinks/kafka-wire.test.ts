// SPDX-License-Identifier: Apache-2.0
// The kafka sink's own encoding (host/sinks/kafka-wire.ts), checked against kafkajs' independent
// implementations: its murmur2 and CRC-32C, and its record batch decoder reading back what we encode.
// Also pins the kafkajs internals the produce path (kafka-produce.ts) relies on.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as zlib from 'zlib';
import { Kafka } from 'kafkajs';
import { Chunk, Packer, join } from '../../../host/sinks/chunk';
import { PackedMessages, PartitionRecords, Writer, crc32c, crc32cTable, murmur2, packMessage, timeRange, writeProduceRequest, writeRecords } from '../../../host/sinks/kafka-wire';

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
    const at = Buffer.concat([Buffer.from('xyz'), b, Buffer.from('!')]);
    assert.equal(murmur2(at, b.length, 3), kafkajsMurmur2(b), `key ${JSON.stringify(k)} inside a larger buffer`);
  }
});

test('sinks > kafka wire > CRC-32C (hardware and table) agrees with kafkajs\' and with the standard check value', () => {
  for (const [name, crc] of [['crc32c', crc32c], ['crc32cTable', crc32cTable]] as const) {
    assert.equal(crc(Buffer.from('123456789')), 0xe3069283, name);
    const r = rnd(2);
    for (const n of [0, 1, 3, 4, 5, 7, 8, 63, 64, 1000, 4099, 70_000]) {
      const b = Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
      assert.equal(crc(b), kafkajsCrc32C(b), `${name}, length ${n}`);
      if (n > 8) assert.equal(crc(b, 3, n - 2), kafkajsCrc32C(b.subarray(3, n - 2)), `${name}, range of ${n}`);
    }
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

/** `n` messages as plain arrays (the expectation) and packed as the sink's queue holds them, in chunks of 7, joined. */
function batchOf(n: number, opts: { headers?: boolean; nullKeys?: boolean } = {}) {
  const m = { topics: [] as string[], keys: [] as (string | null)[], values: [] as string[], timestamps: new Float64Array(n), headers: [] as string[][] };
  const chunks: Chunk[] = [];
  const p = new Packer(8); // small on purpose: exercises growth
  let ends: number[] = [];
  for (let i = 0; i < n; i++) {
    m.topics.push(i % 3 ? 'syscalls.nginx' : 'syscalls.redis');
    m.keys.push(opts.nullKeys && i % 2 ? null : `tid-${i % 7}`);
    m.values.push(JSON.stringify({ 'evt.num': i, 'fd.name': `/var/lib/é/${'x'.repeat(i * 7)}` }));
    m.timestamps[i] = i === 4 ? NaN : 1_700_000_000_000 + ((i * 37) % 11) * 1000;
    m.headers.push(opts.headers ? ['syscall', i % 2 ? 'read' : 'write', 'origin', 'quarry'] : []);
    packMessage(p, m.topics[i], m.keys[i], m.values[i], m.timestamps[i], opts.headers ? m.headers[i] : undefined);
    ends.push(p.pos);
    if (ends.length === 7 || i === n - 1) { chunks.push(new Chunk(p.take(), Uint32Array.from(ends), undefined, ends.length)); p.pos = 0; ends = []; }
  }
  const j = join(chunks);
  return { m, joined: j, packed: new PackedMessages(j.data, j.ends) };
}

test('sinks > kafka wire > packed messages read back as packed, and split at any message', () => {
  const { m, joined: whole, packed } = batchOf(25, { headers: true, nullKeys: true });
  assert.equal(packed.length, 25);
  assert.deepEqual([...packed.topicNames].sort(), ['syscalls.nginx', 'syscalls.redis']);
  for (let i = 0; i < 25; i++) {
    assert.equal(packed.topic(i), m.topics[i]);
    assert.equal(packed.key(i), m.keys[i]);
    assert.equal(packed.value(i), m.values[i]);
    assert.ok(Object.is(packed.timestamps[i], m.timestamps[i]));
    assert.equal(packed.headerCount[i], 2);
  }
  for (const k of [1, 9, 24]) {
    const [head, tail] = new Chunk(whole.data, whole.ends, undefined, 25).split(k);
    assert.equal(head.events, k);
    assert.equal(tail.events, 25 - k);
    const j = join([tail, head]);
    const back = new PackedMessages(j.data, j.ends);
    assert.deepEqual(Array.from({ length: 25 }, (_, i) => back.value(i)), [...m.values.slice(k), ...m.values.slice(0, k)]);
  }
  assert.throws(() => new PackedMessages(whole.data.subarray(0, whole.data.length - 1), whole.ends), /packed message 24/);
});

test('sinks > kafka wire > a message packed without a topic has the fixed topic, among messages with their own', () => {
  const p = new Packer(8);
  const ends: number[] = [];
  for (const [i, topic] of [null, null, 'other', null, 'other', 'third', null].entries()) {
    packMessage(p, topic, `k${i}`, `v${i}`, 1000 + i);
    ends.push(p.pos);
  }
  const m = new PackedMessages(p.take(), Uint32Array.from(ends), 'syscalls');
  assert.deepEqual(Array.from({ length: m.length }, (_, i) => m.topic(i)), ['syscalls', 'syscalls', 'other', 'syscalls', 'other', 'third', 'syscalls']);
  assert.deepEqual([...m.topicNames].sort(), ['other', 'syscalls', 'third']);
  assert.deepEqual(Array.from({ length: m.length }, (_, i) => m.value(i)), ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
});

for (const codec of ['none', 'gzip'] as const) {
  test(`sinks > kafka wire > a produce request (${codec}) decodes with kafkajs into the same records`, async () => {
    const { m, packed } = batchOf(60, { headers: true, nullKeys: true });
    const now = 1_800_000_000_000;
    const data = new Map<string, PartitionRecords[]>();
    const want = new Map<string, number[]>();
    for (let i = 0; i < 60; i++) {
      const k = `${m.topics[i]}/${i % 2}`;
      want.set(k, [...(want.get(k) ?? []), i]);
    }
    for (const [k, idx] of want) {
      const [topic, partition] = k.split('/');
      const { baseTs, maxTs } = timeRange(packed, idx, now);
      let records: PartitionRecords['records'] = { m: packed, idx, now }; // uncompressed: written into the request
      if (codec === 'gzip') {
        const w = new Writer(16); // small on purpose: exercises growth
        writeRecords(w, packed, idx, baseTs, now);
        records = zlib.gzipSync(Buffer.from(w.view()));
      }
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
