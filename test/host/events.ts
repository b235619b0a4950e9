// SPDX-License-Identifier: Apache-2.0
// Test helpers: synthetic records for sinks, and running a pipeline config to completion.
import * as assert from 'node:assert/strict';
import { FieldValue } from '../../host/core/types';
import { PipelineConfig, checkConfigText } from '../../host/pipeline/config';
import { compileFilter } from '../../host/pipeline/filter';
import { DEFAULT_JSON_FIELDS, compileOutput } from '../../host/pipeline/format';
import { Logger } from '../../host/pipeline/log';
import { Metrics } from '../../host/pipeline/metrics';
import { PipelineRunner } from '../../host/pipeline/runner';
import { SinkContext, SinkRecord } from '../../host/sinks/types';
import { SyntheticEvents, fieldOf } from '../../host/pipeline/sources/synthetic';

export const quiet = new Logger('error', () => undefined);

/** `n` synthetic events as sink records carrying `extra` fields plus the default JSON ones. */
export function records(n: number, extra: string[] = [], seed = 7): { records: SinkRecord[]; ctx: (name: string) => SinkContext } {
  const fields = [...new Set([...DEFAULT_JSON_FIELDS, ...extra])];
  const shape = compileOutput({ format: 'json', fields: DEFAULT_JSON_FIELDS });
  const at = DEFAULT_JSON_FIELDS.map((f) => fields.indexOf(f));
  const gen = new SyntheticEvents({ count: 0, rate: 0, seed, processes: 4, batchSize: 64, lostExitRatio: 0, startNs: 1_700_000_000_000_000_000n });
  const out: SinkRecord[] = [];
  for (let i = 0; i < n; i++) {
    const ev = gen.next();
    const row: FieldValue[] = fields.map((f) => fieldOf(ev, f));
    const line = shape.render(row, at);
    out.push({ row, line, bytes: line.length });
  }
  const index = new Map(fields.map((f, i) => [f, i]));
  return {
    records: out,
    ctx: (name) => ({ pipeline: 'test', name, fields, log: quiet, field: (row, f) => (index.has(f) ? row[index.get(f)!] : null) }),
  };
}

/** Checks a config text; fails the test with its errors if it is not valid. */
export async function config(text: string): Promise<PipelineConfig> {
  const r = await checkConfigText(text, 'test.yaml', { env: process.env });
  assert.deepEqual(r.errors, []);
  return r.config!;
}

/** Runs pipelines until their finite sources end and sinks drain; returns the metrics. */
export async function runToEnd(text: string, metrics = new Metrics()): Promise<Metrics> {
  const runner = new PipelineRunner(await config(text), metrics, quiet);
  await runner.start();
  return metrics;
}

/** The events a synthetic source with `seed` yields for `filter`, rendered as the JSON lines a pipeline would output. */
export function expectedLines(opts: { count: number; seed: number; processes?: number }, filter: string, fields: string[]): string[] {
  const f = compileFilter(filter);
  if ('message' in f) throw new Error(f.message);
  const shape = compileOutput({ format: 'json', fields });
  const at = fields.map((_, i) => i);
  const gen = new SyntheticEvents({ count: opts.count, rate: 0, seed: opts.seed, processes: opts.processes ?? 8, batchSize: 256, lostExitRatio: 0, startNs: 0n });
  const out: string[] = [];
  for (let i = 0; i < opts.count; i++) {
    const ev = gen.next();
    const get = (name: string) => fieldOf(ev, name);
    if (f.matches(get)) out.push(shape.render(fields.map(get), at));
  }
  return out;
}
