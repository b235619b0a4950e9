// SPDX-License-Identifier: Apache-2.0
// Output comparison that knows where sysdig's own output order is not fixed: LuaJIT randomises
// table iteration, so rows with equal sort values (and unsorted listings) may come in any order.

const DASHES = '-'.repeat(80);

/** Lines grouped into runs that may be reordered: a table's rows with equal values. */
function tableRuns(lines: string[]): string[][] {
  const runs: string[][] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i + 1] === DASHES) {
      runs.push([lines[i]], [lines[i + 1]]);
      i += 2;
      const rows: string[] = [];
      while (i < lines.length && lines[i + 1] !== DASHES) rows.push(lines[i++]);
      // Value is the first 20 columns; equal values form one unordered run.
      let j = 0;
      while (j < rows.length) {
        const v = rows[j].slice(0, 20);
        const run: string[] = [];
        while (j < rows.length && rows[j].slice(0, 20) === v) run.push(rows[j++]);
        runs.push(run.sort());
      }
    } else {
      runs.push([lines[i++]]);
    }
  }
  return runs;
}

export type CompareMode = 'exact' | 'table' | 'unordered' | 'count-desc';

/**
 * Returns undefined when equal, else a description of the first difference.
 * - table: tie-aware per value; at a top-N cut, rows tied with the last value may differ.
 * - unordered: same lines in any order.
 * - count-desc: `key<TAB>count` lines, sorted by count: same lines, counts non-increasing.
 */
export function compareOutputs(expected: string, actual: string, mode: CompareMode): string | undefined {
  if (expected === actual) return undefined;
  const e = expected.split('\n');
  const a = actual.split('\n');
  if (mode === 'unordered' || mode === 'count-desc') {
    const se = [...e].sort();
    const sa = [...a].sort();
    for (let i = 0; i < Math.max(se.length, sa.length); i++) {
      if (se[i] !== sa[i]) return `line sets differ: expected ${JSON.stringify(se[i])}, got ${JSON.stringify(sa[i])}`;
    }
    return undefined;
  }
  if (mode === 'table') {
    const re = tableRuns(e);
    const ra = tableRuns(a);
    for (let i = 0; i < Math.max(re.length, ra.length); i++) {
      const x = re[i]?.join('\n');
      const y = ra[i]?.join('\n');
      if (x === y) continue;
      // The last run of a truncated table: same value and size is enough.
      const last = i === re.length - 1 || re[i + 1]?.[0] === '' ;
      if (last && re[i] && ra[i] && re[i].length === ra[i].length && re[i][0].slice(0, 20) === ra[i][0].slice(0, 20)) continue;
      return `run ${i} differs: expected ${JSON.stringify(x)}, got ${JSON.stringify(y)}`;
    }
    return undefined;
  }
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) return `line ${i + 1}: expected ${JSON.stringify(e[i])}, got ${JSON.stringify(a[i])}`;
  }
  return undefined;
}
