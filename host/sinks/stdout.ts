// SPDX-License-Identifier: Apache-2.0
// The stdout sink writes one event per line to standard output, honouring pipe backpressure.
import { Writable } from 'stream';
import { Sink, SinkDefinition, SinkRecord } from './types';

class StdoutSink implements Sink {
  private lines = 0;
  private closed = false;
  constructor(private readonly out: Writable) {}

  write(batch: readonly SinkRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('stdout sink is closed'));
    let text = '';
    for (const r of batch) text += r.line + '\n';
    this.lines += batch.length;
    return new Promise((resolve, reject) => {
      const ok = this.out.write(text, (err) => { if (err) reject(err); });
      if (ok) resolve(); else this.out.once('drain', resolve);
    });
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> { this.closed = true; }
  counters(): Record<string, number> { return { lines: this.lines }; }
}

export const stdoutSink: SinkDefinition<Record<string, never>> = {
  type: 'stdout',
  doc: 'Writes each event as one line on standard output (logs go to stderr).',
  fields: {},
  example: 'type: stdout\n',
  create: () => new StdoutSink(process.stdout),
};
