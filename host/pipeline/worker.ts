// SPDX-License-Identifier: Apache-2.0
// The one queue/worker layer every sink runs behind: a bounded queue (events and bytes) with a
// `block` or `drop_newest` policy, batching by count/bytes/age, retries with capped exponential
// backoff and jitter, a per-write timeout, and counters for every event that goes in, out or away.
import { GiveUp } from '../sinks/errors';
import { Packed, Sink, SinkRecord } from '../sinks/types';
import { Field, duration, enumOf, int, obj, size } from './config/schema';
import { Logger } from './log';
import { Labels, Metrics } from './metrics';

export interface WorkerOptions {
  buffer: { max_events: number; max_bytes: number; when_full: 'block' | 'drop_newest' };
  batch: { max_events: number; max_bytes: number; max_age: number };
  retry: { initial_backoff: number; max_backoff: number; max_attempts: number };
  timeout: number;
  /** Batches written at once (default 1). */
  concurrency?: number;
}

/** Config keys every sink has; defaults favour isolation (drop_newest) over completeness. */
export const WORKER_FIELDS: Record<string, Field> = {
  buffer: obj('bounded queue in front of the sink', {
    max_events: int('queue capacity in events', 1, 10_000_000, { default: 10_000 }),
    max_bytes: size('queue capacity in bytes', '16MiB', 1024),
    when_full: enumOf('block: stall the source until there is room; drop_newest: drop and count', ['block', 'drop_newest'], 'drop_newest'),
  }),
  batch: obj('how many events one write carries', {
    max_events: int('events per write', 1, 1_000_000, { default: 500 }),
    max_bytes: size('bytes per write', '1MiB', 1),
    max_age: duration('longest an event waits for its batch to fill', '200ms', 0, 3_600_000),
  }),
  retry: obj('what happens when a write fails', {
    initial_backoff: duration('first wait before a retry', '100ms', 1),
    max_backoff: duration('longest wait between retries', '10s', 1),
    max_attempts: int('attempts per batch before it is dropped and counted; 0 = retry forever', 0, 1_000_000, { default: 0 }),
  }),
  timeout: duration('longest one write may take before it counts as failed and is retried', '30s', 1),
  concurrency: int('batches written at once; above 1, batches (and retried events) may arrive out of order', 1, 64, { default: 1 }),
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What the queue holds: records, or for sinks that pack, their packed runs of events. */
type Item = SinkRecord | Packed;
const eventsOf = (i: Item): number => ('events' in i ? i.events : 1);

export class SinkWorker {
  private queue: Item[] = [];
  private queueEvents = 0;
  private queueBytes = 0;
  private wake?: () => void;
  private space: (() => void)[] = [];
  private idle: (() => void)[] = [];
  private flushing = 0;
  private closing = false;
  private abandon = false;
  private closed?: Promise<void>;
  private readonly loop: Promise<void>;
  private readonly labels: Labels;
  private failuresInRow = 0;
  /** Items at the queue front already handed to the sink (and their events and bytes), and their batches in order. */
  private taken = 0;
  private takenEvents = 0;
  private takenBytes = 0;
  private inflight: { n: number; events: number; bytes: number; done: boolean }[] = [];
  private onAbandon!: () => void;
  private readonly abandoned = new Promise<void>((r) => { this.onAbandon = r; });

  constructor(readonly sink: Sink, readonly opts: WorkerOptions, labels: Labels, private readonly metrics: Metrics, private readonly log: Logger) {
    this.labels = labels;
    metrics.gauge('quarry_sink_queue_events', 'Events waiting in a sink queue', labels, () => this.queueEvents);
    metrics.gauge('quarry_sink_queue_bytes', 'Bytes waiting in a sink queue', labels, () => this.queueBytes);
    for (const name of Object.keys(sink.counters())) {
      metrics.counterFrom(`quarry_sink_${name}_total`, `Sink-specific counter ${name}`, labels, () => sink.counters()[name] ?? 0);
    }
    for (const c of ['events_in', 'events_out', 'bytes_out', 'errors', 'retries']) this.count(c, 0);
    this.loop = this.run();
  }

  private count(what: string, n: number): void {
    this.metrics.inc(`quarry_sink_${what}_total`, `Sink ${what.replace('_', ' ')}`, this.labels, n);
  }

  private drop(n: number, stage: string, reason: string): void {
    if (n > 0) this.metrics.inc('quarry_dropped_events_total', 'Events dropped, by stage and reason', { stage, ...this.labels, reason }, n);
  }

  /**
   * Queues events; with `block` this waits for room, with `drop_newest` it drops what does not fit.
   * Returns a promise only when it has to wait: a source that need not await keeps no reference to
   * the records, so the thousands it hands over at a time die young instead of being promoted.
   */
  push(records: readonly SinkRecord[]): Promise<void> | undefined {
    if (this.closing) { this.drop(records.length, 'sink_queue', 'closed'); return undefined; }
    this.count('events_in', records.length);
    if (this.queueEvents === 0) this.wake?.();
    let i = this.enqueue(records, 0);
    return i < records.length ? this.waitForRoom(() => (i = this.enqueue(records, i)) >= records.length) : undefined;
  }

  /** Queues `records` from `i` on, until one does not fit under `block`: returns its index (`records.length` when none is left). */
  private enqueue(records: readonly SinkRecord[], i: number): number {
    const { max_events, max_bytes, when_full } = this.opts.buffer;
    let dropped = 0;
    let closedOn = 0;
    const full = (extraEvents: number, extraBytes: number, r: SinkRecord) =>
      this.queueEvents + extraEvents > 0 && (this.queueEvents + extraEvents >= max_events || this.queueBytes + extraBytes + r.bytes > max_bytes);
    while (i < records.length) {
      // The run of records that fits now goes in at once (packed, for sinks that pack).
      let k = 0;
      let bytes = 0;
      while (i + k < records.length && !full(k, bytes, records[i + k])) bytes += records[i + k++].bytes;
      if (k > 0) {
        if (this.sink.pack) {
          const p = this.sink.pack(k === records.length ? records : records.slice(i, i + k));
          this.queue.push(p);
          this.queueBytes += p.bytes;
        } else {
          for (let j = i; j < i + k; j++) this.queue.push(records[j]);
          this.queueBytes += bytes;
        }
        this.queueEvents += k;
        i += k;
        continue;
      }
      // records[i] does not fit.
      if (when_full === 'block' && !this.closing) break;
      if (this.closing) closedOn++; else dropped++;
      i++;
    }
    this.drop(dropped, 'sink_queue', 'queue_full');
    this.drop(closedOn, 'sink_queue', 'closed');
    if (this.queueEvents >= this.opts.batch.max_events || this.queueBytes >= this.opts.batch.max_bytes) this.wake?.();
    return i;
  }

  /** `block`: waits for room, again and again, until `queued()` says the rest went in (or was dropped as the sink closed). */
  private async waitForRoom(queued: () => boolean): Promise<void> {
    do {
      this.wake?.();
      await new Promise<void>((res) => this.space.push(res));
    } while (!queued());
  }

  /**
   * Queues events the sink already packed (Sink.packSpans), as `push` does (a promise only when it
   * has to wait): the part that does not fit waits for room (`block`) or is dropped (`drop_newest`),
   * the run split at an event.
   */
  pushPacked(p: Packed): Promise<void> | undefined {
    if (this.closing) { this.drop(p.events, 'sink_queue', 'closed'); return undefined; }
    this.count('events_in', p.events);
    if (this.queueEvents === 0) this.wake?.();
    let rest = this.enqueuePacked(p);
    return rest ? this.waitForRoom(() => (rest = this.enqueuePacked(rest!)) === undefined) : undefined;
  }

  /** Queues what of `p` fits; returns the rest that must wait for room under `block` (undefined: none). */
  private enqueuePacked(p: Packed): Packed | undefined {
    const { max_events, max_bytes, when_full } = this.opts.buffer;
    let waiting: Packed | undefined;
    for (let rest: Packed | undefined = p; rest;) {
      // as many events as fit by count and (at the run's average size) by bytes; one always fits an empty queue
      const perEvent = rest.bytes / rest.events;
      let k = Math.min(rest.events, max_events - this.queueEvents, Math.floor((max_bytes - this.queueBytes) / perEvent));
      if (this.queueEvents === 0) k = Math.max(k, 1);
      if (k > 0) {
        const [head, tail]: [Packed, Packed | undefined] = k < rest.events ? rest.split(k) : [rest, undefined];
        this.queue.push(head);
        this.queueBytes += head.bytes;
        this.queueEvents += head.events;
        rest = tail;
        continue;
      }
      if (when_full === 'block' && !this.closing) { waiting = rest; break; }
      this.drop(rest.events, 'sink_queue', this.closing ? 'closed' : 'queue_full');
      break;
    }
    if (this.queueEvents >= this.opts.batch.max_events || this.queueBytes >= this.opts.batch.max_bytes) this.wake?.();
    return waiting;
  }

  /** Resolves once every event queued so far has been written, then flushes the sink. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      if (this.queueEvents > 0) { this.wake?.(); await new Promise<void>((r) => this.idle.push(r)); }
      await this.sink.flush();
    } finally { this.flushing--; }
  }

  /** Drains within `deadlineMs`, then closes the sink; what is left is dropped and counted. Idempotent. */
  close(deadlineMs = 10_000): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      this.wake?.();
      for (const s of this.space.splice(0)) s();
      let timer: NodeJS.Timeout | undefined;
      const expired = await Promise.race([this.loop.then(() => false), new Promise<boolean>((r) => { timer = setTimeout(() => r(true), deadlineMs); })]);
      clearTimeout(timer);
      if (expired) {
        this.abandon = true;
        this.onAbandon();
        this.wake?.();
        await this.loop;
      }
      try { await this.withTimeout(this.sink.flush(), Math.max(1000, deadlineMs / 2)); } catch (e) { this.log.warn('sink flush on close failed', { ...this.labels, error: e }); }
      await this.sink.close();
    })();
    return this.closed;
  }

  private waitWork(ms?: number): Promise<void> {
    return new Promise<void>((res) => {
      const t = ms !== undefined ? setTimeout(() => { this.wake = undefined; res(); }, ms) : undefined;
      this.wake = () => { if (t) clearTimeout(t); this.wake = undefined; res(); };
    });
  }

  private async run(): Promise<void> {
    const { max_events, max_bytes, max_age } = this.opts.batch;
    const concurrency = this.opts.concurrency ?? 1;
    const running = new Set<Promise<void>>();
    let oldest = 0;
    for (;;) {
      if (this.abandon) {
        await Promise.all(running);
        this.drop(this.queueEvents, 'shutdown', 'drain_deadline');
        this.queue = []; this.queueEvents = 0; this.queueBytes = 0;
        break;
      }
      const waiting = this.queueEvents - this.takenEvents;
      if (waiting === 0) {
        if (this.inflight.length === 0) {
          for (const r of this.idle.splice(0)) r();
          if (this.closing) break;
        }
        await this.waitWork();
        oldest = Date.now();
        continue;
      }
      if (this.inflight.length >= concurrency) { await this.waitWork(); continue; }
      const age = Date.now() - oldest;
      const full = waiting >= max_events || this.queueBytes - this.takenBytes >= max_bytes;
      if (!full && !this.closing && this.flushing === 0 && this.idle.length === 0 && age < max_age) {
        await this.waitWork(max_age - age);
        continue;
      }
      let n = 0;
      let events = 0;
      let bytes = 0;
      const q = this.queue;
      const from = this.taken;
      while (from + n < q.length && events < max_events) {
        let item = q[from + n];
        const e = eventsOf(item);
        if (n > 0 && bytes + item.bytes > max_bytes) break;
        if ('split' in item) {
          // A packed run larger than what the batch has room for is split; the rest stays queued.
          let k = Math.min(e, max_events - events);
          if (bytes + item.bytes > max_bytes) k = Math.min(k, Math.max(1, Math.floor((e * (max_bytes - bytes)) / item.bytes)));
          if (k < e) {
            const [head, tail] = item.split(k);
            q.splice(from + n, 1, head, tail);
            this.queueBytes += head.bytes + tail.bytes - item.bytes;
            item = head;
          }
        }
        events += eventsOf(item);
        bytes += item.bytes;
        n++;
      }
      this.taken += n;
      this.takenEvents += events;
      this.takenBytes += bytes;
      const slot = { n, events, bytes, done: false };
      this.inflight.push(slot);
      const p: Promise<void> = this.deliver(q.slice(from, from + n), events, bytes).then(() => {
        // Batches leave the queue in order, so the queue stays a prefix-ordered record of what is pending.
        slot.done = true;
        while (this.inflight.length && this.inflight[0].done) {
          const s = this.inflight.shift()!;
          this.queue.splice(0, s.n);
          this.queueEvents -= s.events;
          this.queueBytes -= s.bytes;
          this.taken -= s.n;
          this.takenEvents -= s.events;
          this.takenBytes -= s.bytes;
        }
        running.delete(p);
        for (const w of this.space.splice(0)) w();
        this.wake?.();
      });
      running.add(p);
      if (concurrency === 1) await p;
      oldest = Date.now();
    }
    for (const r of this.idle.splice(0)) r();
  }

  private async deliver(batch: Item[], events: number, bytes: number): Promise<void> {
    const { initial_backoff, max_backoff, max_attempts } = this.opts.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        const write = this.sink.pack ? this.sink.writePacked!(batch as Packed[]) : this.sink.write(batch as SinkRecord[]);
        await this.withTimeout(write, this.opts.timeout);
        this.count('events_out', events);
        this.count('bytes_out', bytes);
        if (this.failuresInRow > 0) this.log.info('sink recovered', { ...this.labels, failed_attempts: this.failuresInRow });
        this.failuresInRow = 0;
        return;
      } catch (e) {
        this.count('errors', 1);
        if (e instanceof GiveUp) {
          this.log.warn('sink gave up on a batch', { ...this.labels, reason: e.reason, events, error: e });
          this.drop(events, 'sink_write', e.reason);
          return;
        }
        this.failuresInRow++;
        if (this.failuresInRow === 1 || this.failuresInRow % 20 === 0) this.log.warn('sink write failed', { ...this.labels, attempt, error: e });
        if ((max_attempts > 0 && attempt >= max_attempts) || this.abandon) {
          this.drop(events, 'sink_write', this.abandon ? 'drain_deadline' : 'retries_exhausted');
          return;
        }
        this.count('retries', 1);
        const backoff = Math.min(max_backoff, initial_backoff * 2 ** Math.min(attempt - 1, 30));
        await Promise.race([sleep(backoff * (0.5 + Math.random() / 2)), this.abandoned]);
      }
    }
  }

  private async withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
    let t: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([p, new Promise<never>((_, rej) => { t = setTimeout(() => rej(new Error(`timed out after ${ms}ms`)), ms); })]);
    } finally { clearTimeout(t); }
  }
}
