// SPDX-License-Identifier: Apache-2.0
// Runs a set of chisels over one capture: builds the queries from each chisel's plan, streams the
// rows to the chisels in event order, then calls on_capture_end.

import { Capture, CaptureStats, FieldValue, Query, QuarryError } from '../core/types';
import { ChiselInstance, RowKind, RunEnv, ThreadSource } from './instance';

/** Columns every chisel row starts with (evt.get_num, get_ts, get_cpuid, get_type). */
export const IMPLICIT_FIELDS = ['evt.num', 'evt.rawtime', 'evt.cpu', 'evt.type'];

/** Where each query's rows go. */
interface Route {
  chisel: number;
  kind: RowKind;
}

function and(...filters: (string | undefined)[]): string | undefined {
  const parts = filters.filter((f): f is string => f !== undefined && f.trim() !== '');
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return parts.map((f) => `(${f})`).join(' and ');
}

/** Builds the queries. A chisel with on_interval gets an unfiltered "values" query plus its own. */
export function buildQueries(chisels: ChiselInstance[], cmdFilter: string | undefined, capture: Capture) {
  const queries: Query[] = [];
  const routes: Route[] = [];
  let globalFilter = cmdFilter;
  for (const c of chisels) {
    const g = c.plan().globalFilter;
    if (g !== undefined) globalFilter = g;
  }
  chisels.forEach((c, i) => {
    const p = c.plan();
    if (p.filter !== undefined && capture.checkFilter) {
      const err = capture.checkFilter(p.filter);
      if (err) throw new QuarryError(`invalid filter in chisel ${c.name}: ${err}`);
    }
    if (capture.checkFilter) {
      for (const f of p.fields) {
        if (capture.checkFilter(`${f} exists`)) throw new QuarryError(`chisel requesting nonexistent field ${f}`);
      }
    }
    const extra = { format: p.format, stopAfter: p.stopAfter, bufferFormat: p.bufferFormat };
    const fields = [...IMPLICIT_FIELDS, ...p.fields];
    if (p.intervalNs !== 0n || p.preciseIntervalNs !== 0n) {
      queries.push({ fields, bufferFormat: p.bufferFormat });
      routes.push({ chisel: i, kind: RowKind.VALUES });
      queries.push({ filter: and(globalFilter, p.filter), fields: [], ...extra });
      routes.push({ chisel: i, kind: RowKind.RUN });
    } else {
      queries.push({ filter: and(globalFilter, p.filter), fields, ...extra });
      routes.push({ chisel: i, kind: RowKind.BOTH });
    }
  });
  return { queries, routes, globalFilter };
}

/**
 * Streams the capture through the chisels. Returns the run's stats plus the first/last event
 * timestamps (from the capture when it reports them, else from the rows seen).
 */
export async function streamChisels(chisels: ChiselInstance[], capture: Capture, env: RunEnv, signal?: AbortSignal) {
  const { queries, routes } = buildQueries(chisels, env.filter || undefined, capture);
  const abort = new AbortController();
  signal?.addEventListener('abort', () => abort.abort());
  let first: bigint | undefined;
  let last: bigint | undefined;
  let ended = false;

  const onOrdered = (qidx: ArrayLike<number>, rows: FieldValue[][]) => {
    if (ended) return;
    let start = 0;
    while (start < rows.length) {
      const c = routes[qidx[start]].chisel;
      const kinds: RowKind[] = [];
      const seg: FieldValue[][] = [];
      let i = start;
      for (; i < rows.length && routes[qidx[i]].chisel === c; i++) {
        const r = routes[qidx[i]];
        kinds.push(r.kind);
        seg.push(rows[i]);
        if (r.kind !== RowKind.RUN) {
          const ts = rows[i][1];
          if (typeof ts === 'bigint') {
            if (first === undefined) first = ts;
            last = ts;
          }
        }
      }
      if (chisels[c].deliver(kinds, seg)) {
        ended = true;
        abort.abort();
        return;
      }
      start = i;
    }
  };

  let stats: CaptureStats;
  if (capture.runOrdered) {
    stats = await capture.runOrdered(queries, onOrdered, abort.signal);
  } else {
    stats = await capture.run(queries, (q, rows) => onOrdered(new Array(rows.length).fill(q), rows), abort.signal);
  }
  return { stats, first: stats.firstEventTs ?? first ?? 0n, last: stats.lastEventTs ?? last ?? 0n };
}

/** Thread tables for on_capture_end, fetched once per filter. */
export function threadSource(capture: Capture): ThreadSource {
  const cache = new Map<string, ReturnType<ThreadSource>>();
  return (filter?: string) => {
    const key = filter ?? '';
    if (!capture.threadTable) return Promise.resolve(null);
    if (!cache.has(key)) cache.set(key, capture.threadTable({ filter }));
    return cache.get(key)!;
  };
}
