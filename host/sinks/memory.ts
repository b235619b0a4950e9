// SPDX-License-Identifier: Apache-2.0
// The memory sink keeps what it receives in a named in-process store, for tests and embedding.
// It can be told to be slow or to fail, to exercise the worker's backpressure and retries.
import { duration, int, str } from '../pipeline/config/schema';
import { Sink, SinkDefinition, SinkRecord } from './types';

export interface MemoryConfig { store: string; delay: number; fail_first: number }

const stores = new Map<string, SinkRecord[]>();

/** The records written so far to the store `name` (created empty on first use). */
export function memoryStore(name: string): SinkRecord[] {
  let s = stores.get(name);
  if (!s) { s = []; stores.set(name, s); }
  return s;
}

class MemorySink implements Sink {
  private writes = 0;
  private failures = 0;
  private flushes = 0;
  private closed = false;
  private readonly store: SinkRecord[];

  constructor(private readonly cfg: MemoryConfig) { this.store = memoryStore(cfg.store); }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    if (this.closed) throw new Error('memory sink is closed');
    if (this.cfg.delay > 0) await new Promise((r) => setTimeout(r, this.cfg.delay));
    if (this.writes++ < this.cfg.fail_first) { this.failures++; throw new Error('memory sink: failing as configured (fail_first)'); }
    for (const r of batch) this.store.push(r);
  }
  async flush(): Promise<void> { this.flushes++; }
  async close(): Promise<void> { this.closed = true; }
  counters(): Record<string, number> { return { writes: this.writes, injected_failures: this.failures, flushes: this.flushes }; }
}

export const memorySink: SinkDefinition<MemoryConfig> = {
  type: 'memory',
  doc: 'Keeps events in a named in-process store (tests, embedding).',
  fields: {
    store: str('name of the in-process store', {}, { default: 'default' }),
    delay: duration('added latency per write (simulates a slow destination)', '0'),
    fail_first: int('number of writes that fail before writes succeed', 0, undefined, { default: 0 }),
  },
  example: 'type: memory\nstore: test\n',
  create: (cfg) => new MemorySink(cfg),
};
