// SPDX-License-Identifier: Apache-2.0
// The kafka sink's delivery half, run in a sink thread (thread.ts): the kafkajs client, topic
// creation and our produce path (kafka-produce.ts) over packed messages. Also the client setup the
// main thread's idempotent path shares.
import * as fs from 'fs';
import { Kafka, logLevel } from 'kafkajs';
import { DirectProducer } from './kafka-produce';
import { PackedMessages } from './kafka-wire';
import type { KafkaConfig } from './kafka';

export const KAFKA_RETRY = { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 };

export function kafkaClient(cfg: KafkaConfig): Kafka {
  const t = cfg.tls;
  return new Kafka({
    clientId: cfg.client_id, brokers: cfg.brokers, connectionTimeout: cfg.connect_timeout, logLevel: logLevel.NOTHING,
    ssl: t.enabled ? {
      rejectUnauthorized: !t.insecure_skip_verify, servername: t.server_name,
      ca: t.ca_file ? [fs.readFileSync(t.ca_file)] : undefined,
      cert: t.cert_file ? fs.readFileSync(t.cert_file) : undefined, key: t.key_file ? fs.readFileSync(t.key_file) : undefined,
    } : undefined,
    sasl: cfg.sasl ? { mechanism: cfg.sasl.mechanism, username: cfg.sasl.username, password: cfg.sasl.password } as any : undefined,
    retry: KAFKA_RETRY,
  });
}

/** Creates missing topics through the admin API when `create_topic` is set; counts them. */
export class TopicCreator {
  private readonly created = new Set<string>();
  count = 0;
  constructor(private readonly kafka: Kafka, private readonly cfg: KafkaConfig) {}
  async ensure(topics: readonly string[]): Promise<void> {
    const missing = topics.filter((t) => !this.created.has(t));
    if (!this.cfg.create_topic || missing.length === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const made = await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: this.cfg.partitions, replicationFactor: this.cfg.replication_factor })) });
      if (made) this.count += missing.length;
      for (const t of missing) this.created.add(t);
    } finally { await admin.disconnect(); }
  }
}

/**
 * send({ data, ends }): produces a batch of packed messages; resolves once every leader acknowledged (per acks).
 * `fixedTopic` is the topic of messages packed without one (a topic with no template).
 */
export function kafkaDeliverer(cfg: KafkaConfig & { fixedTopic: string }) {
  const kafka = kafkaClient(cfg);
  const direct = new DirectProducer(kafka, { acks: cfg.acks, timeout: 30_000, compression: cfg.compression, partitioner: cfg.partitioner, retry: KAFKA_RETRY });
  const topics = new TopicCreator(kafka, cfg);
  let connected: Promise<void> | undefined;
  return {
    async send(a: { data: Uint8Array; ends: Uint32Array }): Promise<{ topicsCreated: number }> {
      const m = new PackedMessages(a.data, a.ends, cfg.fixedTopic);
      connected ??= direct.connect().catch((e) => { connected = undefined; throw e; });
      await connected;
      await topics.ensure(m.topicNames);
      await direct.send(m);
      return { topicsCreated: topics.count };
    },
    async close(): Promise<void> {
      if (connected) await direct.disconnect().catch(() => undefined);
      connected = undefined;
    },
  };
}
