// SPDX-License-Identifier: Apache-2.0
// The kafka sink produces one message per event: templated topic and key, headers, acks (default
// all), optional idempotence and gzip. Without idempotence, each event is packed (topic, key,
// headers, time, line: kafka-wire.ts) as it is queued, and batches are produced from a sink thread
// (kafka-thread.ts): kafkajs connects, finds leaders and decodes answers there, and the records are
// encoded by kafka-wire.ts (kafkajs' per-record objects were the sink's ceiling). With idempotence,
// kafkajs' own producer runs on the main thread. kafkajs has no linger/accumulator, so batching by
// count/bytes/age is the shared worker's; kafkajs' own retries are kept short so backoff lives in
// one place. delivery_timeout bounds how long one batch is retried before it is dropped and counted.
import { CompressionTypes, Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { bool, duration, enumOf, int, obj, str } from '../pipeline/config/schema';
import { compileTemplate } from '../pipeline/template';
import { GiveUp } from './errors';
import { Chunk, Packer, join } from './chunk';
import { KAFKA_RETRY, TopicCreator, kafkaClient } from './kafka-thread';
import { packMessage } from './kafka-wire';
import { SinkThread } from './thread';
import { reach } from './reach';
import { Packed, Sink, SinkContext, SinkDefinition, SinkRecord } from './types';

export interface KafkaConfig {
  brokers: string[]; topic: string; key?: string; headers: Record<string, string>; client_id: string;
  acks: -1 | 0 | 1; idempotent: boolean; compression: 'none' | 'gzip'; partitioner: 'default' | 'legacy';
  delivery_timeout: number; connect_timeout: number; create_topic: boolean; partitions: number; replication_factor: number;
  tls: { enabled: boolean; ca_file?: string; cert_file?: string; key_file?: string; insecure_skip_verify: boolean; server_name?: string };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

const EMPTY: Buffer = Buffer.alloc(0);
/** Largest batch (queued bytes) a kafka sink may write: brokers' default message.max.bytes. */
const MAX_BATCH_BYTES = 1 << 20;
const hostPort = (s: string) => (/^[A-Za-z0-9_.\-[\]:]+:\d{1,5}$/.test(s) ? undefined : `"${s}" is not host:port`);

/** The batch as parallel arrays, for kafkajs' producer (the idempotent path). */
interface MessageBatch { topics: string[]; keys: (string | null)[]; values: string[]; timestamps: Float64Array; headers?: string[][] }

class KafkaSink implements Sink {
  /** kafkajs' producer when idempotent (on this thread); else our produce path in a sink thread over packed messages. */
  private readonly kafka?: Kafka;
  private readonly producer?: Producer;
  private readonly topicCreator?: TopicCreator;
  private readonly thread?: SinkThread;
  private readonly packer = new Packer(1 << 20);
  private connected?: Promise<void>;
  private readonly topic; private readonly key; private readonly headers;
  private firstTry?: { batch: readonly unknown[]; at: number };
  private c = { messages: 0, export_errors: 0, delivery_timeouts: 0, topics_created: 0 };
  private closed = false;
  readonly pack?: (records: readonly SinkRecord[]) => Chunk;

  constructor(private readonly cfg: KafkaConfig, private readonly ctx: SinkContext) {
    if (cfg.idempotent) {
      this.kafka = kafkaClient(cfg);
      this.topicCreator = new TopicCreator(this.kafka, cfg);
      this.producer = this.kafka.producer({
        idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: KAFKA_RETRY,
        createPartitioner: cfg.partitioner === 'legacy' ? Partitioners.LegacyPartitioner : Partitioners.DefaultPartitioner,
      });
    } else {
      this.thread = new SinkThread('kafka', { ...cfg, fixedTopic: compileTemplate(cfg.topic).render(() => null) });
      this.pack = (records) => this.packRecords(records);
    }
    this.topic = compileTemplate(cfg.topic);
    this.key = cfg.key ? compileTemplate(cfg.key, '') : undefined;
    this.headers = Object.entries(cfg.headers).map(([k, v]) => [k, compileTemplate(v, '')] as const);
  }

  /** Templated topic, key and headers, the line and the event time of each record, packed (kafka-wire.ts) as they are queued. */
  private packRecords(records: readonly SinkRecord[]): Chunk {
    const p = this.packer;
    p.pos = 0;
    const n = records.length;
    const ends = new Uint32Array(n);
    const { ctx, topic, key } = this;
    const hs: string[] | undefined = this.headers.length ? new Array(this.headers.length * 2) : undefined;
    const raw: { raw: Buffer; start: number; end: number } = { raw: EMPTY, start: 0, end: 0 }; // reused: the line's bytes when the source rendered it
    const fixed = topic.fields.length === 0; // packed as the sink thread's fixed topic
    let row: SinkRecord['row'] = [];
    const get = (f: string) => ctx.field(row, f);
    for (let i = 0; i < n; i++) {
      const r = records[i];
      row = r.row;
      const ts = get('evt.rawtime');
      if (hs) for (let h = 0; h < this.headers.length; h++) { hs[2 * h] = this.headers[h][0]; hs[2 * h + 1] = this.headers[h][1].render(get); }
      if (r.raw) { raw.raw = r.raw; raw.start = r.rawStart!; raw.end = r.rawEnd!; }
      packMessage(p, fixed ? null : topic.render(get), key ? key.render(get) : null, r.raw ? raw : r.line, typeof ts === 'bigint' ? Number(ts / 1_000_000n) : NaN, hs);
      ends[i] = p.pos;
    }
    return new Chunk(p.take(), ends, undefined, n);
  }

  /** The batch as parallel arrays: templated topic, key and headers, the JSON line, and the event time in ms. */
  private messages(batch: readonly SinkRecord[]): MessageBatch {
    const n = batch.length;
    const topics: string[] = new Array(n);
    const keys: (string | null)[] = new Array(n);
    const values: string[] = new Array(n);
    const timestamps = new Float64Array(n);
    const headers: string[][] | undefined = this.headers.length ? new Array(n) : undefined;
    const { ctx, topic, key } = this;
    for (let i = 0; i < n; i++) {
      const r = batch[i];
      const get = (f: string) => ctx.field(r.row, f);
      topics[i] = topic.render(get);
      keys[i] = key ? key.render(get) : null;
      values[i] = r.line;
      const ts = get('evt.rawtime');
      timestamps[i] = typeof ts === 'bigint' ? Number(ts / 1_000_000n) : NaN;
      if (headers) {
        const hs: string[] = new Array(this.headers.length * 2);
        for (let h = 0; h < this.headers.length; h++) { hs[2 * h] = this.headers[h][0]; hs[2 * h + 1] = this.headers[h][1].render(get); }
        headers[i] = hs;
      }
    }
    return { topics, keys, values, timestamps, headers };
  }

  /** Counts a batch's first attempt; past delivery_timeout, gives it up. */
  private attempt(batch: readonly unknown[], events: number): void {
    if (this.closed) throw new Error('kafka sink is closed');
    if (this.firstTry?.batch !== batch) this.firstTry = { batch, at: Date.now() };
    else if (this.cfg.delivery_timeout > 0 && Date.now() - this.firstTry.at > this.cfg.delivery_timeout) {
      this.c.delivery_timeouts++;
      throw new GiveUp('delivery_timeout', `kafka: batch of ${events} not delivered within ${this.cfg.delivery_timeout}ms`);
    }
  }

  async writePacked(batch: readonly Packed[]): Promise<void> {
    const chunks = batch as readonly Chunk[];
    let events = 0;
    for (const c of chunks) events += c.events;
    this.attempt(batch, events);
    const j = join(chunks);
    try {
      const r = await this.thread!.call<{ topicsCreated: number }>('send', { data: j.data, ends: j.ends }, [j.data.buffer as ArrayBuffer, j.ends.buffer as ArrayBuffer]);
      this.c.topics_created = r.topicsCreated;
    } catch (e) { this.c.export_errors++; throw e; }
    this.c.messages += events;
    this.firstTry = undefined;
  }

  /** kafkajs' own producer, for idempotence (producer id, sequence numbers): one Message object per event. */
  private sendWithKafkajs(m: MessageBatch): Promise<unknown> {
    const byTopic = new Map<string, Message[]>();
    for (let i = 0; i < m.values.length; i++) {
      const msg: Message = { key: m.keys[i], value: m.values[i], timestamp: Number.isNaN(m.timestamps[i]) ? undefined : String(m.timestamps[i]) };
      const hs = m.headers?.[i];
      if (hs) { msg.headers = {}; for (let h = 0; h < hs.length; h += 2) msg.headers[hs[h]] = hs[h + 1]; }
      const list = byTopic.get(m.topics[i]);
      if (list) list.push(msg); else byTopic.set(m.topics[i], [msg]);
    }
    return this.producer!.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: this.cfg.acks,
      timeout: 30_000, compression: this.cfg.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    });
  }

  /** Without packing: the idempotent path, kafkajs' producer. */
  async write(batch: readonly SinkRecord[]): Promise<void> {
    this.attempt(batch, batch.length);
    const m = this.messages(batch);
    try {
      this.connected ??= this.producer!.connect().catch((e) => { this.connected = undefined; throw e; });
      await this.connected;
      await this.topicCreator!.ensure([...new Set(m.topics)]);
      this.c.topics_created = this.topicCreator!.count;
      await this.sendWithKafkajs(m);
    } catch (e) { this.c.export_errors++; throw e; }
    this.c.messages += batch.length;
    this.firstTry = undefined;
  }

  async flush(): Promise<void> {} // write() resolves only after the broker acknowledged
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.connected) await this.producer!.disconnect().catch(() => undefined);
    await this.thread?.close();
  }
  counters(): Record<string, number> { return { ...this.c }; }
}

export const kafkaSink: SinkDefinition<KafkaConfig> = {
  type: 'kafka',
  doc: 'Produces one message per event to Apache Kafka (kafkajs): templated topic/key, acks=all by default.',
  fields: {
    brokers: { schema: { kind: 'list', of: { kind: 'string', check: hostPort }, minItems: 1, orScalar: true }, required: true, doc: 'bootstrap brokers, host:port' },
    topic: str('topic; may use ${field} templates, e.g. syscalls.${proc.name}', { template: true }, { required: true }),
    key: str('message key template, e.g. ${container.id}; unset = no key (round-robin partitions)', { template: true }),
    headers: { schema: { kind: 'map', of: { kind: 'string', template: true }, what: 'header' }, default: {}, doc: 'header name -> value template' },
    client_id: str('Kafka client id', {}, { default: 'quarry' }),
    acks: { schema: { kind: 'scalar', describe: 'all, -1, 0 or 1', parse: (v) => (v === 'all' || v === -1 ? { value: -1 } : v === 0 || v === 1 ? { value: v } : { error: `acks must be all, -1, 0 or 1, got ${JSON.stringify(v)}` }) }, default: -1, doc: 'all (-1): every in-sync replica; 1: leader only; 0: no ack' },
    idempotent: bool('idempotent producer (needs acks: all)', false),
    compression: enumOf('message set compression', ['none', 'gzip'], 'none'),
    partitioner: enumOf('default: murmur2 (Java-compatible); legacy: kafkajs v1', ['default', 'legacy'], 'default'),
    delivery_timeout: duration('how long one batch is retried before it is dropped and counted (0 = forever: the queue fills and the when_full policy applies)', '0'),
    connect_timeout: duration('TCP connect timeout per broker', '3s', 1),
    create_topic: bool('create missing topics through the admin API (no broker auto-creation is ever asked for)', false),
    partitions: int('partitions for created topics', 1, 100_000, { default: 1 }),
    replication_factor: int('replication factor for created topics', 1, 100, { default: 1 }),
    tls: obj('TLS to the brokers', {
      enabled: bool('use TLS', false), ca_file: str('CA bundle (PEM)'), cert_file: str('client certificate (PEM)'), key_file: str('client key (PEM)'),
      insecure_skip_verify: bool('do not verify the broker certificate', false), server_name: str('SNI / verification name'),
    }),
    sasl: obj('SASL authentication', {
      mechanism: enumOf('SASL mechanism', ['plain', 'scram-sha-256', 'scram-sha-512']),
      username: str('user', {}, { required: true }), password: str('password; use ${ENV_VAR}', { secret: true }, { required: true }),
    }, { default: undefined }),
  },
  sharedDefaults: { batch: { max_events: 1000 } },
  example: 'type: kafka\nbrokers: [127.0.0.1:9092]\ntopic: syscalls.${proc.name}\nkey: ${container.id}\nacks: all\ncompression: gzip\n',
  requiredFields: (cfg) => [...new Set(['evt.rawtime', ...compileTemplate(cfg.topic).fields, ...(cfg.key ? compileTemplate(cfg.key).fields : []), ...Object.values(cfg.headers).flatMap((h) => compileTemplate(h).fields)])],
  check(cfg, report) {
    if (cfg.idempotent && cfg.acks !== -1) report('idempotent', 'an idempotent producer needs acks: all');
    // a batch's records for one partition go out as one record batch, which brokers refuse over
    // message.max.bytes (1 MiB by default) on every retry: the sink would stall
    const batchBytes = (cfg as KafkaConfig & { batch?: { max_bytes?: number } }).batch?.max_bytes ?? 0;
    if (batchBytes > MAX_BATCH_BYTES) report('batch', `batch.max_bytes (${batchBytes}) is over 1MiB: brokers refuse record batches over message.max.bytes (1 MiB by default), again on every retry`);
    if (cfg.sasl && !cfg.sasl.mechanism) report('sasl', 'sasl needs a mechanism (plain, scram-sha-256, scram-sha-512)');
  },
  async checkConnect(cfg) {
    const errs = await Promise.all(cfg.brokers.map((b) => reach(b.slice(0, b.lastIndexOf(':')), Number(b.slice(b.lastIndexOf(':') + 1)), cfg.connect_timeout, `broker ${b}`)));
    return errs.every(Boolean) ? `kafka unreachable: ${errs.join('; ')}` : undefined;
  },
  create: (cfg, ctx) => new KafkaSink(cfg, ctx),
};
