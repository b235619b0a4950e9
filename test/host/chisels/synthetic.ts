// SPDX-License-Identifier: Apache-2.0
// A small in-memory Capture for chisel tests: events are plain field→value records, filters are a
// subset of sysdig's language (and/or/not, brackets, = != < <= > >= contains startswith exists).

import {
  Capture, CaptureStats, FieldValue, MachineInfo, OrderedRowHandler, Query, RowBatchHandler, ThreadInfo,
} from '../../../host/core/types';

export type SynthEvent = Record<string, FieldValue>;

type Pred = (e: SynthEvent) => boolean;

function tokenize(s: string): string[] {
  const out: string[] = [];
  const re = /\s*(\(|\)|!=|<=|>=|=|<|>|'[^']*'|"[^"]*"|[^\s()=<>!]+)/y;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null && m[0] !== '') out.push(m[1]);
  if (re.lastIndex < s.trimEnd().length && out.join('').length === 0) throw new Error('syntax error in filter');
  return out;
}

function compare(a: FieldValue, op: string, raw: string): boolean {
  if (a === null || a === undefined) return false;
  const b = raw.replace(/^['"]|['"]$/g, '');
  if (op === 'contains') return String(a).includes(b);
  if (op === 'startswith') return String(a).startsWith(b);
  if (typeof a === 'boolean') return op === '=' ? String(a) === b : op === '!=' ? String(a) !== b : false;
  if (typeof a === 'number' || typeof a === 'bigint') {
    const x = Number(a);
    const y = Number(b);
    switch (op) {
      case '=': return x === y;
      case '!=': return x !== y;
      case '<': return x < y;
      case '<=': return x <= y;
      case '>': return x > y;
      case '>=': return x >= y;
    }
  }
  const s = a instanceof Uint8Array ? Buffer.from(a).toString('latin1') : String(a);
  switch (op) {
    case '=': return s === b;
    case '!=': return s !== b;
    case '<': return s < b;
    case '>': return s > b;
  }
  throw new Error(`unsupported operator ${op}`);
}

/** Compiles a filter into a predicate; throws on a syntax error. */
export function compileFilter(filter: string | undefined): Pred {
  if (!filter || filter.trim() === '') return () => true;
  const t = tokenize(filter);
  let i = 0;
  const expr = (): Pred => {
    let left = unit();
    while (i < t.length && (t[i] === 'and' || t[i] === 'or')) {
      const op = t[i++];
      const right = unit();
      const l = left;
      left = op === 'and' ? (e) => l(e) && right(e) : (e) => l(e) || right(e);
    }
    return left;
  };
  const unit = (): Pred => {
    if (t[i] === 'not') {
      i++;
      const u = unit();
      return (e) => !u(e);
    }
    if (t[i] === '(') {
      i++;
      const x = expr();
      if (t[i++] !== ')') throw new Error('unexpected end of filter');
      return x;
    }
    const field = t[i++];
    if (field === undefined) throw new Error('unexpected end of filter');
    const op = t[i++];
    if (op === 'exists') return (e) => e[field] !== undefined && e[field] !== null;
    if (!['=', '!=', '<', '<=', '>', '>=', 'contains', 'startswith'].includes(op)) {
      throw new Error(`unrecognized comparison operator after ${field}`);
    }
    const value = t[i++] ?? '';
    return (e) => compare(e[field], op, value);
  };
  const p = expr();
  if (i < t.length) throw new Error('syntax error in filter');
  return p;
}

function render(e: SynthEvent, format: string): string | null {
  const star = format.startsWith('*');
  let missing = false;
  const s = (star ? format.slice(1) : format).replace(/%([a-zA-Z0-9_.\[\]]+)/g, (_, f: string) => {
    const v = e[f];
    if (v === null || v === undefined) {
      missing = true;
      return '<NA>';
    }
    return v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : String(v);
  });
  return missing && !star ? null : s;
}

export interface SyntheticOptions {
  threads?: ThreadInfo[];
  machine?: MachineInfo;
  batchSize?: number;
  sourceName?: string;
}

/** A Capture over events held in memory; evt.num and evt.rawtime default to position-based values. */
export class SyntheticCapture implements Capture {
  readonly sourceName: string;
  readonly isLive = false;
  /** The queries of the last run (for assertions). */
  lastQueries: Query[] = [];
  private processed = 0;

  constructor(private readonly events: SynthEvent[], private readonly opts: SyntheticOptions = {}) {
    this.sourceName = opts.sourceName ?? 'synthetic.scap';
  }

  checkFilter(filter: string): string | null {
    try {
      compileFilter(filter);
      return null;
    } catch (e) {
      return `filter error at position 0: ${(e as Error).message}`;
    }
  }

  machineInfo(): MachineInfo | null {
    return this.opts.machine ?? null;
  }

  async threadTable(): Promise<ThreadInfo[]> {
    return this.opts.threads ?? [];
  }

  async run(queries: Query[], onRows: RowBatchHandler, signal?: AbortSignal): Promise<CaptureStats> {
    return this.runOrdered(queries, async (qi, rows) => {
      for (let i = 0; i < rows.length; i++) await onRows(qi[i], [rows[i]]);
    }, signal);
  }

  async runOrdered(queries: Query[], onRows: OrderedRowHandler, signal?: AbortSignal): Promise<CaptureStats> {
    this.lastQueries = queries;
    const preds = queries.map((q) => compileFilter(q.filter));
    const matched = queries.map(() => 0);
    const batch = this.opts.batchSize ?? 3;
    let qi: number[] = [];
    let rows: FieldValue[][] = [];
    let read = 0;
    let stop = false;
    for (const e of this.events) {
      if (signal?.aborted || stop) break;
      read++;
      queries.forEach((q, k) => {
        if (!preds[k](e)) return;
        const row = q.fields.map((f) => (e[f] === undefined ? null : e[f]));
        if (q.format !== undefined) row.push(render(e, q.format));
        qi.push(k);
        rows.push(row);
        if (q.stopAfter !== undefined && ++matched[k] >= q.stopAfter) stop = true;
      });
      if (rows.length >= batch) {
        await onRows(qi, rows);
        qi = [];
        rows = [];
      }
    }
    if (rows.length && !signal?.aborted) await onRows(qi, rows);
    this.processed = read;
    const ts = this.events.slice(0, read).map((e) => e['evt.rawtime']).filter((v): v is bigint => typeof v === 'bigint');
    return { eventsRead: read, driverDrops: 0, firstEventTs: ts[0], lastEventTs: ts[ts.length - 1] };
  }
}
