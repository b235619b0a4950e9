// SPDX-License-Identifier: Apache-2.0
// The kafka sink's produce path: kafkajs' cluster (bootstrap, metadata, leader lookup, connections
// with TLS/SASL, request queueing, error decoding, retry policy) with our own record encoding
// (kafka-wire.ts), sent as one Produce request per leader broker. These are kafkajs internals, not
// its public API; kafkajs is pinned to an exact version in package.json and
// test/host/sinks/kafka-wire.test.ts fails if any of the pieces used here moves.
import { promisify } from 'util';
import * as zlib from 'zlib';
import { Kafka, Partitioners } from 'kafkajs';
import { PackedMessages, PartitionRecords, Writer, murmur2, timeRange, writeProduceRequest, writeRecords } from './kafka-wire';

/* eslint-disable @typescript-eslint/no-var-requires */
interface PartitionMetadata { partitionId: number; leader: number }
interface Broker { nodeId: number; connectionPool: { send(r: unknown): Promise<unknown> }; disconnect(): Promise<void>; versions?: Record<number, { minVersion: number; maxVersion: number }> }
interface Cluster {
  isConnected(): boolean; connect(): Promise<void>; disconnect(): Promise<void>; removeBroker(b: { host: string; port: number }): void;
  refreshMetadata(): Promise<void>; refreshMetadataIfNecessary(): Promise<void>; addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): PartitionMetadata[]; findBroker(b: { nodeId: string | number }): Promise<Broker>;
}
interface KafkaEncoder { writeBuffer(b: Buffer): KafkaEncoder }
type Retrier = <T>(fn: (bail: (e: Error) => void, retryCount: number) => Promise<T>) => Promise<T>;

const Encoder: new (size?: number) => KafkaEncoder = require('kafkajs/src/protocol/encoder');
const produceV3Response: { decode(b: Buffer): Promise<unknown>; parse(d: unknown): Promise<unknown> } = require('kafkajs/src/protocol/requests/produce/v3/response');
const createRetry: (opts: object) => Retrier = require('kafkajs/src/retry');
const { staleMetadata }: { staleMetadata(e: unknown): boolean } = require('kafkajs/src/protocol/error');
const { KafkaJSMetadataNotLoaded }: { KafkaJSMetadataNotLoaded: new (m: string, o?: object) => Error } = require('kafkajs/src/errors');

const gzip = promisify(zlib.gzip);
const PRODUCE = 0;

/** The cluster factory kafkajs' producer uses, so brokers, TLS, SASL and timeouts are configured once, in `new Kafka`. */
function clusterOf(kafka: Kafka): Cluster {
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = sym && (kafka as unknown as Record<symbol, unknown>)[sym];
  if (typeof create !== 'function') throw new Error('kafka sink: this kafkajs version has no cluster factory (kafkajs 2.2.4 is required)');
  return create({ allowAutoTopicCreation: false, metadataMaxAge: 300_000 }) as Cluster;
}

/** The partition of message `i` of `m` among `meta`. */
type Partitioner = (topic: string, meta: PartitionMetadata[], m: PackedMessages, i: number) => number;

/** kafkajs' DefaultPartitioner (Java-compatible murmur2 of the key bytes; round robin without a key). */
function defaultPartitioner(): Partitioner {
  const counters = new Map<string, number>();
  const available = new WeakMap<PartitionMetadata[], PartitionMetadata[]>(); // per metadata snapshot
  return (topic, meta, m, i) => {
    if (m.keyLen[i] >= 0) return (murmur2(m.data, m.keyLen[i], m.keyAt[i]) & 0x7fffffff) % meta.length;
    let c = counters.get(topic) ?? Math.floor(Math.random() * 2 ** 31);
    counters.set(topic, ++c);
    let up = available.get(meta);
    if (!up) available.set(meta, (up = meta.filter((p) => p.leader >= 0)));
    return up.length > 0 ? up[(c & 0x7fffffff) % up.length].partitionId : (c & 0x7fffffff) % meta.length;
  }
}

function legacyPartitioner(): Partitioner {
  const p = Partitioners.LegacyPartitioner();
  return (topic, partitionMetadata, m, i) => p({ topic, partitionMetadata: partitionMetadata as never, message: { key: m.key(i), value: null } });
}

export interface DirectProducerOptions { acks: -1 | 0 | 1; timeout: number; compression: 'none' | 'gzip'; partitioner: 'default' | 'legacy'; retry: object }

export class DirectProducer {
  private readonly cluster: Cluster;
  private readonly partition: Partitioner;
  private readonly retrier: Retrier;
  private readonly writer = new Writer(1 << 20);

  constructor(kafka: Kafka, private readonly o: DirectProducerOptions) {
    this.cluster = clusterOf(kafka);
    this.partition = o.partitioner === 'legacy' ? legacyPartitioner() : defaultPartitioner();
    this.retrier = createRetry(o.retry);
  }

  connect(): Promise<void> { return this.cluster.connect(); }
  disconnect(): Promise<void> { return this.cluster.disconnect(); }

  /** Produces every message of `m`; resolves once each leader acknowledged (per `acks`), throws if any did not. */
  async send(m: PackedMessages): Promise<void> {
    await this.cluster.addMultipleTargetTopics(m.topicNames);
    const done = new Set<number>(); // leaders that acknowledged their part, not sent again on a retry
    await this.retrier(async (bail) => {
      try {
        await this.cluster.refreshMetadataIfNecessary();
        const perLeader = this.group(m);
        await Promise.all([...perLeader].filter(([leader]) => !done.has(leader)).map(async ([leader, data]) => {
          await this.produce(leader, m, data);
          done.add(leader);
        }));
      } catch (e) {
        const err = e as Error & { host: string; port: number; retriable?: boolean };
        if (err.name === 'KafkaJSConnectionClosedError') this.cluster.removeBroker({ host: err.host, port: err.port });
        if (!this.cluster.isConnected()) { await this.cluster.connect(); await this.cluster.refreshMetadata(); throw e; }
        if (staleMetadata(e) || ['KafkaJSMetadataNotLoaded', 'KafkaJSConnectionError', 'KafkaJSConnectionClosedError'].includes(err.name) || (err.name === 'KafkaJSProtocolError' && err.retriable)) {
          await this.cluster.refreshMetadata();
          throw e;
        }
        if (err.retriable) throw e;
        bail(err);
      }
    });
  }

  /** leader node id -> topic -> partition -> message indices. */
  private group(m: PackedMessages): Map<number, Map<string, Map<number, number[]>>> {
    const out = new Map<number, Map<string, Map<number, number[]>>>();
    const metaOf = new Map<string, { meta: PartitionMetadata[]; leaders: Map<number, number> }>();
    for (let i = 0; i < m.length; i++) {
      const topic = m.topic(i);
      let t = metaOf.get(topic);
      if (!t) {
        const meta = this.cluster.findTopicPartitionMetadata(topic);
        if (meta.length === 0) throw new KafkaJSMetadataNotLoaded('Producing to topic without metadata', { topic });
        t = { meta, leaders: new Map(meta.map((p) => [p.partitionId, p.leader])) };
        metaOf.set(topic, t);
      }
      const partition = this.partition(topic, t.meta, m, i);
      const leader = t.leaders.get(partition);
      if (leader === undefined || leader < 0) throw new KafkaJSMetadataNotLoaded(`no leader for ${topic}/${partition}`, { topic });
      let byTopic = out.get(leader);
      if (!byTopic) out.set(leader, (byTopic = new Map()));
      let byPartition = byTopic.get(topic);
      if (!byPartition) byTopic.set(topic, (byPartition = new Map()));
      const list = byPartition.get(partition);
      if (list) list.push(i); else byPartition.set(partition, [i]);
    }
    return out;
  }

  private async produce(leader: number, m: PackedMessages, data: Map<string, Map<number, number[]>>): Promise<void> {
    const now = Date.now();
    const w = this.writer;
    const request = new Map<string, PartitionRecords[]>();
    for (const [topic, parts] of data) {
      const list: PartitionRecords[] = [];
      for (const [partition, idx] of parts) {
        const { baseTs, maxTs } = timeRange(m, idx, now);
        if (this.o.compression === 'gzip') {
          w.pos = 0;
          writeRecords(w, m, idx, baseTs, now);
          const raw = Buffer.from(w.view()); // a copy: the writer is shared by concurrent sends
          list.push({ partition, count: idx.length, baseTs, maxTs, codec: 1, records: await gzip(raw) });
        } else list.push({ partition, count: idx.length, baseTs, maxTs, codec: 0, records: { m, idx, now } });
      }
      request.set(topic, list);
    }
    w.pos = 0;
    writeProduceRequest(w, this.o.acks, this.o.timeout, request);
    const body = new Encoder(w.pos).writeBuffer(w.view());
    const broker = await this.cluster.findBroker({ nodeId: String(leader) });
    const acks = this.o.acks;
    try {
      await broker.connectionPool.send({
        request: { apiKey: PRODUCE, apiVersion: 3, apiName: 'Produce', expectResponse: () => acks !== 0, encode: async () => body },
        response: produceV3Response,
      });
    } catch (e) {
      if ((e as Error).name === 'KafkaJSConnectionClosedError') await broker.disconnect();
      throw e;
    }
  }
}
