// SPDX-License-Identifier: Apache-2.0
// Comparing -S tables (sysdig's and Quarry's).

/** -S rows of equal count come out in no fixed order (std::sort): order each run of ties (and
 *  drop the ties at the 100-row cut). */
export function normalizeSummary(s: string): string {
  const lines = s.split('\n');
  const head = lines.indexOf('Event           #Calls');
  if (head < 0) return s;
  const start = head + 2;
  let end = start;
  while (end < lines.length && /^[<>] /.test(lines[end])) end++;
  let rows = lines.slice(start, end);
  const count = (r: string) => Number(r.slice(18));
  rows.sort((a, b) => count(b) - count(a) || (a < b ? -1 : a > b ? 1 : 0));
  // the table stops at 100 rows: which of the rows tied at the cut make it in is just as arbitrary
  if (rows.length === 100) { const last = count(rows[99]); rows = rows.filter((r) => count(r) > last); }
  return [...lines.slice(0, start), ...rows, ...lines.slice(end)].join('\n');
}
